# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_connection and okta_app_connection_info through ansible-playbook against the emulator over TLS.

Every test asserts on what the emulator received (its request log, where a token shows only as a marker plus
``token_sent``) and holds (its state), not only on what the module reports.
"""

import pytest

from conftest import LEGACY_WIKI, ORG2ORG, READONLY_TOKEN, SLACK

CONNECTION = "oktaops.okta.okta_app_connection"
INFO = "oktaops.okta.okta_app_connection_info"
ZSCALER = "0oa4zscR7mN1xKd2B5d7"
ZSCALER_URL = "https://scim.zscalerbeta.net/1234567/890/scim"
WIKI_URL = "https://wiki.example.com/scim/v2"  # the seed holds .../scim/v1
SECRET = "wiki-SCIM-secret-9f8e7d6c5b4a3921"
PLACEHOLDER = "<write-only token: sent>"


def conn_path(app_id):
    return "/api/v1/apps/%s/connections/default" % app_id


def held(emu, app_id):
    app = emu.state()["apps"][app_id]
    return app["connection"], app["token_sets"]


def calls(emu):
    """(method, path relative to the connection, activate query, token_sent) for every request."""
    out = []
    for entry in emu.requests():
        path = entry["path"].split("/connections/default", 1)[-1] or "/"
        out.append((entry["method"], path, entry["query"].get("activate"), entry["token_sent"]))
    return out


def clear_log(emu):
    emu.admin("DELETE", "/_admin/requests")


def feature_status(emu, app_id):
    return emu.state()["apps"][app_id]["features"]["USER_PROVISIONING"]["status"]


def task(args, name="connection"):
    return {"name": name, CONNECTION: args, "register": "out"}


WIKI_ENABLE = {"app_id": LEGACY_WIKI, "state": "enabled",
               "profile": {"auth_scheme": "TOKEN", "token": SECRET, "base_url": WIKI_URL}}


def test_enable_check_real_rerun(emu, play):
    before, sets = held(emu, LEGACY_WIKI)
    assert (before["status"], sets) == ("DISABLED", 0)

    check = play([task(WIKI_ENABLE)], check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert check.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False)], "check mode must read only"
    assert held(emu, LEGACY_WIKI) == (before, 0)
    assert check[0]["connection"]["status"] == "ENABLED"
    assert check[0]["token_sent"] is True
    clear_log(emu)

    real = play([task(WIKI_ENABLE)], diff=True)
    assert real.rc == 0, real.stdout
    assert real.status(0) == "changed"
    # enabling plus the token (a profile update, since the connection had none) is one POST ?activate=true
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", True)]
    post = emu.requests()[1]
    assert post["body"] == {"baseUrl": WIKI_URL, "profile": {"authScheme": "TOKEN", "token": "<redacted>"}}
    conn, sets = held(emu, LEGACY_WIKI)
    assert (conn["status"], sets) == ("ENABLED", 1)
    assert real[0]["connection"] == conn
    assert real[0]["diff"] == check[0]["diff"], "check mode and a real run must show the same diff"
    assert feature_status(emu, LEGACY_WIKI) == "ENABLED"  # the features endpoints answer now
    clear_log(emu)

    again = play([task(WIKI_ENABLE)], diff=True)
    assert again.rc == 0, again.stdout
    assert again.status(0) == "ok"
    assert calls(emu) == [("GET", "/", None, False)], "a run without change is one GET"
    assert again[0]["changed_settings"] == [] and again[0]["token_sent"] is False
    assert "deprecations" not in again[0], "a run that changes nothing does not warn about the deprecated changes"
    assert held(emu, LEGACY_WIKI)[1] == 1
    clear_log(emu)

    check_again = play([task(WIKI_ENABLE)], check=True)
    assert check_again.status(0) == "ok"
    assert calls(emu) == [("GET", "/", None, False)]


def test_changes_key_warns_once_per_run(emu, play):
    """The deprecated result key changes warns when it is not empty: one line per playbook run, however many tasks."""
    args = {"app_id": LEGACY_WIKI, "profile": {"auth_scheme": "TOKEN", "token": SECRET}}
    run = play([task(args), task(dict(args, state="disabled"), name="again"), task(dict(args, state="disabled"))])
    assert run.rc == 0, run.stdout
    assert [run.status(index) for index in range(3)] == ["changed", "changed", "ok"]
    assert [c[:2] for c in calls(emu)] == [("GET", "/"), ("POST", "/"), ("GET", "/"),
                                           ("POST", "/lifecycle/deactivate"), ("GET", "/")]
    output = " ".join((run.stdout + run.stderr).split())  # ansible-core 2.16 and 2.17 wrap the warning
    assert output.count("The result key 'changes' of oktaops.okta.okta_app_connection is deprecated") == 1, output
    assert "1.0.0" in output and "changed_settings" in output


def test_enable_sends_the_given_token_in_the_same_write(emu, play):
    """Legacy Wiki's connection is set up but disabled: enabling is a write, so the token given goes with it."""
    args = {"app_label": "Legacy Wiki", "profile": {"auth_scheme": "TOKEN", "token": SECRET}}
    run = play([task(args)])
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed" and run[0]["changed_settings"] == ["status", "profile.token"]
    assert run[0]["token_sent"] is True and run[0]["credentials_sent"] is True
    assert [c for c in calls(emu) if c[1] != "/api/v1/apps"] == [
        ("GET", "/", None, False), ("POST", "/", "true", True)]
    conn, sets = held(emu, LEGACY_WIKI)
    assert (conn["status"], conn["baseUrl"], sets) == ("ENABLED", "https://wiki.example.com/scim/v1", 1)


