# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's filter plugins: what Jinja hands them (registered results, skipped tasks) and their documentation."""

from __future__ import annotations

import os

import pytest
import yaml

try:  # ansible-core 2.19+: importing controller code flags the whole process as the controller
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None
WAS_CONTROLLER = getattr(module_utils_internal, "is_controller", None)

from ansible.errors import AnsibleFilterError  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.oktaops.okta.plugins.filter import app_provisioning as plugin  # noqa: E402  pylint: disable=wrong-import-position

# Module tests that run after these need module warnings collected, not displayed: restore the flag.
if module_utils_internal is not None:
    module_utils_internal.is_controller = WAS_CONTROLLER

FILTERS = plugin.FilterModule().filters()
HERE = os.path.dirname(plugin.__file__)
LISTING = {"changed": False, "apps": [{"id": "0oaSLACK", "label": "Slack"}, {"id": "0oaZOOM", "label": "Zoom"}]}
SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}


def test_every_filter_is_documented_in_its_own_file():
    assert sorted(FILTERS) == ["app_provisioning_plan", "app_provisioning_report", "app_provisioning_result",
                               "app_provisioning_select", "app_provisioning_tokens"]
    for name in FILTERS:
        with open(os.path.join(HERE, name + ".yml")) as handle:
            doc = yaml.safe_load(handle)
        assert doc["DOCUMENTATION"]["name"] == name
        assert doc["EXAMPLES"].strip() and doc["RETURN"]["_value"]["description"]
        assert "oktaops.okta." + name in doc["EXAMPLES"]
        assert _non_text_descriptions(doc) == [], "a ': ' in a plain YAML scalar made a description a mapping"


def _non_text_descriptions(node):
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description":
                found.extend(item for item in (value if isinstance(value, list) else [value])
                             if not isinstance(item, str))
            found.extend(_non_text_descriptions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_non_text_descriptions(value))
    return found


def test_plan_reads_registered_listings_and_skipped_tasks():
    apps = [{"app_label": "Zoom", "connection": {"profile": {"token": "s3cret"}}}, {"app_label": "zoom"}]
    work = FILTERS["app_provisioning_plan"](apps, LISTING, SKIPPED, baseline={}, connection={"state": "enabled"})
    assert [(i["app_id"], i["configure"]) for i in work] == [("0oaZOOM", True), (None, False)]
    assert work[1]["error"].endswith("Did you mean 'Zoom' (0oaZOOM)?")
    assert "s3cret" not in repr(work)
    assert FILTERS["app_provisioning_tokens"](apps, LISTING, SKIPPED, connection={"state": "enabled"}) == [
        {"profile": {"token": "s3cret"}}, {}]
    assert FILTERS["app_provisioning_select"](apps, LISTING)[0] == {
        "app": "Zoom", "app_id": "0oaZOOM", "app_label": "Zoom", "source": "listed", "error": None}


def test_result_reads_the_registered_loop():
    work = FILTERS["app_provisioning_plan"]([{"app_id": "0oaSLACK", "user_provisioning": {"x": {"status": "ON"}}}],
                                            LISTING)
    runs = {"changed": True, "msg": "All items completed",
            "results": [{"app_provisioning__index": 0, "changed": True, "app_id": "0oaSLACK"}]}
    got = FILTERS["app_provisioning_result"](work, runs, check_mode=False)
    assert got["summary"]["changed"] == 1 and got["apps"][0]["app_label"] == "Slack"
    empty = {"changed": False, "skipped": True, "msg": "No items in the list", "results": []}
    assert FILTERS["app_provisioning_result"]([], empty)["summary"]["apps"] == 0


def test_report_falls_back_to_the_org_url_of_the_environment(monkeypatch):
    result = {"check_mode": False, "summary": {}, "apps": []}
    monkeypatch.setenv("OKTA_CLIENT_ORGURL", "https://client.okta.com")
    assert FILTERS["app_provisioning_report"](result)["org_url"] == "https://client.okta.com"
    monkeypatch.setenv("OKTA_ORG_URL", "https://env.okta.com")
    assert FILTERS["app_provisioning_report"](result, None)["org_url"] == "https://env.okta.com"
    assert FILTERS["app_provisioning_report"](result, "https://acme.okta.com")["org_url"] == "https://acme.okta.com"


@pytest.mark.parametrize("call, words", [
    (lambda: FILTERS["app_provisioning_plan"]("Slack"), "the input must be a list of apps"),
    (lambda: FILTERS["app_provisioning_plan"]([], baseline=["x"]), "baseline must be a dictionary"),
    (lambda: FILTERS["app_provisioning_select"]([], listing="apps"), "listing must be the registered result"),
    (lambda: FILTERS["app_provisioning_result"]([], runs="x"), "runs must be the registered result"),
])
def test_wrong_types_fail_with_a_sentence(call, words):
    with pytest.raises(AnsibleFilterError) as caught:
        call()
    assert words in str(caught.value)
