# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_provisioning, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

import json

import pytest

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import connection_argument_spec
from ansible_collections.oktaops.okta.plugins.module_utils._features import feature_argument_spec
from ansible_collections.oktaops.okta.plugins.modules import okta_app_provisioning

ORG = "https://acme.okta.com"
TOKEN = "tok-PROV-SECRET-1a2b3c"
SCIM_TOKEN = "scim-PROV-SECRET-4d5e6f"
APP = "0oa4zscR7mN1xKd2B5d7"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
CONNECTION = ORG + "/api/v1/apps/{0}/connections/default".format(APP)
USER = {"name": "USER_PROVISIONING", "status": "ENABLED",
        "capabilities": {"update": {"profile": {"status": "DISABLED"},
                                    "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}}}}
INBOUND = {"name": "INBOUND_PROVISIONING", "status": "ENABLED",
           "capabilities": {"importSettings": {"username": {"userNameFormat": "EMAIL"}},
                            "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "EMAIL"}}}}
ENABLED = {"status": "ENABLED", "authScheme": "TOKEN", "baseUrl": "https://scim.example.com/v2",
           "profile": {"authScheme": "TOKEN"}}
DISABLED = dict(ENABLED, status="DISABLED")
NOT_ENABLED = {"errorCode": "E0000001", "errorSummary": "Api validation failed: Provisioning",
               "errorCauses": [{"errorSummary": "Provisioning is not enabled for the app instance."}]}
NOT_SUPPORTED = {"errorCode": "E0000001", "errorSummary": "Api validation failed",
                 "errorCauses": [{"errorSummary": "Provisioning is not supported."}]}
PROFILE_ON = {"update": {"profile": {"status": "ENABLED"}}}


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_provisioning.main, fixed=dict(org_url=ORG, api_token=TOKEN, app_id=APP), secrets=(TOKEN, SCIM_TOKEN))


def sent(rsps):
    return [(c.request.method, c.request.url) for c in rsps.calls]


def test_options_come_from_the_sibling_modules_specs():
    spec = okta_app_provisioning.argument_spec()
    assert spec["connection"]["options"] == connection_argument_spec()
    assert spec["user_provisioning"] == feature_argument_spec("USER_PROVISIONING")
    assert spec["inbound_provisioning"] == feature_argument_spec("INBOUND_PROVISIONING")
    assert set(spec["user_provisioning"]["options"]) == {"create", "update"}
    assert set(spec["inbound_provisioning"]["options"]) == {"import_settings", "import_rules"}


def test_nothing_to_change_is_one_get(rsps, run):
    rsps.get(FEATURES, json=[dict(USER, capabilities=PROFILE_ON), INBOUND])
    rc, result = run(user_provisioning=PROFILE_ON, inbound_provisioning={"import_settings": {
        "username": {"username_format": "EMAIL"}}}, _ansible_diff=True)
    assert rc == 0 and not result["changed"] and sent(rsps) == [("GET", FEATURES)]
    assert result["changed_settings"] == [] and result["provisioning_supported"] is True
    assert set(result["features"]) == {"USER_PROVISIONING", "INBOUND_PROVISIONING"}
    assert set(result["diff"]["before"]) == {"USER_PROVISIONING", "INBOUND_PROVISIONING"}


def test_with_connection_nothing_to_change_is_two_gets_connection_first(rsps, run):
    rsps.get(CONNECTION, json=ENABLED)
    rsps.get(FEATURES, json=[dict(USER, capabilities=PROFILE_ON)])
    rc, result = run(connection={"state": "enabled"}, user_provisioning=PROFILE_ON)
    assert rc == 0 and not result["changed"]
    assert sent(rsps) == [("GET", CONNECTION), ("GET", FEATURES)]
    assert result["connection"] == ENABLED


def test_each_feature_that_differs_is_one_put(rsps, run):
    rsps.get(FEATURES, json=[USER, INBOUND])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=dict(USER, capabilities={"update": {
        "profile": {"status": "ENABLED"}, "password": USER["capabilities"]["update"]["password"]}}))
    rc, result = run(user_provisioning=PROFILE_ON, inbound_provisioning={"import_settings": {
        "username": {"username_format": "EMAIL"}}})
    assert rc == 0 and result["changed"]
    assert sent(rsps) == [("GET", FEATURES), ("PUT", FEATURES + "/USER_PROVISIONING")]
    body = json.loads(rsps.calls[1].request.body)
    assert body["update"]["password"] == USER["capabilities"]["update"]["password"], "settings not named are kept"
    assert result["changed_settings"] == ["USER_PROVISIONING.update.profile.status"]
    assert result["features"]["USER_PROVISIONING"]["capabilities"]["update"]["profile"]["status"] == "ENABLED"


def test_connection_is_written_before_the_features(rsps, run):
    rsps.get(CONNECTION, json=ENABLED)
    rsps.get(FEATURES, json=[USER])
    rsps.post(CONNECTION, json=dict(ENABLED, baseUrl="https://scim.example.com/v3"))
    rsps.put(FEATURES + "/USER_PROVISIONING", json=dict(USER, capabilities=PROFILE_ON))
    rc, result = run(connection={"profile": {"auth_scheme": "TOKEN", "base_url": "https://scim.example.com/v3",
                                             "token": SCIM_TOKEN}}, user_provisioning=PROFILE_ON)
    assert rc == 0 and result["changed"] and result["token_sent"]
    assert sent(rsps) == [("GET", CONNECTION), ("GET", FEATURES), ("POST", CONNECTION),
                          ("PUT", FEATURES + "/USER_PROVISIONING")]
    assert result["changed_settings"] == ["connection.baseUrl", "connection.profile.token",
                                          "USER_PROVISIONING.update.profile.status"]


def test_enabling_reads_the_features_after_the_connection_write(rsps, run):
    rsps.get(CONNECTION, json=DISABLED)
    rsps.post(CONNECTION + "/lifecycle/activate", status=204)
    rsps.get(FEATURES, json=[USER])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=dict(USER, capabilities=PROFILE_ON))
    rc, result = run(connection={"state": "enabled"}, user_provisioning=PROFILE_ON)
    assert rc == 0 and result["changed"]
    assert sent(rsps) == [("GET", CONNECTION), ("POST", CONNECTION + "/lifecycle/activate"), ("GET", FEATURES),
                          ("PUT", FEATURES + "/USER_PROVISIONING")]
    assert result["connection"]["status"] == "ENABLED"
    assert result["changed_settings"] == ["connection.status", "USER_PROVISIONING.update.profile.status"]


def test_check_mode_enabling_reports_features_as_unknown(rsps, run):
    rsps.get(CONNECTION, json=DISABLED)
    rc, result = run(connection={"state": "enabled"}, user_provisioning=PROFILE_ON, _ansible_check_mode=True,
                     _ansible_diff=True)
    assert rc == 0 and result["changed"] and sent(rsps) == [("GET", CONNECTION)]
    unknown = okta_app_provisioning.KNOWN_AFTER_ENABLE
    assert result["features"] == {"USER_PROVISIONING": unknown}
    assert result["diff"]["before"]["USER_PROVISIONING"] == result["diff"]["after"]["USER_PROVISIONING"] == unknown
    assert result["diff"]["after"]["connection"]["status"] == "ENABLED"


def test_disabled_connection_without_connection_option_says_to_enable_it(rsps, run):
    rsps.get(FEATURES, status=400, json=NOT_ENABLED)
    rc, result = run(user_provisioning=PROFILE_ON)
    assert rc == 1 and "enable its provisioning connection first" in result["msg"]
    assert result["provisioning_supported"] is True and len(rsps.calls) == 1


@pytest.mark.parametrize("connection", [None, {"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}}])
def test_unsupported_app_fails_before_any_write(rsps, run, connection):
    rsps.get(FEATURES, status=400, json=NOT_SUPPORTED)
    args = dict(user_provisioning=PROFILE_ON)
    if connection:
        rsps.get(CONNECTION, json=connection)
        args["connection"] = {"state": "enabled"}
    rc, result = run(**args)
    assert rc == 1 and result["provisioning_supported"] is False
    assert "no provisioning" in result["msg"]
    assert all(c.request.method == "GET" for c in rsps.calls) and len(rsps.calls) == 1


def test_feature_not_offered_fails_before_any_write(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rc, result = run(user_provisioning=PROFILE_ON, inbound_provisioning={"import_rules": {
        "user_create_and_match": {"exact_match_criteria": "EMAIL"}}})
    assert rc == 1 and "does not offer INBOUND_PROVISIONING (it offers USER_PROVISIONING)" in result["msg"]
    assert sent(rsps) == [("GET", FEATURES)]


def test_unapplied_setting_fails(rsps, run):
    rsps.get(FEATURES, json=[USER])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=USER)
    rc, result = run(user_provisioning={"update": {"password": {"status": "ENABLED"}}})
    assert rc == 1 and result["unapplied_settings"] == ["update.password.status"]
    assert "did not apply update.password.status" in result["msg"]


@pytest.mark.parametrize("args, words", [
    ({}, "one of the following is required"),
    ({"user_provisioning": {}}, "user_provisioning sets no value"),
    ({"user_provisioning": {"update": {"password": {"status": "ON"}}}}, "got: ON found in user_provisioning"),
    ({"connection": {"state": "disabled"}, "user_provisioning": PROFILE_ON}, "cannot be configured in the same"),
    ({"connection": {"profile": {"auth_scheme": "OAUTH2", "token": SCIM_TOKEN}}}, "belongs to a TOKEN connection"),
    ({"inbound_provisioning": {"create": {"lifecycle_create": {"status": "ENABLED"}}}}, "Unsupported parameters"),
    ({"user_provisioning": 5}, "user_provisioning must be a dictionary"),
])
def test_bad_input_sends_nothing(rsps, run, args, words):
    rc, result = run(**args)
    assert rc == 1 and words in result["msg"] and len(rsps.calls) == 0
