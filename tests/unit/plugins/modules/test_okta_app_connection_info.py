# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_connection_info, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.plugins.modules import okta_app_connection_info

ORG = "https://acme.okta.com"
TOKEN = "tok-CONNINFO-SECRET-4d3c2b"
APP = "0oa4zscR7mN1xKd2B5d7"
CONNECTION = ORG + "/api/v1/apps/{0}/connections/default".format(APP)


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_connection_info.main, fixed=dict(org_url=ORG, api_token=TOKEN, app_id=APP),
                         secrets=(TOKEN,))


@pytest.mark.parametrize("connection,supported,enabled", [
    ({"status": "ENABLED", "authScheme": "TOKEN", "profile": {"authScheme": "TOKEN"}}, True, True),
    ({"status": "DISABLED", "profile": {"authScheme": "OAUTH2"}}, True, False),
    ({"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}}, False, False),
])
def test_reads_the_connection(rsps, run, connection, supported, enabled):
    rsps.get(CONNECTION, json=connection)
    rc, result = run()
    assert rc == 0 and not result["changed"] and result["connection"] == connection
    assert (result["provisioning_supported"], result["provisioning_enabled"]) == (supported, enabled)
    assert len(rsps.calls) == 1


def test_not_found(rsps, run):
    rsps.get(CONNECTION, status=404, json={"errorCode": "E0000007", "errorSummary": "Not found: Resource not found"})
    rc, result = run()
    assert rc == 1 and "app {0} was not found; check app_id".format(APP) in result["msg"]
    assert result["error_code"] == "E0000007"


def test_an_answer_that_is_not_a_connection_fails_cleanly(rsps, run):
    rsps.get(CONNECTION, json=["not", "a", "connection"])
    rc, result = run()
    assert rc == 1 and "is not a provisioning connection" in result["msg"]
