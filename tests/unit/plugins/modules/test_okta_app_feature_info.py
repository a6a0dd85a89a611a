# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_feature_info, run through the module's real exit path."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from ansible_collections.oktaops.okta.plugins.modules import okta_app_feature_info

ORG = "https://acme.okta.com"
TOKEN = "tok-INFO-SECRET-3f2e1d0c"
APP = "0oa1abcdEFGH2345ijk6"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
APPS = ORG + "/api/v1/apps"

USER_PROVISIONING = {
    "name": "USER_PROVISIONING",
    "status": "ENABLED",
    "description": "User provisioning settings from Okta to a downstream application",
    "capabilities": {
        "create": {"lifecycleCreate": {"status": "ENABLED"}},
        "update": {"lifecycleDeactivate": {"status": "ENABLED"}, "profile": {"status": "DISABLED"},
                   "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}},
    },
    "_links": {"self": {"href": FEATURES + "/USER_PROVISIONING", "hints": {"allow": ["GET", "PUT"]}}},
}
INBOUND_PROVISIONING = {
    "name": "INBOUND_PROVISIONING",
    "status": "ENABLED",
    "capabilities": {"importSettings": {"username": {"userNameFormat": "EMAIL"},
                                        "schedule": {"status": "DISABLED", "fullImport": None}}},
}


def okta_error(code, summary, causes=()):
    return {"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oaeERR1",
            "errorCauses": [{"errorSummary": cause} for cause in causes]}


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_feature_info.main, defaults=dict(org_url=ORG, api_token=TOKEN), secrets=(TOKEN,))


def test_list_features(rsps, run):
    rsps.get(FEATURES, json=[USER_PROVISIONING, INBOUND_PROVISIONING], headers={"X-Okta-Request-Id": "reqList"})
    rc, result = run(app_id=APP)
    assert rc == 0
    assert result["changed"] is False
    assert result["provisioning_enabled"] is True
    assert result["app_id"] == APP
    assert result["features"] == [USER_PROVISIONING, INBOUND_PROVISIONING]
    assert result["features"][1]["capabilities"]["importSettings"]["schedule"]["fullImport"] is None
    assert len(rsps.calls) == 1
    request = rsps.calls[0].request
    assert request.method == "GET"
    assert request.url == FEATURES
    assert request.headers["Authorization"] == "SSWS " + TOKEN
    assert "failed" not in result or result["failed"] is False


@pytest.mark.parametrize("feature, body", [("USER_PROVISIONING", USER_PROVISIONING),
                                           ("INBOUND_PROVISIONING", INBOUND_PROVISIONING)])
def test_one_feature_is_picked_from_the_list(rsps, run, feature, body):
    """One GET of the list, never the single feature's GET (whose refusals Okta does not document)."""
    single = rsps.get(FEATURES + "/" + feature, json=body)
    listed = rsps.get(FEATURES, json=[USER_PROVISIONING, INBOUND_PROVISIONING])
    rc, result = run(app_id=APP, feature=feature)
    assert rc == 0
    assert result["features"] == [body]
    assert result["provisioning_enabled"] is True and result["provisioning_supported"] is True
    assert result["changed"] is False
    assert len(rsps.calls) == 1 and listed.call_count == 1 and single.call_count == 0
    assert (rsps.calls[0].request.method, rsps.calls[0].request.url) == ("GET", FEATURES)


@pytest.mark.parametrize("feature, listed, offers", [
    ("INBOUND_PROVISIONING", [USER_PROVISIONING], "USER_PROVISIONING"),
    ("USER_PROVISIONING", [INBOUND_PROVISIONING], "INBOUND_PROVISIONING"),
    ("USER_PROVISIONING", [], "no provisioning feature"),
])
def test_a_feature_the_app_does_not_offer_fails_naming_what_it_offers(rsps, run, feature, listed, offers):
    """The list was read: provisioning works, the feature is absent. A failure, not an empty success."""
    rsps.get(FEATURES, json=listed)
    rc, result = run(app_id=APP, feature=feature)
    assert rc == 1 and result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("Cannot read {0} of app {1}: this app does not offer {0} (it offers {2}); leave feature "
                             "out to read all of the app's features, or check app_id.".format(feature, APP, offers))
    assert result["app_id"] == APP
    assert result["provisioning_supported"] is True and result["provisioning_enabled"] is True
    assert "features" not in result and "status" not in result
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", FEATURES)]


def test_unknown_feature_is_refused_without_a_request(rsps, run):
    rc, result = run(app_id=APP, feature="PUSH_NEW_USERS")
    assert rc == 1
    assert "feature" in result["msg"]
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("feature", [None, "USER_PROVISIONING"])
def test_provisioning_disabled_is_success(rsps, run, feature):
    body = okta_error("E0000001", "Api validation failed: feature",
                      causes=["Provisioning is not enabled for the app instance."])
    rsps.get(FEATURES, status=400, json=body)
    args = dict(app_id=APP)
    if feature:
        args["feature"] = feature
    rc, result = run(**args)
    assert rc == 0
    assert result["features"] == []
    assert result["provisioning_enabled"] is False
    assert result["changed"] is False
    assert result["app_id"] == APP
    assert result["provisioning_supported"] is True
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", FEATURES)]


