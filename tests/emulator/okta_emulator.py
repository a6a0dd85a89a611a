# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local Okta emulator for the application-features endpoints used by the collection.

A stateful, in-memory HTTPS server (stdlib ``http.server`` + ``ssl``; ``trustme`` for the
throw-away CA) that answers the subset of the Okta Management API the collection calls:

* ``GET  /api/v1/apps`` (``q``, ``limit``, ``after``; ``Link`` pagination)
* ``GET  /api/v1/apps/{appId}``
* ``GET  /api/v1/apps/{appId}/features``
* ``GET  /api/v1/apps/{appId}/features/{featureName}``
* ``PUT  /api/v1/apps/{appId}/features/{featureName}`` (strict validation, partial merge)
* ``GET  /api/v1/apps/{appId}/connections/default``
* ``POST /api/v1/apps/{appId}/connections/default`` (``activate`` query parameter; token never logged)
* ``POST /api/v1/apps/{appId}/connections/default/lifecycle/activate|deactivate`` (204)

plus a small unauthenticated admin API under ``/_admin`` (request log, state, reset, extra apps,
runtime config, fault injection).  See ``README.md`` next to this file.

Usable as a script (see ``--help``) or imported (``OktaEmulator``).
"""

from __future__ import annotations

import argparse
import collections
import copy
import email.utils
import http.server
import json
import os
import re
import secrets
import signal
import socket
import ssl
import string
import struct
import sys
import tempfile
import threading
import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

__all__ = ["OktaEmulator", "main"]

FEATURE_NAMES = ("USER_PROVISIONING", "INBOUND_PROVISIONING")
FEATURE_DESCRIPTIONS = {
    "USER_PROVISIONING": "User provisioning settings from Okta to a downstream application",
    "INBOUND_PROVISIONING": "In-bound provisioning settings from an application to Okta",
}
SCOPE_READ = "okta.apps.read"
SCOPE_MANAGE = "okta.apps.manage"
HARD_MAX_PAGE = 200
DEFAULT_PAGE = 20
MAX_LOG_ENTRIES = 200_000
ALNUM = string.ascii_letters + string.digits

ERRORS = {
    400: ("E0000001", "Api validation failed"),
    401: ("E0000011", "Invalid token provided"),
    403: ("E0000006", "You do not have permission to perform the requested action"),
    404: ("E0000007", "Not found: Resource not found"),
    405: ("E0000022", "The endpoint does not support the provided HTTP method"),
    429: ("E0000047", "API call exceeded rate limit due to too many requests."),
    500: ("E0000009", "Internal Server Error"),
    502: ("E0000009", "Internal Server Error: Bad Gateway"),
    503: ("E0000009", "Internal Server Error: Service Unavailable"),
    504: ("E0000009", "Internal Server Error: Gateway Timeout"),
}

# ---------------------------------------------------------------------------
# Capabilities: defaults, validation, normalisation, rendering
# ---------------------------------------------------------------------------


def default_capabilities(feature):
    if feature == "USER_PROVISIONING":
        return {
            "create": {"lifecycleCreate": {"status": "DISABLED"}},
            "update": {
                "lifecycleDeactivate": {"status": "DISABLED"},
                "profile": {"status": "DISABLED"},
                "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"},
            },
        }
    return {
        "importSettings": {
            "username": {"usernameFormat": "EMAIL"},
            "schedule": {"status": "DISABLED", "fullImport": None, "incrementalImport": None},
        },
        "importRules": {
            "userCreateAndMatch": {
                "exactMatchCriteria": "EMAIL",
                "allowPartialMatch": False,
                "autoConfirmPartialMatch": False,
                "autoConfirmExactMatch": False,
                "autoConfirmNewUsers": False,
                "autoActivateNewUsers": False,
            }
        },
    }


# Shape descriptions.  A dict is a nested object; a tuple of strings is a string enum; the
# remaining leaves are the marker objects below.
_STATUS = ("DISABLED", "ENABLED")


class _Leaf:
    def __init__(self, kind, **kw):
        self.kind = kind
        self.kw = kw


_BOOL = _Leaf("bool")
_STR = _Leaf("str")
_IMPORT = _Leaf("import")  # ImportScheduleSettings or null

SHAPES = {
    "USER_PROVISIONING": {
        "create": {"lifecycleCreate": {"status": _STATUS}},
        "update": {
            "lifecycleDeactivate": {"status": _STATUS},
            "profile": {"status": _STATUS},
            "password": {"status": _STATUS, "seed": ("OKTA", "RANDOM"), "change": ("CHANGE", "KEEP_EXISTING")},
        },
    },
    "INBOUND_PROVISIONING": {
        "importSettings": {
            "username": {
                "usernameFormat": ("EMAIL", "CUSTOM"),
                "userNameFormat": ("EMAIL", "CUSTOM"),
                "userNameExpression": _STR,
            },
            "schedule": {"status": _STATUS, "fullImport": _IMPORT, "incrementalImport": _IMPORT},
        },
        "importRules": {
            "userCreateAndMatch": {
                "exactMatchCriteria": ("EMAIL", "USERNAME"),
                "allowPartialMatch": _BOOL,
                "autoConfirmPartialMatch": _BOOL,
                "autoConfirmExactMatch": _BOOL,
                "autoConfirmNewUsers": _BOOL,
                "autoActivateNewUsers": _BOOL,
            }
        },
    },
}


def _jtype(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _validate(value, shape, path, errors):
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            errors.append("%s: must be an object, got %s" % (path, _jtype(value)))
            return
        for key in value:
            if key not in shape:
                errors.append("%s.%s: unknown property" % (path, key))
            else:
                _validate(value[key], shape[key], "%s.%s" % (path, key), errors)
        return
    if isinstance(shape, tuple):
        if not isinstance(value, str):
            errors.append("%s: must be a string, got %s" % (path, _jtype(value)))
        elif value not in shape:
            errors.append("%s: '%s' is not one of [%s]" % (path, value, ", ".join(shape)))
        return
    if shape.kind == "bool":
        if not isinstance(value, bool):
            errors.append("%s: must be a boolean, got %s" % (path, _jtype(value)))
    elif shape.kind == "str":
        if not isinstance(value, str):
            errors.append("%s: must be a string, got %s" % (path, _jtype(value)))
    elif shape.kind == "import":
        if value is None:
            return
        if not isinstance(value, dict):
            errors.append("%s: must be an object or null, got %s" % (path, _jtype(value)))
            return
        for key in value:
            if key not in ("expression", "timezone"):
                errors.append("%s.%s: unknown property" % (path, key))
        if "expression" not in value:
            errors.append("%s.expression: required property is missing" % path)
        elif not isinstance(value["expression"], str):
            errors.append("%s.expression: must be a string, got %s" % (path, _jtype(value["expression"])))
        if "timezone" in value:
            tz = value["timezone"]
            if not isinstance(tz, str):
                errors.append("%s.timezone: must be a string, got %s" % (path, _jtype(tz)))
            elif not 1 <= len(tz) <= 64:
                errors.append("%s.timezone: length must be between 1 and 64, got %d" % (path, len(tz)))


def validate_capabilities(feature, body):
    """Return a list of error strings (empty when ``body`` is acceptable)."""
    errors = []
    _validate(body, SHAPES[feature], "capabilities", errors)
    if not errors and feature == "INBOUND_PROVISIONING":
        username = (body.get("importSettings") or {}).get("username") or {}
        if "usernameFormat" in username and "userNameFormat" in username:
            if username["usernameFormat"] != username["userNameFormat"]:
                errors.append(
                    "capabilities.importSettings.username: usernameFormat and userNameFormat disagree"
                )
    return errors


def normalise_capabilities(feature, caps):
    """Internal form: INBOUND username format always stored as ``usernameFormat``."""
    caps = copy.deepcopy(caps)
    if feature == "INBOUND_PROVISIONING":
        username = (caps.get("importSettings") or {}).get("username")
        if isinstance(username, dict) and "userNameFormat" in username:
            value = username.pop("userNameFormat")
            username.setdefault("usernameFormat", value)
    return caps


def deep_merge(target, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def render_capabilities(feature, caps):
    caps = copy.deepcopy(caps)
    if feature == "INBOUND_PROVISIONING":
        settings = caps.get("importSettings")
        if isinstance(settings, dict) and isinstance(settings.get("username"), dict):
            username = settings["username"]
            rendered = {}
            if "usernameFormat" in username:
                rendered["userNameFormat"] = username["usernameFormat"]
            for key, value in username.items():
                if key != "usernameFormat":
                    rendered[key] = value
            settings["username"] = rendered
    return caps


# ---------------------------------------------------------------------------
# Default provisioning connection: app types, validation, rendering
# ---------------------------------------------------------------------------

# Which auth schemes the default provisioning connection of an app type takes, keyed by app name.
# Names not listed are custom apps with a token-based connection. An empty tuple means the app
# type has no provisioning support: Okta reports its connection as UNKNOWN.
CONNECTION_TYPES = {
    "zscalerbyz": ("TOKEN",),
    "okta_org2org": ("TOKEN", "OAUTH2"),
    "slack": ("OAUTH2",),
    "google": ("OAUTH2",),
    "zoomus": ("OAUTH2",),
    "office365": ("OAUTH2",),
    "bookmark": (),
    "template_saml_2_0": (),
    "template_swa": (),
}
DEFAULT_CONNECTION_SCHEMES = ("TOKEN",)
# OAUTH2 profile fields only some app types take (the spec: "only used for ...").
CONNECTION_OAUTH_FIELDS = {"clientId": ("okta_org2org",), "signing": ("okta_org2org",), "settings": ("office365",)}
REDACTED = "<redacted>"
_CONN_TOP_KEYS = {"TOKEN": ("baseUrl", "profile"), "OAUTH2": ("profile",)}
_CONN_PROFILE_KEYS = {"TOKEN": ("authScheme", "token"), "OAUTH2": ("authScheme", "clientId", "settings", "signing")}
_ROTATION_MODES = ("AUTO", "MANUAL")


def connection_schemes(name):
    return CONNECTION_TYPES.get(name, DEFAULT_CONNECTION_SCHEMES)


def initial_connection(name, seed_conn, provisioning):
    """The stored connection of a new app: ``seed_conn`` (the seed's ``connection`` object) over the
    app type's defaults. Returns (connection, provisioning); an UNKNOWN connection is never enabled."""
    seed_conn = seed_conn or {}
    if not isinstance(seed_conn, dict):
        raise ValueError("'connection' must be an object")
    unknown = set(seed_conn) - {"authScheme", "baseUrl", "clientId", "signing", "hasToken"}
    if unknown:
        raise ValueError("unknown connection key(s) %s" % ", ".join(sorted(unknown)))
    schemes = connection_schemes(name)
    scheme = seed_conn.get("authScheme") or (schemes[0] if schemes else "UNKNOWN")
    if scheme != "UNKNOWN" and scheme not in schemes:
        raise ValueError("app type %r takes no %s connection (it takes %s)" % (name, scheme, ", ".join(schemes) or "none"))
    signing = seed_conn.get("signing")
    if signing is not None and (not isinstance(signing, dict) or signing.get("rotationMode") not in _ROTATION_MODES):
        raise ValueError("connection.signing must be {\"rotationMode\": \"AUTO\"|\"MANUAL\"}")
    conn = {
        "authScheme": scheme,
        "baseUrl": seed_conn.get("baseUrl") if scheme == "TOKEN" else None,
        "clientId": seed_conn.get("clientId") if scheme == "OAUTH2" else None,
        "signing": copy.deepcopy(signing) if scheme == "OAUTH2" else None,
        "hasToken": bool(seed_conn.get("hasToken", provisioning and scheme == "TOKEN")),
    }
    return conn, (provisioning and scheme != "UNKNOWN")


def connection_status(app):
    if app["connection"]["authScheme"] == "UNKNOWN":
        return "UNKNOWN"
    return "ENABLED" if app["provisioning"] else "DISABLED"


def redact_connection_body(body):
    """A copy of a connection request body fit for the request log, and whether it carried a token."""
    if not isinstance(body, dict):
        return body, False
    body = copy.deepcopy(body)
    profile = body.get("profile")
    token_sent = False
    if isinstance(profile, dict):
        if "token" in profile:
            token_sent = profile["token"] not in (None, "")
            profile["token"] = REDACTED
        settings = profile.get("settings")
        if isinstance(settings, dict) and "adminPassword" in settings:
            settings["adminPassword"] = REDACTED
    return body, token_sent


def validate_connection_request(app, body):
    """Problems with a POST .../connections/default body for ``app`` (empty list when acceptable)."""
    errors = []
    if not isinstance(body, dict):
        return ["connection: must be an object, got %s" % _jtype(body)]
    profile = body.get("profile")
    if not isinstance(profile, dict):
        return ["profile: %s" % ("required property is missing" if profile is None else
                                 "must be an object, got %s" % _jtype(profile))]
    scheme = profile.get("authScheme")
    if scheme not in _CONN_TOP_KEYS:
        return ["profile.authScheme: %s" % ("required property is missing" if scheme is None else
                                            "'%s' is not one of [TOKEN, OAUTH2]" % (scheme,))]
    for key in body:
        if key not in _CONN_TOP_KEYS[scheme]:
            errors.append("%s: unknown property for a %s connection" % (key, scheme))
    for key in profile:
        if key not in _CONN_PROFILE_KEYS[scheme]:
            errors.append("profile.%s: unknown property for a %s connection" % (key, scheme))
    for key, path in (("baseUrl", "baseUrl"),):
        if key in body and (not isinstance(body[key], str) or not body[key]):
            errors.append("%s: must be a non-empty string" % path)
    for key in ("token", "clientId"):
        if key in profile and (not isinstance(profile[key], str) or not profile[key]):
            errors.append("profile.%s: must be a non-empty string" % key)
    if "signing" in profile:
        signing = profile["signing"]
        if not isinstance(signing, dict):
            errors.append("profile.signing: must be an object, got %s" % _jtype(signing))
        else:
            if "rotationMode" not in signing:
                errors.append("profile.signing.rotationMode: required property is missing")
            elif signing["rotationMode"] not in _ROTATION_MODES:
                errors.append("profile.signing.rotationMode: '%s' is not one of [AUTO, MANUAL]" % (signing["rotationMode"],))
            for key in signing:
                if key != "rotationMode":
                    errors.append("profile.signing.%s: unknown property" % key)
    if "settings" in profile:
        settings = profile["settings"]
        if not isinstance(settings, dict):
            errors.append("profile.settings: must be an object, got %s" % _jtype(settings))
        else:
            for key in ("adminUsername", "adminPassword"):
                if not isinstance(settings.get(key), str) or not settings.get(key):
                    errors.append("profile.settings.%s: required property is missing or empty" % key)
    if errors:
        return errors
    # what this app type takes
    name = app["name"]
    schemes = connection_schemes(name)
    if app["connection"]["authScheme"] == "UNKNOWN" or not schemes:
        return ["The app does not support provisioning (app name '%s')." % name]
    if scheme not in schemes:
        return ["profile.authScheme: app '%s' does not support a %s connection; it supports %s"
                % (name, scheme, ", ".join(schemes))]
    for key, names in CONNECTION_OAUTH_FIELDS.items():
        if scheme == "OAUTH2" and key in profile and name not in names:
            errors.append("profile.%s: only used by %s, not by '%s'" % (key, ", ".join(names), name))
    if scheme == "TOKEN" and "token" not in profile and not (
            app["connection"]["authScheme"] == "TOKEN" and app["connection"]["hasToken"]):
        errors.append("profile.token: a token is required to set up a token-based connection")
    return errors


def apply_connection_request(app, body):
    """Store a validated connection body. Fields not sent keep their value while the scheme stays the same."""
    conn = app["connection"]
    profile = body["profile"]
    scheme = profile["authScheme"]
    same = conn["authScheme"] == scheme
    new = {
        "authScheme": scheme,
        "baseUrl": body.get("baseUrl", conn["baseUrl"] if same else None) if scheme == "TOKEN" else None,
        "clientId": profile.get("clientId", conn["clientId"] if same else None) if scheme == "OAUTH2" else None,
        "signing": copy.deepcopy(profile.get("signing", conn["signing"] if same else None)) if scheme == "OAUTH2" else None,
        "hasToken": ("token" in profile or (same and conn["hasToken"])) if scheme == "TOKEN" else False,
    }
    app["connection"] = new
    if "token" in profile:
        app["token_sets"] += 1


def render_connection(app, base):
    conn = app["connection"]
    status = connection_status(app)
    href = "%s/api/v1/apps/%s/connections/default" % (base, app["id"])
    out = {}
    if conn["authScheme"] == "TOKEN":
        out["authScheme"] = "TOKEN"
    out["status"] = status
    if conn["authScheme"] == "TOKEN" and conn["baseUrl"]:
        out["baseUrl"] = conn["baseUrl"]
    profile = {"authScheme": conn["authScheme"]}
    if conn["authScheme"] == "OAUTH2":
        if conn["clientId"]:
            profile["clientId"] = conn["clientId"]
        if conn["signing"]:
            profile["signing"] = copy.deepcopy(conn["signing"])
    out["profile"] = profile
    links = {"self": {"href": href, "hints": {"allow": ["GET", "POST"]}}}
    if status == "ENABLED":
        links["deactivate"] = {"href": href + "/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
    elif status == "DISABLED":
        links["activate"] = {"href": href + "/lifecycle/activate", "hints": {"allow": ["POST"]}}
    out["_links"] = links
    return out


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _rand(n):
    return "".join(secrets.choice(ALNUM) for _i in range(n))


def _iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".000Z"


def error_body(code, summary, causes=()):
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + _rand(22),
        "errorCauses": [{"errorSummary": c} for c in causes],
    }


def status_error_body(status):
    code, summary = ERRORS.get(status, ("E0000009" if status >= 500 else "E0000001",
                                        "Internal Server Error" if status >= 500 else "Api validation failed"))
    return error_body(code, summary)


class _Response:
    __slots__ = ("status", "body", "headers", "content_type", "rate", "fault", "drop", "delay")

    def __init__(self, status=200, body=None, headers=None, content_type="application/json", rate=True):
        self.status = status
        self.body = body  # bytes, or JSON-able object
        self.headers = list(headers or [])
        self.content_type = content_type
        self.rate = rate  # add rate headers (tuple) or True to compute
        self.fault = None
        self.drop = False
        self.delay = 0.0


def _json_response(status, obj, headers=None):
    return _Response(status, obj, headers)


def _err(status, code, summary, causes=()):
    return _Response(status, error_body(code, summary, causes))


# ---------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------


class EmulatorState:
    def __init__(self, seed_path, rate_limit, rate_window, max_page_size, clock_skew=0.0):
        self.lock = threading.Lock()
        self.seed_path = seed_path
        self.initial_config = {
            "rate_limit": int(rate_limit),
            "rate_window": int(rate_window),
            "max_page_size": int(max_page_size),
            "clock_skew": float(clock_skew),
        }
        self.reset()

    # -- loading ---------------------------------------------------------
    def reset(self):
        with open(self.seed_path, "r", encoding="utf-8") as fh:
            seed = json.load(fh)
        self.tokens = {}
        for tok in seed.get("tokens", []):
            self.tokens[(tok.get("kind", "SSWS").lower(), tok["token"])] = set(tok.get("scopes", []))
        self.apps = {}
        for app in seed.get("apps", []):
            self._add_app(app)
        self.config = dict(self.initial_config)
        self.log = collections.deque(maxlen=MAX_LOG_ENTRIES)
        self.seq = 0
        self.faults = []
        self.stats = {"requests": 0, "rate_limited": 0, "faults_applied": 0}
        self.bucket_window = None
        self.bucket_used = 0
        self.oauth = OAuthState()

    def _add_app(self, app):
        if not isinstance(app, dict) or not isinstance(app.get("label"), str) or not app["label"]:
            raise ValueError("each app needs a non-empty string 'label'")
        app_id = app.get("id") or ("0oa" + _rand(17))
        if app_id in self.apps:
            raise ValueError("app id %s already exists" % app_id)
        now = _iso(time.time())
        features = app.get("features")
        if features is None:
            features = {name: {} for name in FEATURE_NAMES}
        if not isinstance(features, dict):
            raise ValueError("'features' must be an object keyed by feature name")
        stored = {}
        for name, caps in features.items():
            if name not in FEATURE_NAMES:
                raise ValueError("unknown feature %r" % name)
            caps = caps or {}
            errors = validate_capabilities(name, caps)
            if errors:
                raise ValueError("; ".join(errors))
            stored[name] = deep_merge(default_capabilities(name), normalise_capabilities(name, caps))
        name = app.get("name") or re.sub(r"[^a-z0-9]+", "_", app["label"].lower()).strip("_") or "app"
        # "provisioning" is the connection status: true = ENABLED, false = DISABLED (UNKNOWN: never enabled)
        connection, provisioning = initial_connection(name, app.get("connection"), bool(app.get("provisioning", True)))
        self.apps[app_id] = {
            "id": app_id,
            "label": app["label"],
            "name": name,
            "status": app.get("status", "ACTIVE"),
            "signOnMode": app.get("signOnMode", "SAML_2_0"),
            "provisioning": provisioning,
            "created": app.get("created", now),
            "lastUpdated": app.get("lastUpdated", app.get("created", now)),
            "features": stored,
            "connection": connection,
            "token_sets": 0,
        }
        return self.apps[app_id]

    # -- clock / rate limit ---------------------------------------------
    def now(self):
        return time.time() + self.config["clock_skew"]

    def _window(self, now):
        w = max(1, self.config["rate_window"])
        start = int(now // w) * w
        if start != self.bucket_window:
            self.bucket_window = start
            self.bucket_used = 0
        return start + w

    def consume(self, now):
        """Consume one request.  Returns (allowed, limit, remaining, reset)."""
        reset = self._window(now)
        limit = self.config["rate_limit"]
        if self.bucket_used >= limit:
            return False, limit, 0, reset
        self.bucket_used += 1
        return True, limit, limit - self.bucket_used, reset

    def peek(self, now):
        reset = self._window(now)
        limit = self.config["rate_limit"]
        return limit, max(0, limit - self.bucket_used), reset

    def restart_bucket(self):
        self.bucket_window = None
        self.bucket_used = 0

    # -- rendering --------------------------------------------------------
    def render_feature(self, app, name, base):
        return {
            "name": name,
            "status": "ENABLED" if app["provisioning"] else "DISABLED",
            "description": FEATURE_DESCRIPTIONS[name],
            "capabilities": render_capabilities(name, app["features"][name]),
            "_links": {
                "self": {
                    "href": "%s/api/v1/apps/%s/features/%s" % (base, app["id"], name),
                    "hints": {"allow": ["GET", "PUT"]},
                }
            },
        }

    def render_app(self, app, base):
        href = "%s/api/v1/apps/%s" % (base, app["id"])
        links = {
            "self": {"href": href},
            "users": {"href": href + "/users"},
            "groups": {"href": href + "/groups"},
            "appLinks": [],
        }
        if app["status"] == "ACTIVE":
            links["deactivate"] = {"href": href + "/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
        else:
            links["activate"] = {"href": href + "/lifecycle/activate", "hints": {"allow": ["POST"]}}
        return {
            "id": app["id"],
            "name": app["name"],
            "label": app["label"],
            "status": app["status"],
            "signOnMode": app["signOnMode"],
            "created": app["created"],
            "lastUpdated": app["lastUpdated"],
            "features": [],
            "_links": links,
        }

    def snapshot(self, base):
        return {
            "apps": {
                app_id: {
                    "id": app_id,
                    "label": app["label"],
                    "name": app["name"],
                    "provisioning": app["provisioning"],
                    "features": {n: self.render_feature(app, n, base) for n in app["features"]},
                    "connection": render_connection(app, base),
                    "token_sets": app["token_sets"],
                }
                for app_id, app in sorted(self.apps.items())
            },
            "stats": dict(self.stats),
            "config": dict(self.config),
        }


# ---------------------------------------------------------------------------
# OAuth 2.0: service-app clients, the token endpoint and DPoP
# ---------------------------------------------------------------------------
# PyJWT (with cryptography, which trustme needs anyway) is imported only when these are used.

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
                return _oauth_error(401, "invalid_client", "The audience [aud] claim in the client_assertion is invalid.")
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


# ---------------------------------------------------------------------------
# HTTP layer
# ---------------------------------------------------------------------------

_APP_RE = re.compile(r"^/api/v1/apps/([^/]+)$")
_FEATURES_RE = re.compile(r"^/api/v1/apps/([^/]+)/features$")
_FEATURE_RE = re.compile(r"^/api/v1/apps/([^/]+)/features/([^/]+)$")
_CONNECTION_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default$")
_CONNECTION_LIFECYCLE_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default/lifecycle/(activate|deactivate)$")
_AUTH_RE = re.compile(r"^\s*(SSWS|Bearer|DPoP)\s*(\S*)\s*$", re.IGNORECASE)
_LOGGED_HEADERS = ("X-Okta-Retry-For", "X-Okta-Retry-Count", "Accept", "Content-Type")
_HTML_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "okta-emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    # -- plumbing ---------------------------------------------------------
    @property
    def emu(self):
        return self.server.emulator

    def log_message(self, fmt, *args):  # noqa: D401 - quiet unless verbose
        if self.emu.verbose:
            sys.stderr.write("okta-emulator: %s - %s\n" % (self.address_string(), fmt % args))

    def version_string(self):
        return self.server_version

    def date_time_string(self, timestamp=None):
        if timestamp is None:
            timestamp = self.emu.state.now()
        return email.utils.formatdate(timestamp, usegmt=True)

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _base(self):
        host = self.headers.get("Host")
        if host:
            return "%s://%s" % (self.emu.scheme, host)
        return self.emu.url

    def _write(self, resp, extra_headers=()):
        body = resp.body
        if body is None:
            payload = b""
        elif isinstance(body, (bytes, bytearray)):
            payload = bytes(body)
        else:
            payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(resp.status)
        headers = [("Content-Type", resp.content_type)] if resp.content_type else []
        headers += list(extra_headers) + resp.headers
        seen = {}
        for key, value in headers:  # later entries override earlier ones (except Link)
            if key.lower() == "link":
                continue
            seen[key.lower()] = (key, value)
        for key, value in seen.values():
            self.send_header(key, str(value))
        for key, value in headers:
            if key.lower() == "link":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    # -- dispatch ---------------------------------------------------------
    def do_GET(self):
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _dispatch(self):
        split = urlsplit(self.path)
        path = split.path
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if path.startswith("/_admin"):
            self._admin(path, raw)
        elif path.startswith("/oauth2/"):
            self._oauth(path, split.query, raw)
        elif path == "/api" or path.startswith("/api/"):
            self._api(path, split.query, raw)
        else:
            self._write(_err(404, "E0000007", "Not found: Resource not found: %s" % path))

    # -- /api ---------------------------------------------------------------
    def _api(self, path, query_string, raw):
        emu = self.emu
        state = emu.state
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
                body_ok = True
            except (ValueError, UnicodeDecodeError):
                body = raw.decode("utf-8", "replace")
                body_ok = False
        else:
            body, body_ok = None, False
        # "SSWS <token>" / "Bearer <token>"; the space is optional because the official
        # Python SDK (3.x) sends "SSWS<token>" and Okta accepts it.
        m = _AUTH_RE.match(self.headers.get("Authorization") or "")
        scheme_name = {"ssws": "SSWS", "bearer": "Bearer", "dpop": "DPoP"}[m.group(1).lower()] if m else None
        token = m.group(2).strip() if m else ""
        # Connection bodies carry credentials: the log keeps a marker and whether a token was sent.
        logged_body, token_sent = body, False
        if "/connections/" in path:
            logged_body, token_sent = redact_connection_body(body) if body_ok else (REDACTED if raw else None, False)
        entry = {
            "seq": None,
            "time": time.time(),
            "method": self.command,
            "path": path,
            "query": query,
            "body": logged_body,
            "token_sent": token_sent,
            "auth_scheme": scheme_name,
            "user_agent": self.headers.get("User-Agent"),
            "status": None,
            "fault": None,
            "headers_subset": {h: self.headers[h] for h in _LOGGED_HEADERS if self.headers.get(h) is not None},
            "dpop_jti": None,
        }
        base = self._base()
        with state.lock:
            state.seq += 1
            entry["seq"] = state.seq
            state.log.append(entry)
            state.stats["requests"] += 1
            # A DPoP proof counts as used once received, even if a fault or the rate limit answers.
            entry["dpop_jti"] = state.oauth.note_proof(self.headers.get("DPoP"))
            now = state.now()
            fault = self._match_fault(state, path)
            if fault is not None:
                entry["fault"] = fault["type"]
                state.stats["faults_applied"] += 1
            resp = None
            if fault is not None and fault["type"] == "status" and int(fault.get("status", 500)) == 429:
                limit, _remaining, _reset = state.peek(now)
                resp = _Response(429, error_body(*ERRORS[429]))
                resp.rate = (limit, 0, int(now + float(fault.get("reset_in", 3))))
                state.stats["rate_limited"] += 1
            else:
                allowed, limit, remaining, reset = state.consume(now)
                if not allowed and fault is None:
                    resp = _Response(429, error_body(*ERRORS[429]))
                    resp.rate = (limit, 0, reset)
                    state.stats["rate_limited"] += 1
            if resp is None:
                resp = self._apply_fault(fault) if fault is not None else None
                if resp is None:
                    resp = self._route(
                        state, path, query, body, body_ok, raw, scheme_name, token, base,
                        ignore_put=fault is not None and fault["type"] == "ignore_put",
                    )
                    if fault is not None and fault["type"] == "slow":
                        resp.delay = float(fault.get("delay", 1.0))
                        resp.fault = fault
                resp.rate = (limit, remaining, reset)
        if resp.drop:
            self._drop()
            return
        if resp.delay:
            time.sleep(resp.delay)
        extra = [
            ("X-Okta-Request-Id", _rand(27)),
            ("X-Rate-Limit-Limit", resp.rate[0]),
            ("X-Rate-Limit-Remaining", resp.rate[1]),
            ("X-Rate-Limit-Reset", resp.rate[2]),
        ]
        if fault is not None and isinstance(fault.get("headers"), dict):
            resp.headers += [(str(k), str(v)) for k, v in fault["headers"].items()]
        try:
            self._write(resp, extra)
        except OSError:
            self.close_connection = True
            return
        with state.lock:
            entry["status"] = resp.status

    # -- /oauth2: the org authorization server's token endpoint ------------------
    def _oauth(self, path, query_string, raw):
        state = self.emu.state
        try:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)) if raw else {}
        except UnicodeDecodeError:
            form = {}
        proof = self.headers.get("DPoP")
        entry = {
            "seq": None,
            "time": time.time(),
            "method": self.command,
            "path": path,
            "query": dict(parse_qsl(query_string, keep_blank_values=True)),
            # The assertion is a credential: the log keeps only that one was sent.
            "body": {k: ("<redacted>" if k == "client_assertion" else v) for k, v in form.items()},
            "auth_scheme": None,
            "user_agent": self.headers.get("User-Agent"),
            "status": None,
            "fault": None,
            "headers_subset": {h: self.headers[h] for h in _LOGGED_HEADERS if self.headers.get(h) is not None},
            "dpop_jti": None,
        }
        with state.lock:
            state.seq += 1
            entry["seq"] = state.seq
            state.log.append(entry)
            state.stats["requests"] += 1
            entry["dpop_jti"] = state.oauth.note_proof(proof)
            fault = self._match_fault(state, path)
            if fault is not None:
                entry["fault"] = fault["type"]
                state.stats["faults_applied"] += 1
            resp = self._apply_fault(fault) if fault is not None else None
            if resp is not None and resp.status == 429:
                now = state.now()
                resp.headers += [("X-Rate-Limit-Limit", state.config["rate_limit"]), ("X-Rate-Limit-Remaining", 0),
                                 ("X-Rate-Limit-Reset", int(now + float(fault.get("reset_in", 3))))]
                state.stats["rate_limited"] += 1
            if resp is None:
                if path != TOKEN_PATH:
                    resp = _err(404, "E0000007", "Not found: Resource not found: %s" % path)
                elif self.command != "POST":
                    resp = self._not_allowed("POST")
                else:
                    resp = state.oauth.token_request(form, proof, self._base() + TOKEN_PATH, state.tokens)
                if fault is not None and fault["type"] == "slow":
                    resp.delay = float(fault.get("delay", 1.0))
        if resp.drop:
            self._drop()
            return
        if resp.delay:
            time.sleep(resp.delay)
        if fault is not None and isinstance(fault.get("headers"), dict):
            resp.headers += [(str(k), str(v)) for k, v in fault["headers"].items()]
        try:
            self._write(resp, [("X-Okta-Request-Id", _rand(27))])
        except OSError:
            self.close_connection = True
            return
        with state.lock:
            entry["status"] = resp.status

    def _match_fault(self, state, path):
        for fault in state.faults:
            if fault.get("method") and fault["method"].upper() != self.command:
                continue
            if fault.get("path") and not re.search(fault["path"], path):
                continue
            if fault["type"] == "ignore_put" and self.command != "PUT":
                continue
            if fault["remaining"] > 0:
                fault["remaining"] -= 1
                if fault["remaining"] == 0:
                    state.faults.remove(fault)
            return fault
        return None

    def _apply_fault(self, fault):
        kind = fault["type"]
        if kind == "status":
            status = int(fault.get("status", 500))
            return _Response(status, status_error_body(status))
        if kind == "html":
            status = int(fault.get("status", 502))
            reason = self.responses.get(status, ("Error",))[0]
            page = _HTML_PAGE.format(code=status, reason=reason).encode()
            return _Response(status, page, content_type="text/html")
        if kind == "non_json":
            return _Response(int(fault.get("status", 200)), fault.get("body", "<html>oops</html>").encode())
        if kind == "drop":
            resp = _Response()
            resp.drop = True
            return resp
        return None  # slow / ignore_put: handled by normal routing

    def _route(self, state, path, query, body, body_ok, raw, scheme_name, token, base, ignore_put=False):
        method = self.command
        # authentication / authorisation
        if scheme_name == "DPoP" and token:
            refused = state.oauth.check_api(self.headers.get("DPoP"), method, base + path, token)
            if refused is not None:
                return refused
        scopes = state.tokens.get((scheme_name.lower(), token)) if scheme_name and token else None
        if scopes is None:
            return _err(401, *ERRORS[401])
        needed = SCOPE_READ if method in ("GET", "HEAD") else SCOPE_MANAGE
        if needed not in scopes:
            return _err(403, *ERRORS[403])

        if path == "/api/v1/apps":
            if method not in ("GET", "HEAD"):
                return self._not_allowed("GET")
            return self._list_apps(state, query, base)
        m = _APP_RE.match(path)
        if m:
            if method not in ("GET", "HEAD"):
                return self._not_allowed("GET")
            app = state.apps.get(m.group(1))
            if app is None:
                return self._app_not_found(m.group(1))
            return _json_response(200, state.render_app(app, base))
        if "/connections/" in path:
            resp = self._connection(state, path, query, body, body_ok, raw, base)
            if resp is not None:
                return resp
        m = _FEATURES_RE.match(path)
        if m:
            if method not in ("GET", "HEAD"):
                return self._not_allowed("GET")
            app = state.apps.get(m.group(1))
            if app is None:
                return self._app_not_found(m.group(1))
            if not app["provisioning"]:
                return self._provisioning_off()
            return _json_response(200, [state.render_feature(app, n, base) for n in FEATURE_NAMES
                                        if n in app["features"]])
        m = _FEATURE_RE.match(path)
        if m:
            if method not in ("GET", "HEAD", "PUT"):
                return self._not_allowed("GET, PUT")
            app = state.apps.get(m.group(1))
            if app is None:
                return self._app_not_found(m.group(1))
            name = m.group(2)
            if name not in app["features"]:
                return _err(404, "E0000007", "Not found: Resource not found: %s (AppInstanceFeature)" % name)
            if not app["provisioning"]:
                return self._provisioning_off()
            if method == "PUT" and not ignore_put:
                if not body_ok:
                    return _err(400, "E0000003", "The request body was not well-formed.",
                                ["Request body is not valid JSON"] if raw else ["Request body is required"])
                errors = validate_capabilities(name, body)
                if errors:
                    return _err(400, "E0000001", "Api validation failed: capabilities", errors)
                deep_merge(app["features"][name], normalise_capabilities(name, body))
                app["lastUpdated"] = _iso(time.time())
            return _json_response(200, state.render_feature(app, name, base))
        return _err(404, "E0000007", "Not found: Resource not found: %s" % path)

    @staticmethod
    def _not_allowed(allow):
        resp = _err(405, *ERRORS[405])
        resp.headers.append(("Allow", allow))
        return resp

    @staticmethod
    def _app_not_found(app_id):
        return _err(404, "E0000007", "Not found: Resource not found: %s (AppInstance)" % app_id)

    def _connection(self, state, path, query, body, body_ok, raw, base):
        """The default provisioning connection endpoints; None for another path."""
        method = self.command
        m = _CONNECTION_RE.match(path)
        if m:
            if method not in ("GET", "HEAD", "POST"):
                return self._not_allowed("GET, POST")
            app = state.apps.get(m.group(1))
            if app is None:
                return self._app_not_found(m.group(1))
            if method == "POST":
                activate = query.get("activate")
                if activate not in (None, "true", "false"):
                    return _err(400, "E0000001", "Api validation failed: activate",
                                ["activate: must be true or false, got '%s'" % activate[:40]])
                if not body_ok:
                    return _err(400, "E0000003", "The request body was not well-formed.",
                                ["Request body is not valid JSON"] if raw else ["Request body is required"])
                errors = validate_connection_request(app, body)
                if errors:
                    return _err(400, "E0000001", "Api validation failed: connection", errors)
                apply_connection_request(app, body)
                if activate == "true":
                    app["provisioning"] = True
                app["lastUpdated"] = _iso(time.time())
            return _json_response(200, render_connection(app, base))
        m = _CONNECTION_LIFECYCLE_RE.match(path)
        if m:
            if method != "POST":
                return self._not_allowed("POST")
            app = state.apps.get(m.group(1))
            if app is None:
                return self._app_not_found(m.group(1))
            conn = app["connection"]
            if conn["authScheme"] == "UNKNOWN":
                return _err(400, "E0000001", "Api validation failed: connection",
                            ["The app does not support provisioning (app name '%s')." % app["name"]])
            if m.group(2) == "activate":
                if conn["authScheme"] == "TOKEN" and not conn["hasToken"]:
                    return _err(400, "E0000001", "Api validation failed: connection",
                                ["The provisioning connection has no token; set one with POST "
                                 "/api/v1/apps/%s/connections/default first." % app["id"]])
                app["provisioning"] = True
            else:
                app["provisioning"] = False
            resp = _Response(204, None)
            resp.content_type = None
            return resp
        return None

    @staticmethod
    def _provisioning_off():
        return _err(400, "E0000001", "Api validation failed: feature",
                    ["Provisioning is not enabled for the app instance."])

    def _list_apps(self, state, query, base):
        cap = max(1, min(state.config["max_page_size"], HARD_MAX_PAGE))
        limit_raw = query.get("limit")
        limit = DEFAULT_PAGE
        if limit_raw not in (None, ""):
            try:
                limit = int(limit_raw)
            except ValueError:
                return _err(400, "E0000001", "Api validation failed: limit",
                            ["limit: must be an integer"])
            if limit <= 0:
                limit = DEFAULT_PAGE
        limit = min(limit, cap)
        q = (query.get("q") or "").lower()
        after = query.get("after") or ""
        matches = [
            app for app_id, app in sorted(state.apps.items())
            if (not q or app["label"].lower().startswith(q) or app["name"].lower().startswith(q))
            and (not after or app_id > after)
        ]
        page = matches[:limit]
        headers = []
        self_params = dict(query.items())
        self_url = "%s/api/v1/apps" % base
        if self_params:
            self_url += "?" + urlencode(self_params, quote_via=quote)
        headers.append(("Link", '<%s>; rel="self"' % self_url))
        if len(matches) > limit:
            params = {"after": page[-1]["id"], "limit": str(limit)}
            if query.get("q"):
                params["q"] = query["q"]
            next_url = "%s/api/v1/apps?%s" % (base, urlencode(params, quote_via=quote))
            headers.append(("Link", '<%s>; rel="next"' % next_url))
        return _json_response(200, [state.render_app(app, base) for app in page], headers)

    # -- /_admin -----------------------------------------------------------
    def _admin(self, path, raw):
        emu = self.emu
        state = emu.state
        method = self.command
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            self._write(_Response(400, {"error": "body is not JSON"}, rate=False))
            return
        key = (method, path.rstrip("/") or "/")
        with state.lock:
            resp = self._admin_route(key, payload, state, emu)
        self._write(resp)

    def _admin_route(self, key, payload, state, emu):
        def ok(obj, status=200):
            return _Response(status, obj, rate=False)

        def bad(msg, status=400):
            return _Response(status, {"error": msg}, rate=False)

        if key == ("GET", "/_admin/health"):
            return ok({"ok": True})
        if key == ("GET", "/_admin/requests"):
            return ok(list(state.log))
        if key == ("DELETE", "/_admin/requests"):
            state.log.clear()
            return ok({"ok": True})
        if key == ("GET", "/_admin/state"):
            return ok(state.snapshot(emu.url))
        if key == ("POST", "/_admin/reset"):
            try:
                state.reset()
            except (OSError, ValueError, KeyError) as exc:
                return bad("seed reload failed: %s" % exc, 500)
            return ok({"ok": True})
        if key == ("POST", "/_admin/apps"):
            apps = payload if isinstance(payload, list) else [payload]
            backup = dict(state.apps)
            created = []
            try:
                for app in apps:
                    created.append(state._add_app(app))
            except ValueError as exc:
                state.apps = backup
                return bad(str(exc))
            return ok([{"id": a["id"], "label": a["label"], "name": a["name"],
                        "provisioning": a["provisioning"], "features": sorted(a["features"]),
                        "connection_status": connection_status(a)}
                       for a in created], 201)
        if key == ("GET", "/_admin/config"):
            return ok(dict(state.config))
        if key == ("POST", "/_admin/config"):
            if not isinstance(payload, dict):
                return bad("config body must be an object")
            new = dict(state.config)
            for name, value in payload.items():
                if name in ("rate_limit", "rate_window", "max_page_size"):
                    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "rate_limit" else 1):
                        return bad("%s must be a %s integer" % (name, "non-negative" if name == "rate_limit" else "positive"))
                elif name == "clock_skew":
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        return bad("clock_skew must be a number of seconds")
                    value = float(value)
                else:
                    return bad("unknown config key %r" % name)
                new[name] = value
            rate_changed = any(new[k] != state.config[k] for k in ("rate_limit", "rate_window"))
            state.config = new
            if rate_changed or "rate_limit" in payload or "rate_window" in payload:
                state.restart_bucket()
            return ok(dict(state.config))
        if key == ("POST", "/_admin/clients"):
            specs = payload if isinstance(payload, list) else [payload]
            backup = dict(state.oauth.clients)
            try:
                created = [state.oauth.add_client(spec) for spec in specs]
            except ValueError as exc:
                state.oauth.clients = backup
                return bad(str(exc))
            return ok(copy.deepcopy(created), 201)
        if key == ("GET", "/_admin/clients"):
            return ok(copy.deepcopy(sorted(state.oauth.clients.values(), key=lambda c: c["client_id"])))
        if key == ("GET", "/_admin/dpop"):
            return ok(state.oauth.summary())
        if key == ("POST", "/_admin/dpop"):
            if not isinstance(payload, dict) or set(payload) - {"rotate_nonces"}:
                return bad("body must be {\"rotate_nonces\": true}")
            if payload.get("rotate_nonces"):
                state.oauth.rotate_nonces()
            return ok(state.oauth.summary())
        if key == ("GET", "/_admin/faults"):
            return ok(copy.deepcopy(state.faults))
        if key == ("DELETE", "/_admin/faults"):
            state.faults.clear()
            return ok({"ok": True})
        if key == ("POST", "/_admin/faults"):
            faults = payload if isinstance(payload, list) else [payload]
            parsed = []
            for fault in faults:
                if not isinstance(fault, dict):
                    return bad("a fault must be an object")
                if fault.get("type") not in ("status", "html", "non_json", "drop", "slow", "ignore_put"):
                    return bad("unknown fault type %r" % fault.get("type"))
                if fault.get("path"):
                    try:
                        re.compile(fault["path"])
                    except re.error as exc:
                        return bad("bad path regex: %s" % exc)
                fault = dict(fault)
                count = fault.get("count", 1)
                if isinstance(count, bool) or not isinstance(count, int) or count == 0:
                    return bad("count must be a non-zero integer (negative = unlimited)")
                fault["count"] = count
                fault["remaining"] = count
                if fault["type"] == "status" and not isinstance(fault.get("status"), int):
                    return bad("status fault needs an integer 'status'")
                parsed.append(fault)
            state.faults.extend(parsed)
            return ok(copy.deepcopy(state.faults), 201)
        return bad("unknown admin endpoint %s %s" % key, 404)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_ctx):
        self.emulator = emulator
        self.ssl_ctx = ssl_ctx
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # TLS handshake happens here, in the per-connection thread, so a slow or broken
        # client never blocks the accept loop.
        conn = request
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            if self.ssl_ctx is not None:
                request.settimeout(15)
                conn = self.ssl_ctx.wrap_socket(request, server_side=True)
            self.RequestHandlerClass(conn, client_address, self)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            if conn is not request:
                try:
                    conn.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address):
        if self.emulator.verbose:
            super().handle_error(request, client_address)