def test_enable_without_credentials_only_activates(emu, play):
    run = play([task({"app_id": LEGACY_WIKI, "profile": {"auth_scheme": "TOKEN"}})])
    assert run.rc == 0, run.stdout
    assert run[0]["changed_settings"] == ["status"] and run[0]["token_sent"] is False
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/lifecycle/activate", None, False)]
    assert held(emu, LEGACY_WIKI) == (held(emu, LEGACY_WIKI)[0], 0) and held(emu, LEGACY_WIKI)[0]["status"] == "ENABLED"


def test_first_enable_of_a_never_configured_connection_is_one_write(emu, play):
    """A connection that never held a token: the first run sends it with the activation, the rerun reads only."""
    fresh = {"label": "Fresh SCIM", "provisioning": False, "connection": {"authScheme": "TOKEN", "hasToken": False}}
    created = emu.admin("POST", "/_admin/apps", json=fresh)
    app_id = created[0]["id"]
    profile = {"auth_scheme": "TOKEN", "token": SECRET}
    # the emulator refuses to activate it without a token, as Okta does ("A token is required")
    refused = play([task({"app_id": app_id})])
    assert refused.status(0) == "failed" and refused[0]["status"] == 400 and "has no token" in refused[0]["msg"]
    assert held(emu, app_id)[0]["status"] == "DISABLED"
    clear_log(emu)
    first = play([task({"app_id": app_id, "profile": profile})], verbosity=4, diff=True)
    assert first.status(0) == "changed", first.stdout
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", True)]
    assert emu.requests()[1]["body"] == {"profile": {"authScheme": "TOKEN", "token": "<redacted>"}}
    assert held(emu, app_id) == (held(emu, app_id)[0], 1) and held(emu, app_id)[0]["status"] == "ENABLED"
    assert first[0]["diff"]["after"]["profile"]["token"] == PLACEHOLDER
    clear_log(emu)
    second = play([task({"app_id": app_id, "profile": profile})], verbosity=4)
    assert second.status(0) == "ok"
    assert calls(emu) == [("GET", "/", None, False)]
    assert held(emu, app_id)[1] == 1
    assert SECRET not in first.everything() + second.everything()


def test_features_follow_the_connection(emu, play):
    """While the connection is disabled the features endpoints answer the documented 400."""
    run = play([
        task({"app_id": ZSCALER, "state": "disabled"}),
        {"name": "features", "oktaops.okta.okta_app_feature_info": {"app_id": ZSCALER}, "register": "f1"},
        task({"app_id": ZSCALER, "state": "enabled"}),
        {"name": "features", "oktaops.okta.okta_app_feature_info": {"app_id": ZSCALER}, "register": "f2"},
    ])
    assert run.rc == 0, run.stdout
    assert run[1]["provisioning_enabled"] is False and run[1]["features"] == []
    assert run[3]["provisioning_enabled"] is True and run[3]["features"][0]["status"] == "ENABLED"
    features = [e for e in emu.requests() if e["path"].endswith("/features")]
    assert [e["status"] for e in features] == [400, 200]


