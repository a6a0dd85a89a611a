# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Application Features: names, capability defaults, strict validation of PUT bodies, normalising, rendering."""

from __future__ import annotations

import copy

FEATURE_NAMES = ("USER_PROVISIONING", "INBOUND_PROVISIONING")
FEATURE_DESCRIPTIONS = {
    "USER_PROVISIONING": "User provisioning settings from Okta to a downstream application",
    "INBOUND_PROVISIONING": "In-bound provisioning settings from an application to Okta",
}


def default_capabilities(feature, password_sync=True):
    """The capabilities of a new app's feature; without password sync there is no ``update.password``."""
    if feature == "USER_PROVISIONING":
        caps = {
            "create": {"lifecycleCreate": {"status": "DISABLED"}},
            "update": {
                "lifecycleDeactivate": {"status": "DISABLED"},
                "profile": {"status": "DISABLED"},
                "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"},
            },
        }
        if not password_sync:
            del caps["update"]["password"]
        return caps
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


def without_password(caps):
    """``caps`` without ``update.password``: what Okta keeps of a PUT to an app without password sync."""
    caps = copy.deepcopy(caps)
    update = caps.get("update")
    if isinstance(update, dict):
        update.pop("password", None)
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