# ---------------------------------------------------------------------------
# Public class
# ---------------------------------------------------------------------------


class OktaEmulator:
    """In-process emulator.  ``start()`` serves in a background thread."""

    def __init__(self, seed_path, host="127.0.0.1", port=0, tls=True, rate_limit=600, rate_window=60,
                 max_page_size=200, clock_skew=0.0, ca_file=None, verbose=False):
        self.seed_path = os.path.abspath(seed_path)
        self.host = host
        self.tls = tls
        self.verbose = verbose
        self.scheme = "https" if tls else "http"
        self.state = EmulatorState(self.seed_path, rate_limit, rate_window, max_page_size, clock_skew)
        self._tmpdir = None
        self.ca_file = None
        ssl_ctx = None
        if tls:
            import trustme  # only third-party dependency

            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "::1", "localhost")
            ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(ssl_ctx)
            if ca_file is None:
                self._tmpdir = tempfile.mkdtemp(prefix="okta-emulator-")
                ca_file = os.path.join(self._tmpdir, "ca.pem")
            _atomic_write(ca_file, ca.cert_pem.bytes())
            self.ca_file = os.path.abspath(ca_file)
        self._server = _Server((host, port), self, ssl_ctx)
        self.port = self._server.server_address[1]
        url_host = "[%s]" % host if ":" in host else host
        self.url = "%s://%s:%d" % (self.scheme, url_host, self.port)
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="okta-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()
        if self._tmpdir:
            try:
                os.unlink(self.ca_file)
                os.rmdir(self._tmpdir)
            except OSError:
                pass
            self._tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _atomic_write(path, data):
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Local Okta emulator (application features API)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--ca-file")
    parser.add_argument("--seed", default=os.path.join(here, "seed.json"))
    parser.add_argument("--rate-limit", type=int, default=600)
    parser.add_argument("--rate-window", type=int, default=60)
    parser.add_argument("--max-page-size", type=int, default=200)
    parser.add_argument("--clock-skew", type=float, default=0.0)
    parser.add_argument("--no-tls", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    emu = OktaEmulator(args.seed, host=args.host, port=args.port, tls=not args.no_tls,
                       rate_limit=args.rate_limit, rate_window=args.rate_window,
                       max_page_size=args.max_page_size, clock_skew=args.clock_skew,
                       ca_file=args.ca_file, verbose=args.verbose)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    emu.start()
    if args.port_file:
        _atomic_write(args.port_file, str(emu.port))
    print("okta-emulator listening on %s" % emu.url, flush=True)
    while not stop.wait(0.5):
        pass
    emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
