# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""OAuth 2.0 service-app authentication for the Okta Management API.

The client credentials grant with ``private_key_jwt`` client authentication: a client assertion signed with
the service app's private key is exchanged at ``{org}/oauth2/v1/token`` for a short-lived access token that
carries the ``okta.*`` scopes granted to the app. Optionally the token is bound to an ephemeral key with
DPoP (RFC 9449): every request, including every retry, then carries a new proof.

Pure code like the HTTP client: it knows nothing of Ansible and raises :class:`OktaError`. PyJWT and
cryptography are imported only when this authentication method is used (:func:`import_error`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import traceback
import uuid

from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError

TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300  # seconds; Okta accepts at most one hour
DPOP_ALGORITHM = "ES256"
RENEW_BEFORE = 60  # renew a cached token this many seconds before it expires
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
JWK_CURVES = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
PRIVATE_KEY_HELP = ("private_key must be the service app's private key: a PEM string (-----BEGIN PRIVATE KEY-----), "
                    "the path of a PEM file, or a private JWK (RSA or EC) as JSON")


def import_error():
    """None when PyJWT and cryptography can be imported, else (library name, traceback)."""
    try:
        import jwt  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        return "PyJWT", traceback.format_exc()
    try:
        import cryptography.hazmat.primitives.asymmetric.ec  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        return "cryptography", traceback.format_exc()
    return None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def access_token_hash(token):
    """The ``ath`` claim of a DPoP proof: base64url(SHA-256(access token))."""
    return b64url(hashlib.sha256(token.encode("ascii")).digest())


def new_jti():
    return str(uuid.uuid4())


# -- keys ------------------------------------------------------------------------------------------


class SigningKey(object):
    """A loaded private key, the JWS algorithm it signs with and the ``kid`` a JWK named."""

    def __init__(self, key, algorithm, kid=None):
        self.key = key
        self.algorithm = algorithm
        self.kid = kid

    def __repr__(self):  # never print key material
        return "SigningKey({0}, kid={1!r})".format(self.algorithm, self.kid)


def _algorithm_for(key):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise OktaError("the RSA private key has {0} bits; Okta needs at least 2048".format(key.key_size),
                            kind="config")
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = EC_ALGORITHMS.get(key.curve.name)
        if algorithm is None:
            raise OktaError("the EC private key uses the curve {0}; Okta accepts P-256, P-384 and P-521".format(
                key.curve.name), kind="config")
        return algorithm
    raise OktaError("the private key is a {0}; Okta service apps use RSA or EC keys".format(type(key).__name__),
                    kind="config")


def _load_pem(data):
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(data.encode("utf-8"), password=None)
    except TypeError:
        raise OktaError("the PEM private key is encrypted; give it unencrypted (keep it in Ansible Vault instead)",
                        kind="config")
    except (ValueError, UnsupportedAlgorithm) as exc:
        # The library's message never quotes the key; still name only the exception class.
        raise OktaError("the PEM text is not a readable private key ({0}); {1}".format(
            type(exc).__name__, PRIVATE_KEY_HELP), kind="config")
    return SigningKey(key, _algorithm_for(key))


def _load_jwk(text):
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    try:
        jwk = json.loads(text)
    except ValueError:
        raise OktaError("private_key looks like JSON but does not parse; " + PRIVATE_KEY_HELP, kind="config")
    if isinstance(jwk, dict) and isinstance(jwk.get("keys"), list):
        if len(jwk["keys"]) != 1:
            raise OktaError("private_key is a JWK Set with {0} keys; give the one private JWK to sign with".format(
                len(jwk["keys"])), kind="config")
        jwk = jwk["keys"][0]
    if not isinstance(jwk, dict):
        raise OktaError("private_key is JSON but not a JWK object; " + PRIVATE_KEY_HELP, kind="config")
    kty = jwk.get("kty")
    if kty not in ("RSA", "EC"):
        raise OktaError("the JWK has kty {0!r}; Okta service apps use RSA or EC keys".format(str(kty)[:10]),
                        kind="config")
    if "d" not in jwk:
        raise OktaError("the JWK holds only a public key (it has no 'd'); give the private JWK of the key pair "
                        "whose public half is registered on the service app", kind="config")
    try:
        key = (RSAAlgorithm if kty == "RSA" else ECAlgorithm).from_jwk(jwk)
    except Exception as exc:  # pylint: disable=broad-except
        # PyJWT raises several types here (InvalidKeyError, ValueError, KeyError); never quote the key.
        raise OktaError("the {0} JWK is not a valid private key ({1})".format(kty, type(exc).__name__), kind="config")
    algorithm = _algorithm_for(key)
    kid = jwk.get("kid")
    return SigningKey(key, algorithm, kid if isinstance(kid, str) and kid else None)


def load_private_key(value):
    """Load ``private_key``: a PEM string, the path of a PEM (or JWK) file, or a JWK as JSON.

    Messages never repeat the value: it may be the key itself.
    """
    if isinstance(value, dict):
        return _load_jwk(json.dumps(value))
    if not isinstance(value, str) or not value.strip():
        raise OktaError("private_key is empty; " + PRIVATE_KEY_HELP, kind="config")
    text = value.strip()
    if "-----BEGIN" in text:
        return _load_pem(text)
    if text.startswith("{"):
        return _load_jwk(text)
    path = os.path.expanduser(text)
    if "\n" in text or len(text) > 4096 or not os.path.isfile(path):
        raise OktaError("private_key is neither a PEM key nor a JWK, and no file exists at that path; "
                        + PRIVATE_KEY_HELP, kind="config")
    try:
        with open(path, "r", encoding="utf-8") as handle:
            content = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise OktaError("cannot read the private key file {0} ({1})".format(path, type(exc).__name__), kind="config")
    content = content.strip()
    if "-----BEGIN" in content:
        return _load_pem(content)
    if content.startswith("{"):
        return _load_jwk(content)
    raise OktaError("the file {0} holds neither a PEM private key nor a JWK".format(path), kind="config")


# -- JWTs ------------------------------------------------------------------------------------------


def client_assertion(signing_key, client_id, token_url, now, kid=None, lifetime=ASSERTION_LIFETIME):
    """The signed JWT that authenticates the service app at the token endpoint."""
    import jwt

    issued = int(now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": issued,
        "exp": issued + min(int(lifetime), 3600),
        "jti": new_jti(),
    }
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, signing_key.key, algorithm=signing_key.algorithm, headers=headers)


