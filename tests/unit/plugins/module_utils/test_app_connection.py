# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure logic of the default provisioning connection (module_utils/_app_connection.py)."""

from __future__ import annotations

import copy
import json

import pytest

from hypothesis import given, settings, strategies as st

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import (
    CREDENTIAL_PLACEHOLDER,
    TOKEN_PLACEHOLDER,
    authorize_url,
    connection_input_problems,
    connection_unapplied,
    consent_message,
    is_unsupported,
    plan_connection,
    predicted,
    view,
    waits_for_consent,
)

SECRET = "s3cr3t-token-value"
HREF = "https://acme.okta.com/api/v1/apps/0oa1/connections/default"


def token_conn(status="ENABLED", base_url="https://scim.example.com/1"):
    conn = {"authScheme": "TOKEN", "status": status, "profile": {"authScheme": "TOKEN"},
            "_links": {"self": {"href": HREF, "hints": {"allow": ["GET", "POST"]}}}}
    if base_url:
        conn["baseUrl"] = base_url
    return conn


def oauth_conn(status="ENABLED", client_id="0oaC", mode="AUTO"):
    profile = {"authScheme": "OAUTH2"}
    if client_id:
        profile["clientId"] = client_id
    if mode:
        profile["signing"] = {"rotationMode": mode}
    return {"status": status, "profile": profile, "_links": {"self": {"href": HREF}}}


def token_profile(token=SECRET, base_url=None):
    return {"auth_scheme": "TOKEN", "token": token, "base_url": base_url, "client_id": None, "signing": None}


