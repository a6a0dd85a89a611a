# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for OAuth service-app authentication: keys, client assertions, DPoP proofs, the token
request and how the client uses the authenticator. Every JWT is decoded and every claim checked."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import urllib.parse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from ansible_collections.oktaops.okta.tests.utils.fake_clock import FakeTime as _FakeTime
from ansible_collections.oktaops.okta.plugins.module_utils._client import OktaClient
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._oauth import (
    ASSERTION_TYPE,
    DPoPKey,
    OAuthAuthenticator,
    client_assertion,
    load_private_key,
)

ORG = "https://acme.okta.com"
TOKEN_URL = ORG + "/oauth2/v1/token"
APPS = ORG + "/api/v1/apps"
CLIENT_ID = "0oaSvc1a2b3c4d5e6f7"
NOW = 1700000000
ACCESS = "at-SECRET-0123456789abcdef"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def private_jwk(key, kid=None):
    jwk = json.loads((RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm).to_jwk(key))
    if kid:
        jwk["kid"] = kid
    return jwk


class FakeTime(_FakeTime):
    def __init__(self, now=NOW):
        super(FakeTime, self).__init__(now)


def make_client(auth, fake=None, retries=3):
    fake = fake or FakeTime()
    return OktaClient(ORG, auth=auth, retries=retries, sleep=fake.sleep, clock=fake.clock, rand=lambda: 0.5)


def token_body(token_type="Bearer", token=ACCESS, scope="okta.apps.read"):
    return {"token_type": token_type, "expires_in": 3600, "access_token": token, "scope": scope}


def form_of(call):
    return dict(urllib.parse.parse_qsl(call.request.body))


def decode_assertion(assertion, key):
    return jwt.decode(assertion, key.public_key(), algorithms=["RS256", "ES256"], audience=TOKEN_URL,
                      options={"verify_iat": False, "verify_exp": False})


def decode_proof(proof):
    header = jwt.get_unverified_header(proof)
    key = jwt.PyJWK(header["jwk"]).key
    return header, jwt.decode(proof, key, algorithms=["ES256"], options={"verify_iat": False})


def ath(token):
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()


# -- keys ------------------------------------------------------------------------------------------


def test_pem_string_path_and_jwk_load(tmp_path):
    assert load_private_key(pem(RSA_KEY)).algorithm == "RS256"
    assert load_private_key(pem(EC_KEY)).algorithm == "ES256"
    key_file = tmp_path / "key.pem"
    key_file.write_text(pem(EC_KEY))
    assert load_private_key(str(key_file)).algorithm == "ES256"
    loaded = load_private_key(json.dumps(private_jwk(RSA_KEY, kid="kid-1")))
    assert (loaded.algorithm, loaded.kid) == ("RS256", "kid-1")
    assert loaded.key.private_numbers() == RSA_KEY.private_numbers()
    jwks_file = tmp_path / "key.json"
    jwks_file.write_text(json.dumps({"keys": [private_jwk(EC_KEY, kid="ec-1")]}))
    assert load_private_key(str(jwks_file)).kid == "ec-1"
    assert "SECRET" not in repr(loaded)


@pytest.mark.parametrize("value,expected", [
    ("", "private_key is empty"),
    ("not a key and not a file", "no file exists at that path"),
    ("-----BEGIN PRIVATE KEY-----\nAAAAsecretish\n-----END PRIVATE KEY-----", "not a readable private key"),
    ('{"kty": "RSA"', "does not parse"),
    ('{"kty": "oct", "k": "c2VjcmV0"}', "RSA or EC"),
    (json.dumps({"keys": []}), "0 keys"),
])
def test_bad_private_keys_give_clear_errors_that_never_quote_the_value(value, expected):
    with pytest.raises(OktaError) as caught:
        load_private_key(value)
    assert caught.value.kind == "config"
    assert expected in caught.value.reason
    assert "secretish" not in caught.value.reason and "c2VjcmV0" not in caught.value.reason


def test_public_jwk_encrypted_pem_and_small_rsa_are_refused():
    public = private_jwk(RSA_KEY)
    del public["d"]
    with pytest.raises(OktaError, match="only a public key"):
        load_private_key(json.dumps(public))
    encrypted = RSA_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b"pw")).decode()
    with pytest.raises(OktaError, match="encrypted"):
        load_private_key(encrypted)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(OktaError, match="at least 2048"):
        load_private_key(pem(small))


# -- client assertion ------------------------------------------------------------------------------


