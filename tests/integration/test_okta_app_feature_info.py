# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_feature_info through ansible-playbook against the emulator over TLS."""

import pytest

from conftest import LEGACY_WIKI, MANAGE_TOKEN, SLACK, ZOOM

INFO = "oktaops.okta.okta_app_feature_info"


def api_requests(emu):
    return [(r["method"], r["path"]) for r in emu.requests()]


def test_one_feature_is_read_from_the_list(emu, play):
    run = play([
        {"name": "all", INFO: {"app_id": SLACK}, "register": "all"},
        {"name": "one", INFO: {"app_id": ZOOM, "feature": "INBOUND_PROVISIONING"}},
    ])
    assert run.rc == 0, run.stdout
    everything, one = run[0], run[1]
    assert run.status(0) == "ok" and not everything["changed"]
    assert everything["app_id"] == SLACK and everything["provisioning_enabled"] is True
    assert [f["name"] for f in everything["features"]] == ["USER_PROVISIONING", "INBOUND_PROVISIONING"]
    assert one["features"][0]["name"] == "INBOUND_PROVISIONING"
    # Okta's own keys, as sent: the INBOUND username key is spelled userNameFormat.
    assert one["features"][0]["capabilities"]["importSettings"]["username"] == {"userNameFormat": "EMAIL"}
    state = emu.state()["apps"]
    assert everything["features"][0] == state[SLACK]["features"]["USER_PROVISIONING"]
    assert one["features"] == [state[ZOOM]["features"]["INBOUND_PROVISIONING"]]
    # One request each, and the one feature from the list: never the single feature's GET.
    assert api_requests(emu) == [
        ("GET", "/api/v1/apps/%s/features" % SLACK),
        ("GET", "/api/v1/apps/%s/features" % ZOOM),
    ]
    assert [r["status"] for r in emu.requests()] == [200, 200]
    assert all(r["auth_scheme"] == "SSWS" for r in emu.requests())
    assert all(r["user_agent"].startswith("oktaops.okta/") for r in emu.requests())


def test_label_lookup_follows_every_page_and_matches_exactly(emu, play):
    # 7 apps whose labels start with "Payroll", one of them exactly "Payroll"; 3 apps a page.
    apps = [{"id": "0oapay%014d" % i, "label": "Payroll %d" % i, "name": "payroll%d" % i} for i in range(6)]
    apps.append({"id": "0oapayEXACT000000000", "label": "Payroll", "name": "zz_payroll"})
    emu.admin("POST", "/_admin/apps", json=apps)
    emu.admin("POST", "/_admin/config", json={"max_page_size": 3})
    run = play([{"name": "by label", INFO: {"app_label": "Payroll", "feature": "USER_PROVISIONING"}}])
    assert run.rc == 0, run.stdout
    assert run[0]["app_id"] == "0oapayEXACT000000000"
    log = emu.requests()
    lookups = [r for r in log if r["path"] == "/api/v1/apps"]
    assert len(lookups) == 3  # 7 matches, 3 a page: every page read
    assert lookups[0]["query"]["q"] == "Payroll" and lookups[0]["query"]["limit"] == "200"
    assert (log[-1]["method"], log[-1]["path"]) == ("GET", "/api/v1/apps/0oapayEXACT000000000/features")
    assert len(log) == 4


def test_label_matches_case_sensitively_and_reports_none_or_several(emu, play):
    emu.admin("POST", "/_admin/apps", json=[{"id": "0oadup00000000000001", "label": "Twin", "name": "twin_a"},
                                            {"id": "0oadup00000000000002", "label": "Twin", "name": "twin_b"}])
    run = play([
        {"name": "case", INFO: {"app_label": "slack"}, "ignore_errors": True},
        {"name": "twins", INFO: {"app_label": "Twin"}, "ignore_errors": True},
    ])
    assert run.status(0) == "failed" and "No app has the label 'slack'" in run[0]["msg"]
    assert run[0]["msg"].endswith("Did you mean 'Slack' (0oa1slk7q2HXw9ZbT5d7)?"), "a label that differs only in case"
    assert run.status(1) == "failed"
    assert "0oadup00000000000001" in run[1]["msg"] and "0oadup00000000000002" in run[1]["msg"]
    assert not any("/features" in r["path"] for r in emu.requests())


def test_provisioning_not_enabled_is_reported_not_failed(emu, play):
    run = play([
        {"name": "wiki", INFO: {"app_id": LEGACY_WIKI}},
        {"name": "wiki one", INFO: {"app_id": LEGACY_WIKI, "feature": "USER_PROVISIONING"}},
    ])
    assert run.rc == 0, run.stdout
    for index in (0, 1):
        assert run[index]["features"] == [] and run[index]["provisioning_enabled"] is False
        assert run[index]["provisioning_supported"] is True and not run[index]["changed"]
    assert api_requests(emu) == [("GET", "/api/v1/apps/%s/features" % LEGACY_WIKI)] * 2
    assert [r["status"] for r in emu.requests()] == [400, 400]  # the list's documented 400, nothing refused
    assert not any(r["refusal"] for r in emu.requests())