def test_view_and_unsupported():
    assert view(token_conn()) == {"status": "ENABLED", "auth_scheme": "TOKEN", "base_url": "https://scim.example.com/1"}
    assert view(oauth_conn()) == {"status": "ENABLED", "auth_scheme": "OAUTH2", "client_id": "0oaC", "rotation_mode": "AUTO"}
    assert is_unsupported({"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}})
    assert is_unsupported({"status": "DISABLED", "profile": {"authScheme": "UNKNOWN"}})
    assert not is_unsupported(token_conn("DISABLED"))
    assert view(None) == {"status": None, "auth_scheme": None}


@pytest.mark.parametrize("profile,needle", [
    ({"auth_scheme": "TOKEN", "client_id": "x"}, "profile.client_id belongs to an OAUTH2 connection"),
    ({"auth_scheme": "TOKEN", "signing": {"rotation_mode": "AUTO"}}, "profile.signing.rotation_mode belongs to an OAUTH2"),
    ({"auth_scheme": "OAUTH2", "base_url": "https://x"}, "profile.base_url belongs to a TOKEN connection"),
    ({"auth_scheme": "OAUTH2", "token": "x"}, "profile.token belongs to a TOKEN connection"),
    ({"auth_scheme": "TOKEN", "token": "  "}, "profile.token is empty"),
    ({"auth_scheme": "TOKEN", "base_url": "http://x"}, "https://"),
])
def test_input_problems(profile, needle):
    problems = connection_input_problems(profile)
    assert any(needle in p for p in problems), problems
    assert all(SECRET not in p for p in problems)


def test_input_fine():
    assert connection_input_problems(None) == []
    assert connection_input_problems(token_profile(base_url="https://x.example.com")) == []
    assert connection_input_problems({"auth_scheme": "OAUTH2", "client_id": "0oa", "signing": {"rotation_mode": "MANUAL"}}) == []


def test_no_change_is_no_call():
    p = plan_connection(token_conn(), "enabled", token_profile(base_url="https://scim.example.com/1"))
    assert (p.changed, p.calls, p.send_token, p.changed_settings) == (False, [], False, [])
    assert p.before == p.after


def test_first_enable_sends_the_token_in_the_activating_post():
    """Enabling is a write: the token given goes with it, in one POST ?activate=true."""
    p = plan_connection(token_conn("DISABLED"), "enabled", token_profile())
    assert p.calls == [("POST", {"baseUrl": "https://scim.example.com/1",
                                 "profile": {"authScheme": "TOKEN", "token": SECRET}}, True)]
    assert p.send_token and p.send_credentials and p.changed_settings == ["status", "profile.token"]
    assert p.after["profile"]["token"] == TOKEN_PLACEHOLDER
    assert SECRET not in json.dumps([p.before, p.after, p.changed_settings])


def test_enable_without_credentials_only_activates():
    p = plan_connection(token_conn("DISABLED"), "enabled", {"auth_scheme": "TOKEN"})
    assert p.calls == [("activate",)] and not p.send_token and p.changed_settings == ["status"]
    assert plan_connection(token_conn("DISABLED"), "enabled", None).calls == [("activate",)]


def test_matching_enabled_connection_sends_nothing_under_on_create():
    p = plan_connection(token_conn(), "enabled", token_profile())
    assert (p.changed, p.calls, p.send_credentials) == (False, [], False)


def test_disabling_does_not_send_credentials():
    p = plan_connection(token_conn(), "disabled", token_profile())
    assert p.calls == [("deactivate",)] and not p.send_credentials


def test_update_token_always_sends_with_activation_in_one_post():
    p = plan_connection(token_conn("DISABLED"), "enabled", token_profile(), update_credentials="always")
    assert p.calls == [("POST", {"baseUrl": "https://scim.example.com/1",
                                 "profile": {"authScheme": "TOKEN", "token": SECRET}}, True)]
    assert p.changed_settings == ["status", "profile.token"]
    assert p.after["profile"]["token"] == TOKEN_PLACEHOLDER
    assert SECRET not in json.dumps([p.before, p.after, p.changed_settings])


def test_always_on_a_matching_enabled_connection_posts_without_activate():
    p = plan_connection(token_conn(), "enabled", token_profile(), update_credentials="always")
    assert [c[0] for c in p.calls] == ["POST"] and p.calls[0][2] is False


def test_disable_with_profile_change_deactivates_first():
    p = plan_connection(token_conn(), "disabled", token_profile(base_url="https://new.example.com"))
    assert [c[0] for c in p.calls] == ["deactivate", "POST"]
    assert p.calls[1][1]["profile"]["token"] == SECRET  # sent with a profile update that happens anyway
    assert p.changed_settings == ["status", "baseUrl", "profile.token"]


def test_scheme_switch_drops_fields_of_the_other_scheme():
    p = plan_connection(oauth_conn(), "enabled", token_profile())
    assert p.calls == [("POST", {"profile": {"authScheme": "TOKEN", "token": SECRET}}, False)]
    assert p.after == {"status": "ENABLED", "profile": {"authScheme": "TOKEN", "token": TOKEN_PLACEHOLDER}}


def test_unnamed_values_are_sent_as_held():
    p = plan_connection(oauth_conn(), "enabled", {"auth_scheme": "OAUTH2", "signing": {"rotation_mode": "MANUAL"}})
    assert p.calls == [("POST", {"profile": {"authScheme": "OAUTH2", "clientId": "0oaC",
                                             "signing": {"rotationMode": "MANUAL"}}}, False)]
    assert p.changed_settings == ["profile.signing.rotationMode"]


def test_predicted_and_unapplied():
    conn = token_conn("DISABLED")
    p = plan_connection(conn, "enabled", token_profile(base_url="https://new.example.com"))
    result = predicted(conn, p)
    assert result["status"] == "ENABLED" and result["baseUrl"] == "https://new.example.com"
    assert set(result["_links"]) == {"self", "deactivate"}
    assert result["_links"]["deactivate"]["href"] == HREF + "/lifecycle/deactivate"
    assert conn["status"] == "DISABLED"  # input untouched
    assert connection_unapplied(p.expected, result) == []
    assert connection_unapplied(p.expected, conn) == ["baseUrl"]


O365_SETTINGS = {"admin_username": "admin@o365.example", "admin_password": "Pa55-w0rd-o365"}


def o365_profile():
    return {"auth_scheme": "OAUTH2", "settings": dict(O365_SETTINGS)}


def test_office365_settings_are_write_only_credentials():
    conn = oauth_conn("DISABLED", client_id=None, mode=None)
    p = plan_connection(conn, "enabled", o365_profile())
    body = {"profile": {"authScheme": "OAUTH2", "settings": {"adminUsername": "admin@o365.example",
                                                             "adminPassword": "Pa55-w0rd-o365"}}}
    # an OAuth 2.0 profile without a client id may start a consent flow: the activation waits for Okta's answer
    assert p.calls == [("POST", body, False), ("activate_unless_consent",)]
    assert p.changed_settings == ["status", "profile.settings.adminUsername", "profile.settings.adminPassword"]
    assert p.send_credentials and not p.send_token
    assert p.after["profile"]["settings"] == {"adminUsername": CREDENTIAL_PLACEHOLDER,
                                              "adminPassword": CREDENTIAL_PLACEHOLDER}
    text = json.dumps([p.before, p.after, p.changed_settings])
    assert "admin@o365.example" not in text and "Pa55-w0rd-o365" not in text
    # enabled and matching: nothing is sent, unless update_credentials=always
    enabled = oauth_conn("ENABLED", client_id=None, mode=None)
    assert plan_connection(enabled, "enabled", o365_profile()).calls == []
    again = plan_connection(enabled, "enabled", o365_profile(), update_credentials="always")
    assert again.calls == [("POST", body, False)]


def test_org2org_oauth_enables_in_one_post():
    p = plan_connection(oauth_conn("DISABLED"), "enabled", {"auth_scheme": "OAUTH2", "client_id": "0oaD"})
    assert p.calls == [("POST", {"profile": {"authScheme": "OAUTH2", "clientId": "0oaD",
                                             "signing": {"rotationMode": "AUTO"}}}, True)]


# Okta's response schema lists no profile.clientId (only its Org2Org example returns one): an answer without it
# must neither make every run write nor fail the check of what a write applied.
ORG2ORG = {"auth_scheme": "OAUTH2", "client_id": "0oaD", "signing": {"rotation_mode": "AUTO"}}
ORG2ORG_BODY = {"profile": {"authScheme": "OAUTH2", "clientId": "0oaD", "signing": {"rotationMode": "AUTO"}}}


def test_a_client_id_the_answer_leaves_out_is_not_compared():
    enabled = oauth_conn("ENABLED", client_id=None)
    p = plan_connection(enabled, "enabled", ORG2ORG)
    assert p.calls == [] and not p.changed and p.changed_settings == []


def test_a_client_id_the_answer_leaves_out_goes_with_the_writes_of_the_run():
    # enabling: one POST ?activate=true carries it
    p = plan_connection(oauth_conn("DISABLED", client_id=None), "enabled", ORG2ORG)
    assert p.calls == [("POST", ORG2ORG_BODY, True)]
    assert p.changed_settings == ["status", "profile.clientId"]
    # a profile change carries it too, so the update does not leave it to whatever Okta keeps
    p = plan_connection(oauth_conn("ENABLED", client_id=None), "enabled", dict(ORG2ORG, signing={"rotation_mode": "MANUAL"}))
    assert p.calls == [("POST", {"profile": {"authScheme": "OAUTH2", "clientId": "0oaD",
                                             "signing": {"rotationMode": "MANUAL"}}}, False)]
    assert p.changed_settings == ["profile.signing.rotationMode", "profile.clientId"]
    # on its own only with update_credentials=always, as the credentials
    p = plan_connection(oauth_conn("ENABLED", client_id=None), "enabled", ORG2ORG, update_credentials="always")
    assert p.calls == [("POST", ORG2ORG_BODY, False)] and p.changed_settings == ["profile.clientId"]
    # disabled and staying so: nothing to write it with
    assert plan_connection(oauth_conn("DISABLED", client_id=None), "disabled", ORG2ORG).calls == []


def test_a_client_id_the_answer_holds_is_compared():
    assert plan_connection(oauth_conn("ENABLED", client_id="0oaD"), "enabled", ORG2ORG).calls == []
    p = plan_connection(oauth_conn("ENABLED", client_id="0oaOLD"), "enabled", ORG2ORG)
    assert p.calls == [("POST", ORG2ORG_BODY, False)] and p.changed_settings == ["profile.clientId"]


def test_an_org2org_update_without_a_client_id_it_cannot_send_back_is_refused():
    # signing shows an Org2Org connection; its answer has no client id and the task gives none: the POST would
    # leave it out, and Okta does not document whether it keeps a value a POST leaves out
    manual = {"auth_scheme": "OAUTH2", "signing": {"rotation_mode": "MANUAL"}}
    p = plan_connection(oauth_conn("ENABLED", client_id=None), "enabled", manual)
    assert p.problem and "profile.client_id" in p.problem and "Org2Org" in p.problem
    # with the client id given, or held in the answer, the update goes ahead
    assert plan_connection(oauth_conn("ENABLED", client_id=None), "enabled", dict(manual, client_id="0oaD")).problem is None
    assert plan_connection(oauth_conn("ENABLED"), "enabled", manual).problem is None
    # nothing to write, or no signing (Slack, Google, Zoom, Office 365 take no client id): no problem
    assert plan_connection(oauth_conn("ENABLED", client_id=None, mode="MANUAL"), "enabled", manual).problem is None
    assert plan_connection(oauth_conn("DISABLED", client_id=None, mode=None), "enabled", None).problem is None


def test_unapplied_skips_a_client_id_the_answer_leaves_out_only():
    expected = {"auth_scheme": "OAUTH2", "client_id": "0oaD", "rotation_mode": "AUTO"}
    assert connection_unapplied(expected, oauth_conn("ENABLED", client_id=None)) == []
    assert connection_unapplied(expected, oauth_conn("ENABLED", client_id="0oaX")) == ["profile.clientId"]
    assert connection_unapplied(expected, oauth_conn("ENABLED", client_id=None, mode="MANUAL")) == [
        "profile.signing.rotationMode"]


AUTHORIZE = "https://login.microsoftonline.com/tenant/oauth2/authorize?response_type=code&state=abc"


def consent_conn(status="DISABLED"):
    conn = oauth_conn(status, client_id=None, mode=None)
    conn["_links"]["authorize"] = {"href": AUTHORIZE, "hints": {"allow": ["GET"]}}
    return conn


def test_authorize_link_and_consent():
    assert authorize_url(consent_conn()) == AUTHORIZE and waits_for_consent(consent_conn())
    assert not waits_for_consent(consent_conn("ENABLED")) and authorize_url(consent_conn("ENABLED")) == AUTHORIZE
    assert authorize_url(token_conn()) is None and authorize_url(None) is None
    assert authorize_url({"_links": {"authorize": {"href": ""}}}) is None
    message = consent_message("0oa1", AUTHORIZE)
    assert AUTHORIZE in message and "consent" in message and "enabled" in message and "features" in message


def test_consent_waiting_connection():
    # enabling only: the one activation is tried (consent may have been given since); check mode predicts consent
    p = plan_connection(consent_conn(), "enabled", None)
    assert p.calls == [("activate",)] and p.consent_required and p.authorize_url == AUTHORIZE
    # credentials given, profile matching: they go with the one activation (a POST ?activate=true)
    p = plan_connection(consent_conn(), "enabled", o365_profile())
    assert [c[0] for c in p.calls] == ["POST"] and p.calls[0][2] is True and p.consent_required
    # a changed profile is stored first (so a refused activation does not lose it), then the activation is tried
    conn = consent_conn()
    conn["profile"] = {"authScheme": "TOKEN"}
    p = plan_connection(conn, "enabled", o365_profile())
    assert [c[0] for c in p.calls] == ["POST", "activate"] and p.calls[0][2] is False and p.consent_required
    # staying disabled, or already enabled: no consent needed, the link is still reported
    p = plan_connection(consent_conn(), "disabled", None)
    assert (p.calls, p.consent_required, p.authorize_url) == ([], False, AUTHORIZE)
    p = plan_connection(consent_conn("ENABLED"), "enabled", None)
    assert (p.calls, p.consent_required) == ([], False)


def test_oauth_connection_never_set_up_is_written_before_the_activation():
    """Google Workspace, Slack, Zoom take no setting: enabling writes the profile, then activates unless Okta's
    answer asks for consent."""
    conn = oauth_conn("DISABLED", client_id=None, mode=None)
    for profile in (None, {"auth_scheme": "OAUTH2"}):
        p = plan_connection(conn, "enabled", profile)
        assert p.calls == [("POST", {"profile": {"authScheme": "OAUTH2"}}, False), ("activate_unless_consent",)]
        assert p.changed_settings == ["status"] and not p.consent_required
    # an Org2Org connection (it has a client id) is enabled by one lifecycle call
    assert plan_connection(oauth_conn("DISABLED"), "enabled", None).calls == [("activate",)]


def test_settings_input_problems():
    assert connection_input_problems(o365_profile()) == []
    problems = connection_input_problems({"auth_scheme": "TOKEN", "settings": dict(O365_SETTINGS)})
    assert any("profile.settings belongs to an OAUTH2" in p for p in problems)
    problems = connection_input_problems({"auth_scheme": "OAUTH2", "client_id": "0oa",
                                          "settings": dict(O365_SETTINGS)})
    assert any("give one of them" in p for p in problems)
    problems = connection_input_problems({"auth_scheme": "OAUTH2", "settings": {"admin_username": " ",
                                                                                "admin_password": "x"}})
    assert problems == ["profile.settings.admin_username is empty; leave it out or give a value"]
    assert all("Pa55" not in p and "o365.example" not in p for p in problems)


def test_bad_state_or_update_token():
    with pytest.raises(ValueError):
        plan_connection(token_conn(), "on", None)
    with pytest.raises(ValueError):
        plan_connection(token_conn(), "enabled", None, update_credentials="sometimes")


# -- laws ---------------------------------------------------------------------------------------------

_urls = st.sampled_from([None, "https://a.example.com", "https://b.example.com"])
_modes = st.sampled_from([None, "AUTO", "MANUAL"])
_clients = st.sampled_from([None, "0oaA", "0oaB"])
_status = st.sampled_from(["ENABLED", "DISABLED"])


@st.composite
def connections(draw):
    if draw(st.booleans()):
        return token_conn(draw(_status), draw(_urls))
    return oauth_conn(draw(_status), draw(_clients), draw(_modes))


@st.composite
def profiles(draw):
    if draw(st.booleans()):
        return None
    if draw(st.booleans()):
        return {"auth_scheme": "TOKEN", "token": draw(st.sampled_from([None, SECRET])), "base_url": draw(_urls),
                "client_id": None, "signing": None}
    mode = draw(_modes)
    return {"auth_scheme": "OAUTH2", "token": None, "base_url": None, "client_id": draw(_clients),
            "signing": {"rotation_mode": mode} if mode else None}


def apply(conn, the_plan):
    """What a faithful Okta holds after the plan's calls (the emulator's semantics)."""
    conn = copy.deepcopy(conn)
    for call in the_plan.calls:
        if call[0] == "POST":
            conn = predicted(conn, the_plan)
            conn["status"] = "ENABLED" if call[2] else conn["status"]
        else:  # activate, activate_unless_consent (no consent asked here) or deactivate
            conn["status"] = "ENABLED" if call[0].startswith("activate") else "DISABLED"
    return conn


@settings(max_examples=300, deadline=None)
@given(connections(), st.sampled_from(["enabled", "disabled"]), profiles())
def test_applying_the_plan_then_planning_again_changes_nothing(conn, state, profile):
    first = plan_connection(conn, state, profile)
    after = apply(conn, first)
    again = plan_connection(after, state, profile)
    assert not again.changed, (first, again)
    assert again.calls == []
    assert view(after) == view(predicted(conn, first))
    # at most one write per reason, and enabling with a profile update is one request
    assert len(first.calls) <= 2
    assert SECRET not in json.dumps([first.before, first.after, first.changed_settings])


@settings(max_examples=300, deadline=None)
@given(connections(), st.sampled_from(["enabled", "disabled"]), profiles())
def test_values_not_named_never_change(conn, state, profile):
    first = plan_connection(conn, state, profile)
    before, after = view(conn), view(apply(conn, first))
    named = {k for k, v in (profile or {}).items() if v is not None}
    if (profile or {}).get("signing"):
        named.add("rotation_mode")
    same_scheme = profile is None or profile["auth_scheme"] == before["auth_scheme"]
    if same_scheme:
        for key in ("base_url", "client_id", "rotation_mode"):
            if key not in named:
                assert after.get(key) == before.get(key)
