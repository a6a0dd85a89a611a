# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.

"""Okta application features: the capabilities logic, and how Okta says an app has no provisioning.

Everything here is pure (no I/O, no AnsibleModule) except :func:`read_features`, which reads an app's features
through the :class:`OktaClient` it is given.

Two spellings are used in this file:

* the *option* spelling, snake_case, as the user writes it and as Ansible validates it
  (``capabilities.update.password.seed``);
* the *wire* spelling, Okta's camelCase schema names (``update.password.seed``,
  ``importSettings.username.usernameFormat``).

Both come from one table, ``_TABLE``, which also yields the argument spec, so the two can never drift apart.

Flow used by the module::

    problems = feature_input_problems(feature, params)          # before any request
    desired = to_wire(params)
    result = plan_capabilities(current_capabilities, desired)        # same call in check mode and real runs
    problems = body_problems(feature, result.body)       # only when result.changed
    returned = <PUT result.body>
    missing = feature_unapplied(desired, returned_capabilities)  # [] when Okta holds every desired leaf

How Okta refuses features for an app without working provisioning::

    provisioning_problem(exc)       # "disabled", "unsupported" or None, for an OktaError
    read = read_features(client, app_id)  # FeaturesRead(features, problem, error); other errors raise
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import LIST_FEATURES
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._record import field, record


FEATURES = ("USER_PROVISIONING", "INBOUND_PROVISIONING")

# provisioning_problem(): the app supports provisioning but it is switched off, or the app type has none.
PROVISIONING_DISABLED = "disabled"
PROVISIONING_UNSUPPORTED = "unsupported"
# Lower-case text Okta puts in errorSummary or in an errorCauses summary (with errorCode E0000001) for each.
_PROBLEM_TEXTS = (
    (PROVISIONING_UNSUPPORTED, "provisioning is not supported"),
    (PROVISIONING_DISABLED, "provisioning is not enabled"),
)
ENABLE_HINT = ("provisioning is not enabled for this app; enable its provisioning connection first "
               "(Admin Console: the app's Provisioning tab, Configure API Integration)")
UNSUPPORTED_HINT = ("this app's type offers no provisioning, so it has no provisioning features to configure; "
                    "check app_id, or leave this app out")

_STATUS = ("DISABLED", "ENABLED")
_SEED = ("OKTA", "RANDOM")
_CHANGE = ("CHANGE", "KEEP_EXISTING")
_MATCH = ("EMAIL", "USERNAME")
_USERNAME_FORMAT = ("EMAIL", "CUSTOM")

# Okta's schema spells it usernameFormat; Okta's own examples (and GET responses) use userNameFormat.
WIRE_USERNAME_FORMAT = "usernameFormat"
ALT_USERNAME_FORMAT = "userNameFormat"

# Feature-level, read-only keys of an ApplicationFeature. They never belong in a capabilities body.
_READ_ONLY_KEYS = ("name", "status", "description", "_links")

_TIMEZONE_MAX = 64


class _Field(object):
    """One option / one wire property. A field with children is a block (dict), otherwise a leaf."""

    __slots__ = ("name", "wire", "kind", "choices", "children", "aliases", "no_log", "required", "not_blank", "max_length")

    def __init__(self, name, wire, kind="str", choices=None, children=(), aliases=(), no_log=None, required=(),
                 not_blank=False, max_length=None):
        self.name = name
        self.wire = wire
        self.kind = kind
        self.choices = tuple(choices) if choices else None
        self.children = tuple(children)
        self.aliases = tuple(aliases)
        self.no_log = no_log
        self.required = tuple(required)  # wire names of children the schema requires
        self.not_blank = not_blank
        self.max_length = max_length

    @property
    def child_by_wire(self):
        return dict((c.wire, c) for c in self.children)


def _block(name, wire, children, **kwargs):
    return _Field(name, wire, kind="dict", children=children, **kwargs)


def _status():
    return _Field("status", "status", choices=_STATUS)


def _flag(name, wire):
    return _Field(name, wire, kind="bool")


def _schedule_import(name, wire):
    return _block(name, wire, (
        _Field("expression", "expression", not_blank=True),
        _Field("timezone", "timezone", not_blank=True, max_length=_TIMEZONE_MAX),
    ), required=("expression",))


_TABLE = (
    _block("create", "create", (
        _block("lifecycle_create", "lifecycleCreate", (_status(),)),
    )),
    _block("update", "update", (
        _block("profile", "profile", (_status(),)),
        _block("lifecycle_deactivate", "lifecycleDeactivate", (_status(),)),
        # A dict of settings, not a secret.
        _block("password", "password", (
            _status(),
            _Field("seed", "seed", choices=_SEED),
            _Field("change", "change", choices=_CHANGE),
        ), no_log=False),
    )),
    _block("import_settings", "importSettings", (
        _block("username", "username", (
            _Field("username_format", WIRE_USERNAME_FORMAT, choices=_USERNAME_FORMAT, aliases=(ALT_USERNAME_FORMAT,)),
            _Field("username_expression", "userNameExpression", not_blank=True),
        ), required=(WIRE_USERNAME_FORMAT,)),
        _block("schedule", "schedule", (
            _status(),
            _schedule_import("full_import", "fullImport"),
            _schedule_import("incremental_import", "incrementalImport"),
        )),
    )),
    _block("import_rules", "importRules", (
        _block("user_create_and_match", "userCreateAndMatch", (
            _Field("exact_match_criteria", "exactMatchCriteria", choices=_MATCH),
            _flag("allow_partial_match", "allowPartialMatch"),
            _flag("auto_confirm_partial_match", "autoConfirmPartialMatch"),
            _flag("auto_confirm_exact_match", "autoConfirmExactMatch"),
            _flag("auto_confirm_new_users", "autoConfirmNewUsers"),
            _flag("auto_activate_new_users", "autoActivateNewUsers"),
        )),
    )),
)

_BY_NAME = dict((f.name, f) for f in _TABLE)
_BY_WIRE = dict((f.wire, f) for f in _TABLE)

# Top-level blocks of each feature (option names), and the ones Okta's schema requires (wire names).
FEATURE_BLOCKS = {
    "USER_PROVISIONING": ("create", "update"),
    "INBOUND_PROVISIONING": ("import_settings", "import_rules"),
}
_FEATURE_REQUIRED = {
    "USER_PROVISIONING": (),
    "INBOUND_PROVISIONING": ("importSettings", "importRules"),
}


# ---------------------------------------------------------------------------------------------------------------
# Argument spec and option -> wire conversion
# ---------------------------------------------------------------------------------------------------------------

def _option_spec(fld):
    spec = {"type": fld.kind}
    aliases = [a for a in (fld.wire,) + fld.aliases if a != fld.name]
    if aliases:
        spec["aliases"] = aliases
    if fld.choices:
        spec["choices"] = list(fld.choices)
    if fld.no_log is not None:
        spec["no_log"] = fld.no_log
    if fld.children:
        spec["options"] = dict((c.name, _option_spec(c)) for c in fld.children)
    return spec


def feature_argument_spec(feature):
    """The argument spec of one option holding the capabilities of ``feature`` only (no default, not required).

    The suboptions are exactly those of ``capabilities`` for that feature's blocks, from the same table.
    """
    return {
        "type": "dict",
        "options": dict((f.name, _option_spec(f)) for f in _TABLE if f.name in FEATURE_BLOCKS[feature]),
    }


def capabilities_argument_spec():
    """Return a fresh argument spec dict holding the single option ``capabilities``.

    No option has a default: an option the user leaves out is unmanaged.
    """
    return {
        "capabilities": {
            "type": "dict",
            "required": True,
            "options": dict((f.name, _option_spec(f)) for f in _TABLE),
        },
    }


def _to_wire(fields, params):
    out = {}
    if not isinstance(params, Mapping):
        return out
    for fld in fields:
        value = params.get(fld.name)
        if value is None:
            continue
        if fld.children:
            sub = _to_wire(fld.children, value)
            if sub:
                out[fld.wire] = sub
        else:
            out[fld.wire] = copy.deepcopy(value)
    return out


def to_wire(params):
    """Desired capabilities in Okta's wire spelling from the validated ``capabilities`` option value.

    Only the canonical option names are read (Ansible also leaves alias keys in validated parameters);
    None leaves and blocks left empty are dropped.
    """
    return _to_wire(_TABLE, params)


def _from_wire(fields, wire):
    out = {}
    for fld in fields:
        value = wire.get(fld.wire)
        if value is None:
            continue
        if fld.children:
            sub = _from_wire(fld.children, value) if isinstance(value, Mapping) else {}
            if sub:
                out[fld.name] = sub
        else:
            out[fld.name] = copy.deepcopy(value)
    return out


def from_wire(feature, capabilities):
    """The option value (snake_case, table order) holding ``capabilities`` of ``feature`` as Okta returned them.

    The inverse of :func:`to_wire` for the feature's own blocks: either username spelling is read, None leaves and
    empty blocks are dropped, and keys the table does not know are left out (no option could take them).
    """
    own = [f for f in _TABLE if f.name in FEATURE_BLOCKS[feature]]
    return _from_wire(own, normalise(capabilities))


# ---------------------------------------------------------------------------------------------------------------
# Input checks (before any request)
# ---------------------------------------------------------------------------------------------------------------

def _describe(option_path, wire_path, root="capabilities"):
    """'capabilities.import_settings.schedule (importSettings.schedule)'; ``root`` is the option holding them."""
    option = ".".join((root,) + tuple(option_path))
    wire = ".".join(wire_path)
    if tuple(option_path) == tuple(wire_path):
        return option
    return "{0} ({1})".format(option, wire)


def _article(feature):
    # "a USER_PROVISIONING block", "an INBOUND_PROVISIONING block"
    return "an" if feature.startswith("INBOUND") else "a"


def _wrong_type(fld, value, where, problems):
    """True (and a problem noted) when a leaf's value is not of its kind: a boolean, or else a string."""
    if fld.kind == "bool" and not isinstance(value, bool):
        problems.append("{0} must be a boolean, got {1!r}".format(where, value))
        return True
    if fld.kind != "bool" and not isinstance(value, str):
        problems.append("{0} must be a string, got {1!r}".format(where, value))
        return True
    return False


