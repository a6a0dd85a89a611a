# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The default provisioning connection: what each app type takes, validation, rendering and its routes.

Modelled on Okta's spec (``ProvisioningConnectionTokenRequest`` / ``ProvisioningConnectionOauthRequest``,
``ProvisioningConnectionResponse``, the lifecycle operations and ``verifyProvisioningConnectionForApplication``):

* TOKEN connections need a token before they can be enabled; ``baseUrl`` only for ``zscalerbyz`` and
  ``okta_org2org`` (the spec's own Org2Org example returns one).
* ``okta_org2org`` over OAUTH2 takes ``clientId`` and ``signing.rotationMode``.
* ``office365`` takes ``settings`` (``adminUsername`` and ``adminPassword``, both required, write-only, never
  returned) and needs them before it can be enabled.
* The consent apps (``google``, ``office365``, ``slack``, ``zoomus``): once their profile is written the
  connection answers with ``_links.authorize`` (href and hints as the spec's example) and cannot be activated
  until the consent callback ``POST /api/v1/apps/{appName}/{appId}/oauth2/callback?code=...&state=...``
  completes it (the callback then enables the connection). Activating before that is refused (400).
"""

from __future__ import annotations

import copy
import re
import secrets
import time

from .features import _jtype
from .responses import _err, _iso, _json_response, _Response, not_allowed


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
    "boxnet": ("OAUTH2",),
    "dropboxbusiness": ("OAUTH2",),
    "bookmark": (),
    "template_saml_2_0": (),
    "template_swa": (),
    "template_swa3field": (),
    "oidc_client": (),
}
DEFAULT_CONNECTION_SCHEMES = ("TOKEN",)
# OAUTH2 profile fields only some app types take (the spec: "only used for ...").
CONNECTION_OAUTH_FIELDS = {"clientId": ("okta_org2org",), "signing": ("okta_org2org",), "settings": ("office365",)}
REDACTED = "<redacted>"
# The spec's OAuthProvisioningEnabledApp: the app types whose OAuth 2.0 connection waits for consent.
CONSENT_APPS = ("google", "office365", "slack", "zoomus")
# Where each consent app type sends the administrator (the Office 365 one as in the spec's example).
_AUTHORIZE_URLS = {
    "office365": "https://login.microsoftonline.com/myofficetenant.onmicrosoft.com/oauth2/authorize",
    "google": "https://accounts.google.com/o/oauth2/v2/auth",
    "slack": "https://slack.com/oauth/v2/authorize",
    "zoomus": "https://zoom.us/oauth/authorize",
}
_CONSENT_GUIDANCE = ("Specifies the URI to invoke in a browser for granting scope consent required to complete the "
                     "OAuth 2.0 connection.")
_CONSENT_STATES = (None, "pending", "granted")
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
    unknown = set(seed_conn) - {"authScheme", "baseUrl", "clientId", "signing", "hasToken", "hasSettings", "consent",
                                "returnsClientId"}
    if unknown:
        raise ValueError("unknown connection key(s) %s" % ", ".join(sorted(unknown)))
    schemes = connection_schemes(name)
    scheme = seed_conn.get("authScheme") or (schemes[0] if schemes else "UNKNOWN")
    if scheme != "UNKNOWN" and scheme not in schemes:
        raise ValueError("app type %r takes no %s connection (it takes %s)"
                         % (name, scheme, ", ".join(schemes) or "none"))
    signing = seed_conn.get("signing")
    if signing is not None and (not isinstance(signing, dict) or signing.get("rotationMode") not in _ROTATION_MODES):
        raise ValueError("connection.signing must be {\"rotationMode\": \"AUTO\"|\"MANUAL\"}")
    consent = seed_conn.get("consent", "granted" if provisioning and name in CONSENT_APPS else None)
    if consent not in _CONSENT_STATES or (consent and name not in CONSENT_APPS):
        raise ValueError("connection.consent must be null, 'pending' or 'granted', and only for %s"
                         % ", ".join(CONSENT_APPS))
    if provisioning and name in CONSENT_APPS and consent != "granted":
        raise ValueError("an enabled %s connection has its consent granted" % name)
    conn = {
        "authScheme": scheme,
        "baseUrl": seed_conn.get("baseUrl") if scheme == "TOKEN" else None,
        "clientId": seed_conn.get("clientId") if scheme == "OAUTH2" else None,
        "signing": copy.deepcopy(signing) if scheme == "OAUTH2" else None,
        "hasToken": bool(seed_conn.get("hasToken", provisioning and scheme == "TOKEN")),
        "hasSettings": bool(seed_conn.get("hasSettings", provisioning and name == "office365")),
        "consent": consent,
        "consentState": secrets.token_urlsafe(16) if consent else None,
        # Okta's response schema does not list profile.clientId (only its Org2Org example returns it): false
        # answers as that schema allows, without it.
        "returnsClientId": bool(seed_conn.get("returnsClientId", True)),
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
        if isinstance(settings, dict):
            for key in ("adminUsername", "adminPassword"):
                if key in settings:
                    settings[key] = REDACTED
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
                errors.append("profile.signing.rotationMode: '%s' is not one of [AUTO, MANUAL]"
                              % (signing["rotationMode"],))
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
    if name == "office365" and "settings" not in profile and not app["connection"]["hasSettings"]:
        errors.append("profile.settings: adminUsername and adminPassword are required to set up an Office 365 "
                      "connection")
    if "baseUrl" in body and name not in ("zscalerbyz", "okta_org2org") and name in CONNECTION_TYPES:
        errors.append("baseUrl: only used by zscalerbyz, not by '%s'" % name)
    return errors


def activation_problem(app):
    """Why the connection of ``app`` cannot be enabled now (None when it can)."""
    conn = app["connection"]
    if conn["authScheme"] == "TOKEN" and not conn["hasToken"]:
        return ("The provisioning connection has no token; set one with POST "
                "/api/v1/apps/%s/connections/default first." % app["id"])
    if app["name"] == "office365" and not conn["hasSettings"]:
        return ("The provisioning connection has no admin credentials; set profile.settings with POST "
                "/api/v1/apps/%s/connections/default first." % app["id"])
    if app["name"] in CONSENT_APPS and conn["consent"] != "granted":
        return "The provisioning connection waits for an administrator's consent (see _links.authorize)."
    return None


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
        "signing": (copy.deepcopy(profile.get("signing", conn["signing"] if same else None))
                    if scheme == "OAUTH2" else None),
        "hasToken": ("token" in profile or (same and conn["hasToken"])) if scheme == "TOKEN" else False,
        "hasSettings": "settings" in profile or conn["hasSettings"],
        "consent": conn["consent"],
        "consentState": conn["consentState"],
        "returnsClientId": conn["returnsClientId"],
    }
    if app["name"] in CONSENT_APPS and new["consent"] != "granted":
        # the profile is written: the connection now waits for consent (the link stays the same until it is given)
        new["consent"] = "pending"
        new["consentState"] = new["consentState"] or secrets.token_urlsafe(16)
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
        if conn["clientId"] and conn["returnsClientId"]:
            profile["clientId"] = conn["clientId"]
        if conn["signing"]:
            profile["signing"] = copy.deepcopy(conn["signing"])
    out["profile"] = profile
    links = {"self": {"href": href, "hints": {"allow": ["GET", "POST"]}}}
    if status == "ENABLED":
        links["deactivate"] = {"href": href + "/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
    elif status == "DISABLED":
        links["activate"] = {"href": href + "/lifecycle/activate", "hints": {"allow": ["POST"]}}
    if app["name"] in CONSENT_APPS and conn["consent"]:
        links["authorize"] = {
            "href": "%s?response_type=code&state=%s&client_id=okta-%s&redirect_uri=%s&scope=provisioning" % (
                _AUTHORIZE_URLS[app["name"]], conn["consentState"], app["name"],
                "%s/api/v1/apps/%s/%s/oauth2/callback" % (base, app["name"], app["id"])),
            "hints": {"allow": ["GET"], "guidance": [_CONSENT_GUIDANCE]},
        }
    out["_links"] = links
    return out


# -- routes -----------------------------------------------------------------------------------------------

_CONNECTION_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default$")
_CONNECTION_LIFECYCLE_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default/lifecycle/(activate|deactivate)$")
_CALLBACK_RE = re.compile(r"^/api/v1/apps/([^/]+)/([^/]+)/oauth2/callback$")


def is_connection_path(path):
    """Whether ``path`` is one of the routes :func:`handle_connection` answers."""
    return bool(_CONNECTION_RE.match(path) or _CONNECTION_LIFECYCLE_RE.match(path) or _CALLBACK_RE.match(path))


def _not_found(app_id):
    return _err(404, "E0000007", "Not found: Resource not found: %s (AppInstance)" % app_id)


def _no_content():
    resp = _Response(204, None)
    resp.content_type = None
    return resp


def _unknown_query(query, allowed):
    extra = sorted(set(query) - set(allowed))
    if extra:
        return _err(400, "E0000001", "Api validation failed: query",
                    ["%s: unknown query parameter" % key[:40] for key in extra])
    return None


def handle_connection(state, method, path, query, body, body_ok, raw, base):
    """Answer a request to one of the connection routes (see :func:`is_connection_path`)."""
    m = _CONNECTION_RE.match(path)
    if m:
        if method not in ("GET", "HEAD", "POST"):
            return not_allowed("GET, POST")
        app = state.apps.get(m.group(1))
        if app is None:
            return _not_found(m.group(1))
        refused = _unknown_query(query, ("activate",) if method == "POST" else ())
        if refused:
            return refused
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
            if activate == "true":
                # refused as a whole, nothing stored, when the connection could not be enabled with this body
                trial = copy.deepcopy(app)
                apply_connection_request(trial, body)
                problem = activation_problem(trial)
                if problem:
                    return _err(400, "E0000001", "Api validation failed: connection", [problem])
            apply_connection_request(app, body)
            if activate == "true":
                app["provisioning"] = True
            app["lastUpdated"] = _iso(time.time())
        return _json_response(200, render_connection(app, base))
    m = _CONNECTION_LIFECYCLE_RE.match(path)
    if m:
        if method != "POST":
            return not_allowed("POST")
        app = state.apps.get(m.group(1))
        if app is None:
            return _not_found(m.group(1))
        refused = _unknown_query(query, ()) or _no_body(raw)
        if refused:
            return refused
        if app["connection"]["authScheme"] == "UNKNOWN":
            return _err(400, "E0000001", "Api validation failed: connection",
                        ["The app does not support provisioning (app name '%s')." % app["name"]])
        if m.group(2) == "activate":
            problem = activation_problem(app)
            if problem:
                return _err(400, "E0000001", "Api validation failed: connection", [problem])
            app["provisioning"] = True
        else:
            app["provisioning"] = False
        return _no_content()
    m = _CALLBACK_RE.match(path)
    if m:
        return _callback(state, method, m.group(1), m.group(2), query, raw)
    return None


def _no_body(raw):
    if raw:
        return _err(400, "E0000001", "Api validation failed: body", ["This operation takes no request body."])
    return None


def _callback(state, method, app_name, app_id, query, raw):
    """verifyProvisioningConnectionForApplication: the end of the OAuth 2.0 consent flow."""
    if method != "POST":
        return not_allowed("POST")
    if app_name not in CONSENT_APPS:
        return _err(404, "E0000007", "Not found: Resource not found: %s" % app_name[:40])
    app = state.apps.get(app_id)
    if app is None or app["name"] != app_name:
        return _not_found(app_id)
    refused = _unknown_query(query, ("code", "state")) or _no_body(raw)
    if refused:
        return refused
    conn = app["connection"]
    if not query.get("code") or conn["consent"] != "pending" or query.get("state") != conn["consentState"]:
        return _err(400, "E0000001", "Api validation failed: consent",
                    ["code and state must be those of the pending consent of this connection"])
    conn["consent"] = "granted"
    app["provisioning"] = True
    return _no_content()
