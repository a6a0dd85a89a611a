# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OAuth 2.0 service-app authentication (private_key_jwt, DPoP) through ansible-playbook against the emulator.

The key pairs are made here, at test time; the emulator learns only their public halves (POST /_admin/clients).
Every test asserts on what the emulator received: its request log and its DPoP replay cache.
"""

import json
import os
import re

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from conftest import SLACK, ZOOM

FEATURE = "oktaops.okta.okta_app_feature"
INFO = "oktaops.okta.okta_app_feature_info"
TOKEN_PATH = "/oauth2/v1/token"
CLIENT_ID = "0oaSvcApp1a2B3c4D5e6"
READ = "okta.apps.read"
MANAGE = "okta.apps.manage"
ENABLE_CREATE = {"create": {"lifecycleCreate": {"status": "ENABLED"}}}
JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


class KeyPair(object):
    """A test-only key pair: the private key as PEM and JWK, the public key as a JWK for the emulator."""

    def __init__(self, kind, kid):
        if kind == "rsa":
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            algorithm = RSAAlgorithm
        else:
            self.key = ec.generate_private_key(ec.SECP256R1())
            algorithm = ECAlgorithm
        self.kid = kid
        self.pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode()
        private_jwk = json.loads(algorithm.to_jwk(self.key))
        private_jwk["kid"] = kid
        self.jwk_json = json.dumps(private_jwk)
        self.public_jwk = json.loads(algorithm.to_jwk(self.key.public_key()))
        self.public_jwk["kid"] = kid
        self.private_d = private_jwk["d"]

    def pem_lines(self):
        """The base64 body lines of the PEM: none of them may ever be printed."""
        return [line for line in self.pem.splitlines() if line and not line.startswith("-----")]


KEYS = {"rsa": KeyPair("rsa", "rsa-key-1"), "ec": KeyPair("ec", "ec-key-1")}
OTHER_RSA = KeyPair("rsa", "rsa-key-1")  # same kid, different key: the "wrong key" case


def register(emu, scopes=(READ, MANAGE), keys=None, **extra):
    spec = {"client_id": CLIENT_ID, "jwks": {"keys": [k.public_jwk for k in (keys or KEYS.values())]},
            "scopes": list(scopes)}
    spec.update(extra)
    return emu.admin("POST", "/_admin/clients", json=spec)


def key_value(pair, form, tmp_path):
    if form == "pem":
        return pair.pem
    if form == "jwk":
        return pair.jwk_json
    path = os.path.join(str(tmp_path), "service-app-key.pem")
    with open(path, "w") as handle:
        handle.write(pair.pem)
    os.chmod(path, 0o600)
    return path


def oauth_defaults(pair, form, tmp_path, **extra):
    defaults = {"client_id": CLIENT_ID, "private_key": key_value(pair, form, tmp_path)}
    if form != "jwk":
        defaults["private_key_id"] = pair.kid
    defaults.update(extra)
    return defaults


def token_requests(log):
    return [r for r in log if r["path"] == TOKEN_PATH]


def api_requests(log):
    return [r for r in log if r["path"].startswith("/api/")]


def runs(log):
    """Split the request log into module runs: each starts with its token request(s)."""
    groups = []
    for entry in log:
        if entry["path"] == TOKEN_PATH and (not groups or any(e["path"] != TOKEN_PATH for e in groups[-1])):
            groups.append([])
        groups[-1].append(entry)
    return groups


def assert_no_secret(result, *pairs):
    text = result.everything()
    for pair in pairs:
        for line in pair.pem_lines():
            assert line not in text
        assert pair.private_d not in text
    assert "emu-at-" not in text, "an access token was printed"
    assert not JWT_RE.search(text), "a JWT (client assertion or DPoP proof) was printed"


TWO_MODULES = [
    {"name": "read", INFO: {"app_id": SLACK, "feature": "USER_PROVISIONING"}},
    {"name": "write", FEATURE: {"app_id": SLACK, "feature": "USER_PROVISIONING", "capabilities": ENABLE_CREATE}},
]


@pytest.mark.parametrize("kind,form,dpop", [
    ("rsa", "pem", False),
    ("rsa", "file", True),
    ("rsa", "jwk", False),
    ("ec", "pem", True),
    ("ec", "file", False),
    ("ec", "jwk", True),
])
def test_both_modules_with_a_service_app(emu, play, tmp_path, kind, form, dpop):
    register(emu)
    result = play(TWO_MODULES, token=None, defaults=oauth_defaults(KEYS[kind], form, tmp_path, dpop=dpop))
    assert result.rc == 0, result.stdout
    assert result.status(0) == "ok" and result.status(1) == "changed"
    assert emu.state()["apps"][SLACK]["features"]["USER_PROVISIONING"]["capabilities"]["create"] == \
        ENABLE_CREATE["create"]
    log = emu.requests()
    groups = runs(log)
    assert len(groups) == 2, "one token per module run"
    for group, scopes in zip(groups, (READ, READ + " " + MANAGE)):
        tokens = token_requests(group)
        assert tokens[-1]["status"] == 200
        assert all(t["body"]["scope"] == scopes for t in tokens)  # the module's default scopes
        assert all(t["body"]["client_assertion"] == "<redacted>" for t in tokens)
        # With DPoP, the first token request meets the emulator's nonce challenge and is answered once.
        assert [t["status"] for t in tokens] == ([400, 200] if dpop else [200])
    assert {r["auth_scheme"] for r in api_requests(log)} == {"DPoP" if dpop else "Bearer"}
    assert [(r["method"], r["status"]) for r in api_requests(log)] == [("GET", 200), ("GET", 200), ("PUT", 200)]
    if dpop:
        jtis = [r["dpop_jti"] for r in log]
        assert all(jtis) and len(set(jtis)) == len(jtis)
        assert emu.admin("GET", "/_admin/dpop")["max_uses"] == 1
    else:
        assert not any(r["dpop_jti"] for r in log)


def test_dpop_retries_after_429_and_503_never_reuse_a_proof(emu, play, tmp_path):
    register(emu, nonce=["token", "api"])
    emu.admin("POST", "/_admin/faults", json=[
        {"type": "status", "status": 429, "path": "/features", "count": 2, "reset_in": 0},
        {"type": "status", "status": 503, "path": "/features", "count": 2},
        {"type": "status", "status": 503, "path": TOKEN_PATH, "count": 1},
    ])
    result = play(TWO_MODULES, token=None, defaults=oauth_defaults(KEYS["ec"], "pem", tmp_path, dpop=True))
    assert result.rc == 0, result.stdout
    assert result.status(1) == "changed"
    log = emu.requests()
    faulted = [r for r in log if r["fault"]]
    assert len(faulted) == 5
    dpop = emu.admin("GET", "/_admin/dpop")
    assert dpop["reused_jtis"] == [] and dpop["max_uses"] == 1 and dpop["replays_rejected"] == 0
    assert dpop["proofs"] == len(log) == dpop["unique_jtis"]
    # The API nonce challenge was met (401 use_dpop_nonce) and answered once per module run.
    assert dpop["nonce_challenges"]["api"] == 2
    assert sum(1 for r in log if r["path"].startswith("/api/") and r["status"] == 401) == 2
    # Each retry carried a fresh proof: the retried requests have jtis of their own.
    retried = [r for r in api_requests(log) if r["headers_subset"].get("X-Okta-Retry-Count")]
    assert retried and len({r["dpop_jti"] for r in retried}) == len(retried)
    assert len(runs(log)) == 2 and sum(1 for r in token_requests(log) if r["status"] == 200) == 2
    assert_no_secret(result, KEYS["ec"])


def test_the_emulator_rejects_replayed_assertions_and_proofs(emu):
    """The replay caches the tests rely on can fail: an assertion or a proof sent twice is refused."""
    import base64
    import hashlib
    import time
    import uuid

    import jwt

    register(emu, nonce=[])
    pair = KEYS["ec"]
    dpop_key = ec.generate_private_key(ec.SECP256R1())
    dpop_jwk = json.loads(ECAlgorithm.to_jwk(dpop_key.public_key()))

    def proof(method, url, **extra):
        claims = dict(jti=str(uuid.uuid4()), htm=method, htu=url, iat=int(time.time()), **extra)
        return jwt.encode(claims, dpop_key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": dpop_jwk})

    token_url = emu.url + TOKEN_PATH
    now = int(time.time())
    assertion = jwt.encode({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": token_url, "iat": now, "exp": now + 300,
                            "jti": str(uuid.uuid4())}, pair.key, algorithm="ES256", headers={"kid": pair.kid})
    form = {"grant_type": "client_credentials", "scope": READ, "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    session = requests.Session()
    session.trust_env = False
    granted = session.post(token_url, data=form, headers={"DPoP": proof("POST", token_url)}, verify=emu.ca_file)
    assert granted.status_code == 200 and granted.json()["token_type"] == "DPoP"
    again = session.post(token_url, data=form, headers={"DPoP": proof("POST", token_url)}, verify=emu.ca_file)
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"

    token = granted.json()["access_token"]
    url = emu.url + "/api/v1/apps"
    ath = base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()
    headers = {"Authorization": "DPoP " + token, "DPoP": proof("GET", url, ath=ath)}
    assert session.get(url, headers=headers, verify=emu.ca_file).status_code == 200
    replay = session.get(url, headers=headers, verify=emu.ca_file)
    assert replay.status_code == 400
    assert replay.json() == {"error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT has already been used."}
    bad_ath = session.get(url, headers={"Authorization": "DPoP " + token, "DPoP": proof("GET", url, ath="x")},
                          verify=emu.ca_file)
    assert bad_ath.status_code == 400
    as_bearer = session.get(url, headers={"Authorization": "Bearer " + token}, verify=emu.ca_file)
    assert as_bearer.status_code == 401
    summary = emu.admin("GET", "/_admin/dpop")
    assert summary["replays_rejected"] == 1 and len(summary["reused_jtis"]) == 1 and summary["max_uses"] == 2


def test_wrong_key_unknown_client_and_missing_scope(emu, play, tmp_path):
    register(emu, scopes=[READ], keys=[KEYS["rsa"]])
    wrong_key = play(TWO_MODULES[:1], token=None, defaults=oauth_defaults(OTHER_RSA, "pem", tmp_path), verbosity=4)
    assert wrong_key.rc != 0
    msg = wrong_key[0]["msg"]
    assert "invalid_client" in msg and "The client_assertion signature is invalid" in msg
    assert "public half of private_key is registered" in msg and CLIENT_ID in msg
    assert_no_secret(wrong_key, OTHER_RSA, KEYS["rsa"])

    unknown = play(TWO_MODULES[:1], token=None,
                   defaults=dict(oauth_defaults(KEYS["rsa"], "pem", tmp_path), client_id="0oaNoSuchApp0000000"))
    assert unknown.rc != 0
    assert "invalid_client" in unknown[0]["msg"] and "0oaNoSuchApp0000000" in unknown[0]["msg"]
    assert "Invalid value for 'client_id' parameter" in unknown[0]["msg"]

    missing = play(TWO_MODULES[1:], token=None, defaults=oauth_defaults(KEYS["rsa"], "pem", tmp_path))
    assert missing.rc != 0
    assert "invalid_scope" in missing[0]["msg"] and MANAGE in missing[0]["msg"]
    assert "must be granted" in missing[0]["msg"]
    assert missing[0]["error_code"] == "invalid_scope"

    log = emu.requests()
    assert not api_requests(log), "no API call is made without a token"
    assert [r["status"] for r in log] == [401, 401, 400]

    # A token without the write scope: the PUT is refused (403) and the message says which scope to add.
    narrow = play(TWO_MODULES[1:], token=None, defaults=oauth_defaults(KEYS["rsa"], "pem", tmp_path, scopes=[READ]))
    assert narrow.rc != 0
    assert "Add okta.apps.manage to scopes" in narrow[0]["msg"]
    assert [r["status"] for r in api_requests(emu.requests())] == [200, 403]
    assert emu.state()["apps"][SLACK]["features"]["USER_PROVISIONING"]["capabilities"]["create"] == \
        {"lifecycleCreate": {"status": "DISABLED"}}


def test_nothing_secret_at_vvvv(emu, play, tmp_path):
    register(emu)
    result = play(TWO_MODULES, token=None, verbosity=4,
                  defaults=oauth_defaults(KEYS["rsa"], "pem", tmp_path, dpop=True))
    assert result.rc == 0, result.stdout
    assert "private_key" in result.everything()  # the invocation is printed, with the key masked
    assert_no_secret(result, KEYS["rsa"])


@pytest.mark.parametrize("defaults,expected", [
    ({"api_token": "x", "client_id": CLIENT_ID, "private_key": "k"}, "Give one authentication method"),
    ({"client_id": CLIENT_ID}, "client_id needs private_key"),
    ({"private_key": "-----BEGIN PRIVATE KEY-----"}, "private_key needs client_id"),
    ({"api_token": "x", "dpop": True}, "dpop apply only to client_id and private_key"),
    ({"client_id": CLIENT_ID, "private_key": "/no/such/key.pem"}, "no file exists at that path"),
])
def test_configuration_errors_fail_before_any_request(emu, play, defaults, expected):
    register(emu)
    result = play(TWO_MODULES[:1], token=None, defaults=defaults)
    assert result.rc != 0
    assert expected in result[0]["msg"]
    assert emu.requests() == []


def test_environment_families_and_order(emu, play):
    register(emu, scopes=[READ])
    pair = KEYS["ec"]
    tf = play(TWO_MODULES[:1], token=None, extra_env={
        "OKTA_API_CLIENT_ID": CLIENT_ID, "OKTA_API_PRIVATE_KEY": pair.pem, "OKTA_API_PRIVATE_KEY_ID": pair.kid,
        "OKTA_API_SCOPES": READ})
    assert tf.rc == 0, tf.stdout
    sdk = play(TWO_MODULES[:1], token=None, verbosity=4, extra_env={
        "OKTA_CLIENT_CLIENTID": CLIENT_ID, "OKTA_CLIENT_PRIVATEKEY": pair.jwk_json, "OKTA_CLIENT_SCOPES": READ})
    assert sdk.rc == 0, sdk.stdout
    assert_no_secret(sdk, pair)
    log = emu.requests()
    assert [r["status"] for r in token_requests(log)] == [200, 200]
    assert {r["auth_scheme"] for r in api_requests(log)} == {"Bearer"}

    # API token variables come first, with a warning naming the service-app variables left unused.
    emu.admin("DELETE", "/_admin/requests")
    both = play(TWO_MODULES[:1], token=None, extra_env={
        "OKTA_API_TOKEN": "00oktaops-emulator-readonly-token-8d2b4e6a0c",
        "OKTA_API_CLIENT_ID": CLIENT_ID, "OKTA_API_PRIVATE_KEY": pair.pem})
    assert both.rc == 0, both.stdout
    assert "OKTA_API_CLIENT_ID" in " ".join(both[0].get("warnings", []))
    assert not token_requests(emu.requests())
    assert {r["auth_scheme"] for r in emu.requests()} == {"SSWS"}

    half = play(TWO_MODULES[:1], token=None, extra_env={"OKTA_CLIENT_CLIENTID": CLIENT_ID})
    assert half.rc != 0 and "OKTA_CLIENT_PRIVATEKEY is not" in half[0]["msg"]


def test_a_zoom_read_with_dpop_required_by_the_app(emu, play, tmp_path):
    """A service app that requires DPoP-bound tokens refuses a token request without a proof."""
    register(emu, dpop="required")
    without = play(TWO_MODULES[:1], token=None, defaults=oauth_defaults(KEYS["rsa"], "pem", tmp_path))
    assert without.rc != 0
    assert "invalid_dpop_proof" in without[0]["msg"] and "dpop=true" in without[0]["msg"]
    task = [{"name": "read", INFO: {"app_id": ZOOM}}]
    with_dpop = play(task, token=None, defaults=oauth_defaults(KEYS["rsa"], "pem", tmp_path, dpop=True))
    assert with_dpop.rc == 0, with_dpop.stdout
    assert {r["auth_scheme"] for r in api_requests(emu.requests())} == {"DPoP"}