@pytest.mark.parametrize("key,alg", [(RSA_KEY, "RS256"), (EC_KEY, "ES256")])
def test_client_assertion_claims(key, alg):
    signing = load_private_key(pem(key))
    first = client_assertion(signing, CLIENT_ID, TOKEN_URL, NOW, kid="kid-9")
    second = client_assertion(signing, CLIENT_ID, TOKEN_URL, NOW)
    header = jwt.get_unverified_header(first)
    assert header["alg"] == alg and header["kid"] == "kid-9"
    assert "kid" not in jwt.get_unverified_header(second)
    claims = decode_assertion(first, key)
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == TOKEN_URL
    assert claims["iat"] == NOW
    assert NOW < claims["exp"] <= NOW + 3600
    assert claims["jti"] != decode_assertion(second, key)["jti"]
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}


def test_assertion_lifetime_is_capped_at_one_hour():
    claims = decode_assertion(client_assertion(load_private_key(pem(RSA_KEY)), CLIENT_ID, TOKEN_URL, NOW,
                                               lifetime=86400), RSA_KEY)
    assert claims["exp"] == NOW + 3600


# -- DPoP proofs -----------------------------------------------------------------------------------


def test_dpop_proof_claims_and_header():
    key = DPoPKey()
    proof = key.proof("get", APPS + "?q=Slack&limit=200#frag", NOW, nonce="n-1", access_token=ACCESS)
    header, claims = decode_proof(proof)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert set(header["jwk"]) == {"kty", "crv", "x", "y"}  # public only
    assert claims == {"jti": claims["jti"], "htm": "GET", "htu": APPS, "iat": NOW, "nonce": "n-1", "ath": ath(ACCESS)}
    bare = decode_proof(key.proof("POST", TOKEN_URL, NOW))[1]
    assert "nonce" not in bare and "ath" not in bare
    assert bare["jti"] != claims["jti"]
    members = {k: header["jwk"][k] for k in ("crv", "kty", "x", "y")}
    expected = base64.urlsafe_b64encode(hashlib.sha256(
        json.dumps(members, sort_keys=True, separators=(",", ":")).encode()).digest()).rstrip(b"=").decode()
    assert key.thumbprint() == expected


# -- the token request and its use ----------------------------------------------------------------


@responses.activate
def test_one_token_per_run_sent_as_bearer():
    responses.post(TOKEN_URL, json=token_body())
    responses.get(APPS, json=[])
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"], private_key_id="kid-1")
    client = make_client(auth)
    client.get_all(APPS)
    client.get_all(APPS)
    client.get_json("/api/v1/apps")
    token_calls = [c for c in responses.calls if c.request.url == TOKEN_URL]
    assert len(token_calls) == 1 and auth.token_requests == 1
    form = form_of(token_calls[0])
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "okta.apps.read"
    assert form["client_assertion_type"] == ASSERTION_TYPE
    assert decode_assertion(form["client_assertion"], RSA_KEY)["iss"] == CLIENT_ID
    assert jwt.get_unverified_header(form["client_assertion"])["kid"] == "kid-1"
    assert "DPoP" not in token_calls[0].request.headers
    api_calls = [c for c in responses.calls if c.request.url != TOKEN_URL]
    assert len(api_calls) == 3
    assert all(c.request.headers["Authorization"] == "Bearer " + ACCESS for c in api_calls)


@responses.activate
def test_token_is_renewed_only_when_it_is_about_to_expire():
    responses.post(TOKEN_URL, json=token_body())
    responses.get(APPS, json=[])
    fake = FakeTime()
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"])
    client = make_client(auth, fake)
    client.get_all(APPS)
    fake.now += 3600 - 61
    client.get_all(APPS)
    assert auth.token_requests == 1
    fake.now += 2
    client.get_all(APPS)
    assert auth.token_requests == 2


@responses.activate
def test_dpop_nonce_challenge_on_the_token_request_is_answered_once_with_fresh_jwts():
    responses.post(TOKEN_URL, status=400, headers={"DPoP-Nonce": "nonce-A"},
                   json={"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."})
    responses.post(TOKEN_URL, json=token_body("DPoP"))
    responses.get(APPS, json=[])
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"], dpop=True)
    make_client(auth).get_all(APPS)
    first, second, api = responses.calls
    first_proof = decode_proof(first.request.headers["DPoP"])[1]
    second_proof = decode_proof(second.request.headers["DPoP"])[1]
    assert "nonce" not in first_proof and second_proof["nonce"] == "nonce-A"
    assert first_proof["htm"] == second_proof["htm"] == "POST" and second_proof["htu"] == TOKEN_URL
    assert first_proof["jti"] != second_proof["jti"]
    jtis = [decode_assertion(form_of(c)["client_assertion"], RSA_KEY)["jti"] for c in (first, second)]
    assert jtis[0] != jtis[1]
    assert api.request.headers["Authorization"] == "DPoP " + ACCESS
    api_proof = decode_proof(api.request.headers["DPoP"])[1]
    assert api_proof["ath"] == ath(ACCESS) and api_proof["nonce"] == "nonce-A" and api_proof["htm"] == "GET"