class DPoPKey(object):
    """An ephemeral P-256 key pair for one module run; it signs the DPoP proofs."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import ec
        from jwt.algorithms import ECAlgorithm

        self.key = ec.generate_private_key(ec.SECP256R1())
        public = json.loads(ECAlgorithm.to_jwk(self.key.public_key()))
        self.public_jwk = dict((name, public[name]) for name in ("kty", "crv", "x", "y"))

    def thumbprint(self):
        """RFC 7638 thumbprint of the public key (what a DPoP-bound token's ``cnf.jkt`` holds)."""
        canonical = json.dumps(self.public_jwk, sort_keys=True, separators=(",", ":"))
        return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())

    def proof(self, method, url, now, nonce=None, access_token=None):
        """A new DPoP proof: fresh ``jti`` and ``iat`` every time it is called."""
        import jwt

        claims = {
            "jti": new_jti(),
            "htm": method.upper(),
            "htu": htu(url),
            "iat": int(now),
        }
        if nonce:
            claims["nonce"] = nonce
        if access_token:
            claims["ath"] = access_token_hash(access_token)
        return jwt.encode(claims, self.key, algorithm=DPOP_ALGORITHM,
                          headers={"typ": "dpop+jwt", "jwk": self.public_jwk})

    def __repr__(self):
        return "DPoPKey(ES256)"


