# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_connection, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

import json

import pytest

from ansible_collections.oktaops.okta.plugins.modules import okta_app_connection

ORG = "https://acme.okta.com"
TOKEN = "tok-CONN-SECRET-8e7d6c"
SCIM_TOKEN = "scim-SECRET-5f4e3d"
APP = "0oa4zscR7mN1xKd2B5d7"
CONNECTION = ORG + "/api/v1/apps/{0}/connections/default".format(APP)
DISABLED = {"status": "DISABLED", "authScheme": "TOKEN", "baseUrl": "https://scim.example.com/v2",
            "profile": {"authScheme": "TOKEN"}}


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_connection.main, fixed=dict(org_url=ORG, api_token=TOKEN, app_id=APP), secrets=(TOKEN, SCIM_TOKEN))


def test_enable_only_is_one_lifecycle_call(rsps, run):
    rsps.get(CONNECTION, json=DISABLED)
    rsps.post(CONNECTION + "/lifecycle/activate", status=204)
    rc, result = run(state="enabled")
    assert rc == 0 and result["changed"] and result["changed_settings"] == ["status"]
    assert [(c.request.method, c.request.url) for c in rsps.calls] == [
        ("GET", CONNECTION), ("POST", CONNECTION + "/lifecycle/activate")]
    assert result["connection"]["status"] == "ENABLED"


def test_profile_and_enable_is_one_post_with_activate(rsps, run):
    rsps.get(CONNECTION, json=DISABLED)
    rsps.post(CONNECTION, json=dict(DISABLED, status="ENABLED", baseUrl="https://scim.example.com/v3"))
    rc, result = run(profile={"auth_scheme": "TOKEN", "base_url": "https://scim.example.com/v3",
                              "token": SCIM_TOKEN})
    assert rc == 0 and result["changed"] and result["token_sent"]
    post = rsps.calls[1].request
    assert post.url == CONNECTION + "?activate=true"
    assert json.loads(post.body)["profile"]["token"] == SCIM_TOKEN


def test_refused_activation_says_what_to_do(rsps, run):
    rsps.get(CONNECTION, json=DISABLED)
    rsps.post(CONNECTION + "/lifecycle/activate", status=400,
              json={"errorCode": "E0000001", "errorSummary": "Api validation failed: activate", "errorCauses": []})
    rc, result = run(state="enabled")
    assert rc == 1 and result["error_code"] == "E0000001" and result["changed_settings"] == ["status"]
    assert result["provisioning_supported"] is True and result.get("changed", False) is False
    assert result["msg"].startswith("Cannot activate the provisioning connection of app {0}: Okta answered 400".format(APP))
    assert result["msg"].endswith("they are sent with the write that enables the connection.")


def test_unknown_connection_fails_before_any_change(rsps, run):
    rsps.get(CONNECTION, json={"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}})
    rc, result = run(state="enabled")
    assert rc == 1 and "no provisioning support" in result["msg"] and len(rsps.calls) == 1


def test_nothing_to_change_is_one_get(rsps, run):
    rsps.get(CONNECTION, json=dict(DISABLED, status="ENABLED"))
    rc, result = run(state="enabled")
    assert rc == 0 and not result["changed"] and len(rsps.calls) == 1
