# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_feature through ansible-playbook against the emulator over TLS.

Every test asserts on what the emulator received (its request log) and holds (its state), not only on
what the module reports.
"""

import copy

import pytest

from conftest import LEGACY_WIKI, MANAGE_TOKEN, ORG2ORG, READONLY_TOKEN, SLACK, ZOOM

FEATURE = "oktaops.okta.okta_app_feature"
INFO = "oktaops.okta.okta_app_feature_info"

USER_DESIRED = {
    "create": {"lifecycleCreate": {"status": "ENABLED"}},
    "update": {
        "lifecycleDeactivate": {"status": "ENABLED"},
        "profile": {"status": "ENABLED"},
        "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"},
    },
}
INBOUND_DESIRED = {
    "import_settings": {
        "username": {"username_format": "CUSTOM", "username_expression": "source.email"},
        "schedule": {
            "status": "ENABLED",
            "full_import": {"expression": "0 2 * * *", "timezone": "Europe/Berlin"},
            "incremental_import": {"expression": "0 */3 * * *", "timezone": "Europe/Berlin"},
        },
    },
    "import_rules": {"user_create_and_match": {"exact_match_criteria": "USERNAME", "auto_confirm_exact_match": True}},
}
INBOUND_EXPECTED = {
    "importSettings": {
        "username": {"userNameFormat": "CUSTOM", "userNameExpression": "source.email"},
        "schedule": {
            "status": "ENABLED",
            "fullImport": {"expression": "0 2 * * *", "timezone": "Europe/Berlin"},
            "incrementalImport": {"expression": "0 */3 * * *", "timezone": "Europe/Berlin"},
        },
    },
    "importRules": {"userCreateAndMatch": {
        "exactMatchCriteria": "USERNAME", "allowPartialMatch": False, "autoConfirmPartialMatch": False,
        "autoConfirmExactMatch": True, "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
}


def held(emu, app_id, feature):
    return emu.state()["apps"][app_id]["features"][feature]["capabilities"]


def calls(emu):
    return [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in emu.requests()]


def canonical_sequence(emu, play, app_id, feature, capabilities, expected_caps):
    task = {"name": "apply", FEATURE: {"app_id": app_id, "feature": feature, "capabilities": capabilities}}
    before = held(emu, app_id, feature)

    check = play([task], check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert check.status(0) == "changed"
    assert calls(emu) == [("GET", "features")], "check mode must read only (one GET of the features list)"
    assert held(emu, app_id, feature) == before
    assert check[0]["feature"]["capabilities"] == expected_caps  # the predicted object
    emu.admin("DELETE", "/_admin/requests")

    real = play([task], diff=True)
    assert real.rc == 0, real.stdout
    assert real.status(0) == "changed"
    assert calls(emu) == [("GET", "features"), ("PUT", feature)]
    put = emu.requests()[1]
    assert set(put["body"]) <= {"create", "update", "importSettings", "importRules"}  # capabilities only
    assert held(emu, app_id, feature) == expected_caps
    assert real[0]["feature"]["capabilities"] == expected_caps
    assert real[0]["diff"] == check[0]["diff"], "check mode and a real run must show the same diff"
    assert real[0]["changed_settings"] == check[0]["changed_settings"] and real[0]["changed_settings"]
    emu.admin("DELETE", "/_admin/requests")

    again = play([task])
    assert again.rc == 0 and again.status(0) == "ok", again.stdout
    assert calls(emu) == [("GET", "features")]
    emu.admin("DELETE", "/_admin/requests")

    check_again = play([task], check=True, diff=True)
    assert check_again.status(0) == "ok"
    assert calls(emu) == [("GET", "features")]

    readback = play([{"name": "read", INFO: {"app_id": app_id, "feature": feature}}])
    assert readback[0]["features"][0]["capabilities"] == expected_caps


def test_user_provisioning_canonical_sequence(emu, play):
    canonical_sequence(emu, play, SLACK, "USER_PROVISIONING", USER_DESIRED, USER_DESIRED)


def test_inbound_provisioning_canonical_sequence(emu, play):
    canonical_sequence(emu, play, SLACK, "INBOUND_PROVISIONING", INBOUND_DESIRED, INBOUND_EXPECTED)


def test_diff_shows_before_and_after(emu, play):
    run = play([{"name": "one leaf", FEATURE: {"app_id": SLACK, "feature": "USER_PROVISIONING",
                                               "capabilities": {"update": {"profile": {"status": "ENABLED"}}}}}],
               diff=True)
    diff = run[0]["diff"]
    assert diff["before"]["update"]["profile"] == {"status": "DISABLED"}
    assert diff["after"]["update"]["profile"] == {"status": "ENABLED"}
    assert run[0]["changed_settings"] == ["update.profile.status"]
    assert "update.profile" in run.stdout or "ENABLED" in run.stdout  # the diff is printed


def test_partial_update_leaves_every_other_leaf_alone(emu, play):
    before = held(emu, ZOOM, "USER_PROVISIONING")
    run = play([{"name": "seed only", FEATURE: {"app_id": ZOOM, "feature": "USER_PROVISIONING",
                                                "capabilities": {"update": {"password": {"seed": "OKTA"}}}}}])
    assert run.status(0) == "changed", run.stdout
    after = held(emu, ZOOM, "USER_PROVISIONING")
    expected = copy.deepcopy(before)
    expected["update"]["password"]["seed"] = "OKTA"
    assert after == expected
    # The PUT carried Okta's current settings with the one leaf merged in, so nothing could reset.
    assert emu.requests()[1]["body"] == expected


def test_inbound_partial_update_keeps_schedule_and_rules(emu, play):
    before = held(emu, ORG2ORG, "INBOUND_PROVISIONING")
    run = play([{"name": "rule", FEATURE: {
        "app_id": ORG2ORG, "feature": "INBOUND_PROVISIONING",
        "capabilities": {"importRules": {"userCreateAndMatch": {"autoActivateNewUsers": True}}}}}])
    assert run.status(0) == "changed", run.stdout
    after = held(emu, ORG2ORG, "INBOUND_PROVISIONING")
    expected = copy.deepcopy(before)
    expected["importRules"]["userCreateAndMatch"]["autoActivateNewUsers"] = True
    assert after == expected
    body = emu.requests()[1]["body"]
    assert body["importSettings"]["username"] == {"usernameFormat": before["importSettings"]["username"]["userNameFormat"]}


def test_camelcase_body_and_usernameformat_spelling_are_idempotent(emu, play):
    task = {"name": "pasted", FEATURE: {"app_id": SLACK, "feature": "INBOUND_PROVISIONING", "capabilities": {
        "importSettings": {"username": {"userNameFormat": "EMAIL"},
                           "schedule": {"status": "ENABLED", "fullImport": {"expression": "0 4 * * *",
                                                                            "timezone": "UTC"}}}}}}
    first = play([task])
    assert first.status(0) == "changed", first.stdout
    second = play([task, dict(task, name="schema spelling", **{FEATURE: dict(task[FEATURE], capabilities={
        "import_settings": {"username": {"usernameFormat": "EMAIL"}}})})])
    assert [second.status(0), second.status(1)] == ["ok", "ok"]
    assert [m for m, _p in calls(emu)].count("PUT") == 1


def test_app_label_across_several_pages(emu, play):
    apps = [{"id": "0oaslk%014d" % i, "label": "Slack %02d" % i, "name": "slack%02d" % i} for i in range(8)]
    emu.admin("POST", "/_admin/apps", json=apps)
    emu.admin("POST", "/_admin/config", json={"max_page_size": 3})
    run = play([{"name": "label", FEATURE: {"app_label": "Slack", "feature": "USER_PROVISIONING",
                                            "capabilities": {"create": {"lifecycle_create": {"status": "ENABLED"}}}}}])
    assert run.status(0) == "changed", run.stdout
    assert run[0]["app_id"] == SLACK
    log = emu.requests()
    assert [r["method"] for r in log].count("GET") == 5  # 10 apps start with "Slack": 4 pages, then the feature
    assert held(emu, SLACK, "USER_PROVISIONING")["create"]["lifecycleCreate"]["status"] == "ENABLED"


BAD_INPUT = [
    ({"feature": "USER_PROVISIONING", "capabilities": {"import_rules": {"user_create_and_match": {
        "allow_partial_match": True}}}}, "does not belong to USER_PROVISIONING"),
    ({"feature": "INBOUND_PROVISIONING", "capabilities": {"create": {"lifecycle_create": {"status": "ENABLED"}}}},
     "does not belong to INBOUND_PROVISIONING"),
    ({"feature": "USER_PROVISIONING", "capabilities": {}}, "sets no value"),
    ({"feature": "USER_PROVISIONING", "capabilities": {"update": {"profile": {}}}}, "sets no value"),
    ({"feature": "USER_PROVISIONING", "capabilities": {"update": {"profile": {"status": "ON"}}}}, "must be one of"),
    ({"feature": "USER_PROVISIONING", "capabilities": {"update": {"profle": {"status": "ENABLED"}}}}, "profle"),
    ({"feature": "SSO", "capabilities": {"update": {"profile": {"status": "ENABLED"}}}}, "must be one of"),
    ({"feature": "INBOUND_PROVISIONING", "capabilities": {"import_settings": {"schedule": {"full_import": {
        "expression": "0 2 * * *", "timezone": "x" * 65}}}}}, "timezone"),
    ({"feature": "INBOUND_PROVISIONING", "capabilities": {"import_rules": {"user_create_and_match": {
        "allow_partial_match": "perhaps"}}}}, "allow_partial_match"),
]


def test_bad_input_fails_before_any_request(emu, play):
    tasks = [{"name": "bad %d" % i, FEATURE: dict(args, app_id=SLACK), "ignore_errors": True}
             for i, (args, _expected) in enumerate(BAD_INPUT)]
    tasks.append({"name": "both ids", FEATURE: {"app_id": SLACK, "app_label": "Slack", "feature": "USER_PROVISIONING",
                                                "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                  "ignore_errors": True})
    run = play(tasks)
    for index, (_args, expected) in enumerate(BAD_INPUT):
        assert run.status(index) == "failed", (index, run[index])
        assert expected in run[index]["msg"], (index, run[index]["msg"])
        assert "Traceback" not in run[index]["msg"] and "MODULE FAILURE" not in run[index]["msg"]
    assert run.status(len(BAD_INPUT)) == "failed" and "mutually exclusive" in run[len(BAD_INPUT)]["msg"]
    assert emu.requests() == []


def test_import_schedule_without_expression_fails_before_the_put(emu, play):
    # Slack has no full import yet: a time zone alone would make an invalid schedule.
    run = play([{"name": "tz only", FEATURE: {"app_id": SLACK, "feature": "INBOUND_PROVISIONING", "capabilities": {
        "import_settings": {"schedule": {"full_import": {"timezone": "UTC"}}}}}, "ignore_errors": True}])
    assert run.status(0) == "failed" and "expression" in run[0]["msg"]
    assert calls(emu) == [("GET", "features")]


def test_provisioning_not_enabled_says_what_to_do(emu, play):
    run = play([{"name": "wiki", FEATURE: {"app_id": LEGACY_WIKI, "feature": "USER_PROVISIONING",
                                           "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                 "ignore_errors": True}])
    assert run.status(0) == "failed"
    assert "provisioning is not enabled for this app" in run[0]["msg"]
    assert "provisioning connection" in run[0]["msg"]
    assert run[0]["error_code"] == "E0000001"
    assert [r["method"] for r in emu.requests()] == ["GET"]


# Apps of the seeded org (tests/emulator/seed.json) whose type has no provisioning, in Okta's two wordings of
# the refusal, and apps that offer less than everything.
EXPENSE_PORTAL = "0oaexpQ7pX2mK9vB45d7"   # SAML, "Api validation failed: feature" + cause "Provisioning is not supported."
TABLEAU = "0oatabQ7pX2mK9vB45d7"          # SAML, "... Provisioning is not supported for this application", no cause
CUSTOMER_PORTAL = "0oacusQ7pX2mK9vB45d7"  # OIDC
ZSCALER = "0oa4zscR7mN1xKd2B5d7"          # USER_PROVISIONING only
GITHUB = "0oagheQ7pX2mK9vB45d7"           # no password sync


@pytest.mark.parametrize("app_id", [EXPENSE_PORTAL, TABLEAU, CUSTOMER_PORTAL], ids=["cause", "summary", "oidc"])
def test_app_type_without_provisioning_fails_before_any_write(emu, play, app_id):
    run = play([{"name": "none", FEATURE: {"app_id": app_id, "feature": "USER_PROVISIONING",
                                           "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                 "ignore_errors": True}])
    assert run.status(0) == "failed"
    assert "offers no provisioning" in run[0]["msg"], run[0]["msg"]
    assert run[0]["provisioning_supported"] is False and run[0]["error_code"] == "E0000001"
    assert calls(emu) == [("GET", "features")]


def test_app_without_the_feature_says_so(emu, play):
    before = held(emu, ZSCALER, "USER_PROVISIONING")
    run = play([{"name": "inbound", FEATURE: {"app_id": ZSCALER, "feature": "INBOUND_PROVISIONING", "capabilities": {
        "import_rules": {"user_create_and_match": {"allow_partial_match": False}}}}, "ignore_errors": True}])
    assert run.status(0) == "failed"
    assert "does not offer INBOUND_PROVISIONING" in run[0]["msg"] and "not found" not in run[0]["msg"]
    assert calls(emu) == [("GET", "features")]
    assert held(emu, ZSCALER, "USER_PROVISIONING") == before


def test_password_sync_on_an_app_without_it_is_reported_unapplied(emu, play):
    before = held(emu, GITHUB, "USER_PROVISIONING")
    assert "password" not in before["update"]
    run = play([{"name": "password", FEATURE: {"app_id": GITHUB, "feature": "USER_PROVISIONING", "capabilities": {
        "update": {"password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}}}},
        "ignore_errors": True}])
    assert run.status(0) == "failed", run[0]
    assert "update.password" in run[0]["msg"], run[0]["msg"]
    # One read, one write that Okta answered without the password settings; nothing else was changed.
    assert calls(emu) == [("GET", "features"), ("PUT", "USER_PROVISIONING")]
    assert held(emu, GITHUB, "USER_PROVISIONING") == before


def test_unknown_app_is_not_found(emu, play):
    run = play([{"name": "nope", FEATURE: {"app_id": "0oaNOSUCHAPP00000000", "feature": "USER_PROVISIONING",
                                           "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                 "ignore_errors": True}])
    assert run.status(0) == "failed" and run[0]["status"] == 404
    assert "app 0oaNOSUCHAPP00000000 was not found" in run[0]["msg"]
    assert calls(emu) == [("GET", "features")]


def test_read_only_token_names_the_manage_scope(emu, play):
    before = held(emu, SLACK, "USER_PROVISIONING")
    run = play([{"name": "ro", FEATURE: {"app_id": SLACK, "feature": "USER_PROVISIONING",
                                         "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                 "ignore_errors": True}], token=READONLY_TOKEN)
    assert run.status(0) == "failed" and not run[0]["changed"]
    assert "okta.apps.manage" in run[0]["msg"] and run[0]["status"] == 403
    assert held(emu, SLACK, "USER_PROVISIONING") == before


def test_put_answered_without_applying_fails(emu, play):
    emu.admin("POST", "/_admin/faults", json={"method": "PUT", "type": "ignore_put"})
    run = play([{"name": "ignored", FEATURE: {"app_id": SLACK, "feature": "USER_PROVISIONING",
                                              "capabilities": {"update": {"profile": {"status": "ENABLED"}}}},
                 "ignore_errors": True}])
    assert run.status(0) == "failed" and run[0]["changed"] is False
    assert "did not apply update.profile.status" in run[0]["msg"]
    assert held(emu, SLACK, "USER_PROVISIONING")["update"]["profile"]["status"] == "DISABLED"


@pytest.mark.parametrize("feature,capabilities", [
    ("USER_PROVISIONING", USER_DESIRED),
    ("INBOUND_PROVISIONING", INBOUND_DESIRED),
])
def test_token_never_printed_at_vvvv(emu, play, feature, capabilities):
    run = play([
        {"name": "change", FEATURE: {"app_id": SLACK, "feature": feature, "capabilities": capabilities}},
        {"name": "fail", FEATURE: {"app_id": LEGACY_WIKI, "feature": feature, "capabilities": capabilities},
         "ignore_errors": True},
    ], verbosity=4, diff=True)
    assert run.status(0) == "changed" and run.status(1) == "failed"
    assert len(run.log_text) > 1000
    assert MANAGE_TOKEN not in run.everything()
