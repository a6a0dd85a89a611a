# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Resolving an app label: the one function behind the module base's app_label and the role's labels."""

from __future__ import annotations

from ansible_collections.oktaops.okta.plugins.module_utils import _apps

APPS = [
    {"id": "0oaSLACK1", "label": "Slack", "status": "ACTIVE"},
    {"id": "0oaSLACK3", "label": "Slack Enterprise", "status": "ACTIVE"},
    {"id": "0oaAN2", "label": "Analytics", "status": "ACTIVE"},
    {"id": "0oaAN1", "label": "Analytics", "status": "INACTIVE"},
    {"id": "0oaWIKI", "label": "Legacy Wiki", "status": "INACTIVE"},
    "not an app",
]


def test_one_exact_match_gives_its_id_whatever_its_status():
    assert _apps.resolve_label(APPS, "Slack") == ("0oaSLACK1", None)
    assert _apps.resolve_label(APPS, "Legacy Wiki") == ("0oaWIKI", None)


def test_no_match_says_what_to_do():
    assert _apps.resolve_label(APPS, "No Such App") == (
        None, "No app has the label 'No Such App' (labels are matched exactly, including case); check app_label or "
              "use app_id.")
    assert _apps.resolve_label([], "Slack")[0] is None


def test_a_prefix_is_not_a_match_and_gets_no_hint():
    app_id, problem = _apps.resolve_label(APPS, "Slac")
    assert app_id is None and "Did you mean" not in problem


def test_a_label_that_differs_only_in_case_is_named():
    app_id, problem = _apps.resolve_label(APPS, "slack")
    assert app_id is None
    assert problem == ("No app has the label 'slack' (labels are matched exactly, including case); check app_label "
                       "or use app_id. Did you mean 'Slack' (0oaSLACK1)?")
    _app_id, problem = _apps.resolve_label(APPS, "ANALYTICS")
    assert problem.endswith("Did you mean 'Analytics' (0oaAN1) or 'Analytics' (0oaAN2)?")


def test_several_matches_name_every_id_sorted():
    assert _apps.resolve_label(APPS, "Analytics") == (
        None, "2 apps have the label 'Analytics' (0oaAN1, 0oaAN2); use app_id to say which one.")


def test_an_exact_match_wins_over_case_variants():
    apps = [{"id": "0oa1", "label": "Slack"}, {"id": "0oa2", "label": "SLACK"}]
    assert _apps.resolve_label(apps, "SLACK") == ("0oa2", None)


def test_label_params_find_apps_of_every_status_one_page_of_200_at_a_time():
    assert _apps.label_params("HR & Payroll #1") == {"limit": _apps.PAGE_LIMIT, "q": "HR & Payroll #1"}
    assert _apps.PAGE_LIMIT == 200
