# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The body of a feature write: its checks against Okta's schema after the merge, and Okta's spelling of it.

Pure code, on the capability table of ``_features.py``. Imported only when a feature is to change (by
``_features.plan_feature``, and by the modules for check mode's predicted answer): a run with nothing to change does
not compile it (AnsiballZ compiles every imported module_utils file from source on each run; see the performance
guide).
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    _BY_NAME,
    _BY_WIRE,
    _FEATURE_REQUIRED,
    ALT_USERNAME_FORMAT,
    FEATURE_BLOCKS,
    FEATURES,
    WIRE_USERNAME_FORMAT,
    _wrong_type,
)


def _option_path_of(wire_path):
    """Option names for a wire path of known fields (unknown tail keys keep their wire name)."""
    names = []
    fields = _BY_WIRE
    for key in wire_path:
        fld = fields.get(key) if fields is not None else None
        if fld is None:
            names.append(key)
            fields = None
            continue
        names.append(fld.name)
        fields = fld.child_by_wire if fld.children else None
    return tuple(names)


def _check_body(fld, value, wire_path, problems, root="capabilities"):
    where = ".".join(wire_path)
    if fld.children:
        if not isinstance(value, Mapping):
            problems.append("{0} must be an object, got {1!r}".format(where, value))
            return
        children = fld.child_by_wire
        for key, item in value.items():
            if key in children:
                _check_body(children[key], item, wire_path + (key,), problems, root)
        for key in fld.required:
            if key not in value:
                option = root + "." + ".".join(_option_path_of(wire_path + (key,)))
                problems.append("{0} would be sent without {1}, which Okta's schema requires: Okta's current settings "
                                "have none to keep, so set {2} as well".format(where, key, option))
        return
    if _wrong_type(fld, value, where, problems) or fld.kind == "bool":
        return
    if fld.choices and value not in fld.choices:
        problems.append("{0} is {1!r}; Okta's schema allows {2}".format(where, value, ", ".join(fld.choices)))
    if fld.max_length is not None and not 1 <= len(value) <= fld.max_length:
        problems.append("{0} is {1} characters long; Okta's schema allows 1 to {2}".format(where, len(value), fld.max_length))


def body_problems(feature, body, root="capabilities"):
    """Problems that would make the merged PUT body invalid against Okta's schema for ``feature``.

    Only what can be judged after the merge: a schedule import without ``expression``, a ``username``
    without ``usernameFormat``, a missing required top-level block, or a wrong type or value coming from
    Okta's current settings. The body is checked exactly as given (pass ``plan_capabilities(...).body``). ``root`` names the
    option holding the capabilities in the sentences.
    """
    if feature not in FEATURES:
        return ["feature must be one of {0}, got {1!r}".format(", ".join(FEATURES), feature)]
    if not isinstance(body, Mapping):
        return ["the {0} body must be an object, got {1!r}".format(feature, body)]
    problems = []
    own = [_BY_NAME[name] for name in FEATURE_BLOCKS[feature]]
    for fld in own:
        if fld.wire in body:
            _check_body(fld, body[fld.wire], (fld.wire,), problems, root)
        elif fld.wire in _FEATURE_REQUIRED[feature]:
            problems.append("the {0} body would be sent without {1}, which Okta's schema requires: Okta's current "
                            "settings have none to keep, so set at least one value under {3}.{2}".format(
                                feature, fld.wire, fld.name, root))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Okta's answer in Okta's spelling
# ---------------------------------------------------------------------------------------------------------------

def okta_spelling(capabilities, like):
    """Render the username format key the way Okta spelled it in ``like`` (its last answer)."""
    username_like = ((like or {}).get("importSettings") or {}).get("username") or {}
    username = ((capabilities or {}).get("importSettings") or {}).get("username")
    if ALT_USERNAME_FORMAT not in username_like or not username or WIRE_USERNAME_FORMAT not in username:
        return capabilities
    rendered = dict(capabilities)
    rendered["importSettings"] = dict(capabilities["importSettings"])
    rendered["importSettings"]["username"] = dict(
        (ALT_USERNAME_FORMAT if key == WIRE_USERNAME_FORMAT else key, value) for key, value in username.items())
    return rendered