def test_disable_and_reenable_under_both_update_token_values(emu, play):
    profile = {"auth_scheme": "TOKEN", "token": SECRET, "base_url": ZSCALER_URL}

    disable = play([task({"app_id": ZSCALER, "state": "disabled", "profile": profile})])
    assert disable.rc == 0, disable.stdout
    assert disable.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/lifecycle/deactivate", None, False)]
    assert held(emu, ZSCALER) == (disable[0]["connection"], 0)
    assert disable[0]["connection"]["status"] == "DISABLED"
    assert "deactivate" not in disable[0]["connection"]["_links"] and "activate" in disable[0]["connection"]["_links"]
    clear_log(emu)

    # on_create (the default): enabling is a write, so the token goes with it, in one POST ?activate=true
    on_create = play([task({"app_id": ZSCALER, "state": "enabled", "profile": profile})])
    assert on_create.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", True)]
    assert on_create[0]["token_sent"] is True and on_create[0]["changed_settings"] == ["status", "profile.token"]
    conn, sets = held(emu, ZSCALER)
    assert (conn["status"], sets) == ("ENABLED", 1)
    assert on_create[0]["connection"] == conn

    play([task({"app_id": ZSCALER, "state": "disabled"})])
    clear_log(emu)

    # always, under its former name update_token: the same one POST ?activate=true
    always = play([task({"app_id": ZSCALER, "state": "enabled", "profile": profile, "update_token": "always"})])
    assert always.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", True)]
    assert always[0]["token_sent"] is True and always[0]["changed_settings"] == ["status", "profile.token"]
    conn, sets = held(emu, ZSCALER)
    assert (conn["status"], sets) == ("ENABLED", 2)
    clear_log(emu)

    # always, nothing else differs: still sends (and reports changed), the documented trade-off
    rerun = play([task({"app_id": ZSCALER, "state": "enabled", "profile": profile, "update_credentials": "always"})])
    assert rerun.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", None, True)]
    assert held(emu, ZSCALER)[1] == 3
    clear_log(emu)

    # on_create, nothing differs: ok, one GET
    quiet = play([task({"app_id": ZSCALER, "state": "enabled", "profile": profile})])
    assert quiet.status(0) == "ok"
    assert calls(emu) == [("GET", "/", None, False)]


def test_profile_update_sends_token_and_keeps_unnamed_values(emu, play):
    new_url = "https://scim.zscalerbeta.net/7654321/890/scim"
    run = play([task({"app_id": ZSCALER, "profile": {"auth_scheme": "TOKEN", "base_url": new_url, "token": SECRET}})],
               diff=True)
    assert run.status(0) == "changed"
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", None, True)]
    assert run[0]["changed_settings"] == ["baseUrl", "profile.token"]
    assert run[0]["diff"]["before"] == {"status": "ENABLED", "profile": {"authScheme": "TOKEN"}, "baseUrl": ZSCALER_URL}
    assert run[0]["diff"]["after"] == {"status": "ENABLED", "profile": {"authScheme": "TOKEN", "token": PLACEHOLDER},
                                       "baseUrl": new_url}
    assert held(emu, ZSCALER)[0]["baseUrl"] == new_url
    clear_log(emu)

    # only the scheme named: the base URL Okta holds is sent back unchanged, nothing else differs -> ok
    same = play([task({"app_id": ZSCALER, "profile": {"authScheme": "TOKEN"}})])
    assert same.status(0) == "ok"
    assert calls(emu) == [("GET", "/", None, False)]


def test_oauth2_org2org_rotation_mode(emu, play):
    args = {"app_label": "Okta Org2Org", "profile": {"authScheme": "OAUTH2", "signing": {"rotationMode": "MANUAL"}}}
    run = play([task(args)], diff=True)
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    post = [e for e in emu.requests() if e["method"] == "POST"]
    # the client id Okta holds is kept: sent as held, since the task does not name it
    assert [e["body"] for e in post] == [{"profile": {"authScheme": "OAUTH2", "clientId": "0oa2h6su6bVFyJzIf1d7",
                                                      "signing": {"rotationMode": "MANUAL"}}}]
    assert run[0]["changed_settings"] == ["profile.signing.rotationMode"]
    conn = held(emu, ORG2ORG)[0]
    assert conn["profile"] == {"authScheme": "OAUTH2", "clientId": "0oa2h6su6bVFyJzIf1d7",
                               "signing": {"rotationMode": "MANUAL"}}
    assert run[0]["connection"] == conn
    clear_log(emu)
    again = play([task(args)])
    assert again.status(0) == "ok"
    assert [e["method"] for e in emu.requests()] == ["GET", "GET"]  # label lookup + connection


