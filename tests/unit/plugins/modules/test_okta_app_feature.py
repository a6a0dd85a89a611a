# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_feature, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

import json

import pytest

from ansible_collections.oktaops.okta.plugins.modules import okta_app_feature

ORG = "https://acme.okta.com"
TOKEN = "tok-FEATURE-SECRET-9a8b7c"
APP = "0oa1abcdEFGH2345ijk6"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
USER = {"name": "USER_PROVISIONING", "status": "ENABLED",
        "capabilities": {"update": {"profile": {"status": "DISABLED"}}}}
CHANGE = {"update": {"profile": {"status": "ENABLED"}}}


def okta_error(summary, causes=()):
    return {"errorCode": "E0000001", "errorSummary": summary, "errorId": "oaeERR1",
            "errorCauses": [{"errorSummary": cause} for cause in causes]}


@pytest.fixture
def run(module_runner):
    run_with = module_runner(okta_app_feature.main, fixed=dict(org_url=ORG, api_token=TOKEN, app_id=APP),
                             secrets=(TOKEN,))

    def run_feature(feature="USER_PROVISIONING", capabilities=None, **args):
        return run_with(feature=feature, capabilities=capabilities or CHANGE, **args)

    return run_feature


def test_change_reads_the_list_once_and_puts_the_feature(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=dict(USER, capabilities=CHANGE))
    rc, result = run()
    assert rc == 0 and result["changed"] and result["changed_settings"] == ["update.profile.status"]
    assert [(c.request.method, c.request.url) for c in rsps.calls] == [
        ("GET", FEATURES), ("PUT", FEATURES + "/USER_PROVISIONING")]
    assert json.loads(rsps.calls[1].request.body) == CHANGE


def test_nothing_to_change_is_one_get(rsps, run):
    rsps.get(FEATURES, json=[dict(USER, capabilities=CHANGE)])
    rc, result = run()
    assert rc == 0 and not result["changed"] and len(rsps.calls) == 1


@pytest.mark.parametrize("summary,causes", [
    ("Api validation failed: feature", ["Provisioning is not supported."]),
    ("Api validation failed: Provisioning is not supported for this application", []),
])
def test_unsupported_fails_before_any_write(rsps, run, summary, causes):
    rsps.get(FEATURES, status=400, json=okta_error(summary, causes))
    rc, result = run()
    assert rc == 1 and result["provisioning_supported"] is False and result["error_code"] == "E0000001"
    assert "this app's type offers no provisioning" in result["msg"]
    assert [c.request.method for c in rsps.calls] == ["GET"]


def test_disabled_says_enable_the_connection_first(rsps, run):
    rsps.get(FEATURES, status=400, json=okta_error("Api validation failed: feature",
                                                   ["Provisioning is not enabled for the app instance."]))
    rc, result = run()
    assert rc == 1 and "enable its provisioning connection first" in result["msg"]
    assert result["provisioning_supported"] is True and len(rsps.calls) == 1


def test_feature_the_app_does_not_offer(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rc, result = run("INBOUND_PROVISIONING", {"import_rules": {"user_create_and_match": {"allow_partial_match": True}}})
    assert rc == 1 and "does not offer INBOUND_PROVISIONING (it offers USER_PROVISIONING)" in result["msg"]
    assert "not found" not in result["msg"] and len(rsps.calls) == 1


def test_unknown_app_is_not_found(rsps, run):
    rsps.get(FEATURES, status=404, json={"errorCode": "E0000007", "errorSummary": "Not found: Resource not found"})
    rc, result = run()
    assert rc == 1 and result["msg"].startswith("Cannot read the features of app {0}: app {0} was not found".format(APP))
    assert result["status"] == 404


def test_put_okta_did_not_apply_is_reported(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=USER)
    rc, result = run()
    assert rc == 1 and result["unapplied_settings"] == ["update.profile.status"]


def test_check_mode_reads_only(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rc, result = run(_ansible_check_mode=True)
    assert rc == 0 and result["changed"] and [c.request.method for c in rsps.calls] == ["GET"]
    assert result["feature"]["capabilities"] == CHANGE


@pytest.mark.parametrize("value,shown", [(5, "int"), ([1], "list"), (True, "bool"), ("neither", "text that is")])
def test_non_dict_capabilities_fail_cleanly(rsps, run_module, value, shown):
    # Guards OktaModule._load_params (a private ansible-core method, see its comment): without it ansible-core
    # raises a TypeError, or echoes api_token, for a dict option given something else.
    from ansible.module_utils.basic import AnsibleModule

    assert callable(getattr(AnsibleModule, "_load_params", None)), "ansible-core no longer has _load_params"
    rc, result = run_module(okta_app_feature.main, dict(org_url=ORG, api_token=TOKEN, app_id=APP,
                                                        feature="USER_PROVISIONING", capabilities=value))
    assert rc == 1 and result["msg"].startswith("Invalid arguments: capabilities must be a dictionary, got " + shown)
    assert TOKEN not in run_module.stdout and not rsps.calls