def _check_leaf_value(fld, value, where, problems):
    if _wrong_type(fld, value, where, problems) or fld.kind == "bool":
        return
    if fld.choices and value not in fld.choices:
        problems.append("{0} must be one of {1}, got {2!r}".format(where, ", ".join(fld.choices), value))
    if fld.not_blank and not value.strip():
        problems.append("{0} must not be empty".format(where))
    if fld.max_length is not None and len(value) > fld.max_length:
        problems.append("{0} is {1} characters long; Okta allows at most {2}".format(where, len(value), fld.max_length))


def _check_input(fld, value, option_path, wire_path, problems, root="capabilities"):
    if value is None:
        return
    option_path = option_path + (fld.name,)
    wire_path = wire_path + (fld.wire,)
    where = _describe(option_path, wire_path, root)
    if fld.children:
        if not isinstance(value, Mapping):
            problems.append("{0} must be a dictionary, got {1!r}".format(where, value))
            return
        for child in fld.children:
            _check_input(child, value.get(child.name), option_path, wire_path, problems, root)
    else:
        _check_leaf_value(fld, value, where, problems)


def feature_input_problems(feature, params, root="capabilities"):
    """Problems with the user's input that can be judged before any request. An empty list means fine.

    ``params`` is the validated value of the ``capabilities`` option (option spelling, None for unset); ``root``
    names the option in the sentences (``user_provisioning`` in okta_app_provisioning).
    """
    if feature not in FEATURES:
        return ["feature must be one of {0}, got {1!r}".format(", ".join(FEATURES), feature)]
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        return ["{0} must be a dictionary, got {1!r}".format(root, params)]

    problems = []
    own = FEATURE_BLOCKS[feature]
    foreign_named = False
    for fld in _TABLE:
        if fld.name in own or params.get(fld.name) is None:
            continue
        foreign_named = True
        owner = [f for f in FEATURES if fld.name in FEATURE_BLOCKS[f]][0]
        problems.append("{0} does not belong to {1}; it is {2} {3} block".format(
            _describe((fld.name,), (fld.wire,), root), feature, _article(owner), owner))

    own_fields = [f for f in _TABLE if f.name in own]
    for fld in own_fields:
        _check_input(fld, params.get(fld.name), (), (), problems, root)

    if not foreign_named and not _to_wire(own_fields, params):
        problems.append("{0} sets no value; name at least one setting to manage".format(root))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Normalisation, merge, plan
