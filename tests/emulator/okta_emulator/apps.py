# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Apps: building them from the seed, rendering them as Okta does, listing (q, filter, paging), generating.

An app as stored has, besides Okta's own fields, what the emulator needs to answer for it:

* ``features``: the Application Features it has (``{}`` for an app type without provisioning);
* ``provisioning``: whether its provisioning connection is ENABLED;
* ``not_supported``: how the features endpoints word the refusal for an app without provisioning,
  ``"cause"`` ("Api validation failed: feature" + cause "Provisioning is not supported.") or ``"summary"``
  ("Api validation failed: Provisioning is not supported for this application", no cause);
* ``password_sync``: false when ``USER_PROVISIONING`` has no ``update.password`` (Okta ignores it in a PUT).
"""

from __future__ import annotations

import bisect
import copy
import random
import re
import time
from urllib.parse import quote, urlencode

from .connections import initial_connection
from .features import (FEATURE_NAMES, deep_merge, default_capabilities, normalise_capabilities,
                       validate_capabilities)
from .responses import ALNUM, DEFAULT_PAGE, HARD_MAX_PAGE, _iso, _json_response, _rand, refused

SIGN_ON_MODES = ("SAML_2_0", "OPENID_CONNECT", "AUTO_LOGIN", "BROWSER_PLUGIN", "BOOKMARK", "BASIC_AUTH",
                 "SECURE_PASSWORD_STORE", "WS_FEDERATION", "SAML_1_1")
STATUSES = ("ACTIVE", "INACTIVE")
NOT_SUPPORTED = ("cause", "summary")
_SEED_KEYS = {"id", "label", "name", "status", "signOnMode", "provisioning", "connection", "features", "created",
              "lastUpdated", "not_supported", "password_sync", "client_secret", "settings"}
_ID_RE = re.compile(r"^0oa[A-Za-z0-9]{17}$")


def build_app(spec, existing):
    """The stored form of the app ``spec`` (a seed or ``/_admin/apps`` object); raises ValueError."""
    if not isinstance(spec, dict) or not isinstance(spec.get("label"), str) or not spec["label"]:
        raise ValueError("each app needs a non-empty string 'label'")
    unknown = set(spec) - _SEED_KEYS
    if unknown:
        raise ValueError("unknown app key(s) %s" % ", ".join(sorted(unknown)))
    app_id = spec.get("id") or ("0oa" + _rand(17))
    if app_id in existing:
        raise ValueError("app id %s already exists" % app_id)
    status = spec.get("status", "ACTIVE")
    if status not in STATUSES:
        raise ValueError("'status' must be ACTIVE or INACTIVE")
    mode = spec.get("signOnMode", "SAML_2_0")
    if mode not in SIGN_ON_MODES:
        raise ValueError("unknown signOnMode %r" % (mode,))
    not_supported = spec.get("not_supported", "cause")
    if not_supported not in NOT_SUPPORTED:
        raise ValueError("'not_supported' must be 'cause' or 'summary'")
    password_sync = spec.get("password_sync", True)
    if not isinstance(password_sync, bool):
        raise ValueError("'password_sync' must be a boolean")
    name = spec.get("name") or re.sub(r"[^a-z0-9]+", "_", spec["label"].lower()).strip("_") or "app"
    # "provisioning" is the connection status: true = ENABLED, false = DISABLED (UNKNOWN: never enabled)
    connection, provisioning = initial_connection(name, spec.get("connection"), bool(spec.get("provisioning", True)))
    supported = connection["authScheme"] != "UNKNOWN"
    features = spec.get("features")
    if features is None:
        features = {n: {} for n in FEATURE_NAMES} if supported else {}
    if not isinstance(features, dict):
        raise ValueError("'features' must be an object keyed by feature name")
    if features and not supported:
        raise ValueError("app %r has no provisioning (its connection is UNKNOWN), so it takes no features" % name)
    stored = {}
    for feature, caps in features.items():
        if feature not in FEATURE_NAMES:
            raise ValueError("unknown feature %r" % feature)
        caps = caps or {}
        errors = validate_capabilities(feature, caps)
        if errors:
            raise ValueError("; ".join(errors))
        caps = deep_merge(default_capabilities(feature, password_sync), normalise_capabilities(feature, caps))
        if not password_sync and feature == "USER_PROVISIONING":
            caps["update"].pop("password", None)
        stored[feature] = caps
    settings = spec.get("settings") or {}
    if not isinstance(settings, dict):
        raise ValueError("'settings' must be an object")
    now = _iso(time.time())
    return {
        "id": app_id,
        "label": spec["label"],
        "name": name,
        "status": status,
        "signOnMode": mode,
        "provisioning": provisioning,
        "created": spec.get("created", now),
        "lastUpdated": spec.get("lastUpdated", spec.get("created", now)),
        "features": stored,
        "connection": connection,
        "token_sets": 0,
        "not_supported": not_supported,
        "password_sync": password_sync,
        "client_secret": spec.get("client_secret") or ("sec" + _rand(37) if mode == "OPENID_CONNECT" else None),
        "settings": copy.deepcopy(settings),
    }


def summary(app):
    """What ``/_admin/apps`` answers for a created app."""
    from .connections import connection_status

    return {"id": app["id"], "label": app["label"], "name": app["name"], "provisioning": app["provisioning"],
            "features": sorted(app["features"]), "connection_status": connection_status(app)}


# ---------------------------------------------------------------------------
# Rendering: the Application object
# ---------------------------------------------------------------------------


def legacy_features(app):
    """Okta's read-only ``features`` strings of an app (not the Application Features objects)."""
    out = []
    if "USER_PROVISIONING" in app["features"]:
        out += ["PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES"]
    if "INBOUND_PROVISIONING" in app["features"]:
        out.append("IMPORT_NEW_USERS")
    return out


