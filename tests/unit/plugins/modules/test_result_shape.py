# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One result shape: every module through its failure paths, with HTTP mocked, checked for the keys they share.

* ``provisioning_supported`` whenever the module read the app's provisioning (connection or features), on success and
  on failure; absent only when the task failed before Okta said (bad input, an app not found, an Okta error on the
  first read).
* ``problems`` (a non-empty list) on invalid input, with nothing sent.
* ``status``, ``error_code``, ``request_id``... beside ``msg`` for an Okta error; ``changed_settings`` when a write
  of changed settings failed; ``changed`` false whenever nothing was written.
"""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.plugins.modules import (
    okta_app_connection,
    okta_app_connection_info,
    okta_app_feature,
    okta_app_feature_info,
    okta_app_info,
    okta_app_provisioning,
    okta_app_provisioning_info,
)

ORG = "https://acme.okta.com"
TOKEN = "tok-SHAPE-SECRET-3c2b1a"
APP = "0oa1abcdEFGH2345ijk6"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
CONNECTION = ORG + "/api/v1/apps/{0}/connections/default".format(APP)
USER = {"name": "USER_PROVISIONING", "status": "ENABLED", "capabilities": {"update": {"profile": {"status": "DISABLED"}}}}
PROFILE_ON = {"update": {"profile": {"status": "ENABLED"}}}
CONN_ENABLED = {"status": "ENABLED", "authScheme": "TOKEN", "baseUrl": "https://scim.example.com/v2",
                "profile": {"authScheme": "TOKEN"}}
CONN_DISABLED = dict(CONN_ENABLED, status="DISABLED")
CONN_UNKNOWN = {"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}}
HEADERS = {"X-Okta-Request-Id": "req-shape-1"}


def okta_error(code, summary, causes=()):
    return {"errorCode": code, "errorSummary": summary, "errorId": "oaeSHAPE",
            "errorCauses": [{"errorSummary": cause} for cause in causes]}


UNSUPPORTED = (400, okta_error("E0000001", "Api validation failed", ["Provisioning is not supported."]))
DISABLED = (400, okta_error("E0000001", "Api validation failed: feature",
                            ["Provisioning is not enabled for the app instance."]))
NOT_FOUND = (404, okta_error("E0000007", "Not found: Resource not found: {0} (AppInstance)".format(APP)))
FORBIDDEN = (403, okta_error("E0000006", "You do not have permission to perform the requested action"))
SERVER_ERROR = (500, okta_error("E0000009", "Internal Server Error"))

MODULES = {
    "feature": (okta_app_feature.main, dict(feature="USER_PROVISIONING", capabilities=PROFILE_ON)),
    "feature_info": (okta_app_feature_info.main, {}),
    "feature_info_one": (okta_app_feature_info.main, dict(feature="USER_PROVISIONING")),
    "connection": (okta_app_connection.main, dict(state="enabled")),
    "connection_info": (okta_app_connection_info.main, {}),
    "provisioning": (okta_app_provisioning.main, dict(user_provisioning=PROFILE_ON)),
    "provisioning_connection": (okta_app_provisioning.main, dict(connection=dict(state="enabled"),
                                                                 user_provisioning=PROFILE_ON)),
    "app_info": (okta_app_info.main, {}),
    "provisioning_info": (okta_app_provisioning_info.main, {}),
}
# The first read of each module: the URL, or None for a module that reads no provisioning.
FIRST_READ = {"feature": FEATURES, "feature_info": FEATURES, "feature_info_one": FEATURES, "connection": CONNECTION, "connection_info": CONNECTION,
              "provisioning": FEATURES, "provisioning_connection": CONNECTION, "provisioning_info": CONNECTION,
              "app_info": ORG + "/api/v1/apps/" + APP}
READS_PROVISIONING = ("feature", "feature_info", "feature_info_one", "connection", "connection_info", "provisioning", "provisioning_info",
                      "provisioning_connection")
ABSENT = object()


def answer(rsps, method, url, status_and_body):
    status, body = status_and_body
    rsps.add(method, url, status=status, json=body, headers=HEADERS)


@pytest.fixture
def run(module_runner):
    def run_one(name, **args):
        main, module_args = MODULES[name]
        runner = module_runner(main, fixed=dict(org_url=ORG, api_token=TOKEN, retries=0), secrets=(TOKEN,))
        return runner(**dict(module_args, app_id=APP, **args))

    return run_one


def check_failure(rc, result, rsps, supported=ABSENT, status=None, problems=False, changed_settings=None,
                  writes=0):
    assert rc == 1 and result["failed"] is True
    assert result.get("changed", False) is False
    assert result["msg"][:1].isupper() and result["msg"].rstrip().endswith("."), result["msg"]
    if supported is ABSENT:
        assert "provisioning_supported" not in result, result
    else:
        assert result["provisioning_supported"] is supported
    if status is None:
        assert "status" not in result
    else:
        assert (result["status"], result["request_id"]) == (status, HEADERS["X-Okta-Request-Id"])
        assert result["error_code"].startswith("E0000") and result["error_id"] == "oaeSHAPE"
    if problems:
        assert isinstance(result["problems"], list) and result["problems"], result
        assert all(problem in result["msg"] for problem in result["problems"])
        assert len(rsps.calls) == 0, "invalid input sends nothing"
    else:
        assert "problems" not in result
    if changed_settings is not None:
        assert result["changed_settings"] == changed_settings
    assert sum(1 for call in rsps.calls if call.request.method != "GET") == writes


# -- an app whose type offers no provisioning, or whose provisioning is switched off -----------------------------------

@pytest.mark.parametrize("name", ["feature", "provisioning"])
@pytest.mark.parametrize("body, supported, wording", [(UNSUPPORTED, False, "offers no provisioning"),
                                                      (DISABLED, True, "enable its provisioning connection first")])
def test_features_unsupported_or_disabled(rsps, run, name, body, supported, wording):
    answer(rsps, "GET", FEATURES, body)
    rc, result = run(name)
    check_failure(rc, result, rsps, supported=supported, status=400)
    assert wording in result["msg"]


@pytest.mark.parametrize("name", ["connection", "provisioning_connection"])
def test_unsupported_connection(rsps, run, name):
    rsps.get(CONNECTION, json=CONN_UNKNOWN)
    rc, result = run(name)
    check_failure(rc, result, rsps, supported=False)
    assert "no provisioning support" in result["msg"] and result["connection"] == CONN_UNKNOWN


@pytest.mark.parametrize("name, url, body, supported", [
    ("feature_info", FEATURES, UNSUPPORTED, False),
    ("feature_info_one", FEATURES, UNSUPPORTED, False),
    ("connection_info", CONNECTION, (200, CONN_UNKNOWN), False),
    ("feature_info", FEATURES, DISABLED, True),
    ("feature_info_one", FEATURES, DISABLED, True),
    ("connection_info", CONNECTION, (200, CONN_DISABLED), True),
    ("provisioning_info", CONNECTION, (200, CONN_UNKNOWN), False),
    ("provisioning_info", CONNECTION, (200, CONN_DISABLED), True),
])
def test_info_modules_report_what_they_read(rsps, run, name, url, body, supported):
    """An app without provisioning, or with it switched off, is an answer for the info modules, not a failure."""
    answer(rsps, "GET", url, body)
    rc, result = run(name)
    assert rc == 0 and result["changed"] is False
    assert (result["provisioning_supported"], result["provisioning_enabled"]) == (supported, False)
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", url)]


def test_feature_info_for_a_feature_the_app_does_not_offer(rsps, run):
    """The features list was read (provisioning works) and lacks the feature: a failure that says so."""
    rsps.get(FEATURES, json=[USER])
    rc, result = run("feature_info_one", feature="INBOUND_PROVISIONING")
    check_failure(rc, result, rsps, supported=True)
    assert result["provisioning_enabled"] is True and "features" not in result
    assert "does not offer INBOUND_PROVISIONING (it offers USER_PROVISIONING)" in result["msg"]
    assert [(call.request.method, call.request.url) for call in rsps.calls] == [("GET", FEATURES)]


# -- not found, and an Okta error on the first read -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MODULES))
def test_not_found(rsps, run, name):
    answer(rsps, "GET", FIRST_READ[name], NOT_FOUND)
    rc, result = run(name)
    check_failure(rc, result, rsps, status=404)
    assert "app {0} was not found; check app_id (404 E0000007".format(APP) in result["msg"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_okta_error_on_the_first_read(rsps, run, name):
    answer(rsps, "GET", FIRST_READ[name], SERVER_ERROR)
    rc, result = run(name)
    check_failure(rc, result, rsps, status=500)
    assert result["msg"].startswith("Cannot read ")


# -- invalid input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [
    ("feature", dict(capabilities={"update": {}})),
    ("feature", dict(capabilities={"import_settings": {"username": {"username_format": "EMAIL"}}})),
    ("feature", dict(capabilities=42)),
    ("provisioning", dict(user_provisioning={"update": {}})),
    ("provisioning", dict(user_provisioning=[1, 2])),
    ("provisioning_connection", dict(connection=dict(state="disabled"))),
    ("connection", dict(profile={"auth_scheme": "TOKEN", "base_url": "http://scim.example.com"})),
    ("connection", dict(profile={"auth_scheme": "OAUTH2", "token": "scim-SHAPE-token"})),
])
def test_bad_input(rsps, run, name, args):
    rc, result = run(name, **args)
    check_failure(rc, result, rsps, problems=True)


# -- Okta refuses a write --------------------------------------------------------------------------------------------

def test_feature_write_refused(rsps, run):
    rsps.get(FEATURES, json=[USER])
    answer(rsps, "PUT", FEATURES + "/USER_PROVISIONING", FORBIDDEN)
    rc, result = run("feature")
    check_failure(rc, result, rsps, supported=True, status=403, changed_settings=["update.profile.status"], writes=1)
    assert result["msg"].startswith("Cannot update USER_PROVISIONING of app {0}: ".format(APP))


def test_connection_write_refused(rsps, run):
    rsps.get(CONNECTION, json=CONN_DISABLED)
    answer(rsps, "POST", CONNECTION + "/lifecycle/activate", FORBIDDEN)
    rc, result = run("connection")
    check_failure(rc, result, rsps, supported=True, status=403, changed_settings=["status"], writes=1)
    assert result["msg"].startswith("Cannot activate the provisioning connection of app {0}: ".format(APP))


@pytest.mark.parametrize("name", ["provisioning", "provisioning_connection"])
def test_provisioning_feature_write_refused(rsps, run, name):
    rsps.get(CONNECTION, json=CONN_ENABLED)
    rsps.get(FEATURES, json=[USER])
    answer(rsps, "PUT", FEATURES + "/USER_PROVISIONING", FORBIDDEN)
    rc, result = run(name)
    check_failure(rc, result, rsps, supported=True, status=403,
                  changed_settings=["USER_PROVISIONING.update.profile.status"], writes=1)


def test_provisioning_failure_after_a_write_says_changed(rsps, run):
    """The connection was enabled, then the feature write was refused: the app did change."""
    rsps.get(CONNECTION, json=CONN_DISABLED)
    rsps.post(CONNECTION + "/lifecycle/activate", status=204)
    rsps.get(FEATURES, json=[USER])
    answer(rsps, "PUT", FEATURES + "/USER_PROVISIONING", FORBIDDEN)
    rc, result = run("provisioning_connection")
    assert rc == 1 and result["changed"] is True and result["status"] == 403
    assert result["provisioning_supported"] is True
    assert result["changed_settings"] == ["connection.status", "USER_PROVISIONING.update.profile.status"]


# -- success ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", READS_PROVISIONING)
def test_success_says_provisioning_is_supported(rsps, run, name):
    rsps.get(CONNECTION, json=CONN_ENABLED)
    rsps.get(FEATURES, json=[dict(USER, capabilities=PROFILE_ON)])
    rc, result = run(name)
    assert rc == 0 and result["changed"] is False and result["provisioning_supported"] is True
    if name in ("feature", "connection", "provisioning", "provisioning_connection"):
        assert result["changed_settings"] == []