@responses.activate
def test_dpop_every_retry_gets_a_new_proof():
    responses.post(TOKEN_URL, json=token_body("DPoP"))
    responses.get(APPS, status=429, headers={"X-Rate-Limit-Reset": str(NOW + 2), "X-Rate-Limit-Limit": "600",
                                             "X-Rate-Limit-Remaining": "0"},
                  json={"errorCode": "E0000047", "errorSummary": "rate limit"})
    responses.get(APPS, status=503, json={"errorCode": "E0000009", "errorSummary": "unavailable"})
    responses.get(APPS, json=[])
    fake = FakeTime()
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"], dpop=True)
    make_client(auth, fake).get_all(APPS)
    api = [c for c in responses.calls if c.request.url == APPS]
    assert len(api) == 3 and len(fake.sleeps) == 2
    proofs = [decode_proof(c.request.headers["DPoP"])[1] for c in api]
    assert len({p["jti"] for p in proofs}) == 3
    assert [p["iat"] for p in proofs] == [NOW, int(NOW + fake.sleeps[0]), int(NOW + sum(fake.sleeps))]
    assert all(p["ath"] == ath(ACCESS) and p["htu"] == APPS for p in proofs)
    assert auth.token_requests == 1


@responses.activate
def test_dpop_nonce_challenge_on_an_api_call_is_answered_once_only():
    challenge = dict(status=401, json={"error": "use_dpop_nonce", "error_description": "Resource server requires nonce"})
    responses.post(TOKEN_URL, json=token_body("DPoP"))
    responses.get(APPS, headers={"DPoP-Nonce": "api-1"}, **challenge)
    responses.get(APPS, json=[])
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"], dpop=True)
    client = make_client(auth)
    client.get_all(APPS)
    first, second = [decode_proof(c.request.headers["DPoP"])[1] for c in responses.calls if c.request.url == APPS]
    assert "nonce" not in first and second["nonce"] == "api-1" and first["jti"] != second["jti"]

    responses.reset()
    responses.get(APPS, headers={"DPoP-Nonce": "api-2"}, **challenge)
    responses.get(APPS, headers={"DPoP-Nonce": "api-3"}, **challenge)
    responses.get(APPS, json=[])
    with pytest.raises(OktaError) as caught:
        client.get_all(APPS)
    assert caught.value.status == 401 and caught.value.error_code == "use_dpop_nonce"
    assert len(responses.calls) == 2  # one retry with the nonce, then the failure


@responses.activate
def test_bearer_token_with_no_dpop_ignores_nonce_headers():
    responses.post(TOKEN_URL, json=token_body())
    responses.get(APPS, status=401, headers={"DPoP-Nonce": "x"},
                  json={"errorCode": "E0000011", "errorSummary": "Invalid token provided"})
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"])
    with pytest.raises(OktaError) as caught:
        make_client(auth).get_all(APPS)
    assert caught.value.status == 401 and len(responses.calls) == 2


@pytest.mark.parametrize("status,error,description,expected", [
    (401, "invalid_client", "The client_assertion signature is invalid.", "public half of private_key is registered"),
    (400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.",
     "must be granted every requested scope (okta.apps.read okta.apps.manage)"),
    (400, "invalid_dpop_proof", "DPoP proof JWT header is missing.", "set dpop=true"),
    (400, "unauthorized_client", "The client is not authorized.", "client credentials grant"),
])
@responses.activate
def test_oauth_errors_become_sentences_without_secrets(status, error, description, expected):
    responses.post(TOKEN_URL, status=status, json={"error": error, "error_description": description})
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read", "okta.apps.manage"])
    with pytest.raises(OktaError) as caught:
        make_client(auth).get_all(APPS)
    exc = caught.value
    assert (exc.kind, exc.status, exc.error_code, exc.error_summary) == ("http", status, error, description)
    assert error in exc.reason and description in exc.reason and expected in exc.reason
    assertion = form_of(responses.calls[0])["client_assertion"]
    assert assertion not in exc.reason and assertion.split(".")[1] not in repr(exc.__dict__)
    assert len(responses.calls) == 1  # never retried, no API call


@responses.activate
def test_token_endpoint_503_is_retried_with_a_fresh_assertion():
    responses.post(TOKEN_URL, status=503, json={"errorCode": "E0000009", "errorSummary": "unavailable"})
    responses.post(TOKEN_URL, json=token_body())
    responses.get(APPS, json=[])
    retries = []
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"])
    client = make_client(auth)
    client.on_retry = retries.append
    client.get_all(APPS)
    jtis = [decode_assertion(form_of(c)["client_assertion"], RSA_KEY)["jti"] for c in responses.calls[:2]]
    assert jtis[0] != jtis[1] and len(retries) == 1 and "/oauth2/v1/token" in retries[0]


