# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_provisioning_info, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.plugins.modules import okta_app_provisioning_info

ORG = "https://acme.okta.com"
TOKEN = "tok-PROVINFO-SECRET-7a6b5c"
APP = "0oa5o2oT3bJ8pWe6C5d7"
CONNECTION = ORG + "/api/v1/apps/{0}/connections/default".format(APP)
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
UNSUPPORTED = {"errorCode": "E0000001", "errorSummary": "Api validation failed: feature",
               "errorCauses": [{"errorSummary": "Provisioning is not supported."}]}


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_provisioning_info.main, fixed=dict(org_url=ORG, api_token=TOKEN, app_id=APP),
                         secrets=(TOKEN, "conn-token-value"))


def test_an_enabled_connection_and_its_features_in_two_requests(rsps, run):
    rsps.get(CONNECTION, json={"status": "ENABLED", "profile": {
        "authScheme": "OAUTH2", "clientId": "0oa2", "signing": {"rotationMode": "AUTO"}, "token": "conn-token-value"}})
    rsps.get(FEATURES, json=[
        {"name": "USER_PROVISIONING", "status": "ENABLED",
         "capabilities": {"create": {"lifecycleCreate": {"status": "ENABLED"}}}},
        {"name": "INBOUND_PROVISIONING", "status": "ENABLED",
         "capabilities": {"importSettings": {"username": {"userNameFormat": "EMAIL"}}}},
    ])
    rc, result = run()
    assert rc == 0 and not result["changed"] and len(rsps.calls) == 2
    assert result["provisioning_supported"] and result["provisioning_enabled"]
    assert "token" not in result["connection"]["profile"] and "authorize_url" not in result
    assert sorted(result["features"]) == ["INBOUND_PROVISIONING", "USER_PROVISIONING"]
    assert result["options"] == {
        "connection": {"state": "enabled", "profile": {"auth_scheme": "OAUTH2", "client_id": "0oa2",
                                                       "signing": {"rotation_mode": "AUTO"}}},
        "user_provisioning": {"create": {"lifecycle_create": {"status": "ENABLED"}}},
        "inbound_provisioning": {"import_settings": {"username": {"username_format": "EMAIL"}}},
    }


def test_a_connection_that_is_off_is_one_request_and_carries_the_consent_url(rsps, run):
    rsps.get(CONNECTION, json={"status": "DISABLED", "profile": {"authScheme": "OAUTH2"},
                               "_links": {"authorize": {"href": "https://acme.okta.com/consent?x=1"}}})
    rc, result = run()
    assert rc == 0 and len(rsps.calls) == 1
    assert result["authorize_url"] == "https://acme.okta.com/consent?x=1"
    assert result["provisioning_supported"] and not result["provisioning_enabled"]
    assert result["features"] == {}
    assert result["options"] == {"connection": {"state": "disabled", "profile": {"auth_scheme": "OAUTH2"}}}


def test_an_app_type_without_provisioning_is_an_answer_not_a_failure(rsps, run):
    rsps.get(CONNECTION, json={"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}})
    rc, result = run()
    assert rc == 0 and len(rsps.calls) == 1
    assert result["provisioning_supported"] is False and result["options"] == {} and result["features"] == {}


def test_features_refused_as_unsupported_are_an_answer_too(rsps, run):
    rsps.get(CONNECTION, json={"status": "ENABLED", "profile": {"authScheme": "TOKEN"}})
    rsps.get(FEATURES, status=400, json=UNSUPPORTED)
    rc, result = run()
    assert rc == 0 and result["provisioning_supported"] is False and result["options"] == {}


def test_an_unknown_app_fails_with_a_sentence(rsps, run):
    rsps.get(CONNECTION, status=404, json={"errorCode": "E0000007", "errorSummary": "Not found: Resource not found"})
    rc, result = run()
    assert rc == 1 and "app {0} was not found; check app_id".format(APP) in result["msg"]
