# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_provisioning through ansible-playbook against the emulator over TLS.

Every test asserts on what the emulator received (its request log) and holds (its state), not only on what the
module reports. The apps are the seeded org's own: Zoom (both features, connection enabled), Zscaler
(USER_PROVISIONING only), Legacy Wiki (connection set up but disabled), GitHub Enterprise (no password sync),
Expense Portal (connection UNKNOWN) and Tableau Server (features answer "not supported").
"""

import pytest

from conftest import LEGACY_WIKI, MANAGE_TOKEN, ZOOM

MODULE = "oktaops.okta.okta_app_provisioning"
ZSCALER = "0oa4zscR7mN1xKd2B5d7"
GITHUB = "0oagheQ7pX2mK9vB45d7"
EXPENSE = "0oaexpQ7pX2mK9vB45d7"
TABLEAU = "0oatabQ7pX2mK9vB45d7"
SECRET = "wiki-SCIM-secret-prov-7c6b5a49"
UNKNOWN = "<known after the connection is enabled>"

USER = {"update": {"lifecycle_deactivate": {"status": "ENABLED"}, "password": {"status": "ENABLED"}}}
INBOUND = {"import_rules": {"user_create_and_match": {"auto_confirm_new_users": True}}}


def held(emu, app_id):
    return emu.state()["apps"][app_id]


def caps(emu, app_id, feature):
    return held(emu, app_id)["features"][feature]["capabilities"]


def calls(emu):
    """(method, path after the app id) of every request."""
    return [(r["method"], r["path"].split("/", 5)[-1]) for r in emu.requests()]


def clear_log(emu):
    emu.admin("DELETE", "/_admin/requests")


def task(**args):
    return {"name": "provisioning", MODULE: args, "register": "out"}


def test_canonical_sequence_both_features(emu, play):
    args = dict(app_id=ZOOM, user_provisioning=USER, inbound_provisioning=INBOUND)
    user_before, inbound_before = caps(emu, ZOOM, "USER_PROVISIONING"), caps(emu, ZOOM, "INBOUND_PROVISIONING")
    assert user_before["update"]["password"]["status"] == "DISABLED"

    check = play([task(**args)], check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert check.status(0) == "changed"
    assert calls(emu) == [("GET", "features")], "check mode reads only, once"
    assert caps(emu, ZOOM, "USER_PROVISIONING") == user_before
    assert caps(emu, ZOOM, "INBOUND_PROVISIONING") == inbound_before
    changed = check[0]["changed_settings"]
    assert "USER_PROVISIONING.update.password.status" in changed
    assert all(p.split(".")[0] in ("USER_PROVISIONING", "INBOUND_PROVISIONING") for p in changed)
    clear_log(emu)

    real = play([task(**args)], diff=True)
    assert real.rc == 0, real.stdout
    assert real.status(0) == "changed"
    puts = [c for c in calls(emu) if c[0] == "PUT"]
    assert calls(emu)[0] == ("GET", "features") and len(calls(emu)) == 1 + len(puts)
    assert len(puts) == len({p.split(".")[0] for p in changed}), "one PUT per feature that differs"
    user = caps(emu, ZOOM, "USER_PROVISIONING")
    assert user["update"]["password"]["status"] == "ENABLED"
    assert user["update"]["password"]["seed"] == user_before["update"]["password"]["seed"], "unnamed settings kept"
    assert user["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    assert user["create"] == user_before["create"]
    assert caps(emu, ZOOM, "INBOUND_PROVISIONING")["importRules"]["userCreateAndMatch"]["autoConfirmNewUsers"] is True
    assert real[0]["diff"] == check[0]["diff"] and real[0]["changed_settings"] == changed
    assert real[0]["features"]["USER_PROVISIONING"]["capabilities"] == user
    clear_log(emu)

    again = play([task(**args)])
    assert again.status(0) == "ok" and again[0]["changed_settings"] == []
    assert calls(emu) == [("GET", "features")], "nothing to change is exactly one request"
    clear_log(emu)

    again_check = play([task(**args)], check=True)
    assert again_check.status(0) == "ok" and calls(emu) == [("GET", "features")]
    clear_log(emu)

    with_connection = play([task(connection={"state": "enabled"}, **args)])
    assert with_connection.status(0) == "ok"
    assert calls(emu) == [("GET", "connections/default"), ("GET", "features")], "two requests with connection"
    assert with_connection[0]["connection"] == held(emu, ZOOM)["connection"]


def test_connection_enabled_and_features_in_one_task(emu, play):
    args = dict(app_id=LEGACY_WIKI, connection={"profile": {"auth_scheme": "TOKEN", "token": SECRET}},
                user_provisioning={"create": {"lifecycle_create": {"status": "ENABLED"}}})
    assert held(emu, LEGACY_WIKI)["connection"]["status"] == "DISABLED"

    check = play([task(**args)], check=True, diff=True)
    assert check.status(0) == "changed", check.stdout
    assert calls(emu) == [("GET", "connections/default")], "the features cannot be read yet: only the connection"
    assert held(emu, LEGACY_WIKI)["connection"]["status"] == "DISABLED"
    assert check[0]["features"] == {"USER_PROVISIONING": UNKNOWN}
    assert check[0]["diff"]["after"]["USER_PROVISIONING"] == UNKNOWN
    assert check[0]["changed_settings"] == ["connection.status", "connection.profile.token"]
    clear_log(emu)

    real = play([task(**args)])
    assert real.status(0) == "changed", real.stdout
    # the write that enables the connection carries the token given: one POST ?activate=true
    assert calls(emu) == [("GET", "connections/default"), ("POST", "connections/default"),
                          ("GET", "features"), ("PUT", "features/USER_PROVISIONING")]
    assert emu.requests()[1]["query"] == {"activate": "true"} and emu.requests()[1]["token_sent"] is True
    assert held(emu, LEGACY_WIKI)["connection"]["status"] == "ENABLED" and held(emu, LEGACY_WIKI)["token_sets"] == 1
    assert caps(emu, LEGACY_WIKI, "USER_PROVISIONING")["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert real[0]["changed_settings"] == ["connection.status", "connection.profile.token",
                                           "USER_PROVISIONING.create.lifecycleCreate.status"]
    assert real[0]["token_sent"] is True
    clear_log(emu)

    again = play([task(**args)])
    assert again.status(0) == "ok"
    assert calls(emu) == [("GET", "connections/default"), ("GET", "features")]


def test_disabled_connection_without_connection_option_says_to_enable_it(emu, play):
    run = play([task(app_id=LEGACY_WIKI, user_provisioning=USER)])
    assert run.status(0) == "failed"
    assert "enable its provisioning connection first" in run[0]["msg"]
    assert calls(emu) == [("GET", "features")]


@pytest.mark.parametrize("app_id, with_connection", [(EXPENSE, True), (TABLEAU, False)])
def test_app_type_without_provisioning_fails_before_any_write(emu, play, app_id, with_connection):
    before = held(emu, app_id)
    args = dict(app_id=app_id, user_provisioning=USER)
    if with_connection:
        args["connection"] = {"state": "enabled"}
    run = play([task(**args)])
    assert run.status(0) == "failed"
    assert run[0]["provisioning_supported"] is False
    assert "no provisioning" in run[0]["msg"]
    assert all(method == "GET" for method, _path in calls(emu)) and len(calls(emu)) == 1
    assert held(emu, app_id) == before


def test_feature_not_offered_fails_before_any_write(emu, play):
    before = held(emu, ZSCALER)
    run = play([task(app_id=ZSCALER, user_provisioning=USER, inbound_provisioning=INBOUND)])
    assert run.status(0) == "failed"
    assert "does not offer INBOUND_PROVISIONING (it offers USER_PROVISIONING)" in run[0]["msg"]
    assert calls(emu) == [("GET", "features")]
    assert held(emu, ZSCALER) == before


def test_password_sync_unavailable_is_an_unapplied_failure(emu, play):
    before = caps(emu, GITHUB, "USER_PROVISIONING")
    run = play([task(app_id=GITHUB, user_provisioning={"update": {"password": {"status": "ENABLED"}}})])
    assert run.status(0) == "failed"
    assert run[0]["unapplied_settings"] == ["update.password.status"]
    assert calls(emu) == [("GET", "features"), ("PUT", "features/USER_PROVISIONING")]
    after = caps(emu, GITHUB, "USER_PROVISIONING")
    assert after.get("update", {}).get("password", {}).get("status") != "ENABLED"
    assert after.get("create") == before.get("create"), "nothing else changed"


@pytest.mark.parametrize("args", [
    dict(app_id=ZOOM),
    dict(app_id=ZOOM, user_provisioning={}),
    dict(app_id=ZOOM, user_provisioning={"update": {"password": {"status": "ON"}}}),
    dict(app_id=ZOOM, inbound_provisioning={"create": {"lifecycle_create": {"status": "ENABLED"}}}),
    dict(app_id=ZOOM, connection={"state": "disabled"}, user_provisioning=USER),
    dict(app_id=ZOOM, user_provisioning="not a dict"),
])
def test_bad_input_sends_nothing(emu, play, args):
    run = play([task(**args)])
    assert run.status(0) == "failed" and run[0]["msg"]
    assert "Traceback" not in run.everything()
    assert calls(emu) == []


def test_no_token_in_output_at_vvvv(emu, play):
    args = dict(app_id=LEGACY_WIKI, connection={"profile": {"auth_scheme": "TOKEN", "token": SECRET},
                                                "update_token": "always"},
                user_provisioning={"create": {"lifecycle_create": {"status": "ENABLED"}}})
    run = play([task(**args)], verbosity=4, diff=True)
    assert run.status(0) == "changed", run.stdout
    text = run.everything()
    assert SECRET not in text and MANAGE_TOKEN not in text
    assert [r["token_sent"] for r in emu.requests() if r["method"] == "POST"] == [True]


def test_consent_required_before_the_features(emu, play):
    """A Slack connection never set up: the profile is written, Okta asks for consent, the features wait."""
    app_id = emu.admin("POST", "/_admin/apps", json={"label": "Slack EU", "name": "slack", "provisioning": False})[0]["id"]
    features_before = held(emu, app_id)["features"]
    args = dict(app_id=app_id, connection={"profile": {"auth_scheme": "OAUTH2"}}, user_provisioning=USER)
    first = play([task(**args)])
    result = first[0]
    assert first.status(0) == "failed" and result["consent_required"] is True
    assert result["provisioning_supported"] is True and result["authorize_url"].startswith("https://slack.com/")
    assert result["authorize_url"] in result["msg"] and "features" in result["msg"]
    assert calls(emu) == [("GET", "connections/default"), ("POST", "connections/default")]
    assert emu.requests()[1]["query"] == {}
    assert held(emu, app_id)["features"] == features_before and held(emu, app_id)["connection"]["status"] == "DISABLED"
    clear_log(emu)

    check = play([task(**args)], check=True)
    assert check[0]["consent_required"] is True and calls(emu) == [("GET", "connections/default")]
    clear_log(emu)

    from urllib.parse import parse_qs, urlsplit
    import requests
    state = parse_qs(urlsplit(result["authorize_url"]).query)["state"][0]
    done = requests.post("%s/api/v1/apps/slack/%s/oauth2/callback" % (emu.url, app_id), verify=emu.ca_file,
                         params={"code": "c", "state": state}, headers={"Authorization": "SSWS " + MANAGE_TOKEN},
                         timeout=10)
    assert done.status_code == 204
    clear_log(emu)
    after = play([task(**args)])
    assert after.status(0) == "changed", after.stdout
    assert calls(emu) == [("GET", "connections/default"), ("GET", "features"), ("PUT", "features/USER_PROVISIONING")]
    assert after[0]["authorize_url"] == result["authorize_url"]
    assert caps(emu, app_id, "USER_PROVISIONING")["update"]["lifecycleDeactivate"]["status"] == "ENABLED"


def test_org2org_rotation_mode_is_compared_and_sent(emu, play):
    org2org = "0oa5o2oT3bJ8pWe6C5d7"
    args = dict(app_id=org2org, connection={"profile": {"authScheme": "OAUTH2", "signing": {"rotationMode": "MANUAL"}}})
    run = play([task(**args)], diff=True)
    assert run.status(0) == "changed", run.stdout
    assert calls(emu) == [("GET", "connections/default"), ("GET", "features"), ("POST", "connections/default")]
    assert emu.requests()[2]["body"] == {"profile": {"authScheme": "OAUTH2", "clientId": "0oa2h6su6bVFyJzIf1d7",
                                                     "signing": {"rotationMode": "MANUAL"}}}
    assert run[0]["changed_settings"] == ["connection.profile.signing.rotationMode"]
    assert held(emu, org2org)["connection"]["profile"]["signing"] == {"rotationMode": "MANUAL"}
    clear_log(emu)
    again = play([task(**args)])
    assert again.status(0) == "ok" and calls(emu) == [("GET", "connections/default"), ("GET", "features")]


def test_org2org_update_without_the_client_id_its_answer_leaves_out_fails_before_writing(emu, play):
    # Okta's response schema lists no profile.clientId; a POST without it could lose the one Okta holds
    quiet = {"label": "Org2Org Quiet", "name": "okta_org2org",
             "connection": {"authScheme": "OAUTH2", "clientId": "0oaQUIET1234567890ab",
                            "signing": {"rotationMode": "AUTO"}, "returnsClientId": False}}
    app_id = emu.admin("POST", "/_admin/apps", json=quiet)[0]["id"]
    clear_log(emu)
    manual = {"profile": {"authScheme": "OAUTH2", "signing": {"rotationMode": "MANUAL"}}}
    for check_mode in (True, False):
        run = play([task(app_id=app_id, connection=manual)], check=check_mode)
        assert run.status(0) == "failed" and "give profile.client_id" in run[0]["msg"], run.stdout
    assert calls(emu) == [("GET", "connections/default")] * 2
    app = held(emu, app_id)
    assert app["connection"]["profile"]["signing"] == {"rotationMode": "AUTO"}
    assert app["connection_client_id"] == "0oaQUIET1234567890ab"
    # with the client id named, the one POST carries it
    clear_log(emu)
    named = {"profile": dict(manual["profile"], clientId="0oaQUIET1234567890ab")}
    done = play([task(app_id=app_id, connection=named)])
    assert done.status(0) == "changed", done.stdout
    assert [e["body"] for e in emu.requests() if e["method"] == "POST"] == [
        {"profile": {"authScheme": "OAUTH2", "clientId": "0oaQUIET1234567890ab", "signing": {"rotationMode": "MANUAL"}}}]
    assert held(emu, app_id)["connection"]["profile"]["signing"] == {"rotationMode": "MANUAL"}