@responses.activate
def test_token_endpoint_429_waits_for_the_reset_on_okta_clock():
    # Okta's Date is an hour behind the local clock: the wait is Reset - Date + jitter (0.1 + 0.9 * 0.5), not local time.
    server_now = NOW - 3600
    responses.post(TOKEN_URL, status=429, json={"errorCode": "E0000047", "errorSummary": "rate limited"},
                   headers={"Date": email.utils.formatdate(server_now, usegmt=True), "X-Rate-Limit-Limit": "100",
                            "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(int(server_now) + 7)})
    responses.post(TOKEN_URL, json=token_body())
    responses.get(APPS, json=[])
    fake = FakeTime()
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"])
    make_client(auth, fake).get_all(APPS)
    assert fake.sleeps == [pytest.approx(7 + 0.55)]
    assert [c.request.url.split("?")[0] for c in responses.calls] == [TOKEN_URL, TOKEN_URL, APPS]


@responses.activate
def test_the_access_token_is_handed_to_on_secret():
    responses.post(TOKEN_URL, json=token_body())
    secrets = []
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"], on_secret=secrets.append)
    auth.fetch_token(make_client(auth))
    assert secrets == [ACCESS]
    assert ACCESS not in repr(auth)


def test_authenticator_refuses_bad_settings():
    with pytest.raises(OktaError, match="client_id is empty"):
        OAuthAuthenticator(" ", pem(RSA_KEY), ["okta.apps.read"])
    with pytest.raises(OktaError, match="scopes is empty"):
        OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), [])
    with pytest.raises(OktaError, match="one list item"):
        OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read okta.apps.manage"])
    auth = OAuthAuthenticator(CLIENT_ID, pem(RSA_KEY), ["okta.apps.read"])
    with pytest.raises(OktaError, match="not both"):
        OktaClient(ORG, api_token="tok", auth=auth)


# -- one retry budget for an API call and the token it needs -------------------------------------


def _short_lived_token():
    return {"token_type": "Bearer", "expires_in": 1, "access_token": ACCESS, "scope": "okta.apps.read"}


def _api_429_then_token_503():
    responses.post(TOKEN_URL, json=_short_lived_token())  # up front; renewed before every later attempt
    responses.get(APPS, status=429, headers={"X-Rate-Limit-Reset": str(NOW + 2), "X-Rate-Limit-Limit": "600",
                                             "X-Rate-Limit-Remaining": "0"},
                  json={"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."})
    responses.post(TOKEN_URL, status=503, json={"errorCode": "E0000009", "errorSummary": "Service unavailable"})


@responses.activate
def test_token_failure_during_a_retried_api_call_spends_the_same_budget():
    _api_429_then_token_503()
    responses.post(TOKEN_URL, json=_short_lived_token())
    responses.get(APPS, json=[])
    fake = FakeTime()
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"])
    client = make_client(auth, fake, retries=3)
    auth.fetch_token(client)
    sent = client.requests_sent
    assert client.get_all(APPS) == []
    calls = [(c.request.method, c.response.status_code) for c in responses.calls][1:]
    # attempt 1: GET 429; attempt 2: token 503; attempt 3: token 200 + GET 200. No loop inside the loop.
    assert calls == [("GET", 429), ("POST", 503), ("POST", 200), ("GET", 200)]
    assert client.requests_sent - sent == 4 and len(fake.sleeps) == 2


@responses.activate
def test_token_failure_during_a_retried_api_call_gives_up_within_retries_plus_one_attempts():
    _api_429_then_token_503()
    responses.post(TOKEN_URL, status=503, json={"errorCode": "E0000009", "errorSummary": "Service unavailable"})
    fake = FakeTime()
    auth = OAuthAuthenticator(CLIENT_ID, pem(EC_KEY), ["okta.apps.read"])
    client = make_client(auth, fake, retries=1)
    auth.fetch_token(client)
    with pytest.raises(OktaError) as caught:
        client.get_all(APPS)
    # retries=1: two attempts in all (the API call's 429, then the token request's 503), then the failure.
    assert [(c.request.method, c.response.status_code) for c in responses.calls][1:] == [("GET", 429), ("POST", 503)]
    assert caught.value.status == 503 and caught.value.path == "/oauth2/v1/token"
    assert "gave up after 2 attempts" in caught.value.reason
    assert len(fake.sleeps) == 1