@pytest.mark.parametrize("app_id", ["0oaexpQ7pX2mK9vB45d7", "0oatabQ7pX2mK9vB45d7", "0oahbkQ7pX2mK9vB45d7"],
                         ids=["saml-cause", "saml-summary", "bookmark"])
def test_app_type_without_provisioning_is_reported_not_failed(emu, play, app_id):
    run = play([
        {"name": "all", INFO: {"app_id": app_id}},
        {"name": "one", INFO: {"app_id": app_id, "feature": "INBOUND_PROVISIONING"}},
    ])
    assert run.rc == 0, run.stdout
    for index in (0, 1):
        assert run[index]["features"] == [] and run[index]["provisioning_supported"] is False
        assert run[index]["provisioning_enabled"] is False and not run[index]["changed"]
    assert api_requests(emu) == [("GET", "/api/v1/apps/%s/features" % app_id)] * 2
    assert not any(r["refusal"] for r in emu.requests())


def test_user_provisioning_only_app_lists_what_it_offers(emu, play):
    zscaler = "0oa4zscR7mN1xKd2B5d7"
    run = play([
        {"name": "zscaler", INFO: {"app_id": zscaler}},
        {"name": "inbound", INFO: {"app_id": zscaler, "feature": "INBOUND_PROVISIONING"}, "ignore_errors": True},
    ])
    assert [feature["name"] for feature in run[0]["features"]] == ["USER_PROVISIONING"]
    assert run[0]["provisioning_supported"] is True
    # A feature the app does not offer: the list was read, so the failure says what the app offers instead.
    assert run.status(1) == "failed"
    assert run[1]["msg"] == ("Cannot read INBOUND_PROVISIONING of app %s: this app does not offer INBOUND_PROVISIONING "
                             "(it offers USER_PROVISIONING); leave feature out to read all of the app's features, "
                             "or check app_id." % zscaler)
    assert run[1]["provisioning_supported"] is True and run[1]["provisioning_enabled"] is True
    assert "features" not in run[1]
    assert api_requests(emu) == [("GET", "/api/v1/apps/%s/features" % zscaler)] * 2
    assert [r["status"] for r in emu.requests()] == [200, 200]
    assert "INBOUND_PROVISIONING" not in emu.state()["apps"][zscaler]["features"]


def test_unknown_app_and_bad_token_fail_at_once(emu, play):
    run = play([{"name": "unknown", INFO: {"app_id": "0oaNOSUCHAPP00000000"}, "ignore_errors": True}])
    assert run.status(0) == "failed"
    assert "app 0oaNOSUCHAPP00000000 was not found" in run[0]["msg"]
    assert run[0]["status"] == 404 and run[0]["error_code"] == "E0000007" and run[0]["request_id"]
    bad = play([{"name": "bad token", INFO: {"app_id": SLACK}, "ignore_errors": True}], token="00not-a-real-token")
    assert bad.status(0) == "failed" and bad[0]["status"] == 401
    assert "invalid, expired or revoked" in bad[0]["msg"]
    log = emu.requests()
    assert [r["status"] for r in log] == [404, 401]  # no retries of either


def test_check_mode_and_access_token(emu, play):
    run = play([{"name": "bearer", INFO: {"app_id": SLACK, "api_token": None,
                                          "access_token": "eyJoktaops-emulator-access-token-c4e1b9"}}],
               check=True)
    assert run.rc == 0, run.stdout
    assert [r["auth_scheme"] for r in emu.requests()] == ["Bearer"]


def test_credentials_from_the_environment(emu, play):
    run = play([{"name": "env", INFO: {"app_id": SLACK}}], token=None,
               extra_env={"OKTA_CLIENT_TOKEN": MANAGE_TOKEN})
    assert run.rc == 0, run.stdout
    assert [r["auth_scheme"] for r in emu.requests()] == ["SSWS"]


def test_token_never_printed_at_vvvv(emu, play):
    run = play([
        {"name": "ok", INFO: {"app_id": SLACK}},
        {"name": "fails", INFO: {"app_id": "0oaNOSUCHAPP00000000"}, "ignore_errors": True},
    ], verbosity=4)
    assert run.rc == 0
    assert "okta_app_feature_info" in run.stdout and len(run.log_text) > 1000  # the run really was verbose
    assert MANAGE_TOKEN not in run.everything()