def htu(url):
    """The ``htu`` claim: the request URL without query and fragment."""
    return url.split("#", 1)[0].split("?", 1)[0]


# -- errors ----------------------------------------------------------------------------------------


def oauth_error_reason(status, error, description, client_id, scopes):
    """One sentence for a failed token request: what Okta said and what to fix."""
    said = "Okta refused the access token request ({0} {1}{2})".format(
        status, error or "error", ": {0}".format(description) if description else "")
    wanted = " ".join(scopes)
    if error == "invalid_client":
        fix = ("check that client_id {0} is the client ID of an API service app in this org, that the public "
               "half of private_key is registered in its JWKS (with the kid given as private_key_id, if any), "
               "and that its client authentication is 'Public key / Private key'".format(client_id))
    elif error == "invalid_scope":
        fix = ("the service app must be granted every requested scope ({0}) on its 'Okta API Scopes' tab; "
               "grant the missing scope there, or request fewer scopes with the scopes option".format(wanted))
    elif error == "unauthorized_client":
        fix = "allow the client credentials grant for the service app {0}".format(client_id)
    elif error == "invalid_dpop_proof":
        fix = ("the DPoP proof was rejected; if the service app requires DPoP-bound tokens set dpop=true, "
               "otherwise check the clock of this host")
    elif error == "use_dpop_nonce":
        fix = "Okta kept asking for a new DPoP nonce; try again"
    elif error == "invalid_grant" or error == "invalid_request":
        fix = "check the clock of this host (the assertion is valid for five minutes) and the service app settings"
    else:
        fix = "check the service app {0} in the Admin Console".format(client_id)
    return "{0}; {1}".format(said, fix)


def _parse_oauth_error(resp):
    try:
        payload = resp.json()
    except ValueError:
        return None, None
    if isinstance(payload, dict):
        if "error" in payload:
            return str(payload.get("error")), payload.get("error_description")
        if "errorCode" in payload:
            return str(payload.get("errorCode")), payload.get("errorSummary")
    return None, None


# -- the authenticator -----------------------------------------------------------------------------


