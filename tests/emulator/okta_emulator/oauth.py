# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OAuth 2.0 for service apps: the token endpoint (client credentials, private_key_jwt) and DPoP.

PyJWT (with cryptography, which trustme needs anyway) is imported only when these are used.
"""

from __future__ import annotations

import collections
import copy
import json
import time

from .responses import _Response, _rand

TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
TOKEN_LIFETIME = 3600
DPOP_IAT_WINDOW = 300  # seconds either side of the real clock (clock_skew only moves the Date header)
NONCE_PLACES = ("token", "api")


def _oauth_error(status, error, description, headers=()):
    return _Response(status, {"error": error, "error_description": description}, headers)


def _jwk_thumbprint(jwk):
    """RFC 7638 thumbprint of a public JWK."""
    import base64
    import hashlib

    members = ("crv", "kty", "x", "y") if jwk.get("kty") == "EC" else ("e", "kty", "n")
    canonical = json.dumps({k: jwk.get(k) for k in members}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _ath(token):
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()


def _unverified(token):
    """(header, claims) of a JWT without verifying it, or (None, None)."""
    import jwt

    try:
        return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None, None


class OAuthState:
    """Registered service apps, issued tokens, the assertion and DPoP replay caches and the nonces."""

    def __init__(self):
        self.clients = {}
        self.issued = {}  # access token -> {"client_id", "type", "jkt"}
        self.assertion_jtis = set()
        self.proof_uses = collections.Counter()  # DPoP proof jti -> times received (before faults and limits)
        self.proofs = 0
        self.replays_rejected = 0
        self.nonce_challenges = {place: 0 for place in NONCE_PLACES}
        self.token_requests = 0
        self.tokens_issued = 0
        self.rotate_nonces()

    def rotate_nonces(self):
        self.nonces = {place: "%s-nonce-%s" % (place, _rand(24)) for place in NONCE_PLACES}

    def add_client(self, spec):
        import jwt

        if not isinstance(spec, dict) or not isinstance(spec.get("client_id"), str) or not spec["client_id"]:
            raise ValueError("a client needs a non-empty string 'client_id'")
        jwks = spec.get("jwks")
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list) or not keys:
            raise ValueError("'jwks' must be {\"keys\": [public JWK, ...]}")
        for jwk in keys:
            if not isinstance(jwk, dict) or "d" in jwk:
                raise ValueError("each JWK must be a public key object (no 'd')")
            try:
                jwt.PyJWK(jwk)
            except (jwt.PyJWTError, ValueError, KeyError) as exc:
                raise ValueError("bad JWK: %s" % exc)
        scopes = spec.get("scopes", [])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise ValueError("'scopes' must be a list of strings")
        dpop = spec.get("dpop", "optional")
        if dpop not in ("optional", "required"):
            raise ValueError("'dpop' must be 'optional' or 'required'")
        nonce = spec.get("nonce", ["token"])
        if not isinstance(nonce, list) or any(place not in NONCE_PLACES for place in nonce):
            raise ValueError("'nonce' must be a list of places among %s" % ", ".join(NONCE_PLACES))
        self.clients[spec["client_id"]] = {"client_id": spec["client_id"], "keys": copy.deepcopy(keys),
                                           "scopes": list(scopes), "dpop": dpop, "nonce": list(nonce)}
        return self.clients[spec["client_id"]]

    def note_proof(self, proof):
        """Record a DPoP proof's jti as received (whatever happens to the request next); return the jti."""
        if not proof:
            return None
        _header, claims = _unverified(proof)
        jti = claims.get("jti") if isinstance(claims, dict) else None
        if not isinstance(jti, str):
            return None
        self.proofs += 1
        self.proof_uses[jti] += 1
        return jti

    def summary(self):
        reused = sorted(jti for jti, uses in self.proof_uses.items() if uses > 1)
        return {
            "proofs": self.proofs,
            "unique_jtis": len(self.proof_uses),
            "max_uses": max(self.proof_uses.values()) if self.proof_uses else 0,
            "reused_jtis": reused,
            "replays_rejected": self.replays_rejected,
            "nonce_challenges": dict(self.nonce_challenges),
            "nonces": dict(self.nonces),
            "token_requests": self.token_requests,
            "tokens_issued": self.tokens_issued,
        }

    # -- verification ----------------------------------------------------
    def check_proof(self, proof, method, url, token=None):
        """Verify a DPoP proof; return (thumbprint, nonce in the proof) or an error _Response."""
        import jwt

        if not proof:
            return _oauth_error(400, "invalid_dpop_proof", "DPoP proof JWT header is missing.")
        header, claims = _unverified(proof)
        if header is None or not isinstance(claims, dict):
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT is malformed.")
        jwk = header.get("jwk")
        if header.get("typ") != "dpop+jwt" or not isinstance(jwk, dict) or "d" in jwk or \
                header.get("alg") not in ASSERTION_ALGS:
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT header is invalid (typ, alg or jwk).")
        try:
            jwt.decode(proof, jwt.PyJWK(jwk).key, algorithms=[header["alg"]], options={"require": ["iat", "jti"]})
        except (jwt.PyJWTError, ValueError, KeyError):
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT signature is invalid.")
        if claims.get("htm") != method or claims.get("htu") != url:
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof htm or htu does not match the request.")
        if not isinstance(claims.get("iat"), int) or abs(claims["iat"] - time.time()) > DPOP_IAT_WINDOW:
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT iat is outside the allowed window.")
        if token is not None and claims.get("ath") != _ath(token):
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof ath does not match the access token.")
        if self.proof_uses[claims["jti"]] > 1:
            self.replays_rejected += 1
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT has already been used.")
        return _jwk_thumbprint(jwk), claims.get("nonce")

    def nonce_challenge(self, client, place, nonce):
        """The use_dpop_nonce answer if ``client`` wants a nonce at ``place`` and ``nonce`` is not it."""
        if place not in client["nonce"] or nonce == self.nonces[place]:
            return None
        self.nonce_challenges[place] += 1
        description = "Authorization server requires nonce in DPoP proof." if place == "token" else \
            "Resource server requires nonce in DPoP proof."
        return _oauth_error(400 if place == "token" else 401, "use_dpop_nonce", description,
                            [("DPoP-Nonce", self.nonces[place]),
                             ("WWW-Authenticate", 'DPoP error="use_dpop_nonce", error_description="%s"' % description)])

    def token_request(self, form, proof, token_url, tokens):
        """Answer POST /oauth2/v1/token (form already parsed); issued tokens go into ``tokens``."""
        import jwt

        self.token_requests += 1
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "The grant type is not supported.")
        assertion = form.get("client_assertion")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
            return _oauth_error(401, "invalid_client", "Client authentication failed: a client_assertion is required.")
        header, claims = _unverified(assertion)
        if header is None or not isinstance(claims, dict):
            return _oauth_error(400, "invalid_client", "The client_assertion is not a valid JWT.")
        client = self.clients.get(claims.get("iss"))
        if client is None or claims.get("sub") != claims.get("iss"):
            return _oauth_error(401, "invalid_client", "Invalid value for 'client_id' parameter.")
        if header.get("alg") not in ASSERTION_ALGS:
            return _oauth_error(401, "invalid_client", "The client_assertion algorithm is not allowed.")
        candidates = [k for k in client["keys"] if not header.get("kid") or k.get("kid") == header.get("kid")]
        if not candidates:
            return _oauth_error(401, "invalid_client", "The client_assertion kid does not match a registered key.")
        verified = None
        for jwk in candidates:
            try:
                verified = jwt.decode(assertion, jwt.PyJWK(jwk).key, algorithms=[header["alg"]], audience=token_url,
                                      options={"require": ["exp", "iat", "jti", "aud", "iss", "sub"]})
                break
            except jwt.InvalidAudienceError:
                return _oauth_error(401, "invalid_client",
                                    "The audience [aud] claim in the client_assertion is invalid.")
            except jwt.ExpiredSignatureError:
                return _oauth_error(401, "invalid_client", "The client_assertion token is expired.")
            except jwt.MissingRequiredClaimError as exc:
                return _oauth_error(401, "invalid_client", "The client_assertion is missing the claim %s." % exc.claim)
            except (jwt.PyJWTError, ValueError, KeyError):
                continue
        if verified is None:
            return _oauth_error(401, "invalid_client", "The client_assertion signature is invalid.")
        if verified["exp"] - verified["iat"] > 3600:
            return _oauth_error(401, "invalid_client",
                                "The client_assertion token has an expiration too far into the future.")
        if verified["jti"] in self.assertion_jtis:
            return _oauth_error(401, "invalid_client", "The client_assertion token has already been used.")
        self.assertion_jtis.add(verified["jti"])
        jkt = None
        if proof or client["dpop"] == "required":
            checked = self.check_proof(proof, "POST", token_url)
            if isinstance(checked, _Response):
                return checked
            jkt, nonce = checked
            challenge = self.nonce_challenge(client, "token", nonce)
            if challenge is not None:
                return challenge
        requested = (form.get("scope") or "").split()
        if not requested:
            return _oauth_error(400, "invalid_scope", "The 'scope' parameter is required.")
        if any(scope not in client["scopes"] for scope in requested):
            return _oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        token = "emu-at-" + _rand(40)
        token_type = "DPoP" if jkt else "Bearer"
        tokens[(token_type.lower(), token)] = set(requested)
        self.issued[token] = {"client_id": client["client_id"], "type": token_type, "jkt": jkt}
        self.tokens_issued += 1
        return _Response(200, {"token_type": token_type, "expires_in": TOKEN_LIFETIME, "access_token": token,
                               "scope": " ".join(requested)},
                         [("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    def check_api(self, proof, method, url, token):
        """For a DPoP-scheme API request: None when the proof is good, else the error _Response."""
        issued = self.issued.get(token)
        if issued is None or issued["type"] != "DPoP":
            return None  # unknown token: the scope check answers 401
        checked = self.check_proof(proof, method, url, token=token)
        if isinstance(checked, _Response):
            return checked
        jkt, nonce = checked
        if jkt != issued["jkt"]:
            return _oauth_error(400, "invalid_dpop_proof", "The DPoP proof key does not match the access token.")
        return self.nonce_challenge(self.clients[issued["client_id"]], "api", nonce)