def _kid(app_id):
    return "kid" + app_id[3:] + "SgNk3y"


def _credentials(app):
    template = {"template": "${source.login}", "type": "BUILT_IN"}
    mode = app["signOnMode"]
    if mode == "OPENID_CONNECT":
        return {"userNameTemplate": template,
                "oauthClient": {"autoKeyRotation": True, "client_id": app["id"], "client_secret": app["client_secret"],
                                "token_endpoint_auth_method": "client_secret_basic", "pkce_required": False}}
    if mode in ("AUTO_LOGIN", "BROWSER_PLUGIN", "BASIC_AUTH", "SECURE_PASSWORD_STORE"):
        return {"scheme": "EDIT_USERNAME_AND_PASSWORD", "userNameTemplate": template, "revealPassword": False,
                "signing": {}}
    if mode in ("SAML_2_0", "SAML_1_1", "WS_FEDERATION"):
        return {"userNameTemplate": template, "signing": {"kid": _kid(app["id"])}}
    return {"userNameTemplate": template, "signing": {}}


def _settings(app):
    mode = app["signOnMode"]
    slug = re.sub(r"[^a-z0-9]+", "-", app["label"].lower()).strip("-") or "app"
    site = "https://%s.example.com" % slug
    settings = {
        "app": {},
        "implicitAssignment": False,
        "manualProvisioning": False,
        "notes": {},
        "notifications": {"vpn": {"network": {"connection": "DISABLED"}}},
    }
    if mode == "SAML_2_0":
        acs = site + "/saml/acs"
        settings["signOn"] = {
            "defaultRelayState": "", "ssoAcsUrl": acs, "recipient": acs, "destination": acs,
            "audience": site + "/saml/metadata", "idpIssuer": "http://www.okta.com/${org.externalKey}",
            "subjectNameIdTemplate": "${user.userName}",
            "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            "responseSigned": True, "assertionSigned": True, "signatureAlgorithm": "RSA_SHA256",
            "digestAlgorithm": "SHA256", "honorForceAuthn": True,
            "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            "requestCompressed": False, "allowMultipleAcsEndpoints": False, "acsEndpoints": [],
            "attributeStatements": [], "slo": {"enabled": False},
        }
    elif mode == "OPENID_CONNECT":
        settings["oauthClient"] = {
            "redirect_uris": [site + "/oauth2/callback"], "post_logout_redirect_uris": [site + "/"],
            "response_types": ["code"], "grant_types": ["authorization_code", "refresh_token"],
            "application_type": "web", "consent_method": "REQUIRED", "issuer_mode": "DYNAMIC",
            "idp_initiated_login": {"mode": "DISABLED", "default_scope": []}, "wildcard_redirect": "DISABLED",
        }
    elif mode == "AUTO_LOGIN":
        settings["signOn"] = {"loginUrl": site + "/login", "redirectUrl": site + "/"}
    elif mode == "BROWSER_PLUGIN":
        settings["app"] = {"url": site + "/login", "usernameField": "#username", "passwordField": "#password",
                           "buttonField": "#sign-in"}
    elif mode == "BOOKMARK":
        settings["app"] = {"url": site + "/", "requestIntegration": False}
    return deep_merge(settings, app["settings"])