def test_org2org_answer_without_client_id(emu, play):
    """Okta's response schema lists no profile.clientId: against answers without it, the first run sends the client
    id with the write that enables the connection, and a rerun reads only, in check mode as in a real run."""
    fresh = {"label": "Org2Org Quiet", "name": "okta_org2org", "provisioning": False,
             "connection": {"authScheme": "OAUTH2", "signing": {"rotationMode": "AUTO"}, "returnsClientId": False}}
    app_id = emu.admin("POST", "/_admin/apps", json=fresh)[0]["id"]
    args = {"app_id": app_id, "profile": {"auth_scheme": "OAUTH2", "client_id": "0oaQUIET1234567890ab",
                                          "signing": {"rotation_mode": "AUTO"}}}
    first = play([task(args)], diff=True)
    assert first.status(0) == "changed", first.stdout
    assert first[0]["changed_settings"] == ["status", "profile.clientId"]
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", False)]
    assert emu.requests()[1]["body"] == {"profile": {"authScheme": "OAUTH2", "clientId": "0oaQUIET1234567890ab",
                                                     "signing": {"rotationMode": "AUTO"}}}
    app = emu.state()["apps"][app_id]
    assert app["connection"]["status"] == "ENABLED" and "clientId" not in app["connection"]["profile"]
    assert app["connection_client_id"] == "0oaQUIET1234567890ab"
    clear_log(emu)
    for check_mode in (True, False):
        again = play([task(args)], check=check_mode)
        assert again.rc == 0 and again.status(0) == "ok", again.stdout
    assert [e["method"] for e in emu.requests()] == ["GET", "GET"]
    # update_credentials=always sends it on its own, as it does the credentials
    always = play([task(dict(args, update_credentials="always"))])
    assert always.status(0) == "changed" and always[0]["changed_settings"] == ["profile.clientId"]
    assert [e["method"] for e in emu.requests()][-1] == "POST"
    clear_log(emu)
    # a change of its signing without the client id: the POST could lose it, so the task fails before writing
    manual = {"app_id": app_id, "profile": {"auth_scheme": "OAUTH2", "signing": {"rotation_mode": "MANUAL"}}}
    refused = play([task(manual)])
    assert refused.status(0) == "failed" and "give profile.client_id" in refused[0]["msg"], refused.stdout
    assert [e["method"] for e in emu.requests()] == ["GET"]
    assert emu.state()["apps"][app_id]["connection"]["profile"]["signing"] == {"rotationMode": "AUTO"}


def test_unknown_connection_fails_saying_why(emu, play):
    created = emu.admin("POST", "/_admin/apps", json={"label": "Intranet Links", "name": "bookmark", "signOnMode": "BOOKMARK"})
    app_id = created[0]["id"]
    run = play([task({"app_id": app_id, "profile": {"auth_scheme": "TOKEN", "token": SECRET}}),
                {"name": "info", INFO: {"app_id": app_id}}],
               play_extra={"ignore_errors": True})
    assert run.status(0) == "failed"
    assert "no provisioning support" in run[0]["msg"]
    assert "Traceback" not in run.everything()
    assert run.status(1) == "ok"
    assert run[1]["provisioning_supported"] is False and run[1]["provisioning_enabled"] is False
    assert run[1]["connection"]["status"] == "UNKNOWN"
    assert [(e["method"], e["status"]) for e in emu.requests()] == [("GET", 200), ("GET", 200)]
    assert held(emu, app_id) == (run[1]["connection"], 0)
    assert SECRET not in run.everything()