# ---------------------------------------------------------------------------------------------------------------

def _normalise(value):
    out = {}
    for key, item in value.items():
        if key == ALT_USERNAME_FORMAT:
            if value.get(WIRE_USERNAME_FORMAT) is not None:
                # Both spellings present: the schema's spelling wins (it is the one this collection writes).
                continue
            key = WIRE_USERNAME_FORMAT
        if item is None:
            continue
        if isinstance(item, Mapping):
            item = _normalise(item)
            if not item:
                continue
        else:
            item = copy.deepcopy(item)
        out[key] = item
    return out


def normalise(caps):
    """A new, comparable copy of a capabilities object, in any spelling Okta uses.

    * ``userNameFormat`` becomes ``usernameFormat``; when both are present (and not None) ``usernameFormat``
      is kept and ``userNameFormat`` dropped, since ``usernameFormat`` is the schema's spelling and the one
      this collection writes;
    * None leaves are dropped, so a null schedule import (``fullImport: null``) equals an absent one;
    * dicts left empty are dropped;
    * the feature-level read-only keys (name, status, description, _links) are dropped at the top level.

    Never mutates its input; None or anything that is not a mapping gives ``{}``.
    """
    if not isinstance(caps, Mapping):
        return {}
    out = _normalise(caps)
    for key in _READ_ONLY_KEYS:
        out.pop(key, None)
    return out


