# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The default provisioning connection: what each app type takes, validation and rendering."""

from __future__ import annotations

import copy

from .features import _jtype


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
        raise ValueError("app type %r takes no %s connection (it takes %s)"
                         % (name, scheme, ", ".join(schemes) or "none"))
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
        "signing": (copy.deepcopy(profile.get("signing", conn["signing"] if same else None))
                    if scheme == "OAUTH2" else None),
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
