# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's Markdown drift report, rendered from the report data as the template module renders it
(trim_blocks), for outcomes the emulator runs do not all reach (consent_required)."""

from __future__ import annotations

import json
import pathlib

import jinja2

from ansible_collections.oktaops.okta.plugins.module_utils import _role

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "roles" / "app_provisioning" / "templates"
URL = "https://partner.example.com/oauth2/v1/authorize?client_id=0oa9&state=abc"


def render(report):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["to_json"] = json.dumps
    return env.get_template("drift_report.md.j2").render(app_provisioning__report=report)


def sample(check_mode):
    item = {"app": "Slack", "app_id": "0oaSLACK", "app_label": "Slack", "source": "listed", "error": None,
            "connection": {}, "features": {"USER_PROVISIONING": {"update": {"profile": {"status": "ENABLED"}}}}}
    partner = dict(item, app="Partner Org", app_id="0oaPARTNER", app_label="Partner Org",
                   connection={"state": "enabled"})
    wiki = dict(item, app="Portal", app_id="0oaPORTAL", app_label="Portal")
    runs = [
        {"changed": True, "changed_settings": ["USER_PROVISIONING.update.profile.status"],
         "diff": {"before": {"USER_PROVISIONING": {"update": {"profile": {"status": "DISABLED"}}}},
                  "after": {"USER_PROVISIONING": {"update": {"profile": {"status": "ENABLED"}}}}}},
        {"consent_required": True, "provisioning_supported": True, "authorize_url": URL,
         "msg": "The connection waits for an administrator's consent."},
        {"provisioning_supported": False, "msg": "no provisioning"},
    ]
    result = _role.result([item, partner, wiki], runs, check_mode=check_mode)
    return _role.report(result, org_url="https://acme.okta.com", generated_at="2026-01-31T08:15:00Z")


def test_the_report_says_when_for_which_org_and_in_which_mode():
    assert "Made 2026-01-31T08:15:00Z (UTC) for https://acme.okta.com, in check mode." in render(sample(True))
    applied = render(sample(False))
    assert "Made 2026-01-31T08:15:00Z (UTC) for https://acme.okta.com, in apply mode." in applied
    assert "| 3 | 1 | 0 | 0 | 1 | 1 |" in applied


def test_apps_waiting_for_consent_are_listed_with_their_url_not_as_failures():
    markdown = render(sample(False))
    section = markdown.split("## Apps waiting for an administrator's consent (consent_required)")[1]
    assert "| Partner Org | 0oaPARTNER | <%s> |" % URL in section.split("## ")[0]
    assert "## Partner Org" not in markdown and "Error:" not in markdown
    assert "| `update.profile.status` | \"DISABLED\" | \"ENABLED\" | **no** |" in markdown
    assert "| Portal | 0oaPORTAL |" in markdown.split("## Apps without provisioning (unsupported)")[1]
