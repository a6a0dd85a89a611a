# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings without AnsibleModule (module_utils/_settings.py)."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._settings import (
    build_client,
    resolve_credentials,
)

ORG = "https://acme.okta.com"
TOKEN = "tok-SETTINGS-SECRET-1a2b3c"


def refused(call, *args):
    with pytest.raises(OktaError) as caught:
        call(*args)
    assert caught.value.kind == "config"
    return caught.value.reason


def test_an_option_beats_the_environment_as_a_whole():
    creds = resolve_credentials({"access_token": "opt"}, {"OKTA_API_TOKEN": "env"})
    assert (creds.api_token, creds.access_token, creds.oauth, creds.secrets) == (None, "opt", None, [])


@pytest.mark.parametrize("environ,kind,value", [
    ({"OKTA_API_TOKEN": "a", "OKTA_CLIENT_TOKEN": "b", "OKTA_ACCESS_TOKEN": "c"}, "api_token", "a"),
    ({"OKTA_CLIENT_TOKEN": "b", "OKTA_ACCESS_TOKEN": "c"}, "api_token", "b"),
    ({"OKTA_ACCESS_TOKEN": "c"}, "access_token", "c"),
])
def test_environment_tokens_first_found_wins_and_are_secrets(environ, kind, value):
    creds = resolve_credentials({}, environ)
    assert getattr(creds, kind) == value and creds.secrets == [value] and creds.warnings == []


def test_token_variable_before_service_app_variables_warns():
    creds = resolve_credentials({}, {"OKTA_API_TOKEN": "a", "OKTA_API_CLIENT_ID": "0oa1"})
    assert creds.api_token == "a"
    assert creds.warnings == ["Authenticating with OKTA_API_TOKEN; OKTA_API_CLIENT_ID is ignored because the API "
                              "token variables come first. Unset OKTA_API_TOKEN to use the service app."]


def test_service_app_from_the_second_family():
    creds = resolve_credentials({}, {"OKTA_CLIENT_CLIENTID": "0oa2", "OKTA_CLIENT_PRIVATEKEY": "KEY",
                                     "OKTA_CLIENT_KID": "kid9", "OKTA_CLIENT_SCOPES": "okta.apps.read,okta.apps.manage"})
    assert creds.oauth == dict(client_id="0oa2", private_key="KEY", private_key_id="kid9",
                               scopes=["okta.apps.read", "okta.apps.manage"])
    assert creds.secrets == ["KEY"]


@pytest.mark.parametrize("options,environ,sentence", [
    ({}, {}, "No Okta credentials: set api_token, access_token, or client_id and private_key, or the environment "
             "variables (first found wins) OKTA_API_TOKEN, OKTA_CLIENT_TOKEN, OKTA_ACCESS_TOKEN, or OKTA_API_CLIENT_ID "
             "with OKTA_API_PRIVATE_KEY or OKTA_CLIENT_CLIENTID with OKTA_CLIENT_PRIVATEKEY."),
    ({"api_token": "a", "access_token": "b"}, {}, "Give either api_token or access_token, not both."),
    ({"api_token": "a", "client_id": "c"}, {}, "Give one authentication method, not api_token and client_id and "
                                               "private_key: api_token, access_token, or client_id with private_key "
                                               "(an OAuth 2.0 service app)."),
    ({"api_token": "a", "dpop": True}, {}, "dpop apply only to client_id and private_key authentication, not to "
                                           "api_token; remove them or switch to the service app."),
    ({"client_id": "c"}, {}, "client_id needs private_key"),
    ({}, {"OKTA_API_PRIVATE_KEY": "KEY"}, "OKTA_API_PRIVATE_KEY is set but OKTA_API_CLIENT_ID is not"),
])
def test_credential_problems_are_config_errors_with_the_modules_sentences(options, environ, sentence):
    assert refused(resolve_credentials, options, environ).startswith(sentence)


@pytest.mark.parametrize("options,sentence", [
    ({"api_token": TOKEN}, "org_url is required: set org_url or one of the environment variables OKTA_ORG_URL, "
                           "OKTA_CLIENT_ORGURL"),
    ({"org_url": ORG, "api_token": TOKEN, "timeout": 0}, "timeout must be a positive number of seconds, got 0."),
    ({"org_url": ORG, "api_token": TOKEN, "retries": -1}, "retries must be 0 (no retries) or more, got -1."),
    ({"org_url": "https://acme-admin.okta.com", "api_token": TOKEN}, "Invalid connection settings: org_url points"),
])
def test_build_client_refuses_bad_settings_before_any_request(options, sentence):
    with responses.RequestsMock():  # any request would fail the test
        assert refused(build_client, options, {}).startswith(sentence)


def test_build_client_from_the_environment_reports_secrets_and_defaults():
    secrets = []
    client = build_client({}, {"OKTA_CLIENT_ORGURL": ORG, "OKTA_API_TOKEN": TOKEN}, on_secret=secrets.append)
    assert client.base_url == ORG and client.retries == 5 and client.timeout == 30.0 and client.verify is True
    assert secrets == [TOKEN] and client.auth is None


def test_build_client_masks_a_password_in_org_url():
    secrets = []
    refused(build_client, {"org_url": "https://admin:pw-SECRET@acme.okta.com", "api_token": TOKEN}, {},
            None, secrets.append)
    assert "pw-SECRET" in secrets


@pytest.mark.parametrize("options, environ, sentence", [
    ({"api_token": "SSWS " + TOKEN}, {},
     "The API token in api_token starts with 'SSWS ', the scheme of the Authorization header; give the token "
     "alone, without the 'SSWS ' prefix (the collection adds it)."),
    ({"api_token": "ssws  " + TOKEN}, {}, "The API token in api_token starts with 'SSWS '"),
    ({}, {"OKTA_API_TOKEN": "SSWS " + TOKEN}, "The API token in OKTA_API_TOKEN starts with 'SSWS '"),
    ({"access_token": "Bearer " + TOKEN}, {},
     "The access token in access_token starts with 'Bearer ', the scheme of the Authorization header; give the "
     "token alone, without the 'Bearer ' prefix (the collection adds it)."),
    ({}, {"OKTA_ACCESS_TOKEN": "Bearer " + TOKEN}, "The access token in OKTA_ACCESS_TOKEN starts with 'Bearer '"),
    ({"api_token": "Bearer " + TOKEN}, {},
     "The API token in api_token starts with 'Bearer ', the scheme of the Authorization header; give the token "
     "alone, without the 'Bearer ' prefix (the collection adds it), and pass it as access_token (or "
     "OKTA_ACCESS_TOKEN)."),
    ({"access_token": "SSWS " + TOKEN}, {}, "and pass it as api_token (or OKTA_API_TOKEN)."),
])
def test_a_token_pasted_with_its_scheme_says_to_drop_the_prefix(options, environ, sentence):
    with responses.RequestsMock() as rsps:  # nothing is sent
        reason = refused(build_client, dict(options, org_url=ORG), environ)
        assert len(rsps.calls) == 0
    assert sentence in reason and reason.startswith("The "), reason
    assert TOKEN not in reason


@pytest.mark.parametrize("token", ["SSWS", "SSWSabc", "Bearerish-token", "00abSSWS cd"])
def test_a_token_that_only_looks_like_a_scheme_is_not_refused_for_it(token):
    try:
        build_client({"org_url": ORG, "api_token": token}, {})
    except OktaError as exc:  # the client's own check (spaces) may refuse it, never as a pasted scheme
        assert "scheme of the Authorization header" not in exc.reason