@pytest.mark.parametrize("body", [
    okta_error("E0000001", "Api validation failed: feature", causes=["Something else is wrong."]),
    okta_error("E0000001", "Api validation failed: feature"),
    okta_error("E0000003", "The request body was not well-formed.", causes=["Provisioning is not enabled for the app."]),
])
def test_other_400_is_a_failure_with_okta_fields(rsps, run, body):
    rsps.get(FEATURES, status=400, json=body, headers={"X-Okta-Request-Id": "req400"})
    rc, result = run(app_id=APP)
    assert rc == 1
    assert result["failed"] is True
    assert result["status"] == 400
    assert result["error_code"] == body["errorCode"]
    assert result["request_id"] == "req400"
    assert result["error_id"] == "oaeERR1"
    assert result["error_causes"] == [cause["errorSummary"] for cause in body["errorCauses"]]
    assert result["app_id"] == APP
    assert "features" not in result
    assert APP in result["msg"]
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("feature", [None, "INBOUND_PROVISIONING"])
def test_404_names_the_app(rsps, run, feature):
    rsps.get(FEATURES, status=404,
             json=okta_error("E0000007", "Not found: Resource not found: {0} (AppInstance)".format(APP)))
    args = dict(app_id=APP)
    if feature:
        args["feature"] = feature
    rc, result = run(**args)
    assert rc == 1
    assert result["failed"] is True
    assert result["msg"].startswith("Cannot read the features of app {0}: app {0} was not found; check app_id".format(APP))
    assert result["status"] == 404
    assert "provisioning_supported" not in result
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", FEATURES)]


def test_label_lookup_then_read(rsps, run):
    rsps.get(APPS, json=[{"id": APP, "label": "Slack"}, {"id": "0oaOTHER", "label": "Slack Enterprise"}],
             match=[matchers.query_param_matcher({"q": "Slack", "limit": "200"})])
    rsps.get(FEATURES, json=[USER_PROVISIONING, INBOUND_PROVISIONING])
    rc, result = run(app_label="Slack", feature="INBOUND_PROVISIONING")
    assert rc == 0
    assert result["app_id"] == APP
    assert result["features"] == [INBOUND_PROVISIONING]
    assert len(rsps.calls) == 2
    assert rsps.calls[0].request.params == {"q": "Slack", "limit": "200"}
    assert rsps.calls[1].request.url == FEATURES


def test_label_matching_no_app_fails_after_one_request(rsps, run):
    rsps.get(APPS, json=[{"id": "0oaOTHER", "label": "slack"}])
    rc, result = run(app_label="Slack")
    assert rc == 1
    assert "Slack" in result["msg"]
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("args", [dict(app_id=APP), dict(app_label="Slack"), dict(app_id=APP, feature="USER_PROVISIONING")])
def test_check_mode_reads_only(rsps, run, args):
    rsps.get(APPS, json=[{"id": APP, "label": "Slack"}])
    rsps.get(FEATURES, json=[USER_PROVISIONING, INBOUND_PROVISIONING])
    rc, result = run(_ansible_check_mode=True, **args)
    assert rc == 0
    assert result["changed"] is False
    assert result["provisioning_enabled"] is True
    assert result["features"]
    assert rsps.calls
    assert all(call.request.method == "GET" for call in rsps.calls)


def test_access_token(rsps, run_module):
    access = "eyJ-INFO-ACCESS-SECRET-8h7g6f"
    rsps.get(FEATURES, json=[])
    rc, result = run_module(okta_app_feature_info.main, dict(org_url=ORG, access_token=access, app_id=APP))
    assert rc == 0
    assert result["features"] == []
    assert result["provisioning_enabled"] is True
    assert rsps.calls[0].request.headers["Authorization"] == "Bearer " + access
    assert access not in run_module.stdout


def test_environment_credentials(rsps, run_module, monkeypatch):
    env_token = "tok-INFO-ENV-SECRET-2b3c4d"
    monkeypatch.setenv("OKTA_ORG_URL", ORG)
    monkeypatch.setenv("OKTA_API_TOKEN", env_token)
    rsps.get(FEATURES, json=[USER_PROVISIONING])
    rc, result = run_module(okta_app_feature_info.main, dict(app_id=APP))
    assert rc == 0
    assert result["features"] == [USER_PROVISIONING]
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + env_token
    assert env_token not in run_module.stdout


def test_invalid_app_id_sends_nothing(rsps, run):
    rc, result = run(app_id="../../users/me")
    assert rc == 1
    assert "app_id" in result["msg"]
    assert len(rsps.calls) == 0


def test_network_failure_is_reported(rsps, run):
    rsps.get(FEATURES, body=responses.ConnectionError("Connection refused"))
    rc, result = run(app_id=APP, retries=0)
    assert rc == 1
    assert "Cannot read the features of app {0}".format(APP) in result["msg"]
    assert "Connection refused" in result["msg"]
    assert result["status"] is None
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("feature", [None, "INBOUND_PROVISIONING"])
@pytest.mark.parametrize("causes,summary", [
    (["Provisioning is not supported."], "Api validation failed: feature"),
    ([], "Api validation failed: Provisioning is not supported for this application"),
])
def test_app_type_without_provisioning_is_not_a_failure(rsps, run, causes, summary, feature):
    rsps.get(FEATURES, status=400, json=okta_error("E0000001", summary, causes))
    rc, result = run(app_id=APP, **({"feature": feature} if feature else {}))
    assert rc == 0 and not result["changed"] and result["features"] == []
    assert result["provisioning_enabled"] is False and result["provisioning_supported"] is False
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", FEATURES)]


def test_disabled_provisioning_is_still_supported(rsps, run):
    rsps.get(FEATURES, status=400, json=okta_error("E0000001", "Api validation failed: feature",
                                                   ["Provisioning is not enabled for the app instance."]))
    rc, result = run(app_id=APP)
    assert rc == 0 and result["provisioning_enabled"] is False and result["provisioning_supported"] is True