class OAuthAuthenticator(object):
    """Gets, caches and presents an access token for one module run.

    :class:`OktaClient` calls :meth:`headers` before every attempt (so every retry gets a new DPoP proof)
    and :meth:`nonce_challenge` on an error answer. The token lives in memory only.
    """

    def __init__(self, client_id, private_key, scopes, private_key_id=None, dpop=False, on_secret=None):
        if not client_id or not str(client_id).strip():
            raise OktaError("client_id is empty", kind="config")
        if any(ch.isspace() for ch in str(client_id).strip()):
            raise OktaError("client_id contains spaces; give the service app's client ID, such as 0oa1b2c3d4e5f6",
                            kind="config")
        scopes = [s.strip() for s in scopes or [] if s and s.strip()]
        if not scopes:
            raise OktaError("scopes is empty; request at least okta.apps.read", kind="config")
        bad = [s for s in scopes if any(ch.isspace() for ch in s)]
        if bad:
            raise OktaError("scope {0!r} contains spaces; give each scope as one list item".format(bad[0]), kind="config")
        self.client_id = str(client_id).strip()
        self.scopes = scopes
        self.signing_key = load_private_key(private_key)
        self.kid = private_key_id or self.signing_key.kid
        self.dpop_key = DPoPKey() if dpop else None
        self.on_secret = on_secret or (lambda value: None)
        self.nonce = None
        self.access_token = None
        self.token_type = None
        self.expires_at = None
        self.granted_scopes = None
        self.token_requests = 0

    @property
    def dpop(self):
        return self.dpop_key is not None

    # -- used by OktaClient ----------------------------------------------------------------------

    def headers(self, client, method, url):
        """The Authorization (and DPoP) headers for one attempt of one API request."""
        if self._needs_token(client):
            self.fetch_token(client)
        if self.token_type == "DPoP":
            return {
                "Authorization": "DPoP {0}".format(self.access_token),
                "DPoP": self.dpop_key.proof(method, url, client.clock(), nonce=self.nonce,
                                            access_token=self.access_token),
            }
        return {"Authorization": "Bearer {0}".format(self.access_token)}

    def nonce_challenge(self, resp):
        """True if ``resp`` asks for a DPoP nonce (the new one is stored); the caller retries once."""
        if resp is None or self.dpop_key is None:
            return False
        nonce = resp.headers.get("DPoP-Nonce")
        if nonce:
            self.nonce = nonce
        if not nonce or resp.status_code not in (400, 401):
            return False
        error, _description = _parse_oauth_error(resp)
        return error == "use_dpop_nonce" or "use_dpop_nonce" in (resp.headers.get("WWW-Authenticate") or "")

    # -- the token -------------------------------------------------------------------------------

    def _needs_token(self, client):
        return self.access_token is None or client.clock() >= self.expires_at - RENEW_BEFORE

    def token_url(self, client):
        return client.base_url + TOKEN_PATH

    def fetch_token(self, client):
        """POST the client credentials grant through the client's one retry loop; cache the token.

        Raises OktaError. Called from :meth:`headers` during an API call, the token request spends that call's
        retry budget (see :meth:`OktaClient.send`).
        """
        url = self.token_url(client)

        def form():
            return {
                "grant_type": "client_credentials",
                "scope": " ".join(self.scopes),
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(self.signing_key, self.client_id, url, client.clock(),
                                                     kid=self.kid),
            }

        def headers():
            self.token_requests += 1
            extra = {"Accept": "application/json"}
            if self.dpop_key is not None:
                extra["DPoP"] = self.dpop_key.proof("POST", url, client.clock(), nonce=self.nonce)
            return extra

        resp = client.send("POST", url, form=form, headers=headers, authorize=False, read_error=self._token_error,
                           challenge=self.nonce_challenge)
        return self._accept(client, resp)

    def _accept(self, client, resp):
        try:
            body = resp.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise OktaError("Okta answered the access token request without an access_token; a proxy may be in the "
                            "way", kind="invalid_response", status=resp.status_code, method="POST", path=TOKEN_PATH)
        self.on_secret(token)
        token_type = str(body.get("token_type") or "Bearer")
        if token_type.lower() == "dpop":
            if self.dpop_key is None:
                raise OktaError("Okta issued a DPoP-bound token although no DPoP proof was sent", kind="invalid_response",
                                status=resp.status_code, method="POST", path=TOKEN_PATH)
            token_type = "DPoP"
        elif token_type.lower() == "bearer":
            token_type = "Bearer"
        else:
            raise OktaError("Okta issued a token of type {0!r}, which this collection cannot use".format(token_type[:20]),
                            kind="invalid_response", status=resp.status_code, method="POST", path=TOKEN_PATH)
        try:
            expires_in = int(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600
        self.access_token = token
        self.token_type = token_type
        self.expires_at = client.clock() + max(expires_in, RENEW_BEFORE + 1)
        self.granted_scopes = str(body.get("scope") or " ".join(self.scopes)).split()
        return token

    def _token_error(self, resp, attempts):
        error, description = _parse_oauth_error(resp)
        request_id = resp.headers.get("X-Okta-Request-Id")
        if error is None:
            reason = ("Okta answered the access token request with {0} {1} and a body that is not an OAuth error; "
                      "a proxy may be in the way".format(resp.status_code, resp.reason or ""))
        else:
            reason = oauth_error_reason(resp.status_code, error, description, self.client_id, self.scopes)
        return OktaError(reason, kind="http", status=resp.status_code, error_code=error, error_summary=description,
                         request_id=request_id, method="POST", path=TOKEN_PATH, attempts=attempts)

    def __repr__(self):
        return "OAuthAuthenticator(client_id={0!r}, dpop={1})".format(self.client_id, self.dpop)