def render_app(app, base):
    href = "%s/api/v1/apps/%s" % (base, app["id"])
    links = {
        "self": {"href": href},
        "users": {"href": href + "/users"},
        "groups": {"href": href + "/groups"},
        "appLinks": [{"name": app["name"] + "_link", "href": "%s/home/%s/%s/1" % (base, app["name"], app["id"]),
                      "type": "text/html"}],
        "logo": [{"name": "medium", "href": "%s/assets/img/logos/default.png" % base, "type": "image/png"}],
    }
    if app["status"] == "ACTIVE":
        links["deactivate"] = {"href": href + "/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
    else:
        links["activate"] = {"href": href + "/lifecycle/activate", "hints": {"allow": ["POST"]}}
    if app["signOnMode"] == "SAML_2_0":
        links["metadata"] = {"href": href + "/sso/saml/metadata", "type": "application/xml"}
    return {
        "id": app["id"],
        "name": app["name"],
        "label": app["label"],
        "status": app["status"],
        "lastUpdated": app["lastUpdated"],
        "created": app["created"],
        "accessibility": {"selfService": False},
        "visibility": {"autoSubmitToolbar": False, "autoLaunch": False,
                       "hide": {"iOS": False, "web": False}, "appLinks": {app["name"] + "_link": True}},
        "features": legacy_features(app),
        "signOnMode": app["signOnMode"],
        "credentials": _credentials(app),
        "settings": _settings(app),
        "_links": links,
    }


# ---------------------------------------------------------------------------
# Listing: q, filter (one eq expression), limit, after
# ---------------------------------------------------------------------------

FILTER_PROPERTIES = ("id", "status", "name", "credentials.signing.kid", "settings.slo.enabled")
BOOLEAN_PROPERTIES = ("settings.slo.enabled",)
# Okta's documented filter on the app list: ONE expression, `<property> eq <value>`; nothing else.
_FILTER_RE = re.compile(r'^(?P<prop>[A-Za-z_][A-Za-z0-9_.]*) eq (?:"(?P<str>(?:[^"\\]|\\.)*)"|(?P<bool>true|false))$')
LIST_CURSOR_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")
INVALID_SEARCH = ("E0000031", "Invalid search criteria.")


class FilterError(ValueError):
    pass


def parse_filter(text):
    """``(property, value)`` of an Okta app filter; raises FilterError (the reason) for anything else.

    Okta documents one expression with the operator ``eq`` on ``id``, ``status``, ``name``,
    ``credentials.signing.kid`` or ``settings.slo.enabled``; its engineers: "only single expressions, no ORs and
    ANDs". So ``and``, ``or``, parentheses, other operators (``sw``, ``ne``, ...) and other properties (``label``)
    are refused, as Okta refuses them.
    """
    m = _FILTER_RE.match(text.strip())
    if not m:
        words = text.split()
        if any(word.lower() in ("and", "or") for word in words) or "(" in text or ")" in text:
            raise FilterError("only one expression is supported: no and, or or parentheses")
        if len(words) >= 2 and words[1] != "eq":
            raise FilterError("operator '%s' is not supported; only 'eq'" % words[1][:20])
        raise FilterError("expected <property> eq \"<value>\"")
    prop = m.group("prop")
    if prop not in FILTER_PROPERTIES:
        raise FilterError("filtering on '%s' is not supported; supported properties: %s"
                          % (prop[:40], ", ".join(FILTER_PROPERTIES)))
    if prop in BOOLEAN_PROPERTIES:
        if m.group("bool") is None:
            raise FilterError("'%s' takes true or false" % prop)
        return prop, m.group("bool") == "true"
    if m.group("str") is None:
        raise FilterError("'%s' takes a quoted value" % prop)
    return prop, re.sub(r"\\(.)", r"\1", m.group("str"))


def _prop(app, prop):
    if prop in ("id", "status", "name"):
        return app[prop]
    if prop == "credentials.signing.kid":
        return _credentials(app).get("signing", {}).get("kid")
    return _settings(app).get("signOn", {}).get("slo", {}).get("enabled")


def matches(app, expression):
    prop, value = expression
    return _prop(app, prop) == value


def list_apps(state, query, base):
    """Answer ``GET /api/v1/apps`` (the query parameters' names are checked by the route table).

    Strict where Okta promises nothing: ``limit`` must be an integer from 1 to 200, ``after`` a cursor from a
    ``next`` link (the id of an app), ``q`` and ``filter`` not empty, ``filter`` one ``eq`` expression.
    """
    cap = max(1, min(state.config["max_page_size"], HARD_MAX_PAGE))
    limit = DEFAULT_PAGE
    if "limit" in query:
        limit = int(query["limit"]) if query["limit"].isdigit() else 0
        if not 1 <= limit <= HARD_MAX_PAGE:
            why = "limit: must be an integer from 1 to %d, got '%s'" % (HARD_MAX_PAGE, query["limit"][:20])
            return refused(400, "E0000001", "Api validation failed: limit", why, [why])
    limit = min(limit, cap)
    expression = None
    if "filter" in query:
        try:
            expression = parse_filter(query["filter"])
        except FilterError as exc:
            return refused(400, INVALID_SEARCH[0], INVALID_SEARCH[1], "filter: %s" % exc)
    if "q" in query and not query["q"].strip():
        why = "q: must not be empty"
        return refused(400, "E0000001", "Api validation failed: q", why, [why])
    after = query.get("after")
    if after is not None and (not LIST_CURSOR_RE.match(after) or after not in state.apps):
        why = "after: not a cursor from a next link"
        return refused(400, "E0000001", "Api validation failed: after", why, [why])
    q = (query.get("q") or "").lower()
    found = []
    ids = state.sorted_ids()
    for app_id in ids[bisect.bisect_right(ids, after) if after else 0:]:
        app = state.apps[app_id]
        if q and not (app["label"].lower().startswith(q) or app["name"].lower().startswith(q)):
            continue
        if expression is not None and not matches(app, expression):
            continue
        found.append(app)
        if len(found) > limit:
            break
    page = found[:limit]
    headers = []
    self_url = "%s/api/v1/apps" % base
    if query:
        self_url += "?" + urlencode(dict(query.items()), quote_via=quote)
    headers.append(("Link", '<%s>; rel="self"' % self_url))
    if len(found) > limit:
        params = {"after": page[-1]["id"], "limit": str(limit)}
        for key in ("q", "filter"):
            if query.get(key):
                params[key] = query[key]
        headers.append(("Link", '<%s/api/v1/apps?%s>; rel="next"' % (base, urlencode(params, quote_via=quote))))
    return _json_response(200, [render_app(app, base) for app in page], headers)


# ---------------------------------------------------------------------------
# Generated apps for scale tests
# ---------------------------------------------------------------------------

# (weight, name, signOnMode, extra seed keys): mostly apps without provisioning, as in a real org.
_GENERATED_KINDS = (
    (30, "template_saml_2_0", "SAML_2_0", {}),
    (15, "oidc_client", "OPENID_CONNECT", {}),
    (10, "template_swa", "BROWSER_PLUGIN", {}),
    (8, "scaffold_autologin", "AUTO_LOGIN", {"connection": {"authScheme": "UNKNOWN"}}),
    (7, "bookmark", "BOOKMARK", {"not_supported": "summary"}),
    (12, "scim2testapp", "SAML_2_0", {}),
    (8, "scim2testapp", "SAML_2_0", {"features": {"USER_PROVISIONING": {}}}),
    (5, "okta_org2org", "SAML_2_0", {}),
    (5, "scim2testapp", "SAML_2_0", {"provisioning": False}),
)
_KIND_WEIGHTS = [k[0] for k in _GENERATED_KINDS]


def generate_specs(count, seed, prefix, existing):
    """``count`` app specs, the same for the same ``seed``; ids ``0oa`` + 17 characters, labels ``prefix NNNNN``."""
    rng = random.Random(seed)
    specs = []
    taken = set(existing)
    created = "2023-%02d-%02dT09:00:00.000Z"
    for number in range(count):
        while True:
            app_id = "0oa" + "".join(rng.choice(ALNUM) for _i in range(17))
            if app_id not in taken:
                break
        taken.add(app_id)
        _w, name, mode, extra = rng.choices(_GENERATED_KINDS, weights=_KIND_WEIGHTS)[0]
        spec = {"id": app_id, "label": "%s %05d" % (prefix, number), "name": name, "signOnMode": mode,
                "status": "INACTIVE" if rng.random() < 0.08 else "ACTIVE",
                "created": created % (rng.randint(1, 12), rng.randint(1, 28))}
        spec.update(copy.deepcopy(extra))
        if mode == "OPENID_CONNECT":
            spec["client_secret"] = "gen" + "".join(rng.choice(ALNUM) for _i in range(37))
        specs.append(spec)
    return specs