def test_token_never_appears_at_vvvv(emu, play):
    run = play([
        task(dict(WIKI_ENABLE, update_token="always")),
        task(dict(WIKI_ENABLE, update_token="always"), name="again"),
        {"name": "info", INFO: {"app_id": LEGACY_WIKI}},
        {"name": "show", "ansible.builtin.debug": {"var": "out"}},
    ], diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed" and run.status(1) == "changed"
    text = run.everything()
    assert SECRET not in text
    assert PLACEHOLDER in run.stdout  # the diff is printed, with the placeholder
    assert SECRET not in str(emu.requests()) and SECRET not in str(emu.state())
    assert held(emu, LEGACY_WIKI)[1] == 2


def test_info_returns_the_connection(emu, play):
    run = play([{"name": "info", INFO: {"app_label": "Zscaler"}},
                {"name": "info", INFO: {"app_id": LEGACY_WIKI}}], check=True)
    assert run.rc == 0, run.stdout
    first = run[0]
    assert first["app_id"] == ZSCALER
    assert first["connection"]["baseUrl"] == ZSCALER_URL
    assert first["connection"]["profile"] == {"authScheme": "TOKEN"}
    assert first["connection"]["_links"]["deactivate"]["href"].endswith("/lifecycle/deactivate")
    assert first["provisioning_supported"] is True and first["provisioning_enabled"] is True
    assert run[1]["provisioning_enabled"] is False and run[1]["connection"]["status"] == "DISABLED"
    assert all(e["method"] == "GET" for e in emu.requests())


@pytest.mark.parametrize("profile,needle", [
    ({"auth_scheme": "TOKEN", "client_id": "0oa1"}, "profile.client_id belongs to an OAUTH2 connection"),
    ({"auth_scheme": "OAUTH2", "token": SECRET}, "profile.token belongs to a TOKEN connection"),
    ({"auth_scheme": "TOKEN", "base_url": "http://plain.example.com"}, "must be an https:// URL"),
    ({"auth_scheme": "BASIC"}, "auth_scheme"),
])
def test_bad_input_fails_before_any_request(emu, play, profile, needle):
    run = play([task({"app_id": ZSCALER, "profile": profile})])
    assert run.status(0) == "failed"
    assert needle in run[0]["msg"]
    assert emu.requests() == []
    assert SECRET not in run.everything()


def test_okta_refusal_is_a_sentence_with_okta_fields(emu, play):
    # Slack takes only OAUTH2: the emulator answers 400 like Okta's validation
    run = play([task({"app_id": SLACK, "profile": {"auth_scheme": "TOKEN", "token": SECRET}})])
    assert run.status(0) == "failed"
    result = run[0]
    assert result["msg"].startswith("Cannot update the provisioning connection of app %s" % SLACK)
    assert "does not support a TOKEN connection" in result["msg"]
    assert result["status"] == 400 and result["error_code"] == "E0000001" and result["request_id"]
    assert held(emu, SLACK)[0]["profile"] == {"authScheme": "OAUTH2"}
    assert SECRET not in run.everything()


def test_not_found_and_read_only_token(emu, play):
    run = play([task({"app_id": "0oaNOPE000000000000"})], play_extra={"ignore_errors": True})
    assert "app 0oaNOPE000000000000 was not found; check app_id" in run[0]["msg"]
    clear_log(emu)
    ro = play([task({"app_id": ZSCALER, "state": "disabled"})], token=READONLY_TOKEN)
    assert ro.status(0) == "failed"
    assert "okta.apps.manage" in ro[0]["msg"]
    assert [(e["method"], e["status"]) for e in emu.requests()] == [("GET", 200), ("POST", 403)]
    assert held(emu, ZSCALER)[0]["status"] == "ENABLED"


def test_retries_a_transient_failure_of_the_write(emu, play):
    emu.admin("POST", "/_admin/faults", json={"type": "status", "status": 503, "method": "POST",
                                              "path": "/connections/default$"})
    run = play([task(WIKI_ENABLE)], defaults={"retries": 2})
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    assert [(e["method"], e["status"]) for e in emu.requests()] == [("GET", 200), ("POST", 503), ("POST", 200)]
    assert any("503" in w for w in run[0].get("warnings", []))
    assert held(emu, LEGACY_WIKI)[0]["status"] == "ENABLED"


# -- Office 365 admin settings and OAuth 2.0 consent ---------------------------------------------------

O365_USER = "okta-admin@contoso-tenant.onmicrosoft.com"
O365_PASSWORD = "O365-adm1n-Pa55word-7c2e"
O365_PROFILE = {"auth_scheme": "OAUTH2", "settings": {"admin_username": O365_USER, "admin_password": O365_PASSWORD}}


def new_app(emu, name, label):
    return emu.admin("POST", "/_admin/apps", json={"label": label, "name": name, "provisioning": False})[0]["id"]


def consent(emu, name, app_id, url):
    """What the administrator's browser does at ``url``: Okta's callback with the code and the state."""
    from urllib.parse import parse_qs, urlsplit

    import requests
    state = parse_qs(urlsplit(url).query)["state"][0]
    resp = requests.post("%s/api/v1/apps/%s/%s/oauth2/callback" % (emu.url, name, app_id),
                         params={"code": "consent-code", "state": state}, verify=emu.ca_file, timeout=10,
                         headers={"Authorization": "SSWS 00oktaops-emulator-manage-token-5f3a9c1e7b"})
    assert resp.status_code == 204, resp.text


def test_office365_set_up_in_one_write_then_consent(emu, play):
    app_id = new_app(emu, "office365", "Microsoft Office 365")
    args = {"app_id": app_id, "profile": O365_PROFILE}

    check = play([task(args)], check=True, diff=True)
    assert check.status(0) == "changed" and calls(emu) == [("GET", "/", None, False)]
    clear_log(emu)

    first = play([task(args)], diff=True, verbosity=4)
    # one write carries both settings; Okta's answer brings the authorize link, so no activation is tried
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", None, False)]
    assert emu.requests()[1]["body"] == {"profile": {"authScheme": "OAUTH2", "settings": {
        "adminUsername": "<redacted>", "adminPassword": "<redacted>"}}}
    result = first[0]
    assert first.status(0) == "failed" and result["consent_required"] is True and result["changed"] is True
    assert result["provisioning_supported"] is True
    url = result["authorize_url"]
    assert url.startswith("https://login.microsoftonline.com/") and url in result["msg"]
    assert "consent" in result["msg"] and "cannot be enabled" in result["msg"] and "features" in result["msg"]
    held_conn = held(emu, app_id)[0]
    assert held_conn["status"] == "DISABLED" and held_conn["_links"]["authorize"]["href"] == url
    clear_log(emu)

    # check mode, while consent is missing: the same outcome, no write
    waiting = play([task(args)], check=True)
    assert waiting[0]["consent_required"] is True and waiting[0]["authorize_url"] == url
    assert calls(emu) == [("GET", "/", None, False)]
    clear_log(emu)

    # a rerun before consent: the one activation (carrying the settings) is refused, the outcome is the same
    early = play([task(args)])
    assert early[0]["consent_required"] is True and early[0]["changed"] is False
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", "true", False)]
    assert held(emu, app_id)[0]["status"] == "DISABLED"
    clear_log(emu)

    consent(emu, "office365", app_id, url)
    clear_log(emu)
    again = play([task(args)], verbosity=4)
    assert again.status(0) == "ok", again.stdout
    assert calls(emu) == [("GET", "/", None, False)], "enabled and matching: one read, no write"
    assert again[0]["authorize_url"] == url and "consent_required" not in again[0]
    info = play([{"name": "info", INFO: {"app_id": app_id}, "register": "out"}])
    assert info[0]["authorize_url"] == url and info[0]["provisioning_enabled"] is True
    for run in (check, first, waiting, early, again, info):
        text = run.everything()
        assert O365_PASSWORD not in text and O365_USER not in text


def test_google_consent_then_enabled(emu, play):
    app_id = new_app(emu, "google", "Google Workspace EU")
    args = {"app_id": app_id, "profile": {"auth_scheme": "OAUTH2"}}
    first = play([task(args)])
    assert first[0]["consent_required"] is True
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/", None, False)]
    url = first[0]["authorize_url"]
    assert url.startswith("https://accounts.google.com/")
    # staying disabled needs no consent: the link is reported, the task succeeds without a write
    clear_log(emu)
    idle = play([task(dict(args, state="disabled"))])
    assert idle.status(0) == "ok" and idle[0]["authorize_url"] == url
    assert calls(emu) == [("GET", "/", None, False)]
    consent(emu, "google", app_id, url)
    clear_log(emu)
    done = play([task(args)])
    assert done.status(0) == "ok" and calls(emu) == [("GET", "/", None, False)]
    # deactivated after consent: the activation is tried once more, and works
    play([task(dict(args, state="disabled"))])
    clear_log(emu)
    back = play([task(args)])
    assert back.status(0) == "changed", back.stdout
    assert calls(emu) == [("GET", "/", None, False), ("POST", "/lifecycle/activate", None, False)]
    assert held(emu, app_id)[0]["status"] == "ENABLED"