def _merge_into(base, over):
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge_into(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def merge(current, desired):
    """Deep merge of normalised ``desired`` into normalised ``current``; a new dict, inputs untouched.

    Desired leaves win; everything else of current stays.
    """
    return _merge_into(normalise(current), normalise(desired))


_MISSING = object()


def _leaves(value, prefix=()):
    """(path tuple, value) for every non-dict value of a nested dict, in key order."""
    for key, item in value.items():
        path = prefix + (key,)
        if isinstance(item, dict):
            yield from _leaves(item, path)
        else:
            yield path, item


def _lookup(value, path):
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _same(left, right):
    # Strict about booleans: True is not 1 and "true" is not True.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return left == right


def _differing_paths(desired, actual):
    """Sorted dotted paths of leaves of normalised ``desired`` that normalised ``actual`` does not hold."""
    paths = set()
    for path, value in _leaves(desired):
        held = _lookup(actual, path)
        if held is _MISSING or not _same(held, value):
            paths.add(".".join(path))
    return sorted(paths)


@record
class CapabilitiesPlan:
    """Outcome of comparing current capabilities with the desired leaves.

    ``body`` is what to PUT (equal to ``after``) when ``changed``, else None.
    """

    changed: bool
    before: dict
    after: dict
    body: dict | None
    changed_settings: list = field(default_factory=list)


def plan_capabilities(current_caps, desired):
    """Compare and merge. The same call serves check mode and real runs.

    ``current_caps`` is the ``capabilities`` of Okta's GET (any spelling, nulls allowed); ``desired`` the
    output of ``to_wire``. ``changed`` is True iff some desired leaf differs from current after normalisation.
    """
    before = normalise(current_caps)
    wanted = normalise(desired)
    changed_settings = _differing_paths(wanted, before)
    after = merge(current_caps, desired)
    changed = bool(changed_settings)
    return CapabilitiesPlan(
        changed=changed,
        before=before,
        after=after,
        body=copy.deepcopy(after) if changed else None,
        changed_settings=changed_settings,
    )


def diff_view(plan_result):
    """``{"before": ..., "after": ...}`` for Ansible's diff mode; identical in check mode and real runs."""
    return {
        "before": copy.deepcopy(plan_result.before),
        "after": copy.deepcopy(plan_result.after),
    }


def feature_unapplied(desired, returned_caps):
    """Sorted dotted wire paths of desired leaves that the returned capabilities do not hold.

    Both sides are normalised first, so Okta may answer in either username spelling.
    """
    return _differing_paths(normalise(desired), normalise(returned_caps))


# ---------------------------------------------------------------------------------------------------------------
# Apps without working provisioning
# ---------------------------------------------------------------------------------------------------------------

def provisioning_problem(exc):
    """Why Okta refused a features call, for an OktaError: ``"disabled"``, ``"unsupported"`` or None.

    Okta answers 400 ``E0000001`` ("Api validation failed") and words the reason in ``errorSummary`` or in one
    of ``errorCauses``; the text is matched case-insensitively. ``"disabled"``: the app supports provisioning
    but its connection is off ("Provisioning is not enabled for the app instance."). ``"unsupported"``: the app
    type has no provisioning ("Provisioning is not supported.", or the summary "Api validation failed:
    Provisioning is not supported for this application").
    """
    if getattr(exc, "kind", None) != "http" or exc.status != 400 or exc.error_code != "E0000001":
        return None
    texts = [text.lower() for text in [exc.error_summary] + list(exc.error_causes or []) if text]
    for problem, wording in _PROBLEM_TEXTS:
        if any(wording in text for text in texts):
            return problem
    return None


def provisioning_disabled(exc):
    return provisioning_problem(exc) == PROVISIONING_DISABLED


def provisioning_unsupported(exc):
    return provisioning_problem(exc) == PROVISIONING_UNSUPPORTED


def provisioning_hints():
    """The wording for both conditions, for ``OktaModule.call(..., hints=provisioning_hints())``."""
    return {provisioning_disabled: ENABLE_HINT, provisioning_unsupported: UNSUPPORTED_HINT}


def features_path(app_id):
    """The path of the app's features list (from the table in ``_endpoints.py``)."""
    return LIST_FEATURES.path_for(app_id)


@record
class FeaturesRead:
    """An app's features as read: Okta's feature objects, or none and the reason (``problem``)."""

    features: list
    problem: str | None = None
    error: object = None

    def find(self, name):
        """The feature called ``name``, or None when the app does not offer it."""
        for feature in self.features:
            if isinstance(feature, Mapping) and feature.get("name") == name:
                return feature
        return None


def read_features(client, app_id):
    """One GET of the app's features list (``listFeaturesForApplication``); :meth:`FeaturesRead.find` picks one.

    The list is read even for one feature: Okta documents the 400 that says provisioning is switched off or
    unsupported for the list only, not for the single feature's GET. That 400 is an answer, not an error: it
    comes back as ``FeaturesRead([], problem, error)``. Every other OktaError is raised.
    """
    try:
        body = client.get_json(features_path(app_id))
    except OktaError as exc:
        problem = provisioning_problem(exc)
        if problem is None:
            raise
        return FeaturesRead([], problem, exc)
    return FeaturesRead(body if isinstance(body, list) else [body])


def not_offered_message(subject, feature, read, action="configure", advice=None):
    """The failure for an app whose features list lacks ``feature`` (``read`` is its FeaturesRead).

    ``action`` is the verb of the sentence ("Cannot configure ..."), ``advice`` what to do, after a semicolon.
    """
    offered = sorted(str(f.get("name")) for f in read.features if isinstance(f, Mapping))
    return "Cannot {0} {1}: this app does not offer {2} (it offers {3}){4}.".format(
        action, subject, feature, ", ".join(offered) or "no provisioning feature", "; " + advice if advice else "")


@record
class FeaturePlan:
    """One feature planned from a features read: Okta's feature object, the :class:`CapabilitiesPlan`, or why it cannot be."""

    current: dict | None
    outcome: CapabilitiesPlan | None
    problem: str | None = None


def plan_feature(read, feature, desired, subject, root="capabilities"):
    """CapabilitiesPlan ``feature`` of a :class:`FeaturesRead` towards ``desired`` (wire capabilities), before any write.

    ``problem`` is the failure to report instead when the app does not offer the feature, Okta's answer is not a
    feature object, or the body a change would send misses what Okta's schema requires.
    """
    current = read.find(feature)
    if current is None:
        return FeaturePlan(None, None, not_offered_message(subject, feature, read))
    if not isinstance(current.get("capabilities", {}), (Mapping, type(None))):
        return FeaturePlan(current, None, "Cannot read {0}: Okta's answer is not a feature object.".format(subject))
    outcome = plan_capabilities(current.get("capabilities"), desired)
    problems = []
    if outcome.changed:
        # Imported for a change only: a run with nothing to change does not compile the body checks (see the
        # performance guide).
        from ansible_collections.oktaops.okta.plugins.module_utils._feature_body import body_problems

        problems = body_problems(feature, outcome.body, root=root)
    if problems:
        return FeaturePlan(current, outcome, "Cannot update {0}: the settings would be incomplete: {1}.".format(
            subject, "; ".join(problems)))
    return FeaturePlan(current, outcome)
