# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""Exporting an org's provisioning as the options and role variables that reproduce it. Pure: no I/O, no Ansible.

Three steps, each a function:

* :func:`provisioning_options`: one app's connection and features, as Okta holds them, written as the options of
  ``okta_app_provisioning`` (``connection``, ``user_provisioning``, ``inbound_provisioning``), without any write-only
  value. Given back to that module, they change nothing.
* :func:`infer_baseline` and :func:`app_entry`: the settings that more than half of the apps share become the role's
  ``app_provisioning_connection`` and ``app_provisioning_baseline``; each app keeps only what differs.
* :func:`render`: the role's vars file, deterministic (sorted apps, a fixed key order, no timestamp), so exporting an
  unchanged org twice gives the same bytes.

A setting is a leaf path of those options, such as ``("user_provisioning", "update", "profile", "status")``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import SCHEMES, put_path, view
from ansible_collections.oktaops.okta.plugins.module_utils._features import feature_argument_spec, from_wire
from ansible_collections.oktaops.okta.plugins.module_utils._apps import (
    PAGE_LIMIT,
    filter_names_status,
    resolve_label,
)

# Option of okta_app_provisioning (and of the role) -> the feature it holds, in the order they are written.
FEATURE_OPTIONS = (("user_provisioning", "USER_PROVISIONING"), ("inbound_provisioning", "INBOUND_PROVISIONING"))
_FEATURE_OF = dict(FEATURE_OPTIONS)
_OPTION_OF = dict((feature, option) for option, feature in FEATURE_OPTIONS)

# The connection's readable values: name in _app_connection.view() -> path under the ``profile`` option.
# Write-only values (the token, and any other credential) are never read back by Okta, so they are not here.
CONNECTION_PROFILE = (
    ("auth_scheme", ("auth_scheme",)),
    ("base_url", ("base_url",)),
    ("client_id", ("client_id",)),
    ("rotation_mode", ("signing", "rotation_mode")),
)
# Write-only settings a connection of each scheme may need (profile option paths), for the file's note; Office 365
# (app name office365) needs its administrator's credentials instead.
WRITE_ONLY = {"TOKEN": ("token",)}
WRITE_ONLY_BY_APP = {"office365": ("settings.admin_username", "settings.admin_password")}
# Keys of an Okta connection object that could hold a credential: never returned, whatever Okta answered.
_SECRET_KEY = re.compile(r"token|password|secret|private_?key|admin_?username", re.I)

_CONNECTION = "connection"


# ---------------------------------------------------------------------------------------------------------------
# One app: Okta's objects -> options
# ---------------------------------------------------------------------------------------------------------------

def secret_free(value):
    """A copy of an Okta object without any key that names a credential (token, password, secret, private key, the
    Office 365 administrator's user name)."""
    if isinstance(value, dict):
        return dict((key, secret_free(item)) for key, item in value.items() if not _SECRET_KEY.search(str(key)))
    if isinstance(value, list):
        return [secret_free(item) for item in value]
    return value


def connection_options(connection):
    """The ``connection`` option of okta_app_provisioning that describes Okta's ``connection`` as it is.

    ``state`` from the status (anything but ENABLED is ``disabled``) and ``profile`` from the values Okta returns;
    no profile when the scheme is not one the module takes. Write-only values are absent: Okta never returns them.
    """
    current = view(connection)
    out = {"state": "enabled" if current["status"] == "ENABLED" else "disabled"}
    if current.get("auth_scheme") in SCHEMES:
        profile = {}
        for name, path in CONNECTION_PROFILE:
            if current.get(name) is not None:
                put_path(profile, path, current[name])
        out["profile"] = profile
    return out


def provisioning_options(connection, features):
    """okta_app_provisioning's options for an app: its ``connection`` and each feature Okta returned.

    ``features`` is the list of Okta's feature objects (empty when they were not read). A feature whose settings
    are all empty is left out, since the module takes no empty settings.
    """
    options = {_CONNECTION: connection_options(connection)}
    for feature in features or []:
        name = feature.get("name") if isinstance(feature, dict) else None
        if name in _OPTION_OF:
            settings = from_wire(name, feature.get("capabilities"))
            if settings:
                options[_OPTION_OF[name]] = settings
    return dict((key, options[key]) for key in (_CONNECTION,) + tuple(_FEATURE_OF) if key in options)


def write_only_settings(options, app_name=None):
    """The write-only profile settings (option names) the app's connection may need, from its app type (``name``)
    or its scheme."""
    if app_name in WRITE_ONLY_BY_APP:
        return list(WRITE_ONLY_BY_APP[app_name])
    scheme = ((options.get(_CONNECTION) or {}).get("profile") or {}).get("auth_scheme")
    return list(WRITE_ONLY.get(scheme, ()))


# ---------------------------------------------------------------------------------------------------------------
# Settings as leaves, in one stable order
# ---------------------------------------------------------------------------------------------------------------

def _spec_paths(options, prefix):
    for name, spec in options.items():
        path = prefix + (name,)
        if spec.get("options"):
            yield from _spec_paths(spec["options"], path)
        else:
            yield path


def _canonical_order():
    paths = [(_CONNECTION, "state")] + [(_CONNECTION, "profile") + path for _name, path in CONNECTION_PROFILE]
    for option, feature in FEATURE_OPTIONS:
        paths.extend(_spec_paths(feature_argument_spec(feature)["options"], (option,)))
    return dict((path, index) for index, path in enumerate(paths))


_ORDER = _canonical_order()


def _order(path):
    """Table order for known settings; any other one after them, by name."""
    return (_ORDER.get(path, len(_ORDER)), path)


def leaves(options):
    """{path: value} for every setting of ``options``."""
    out = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif path:
            out[path] = value

    walk(options or {}, ())
    return out


def nest(settings):
    """The nested dict of ``settings`` ({path: value}), its keys in the stable order."""
    out = {}
    for path in sorted(settings, key=_order):
        put_path(out, path, settings[path])
    return out


def _key(value):
    # True is not 1, and "1" is not 1.
    return json.dumps(value, sort_keys=True)


def held_parts(options):
    """The option names an app holds: ``connection`` and the features Okta returned with settings."""
    return set(key for key in options or {} if key == _CONNECTION or key in _FEATURE_OF)


# ---------------------------------------------------------------------------------------------------------------
# Baseline and per-app differences
# ---------------------------------------------------------------------------------------------------------------

def infer_baseline(apps_options):
    """The settings more than half of the apps share: {path: value}.

    ``apps_options`` holds one options dict per exported app (:func:`provisioning_options`). A setting joins the
    baseline when one value is held by more than half of all the apps, and every app the role would apply that
    part to (every app for the connection, the apps holding the feature for a feature) holds the setting: the
    role merges the baseline into each app and cannot take a setting away, so a setting an app lacks stays with
    the apps that have it. Exactly half is not more than half: such a setting stays with each app.
    """
    total = len(apps_options)
    all_leaves = [leaves(options) for options in apps_options]
    counts = {}
    for app_leaves in all_leaves:
        for path, value in app_leaves.items():
            counts.setdefault(path, Counter())[_key(value)] += 1
    baseline = {}
    for path, counter in counts.items():
        key, count = max(counter.items(), key=lambda item: (item[1], item[0]))
        if 2 * count <= total:
            continue
        part = path[0]
        receivers = [app_leaves for options, app_leaves in zip(apps_options, all_leaves) if part in held_parts(options)]
        if all(path in app_leaves for app_leaves in receivers):
            baseline[path] = json.loads(key)
    return baseline


def app_entry(app_id, options, baseline):
    """One item of ``app_provisioning_apps``: the app's id, what differs from ``baseline``, and ``features`` when the
    baseline sets a feature the app does not hold (``[]`` for an app whose connection is off)."""
    entry = {"app_id": app_id}
    own = dict((path, value) for path, value in leaves(options).items()
               if path not in baseline or _key(baseline[path]) != _key(value))
    nested = nest(own)
    for part in (_CONNECTION,) + tuple(_FEATURE_OF):
        if part in nested:
            entry[part] = nested[part]
    held = held_parts(options)
    baseline_features = set(path[0] for path in baseline if path[0] in _FEATURE_OF)
    if baseline_features - held:
        entry["features"] = [feature for option, feature in FEATURE_OPTIONS if option in held]
    return entry


# ---------------------------------------------------------------------------------------------------------------
# Selection, and the file
# ---------------------------------------------------------------------------------------------------------------

def listing_requests(apps):
    """Requests of one listing of ``apps`` (a list), 200 apps a page; an empty list is one request."""
    return max(1, int(math.ceil(len(apps) / float(PAGE_LIMIT))))


def _brief(app):
    return dict((key, app.get(key)) for key in ("id", "label", "name", "status"))


def select(listed, listing=None, filtered=None, include_inactive=False, filter_expression=None):
    """The apps to export, sorted by label then id, and the problems that stop the export.

    ``listed`` is ``app_provisioning_apps`` (items with ``app_id`` or ``app_label``), resolved against ``listing``
    (every app of the org); ``filtered`` the apps ``filter_expression`` matched (listed with every status), of which
    only ACTIVE ones unless ``include_inactive`` or the filter names ``status``: the rule of okta_app_info, which the
    main entry point lists with (:func:`_apps.filter_names_status`). Returns ``{"apps": [...], "problems": [...],
    "requests": n}`` (the listings' requests).
    """
    problems = []
    chosen = {}
    by_id = dict((app.get("id"), app) for app in listing or [])
    for item in listed or []:
        app_id, label = item.get("app_id"), item.get("app_label")
        if app_id:
            if app_id in by_id:
                chosen[app_id] = by_id[app_id]
            else:
                problems.append("No app has the id '{0}'; check app_id.".format(app_id))
            continue
        app_id, problem = resolve_label(listing or [], label)
        if problem:
            problems.append(problem)
        else:
            chosen[app_id] = by_id[app_id]
    every_status = include_inactive or filter_names_status(filter_expression)
    for app in filtered or []:
        if every_status or app.get("status") == "ACTIVE":
            chosen.setdefault(app.get("id"), app)
    apps = sorted((_brief(app) for app in chosen.values()), key=lambda app: (app["label"] or "", app["id"] or ""))
    requests = sum(listing_requests(apps_listed) for apps_listed in (listing, filtered) if apps_listed is not None)
    return {"apps": apps, "problems": problems, "requests": requests}


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]+")


def _comment_text(text):
    return _UNPRINTABLE.sub(" ", str(text or "")).strip()


def _plain(value):
    """``value`` in plain Python types: Ansible hands a filter its own str and dict subclasses (AnsibleUnsafeText on
    ansible-core 2.16 and 2.17), which YAML's safe dumper does not represent."""
    if isinstance(value, dict):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)  # a plain str: str() keeps AnsibleUnsafeText's type
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _dump(data):
    import yaml  # only the controller renders the file

    class IndentedDumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
        """Lists indented under their key, as yamllint's default wants."""

        def increase_indent(self, flow=False, indentless=False):
            return super(IndentedDumper, self).increase_indent(flow, False)

    return yaml.dump(_plain(data), Dumper=IndentedDumper, sort_keys=False, default_flow_style=False, allow_unicode=True,
                     width=1 << 16)


def build(apps, filter_expression=None, include_inactive=False):
    """The export of ``apps``: the role variables and what the file's comments say.

    ``apps`` holds one dict per selected app: ``id``, ``label`` and, from okta_app_provisioning_info,
    ``provisioning_supported``, ``options`` and ``requests`` (what its read cost).
    """
    apps = sorted(apps, key=lambda app: (app.get("label") or "", app.get("id") or ""))
    supported = [app for app in apps if app.get("provisioning_supported")]
    unsupported = [app for app in apps if not app.get("provisioning_supported")]
    baseline = infer_baseline([app["options"] for app in supported])
    nested = nest(baseline)
    return {
        "variables": {
            "app_provisioning_connection": nested.get(_CONNECTION, {}),
            "app_provisioning_baseline": dict((option, nested[option]) for option in _FEATURE_OF if option in nested),
            "app_provisioning_apps": [app_entry(app["id"], app["options"], baseline) for app in supported],
        },
        "labels": [app.get("label") for app in supported],
        "unsupported": [(app.get("label"), app.get("id")) for app in unsupported],
        "write_only": [(app.get("label"), app.get("id"), write_only_settings(app["options"], app.get("name")),
                        app["options"][_CONNECTION]["state"]) for app in supported
                       if write_only_settings(app["options"], app.get("name"))],
        "selection": (filter_expression, include_inactive),
        "baseline_settings": len(baseline),
    }


def render(export):
    """The YAML vars file of an export (:func:`build`), with its comments; the same export gives the same text."""
    variables = export["variables"]
    filter_expression, include_inactive = export["selection"]
    lines = [
        "---",
        "# Provisioning of an Okta org, exported by the role oktaops.okta.app_provisioning (tasks_from: export).",
        "# Apply it with the role's main entry point: ansible-playbook <playbook> -e @<this file>",
        "# {0} apps with provisioning; {1} settings that more than half of them share are in".format(
            len(variables["app_provisioning_apps"]), export["baseline_settings"]),
        "# app_provisioning_connection and app_provisioning_baseline, and each app holds only what differs.",
    ]
    if filter_expression:
        lines.append("# Selection: the filter {0}{1}, and the listed apps.".format(
            _comment_text(filter_expression),
            "" if include_inactive or filter_names_status(filter_expression) else " (active apps only)"))
    if export["write_only"]:
        lines.append("# Write-only settings are not exported (Okta never returns them). Give them from Ansible Vault")
        lines.append("# in the app's connection.profile before its connection is set up again or enabled:")
        for label, app_id, names, state in export["write_only"]:
            off = "; its connection is off" if state == "disabled" else ""
            lines.append("#   {0} ({1}): {2}{3}".format(_comment_text(label), app_id, ", ".join(names), off))
    lines.append(_dump({"app_provisioning_connection": variables["app_provisioning_connection"]}).rstrip("\n"))
    lines.append(_dump({"app_provisioning_baseline": variables["app_provisioning_baseline"]}).rstrip("\n"))
    if variables["app_provisioning_apps"]:
        labels = iter(export["labels"])
        for line in _dump({"app_provisioning_apps": variables["app_provisioning_apps"]}).rstrip("\n").split("\n"):
            if line.startswith("  - app_id: "):
                label = _comment_text(next(labels))
                line = "{0}  # {1}".format(line, label) if label else line
            lines.append(line)
    else:
        lines.append("app_provisioning_apps: []")
    if export["unsupported"]:
        lines.append("# Apps whose type offers no provisioning ({0}), not configured:".format(len(export["unsupported"])))
        lines.extend("#   {0} ({1})".format(_comment_text(label), app_id) for label, app_id in export["unsupported"])
    return "\n".join(lines) + "\n"


def export_file(reads, selection, filter_expression=None, include_inactive=False):
    """The file and its figures from the per-app reads (okta_app_provisioning_info results, by app) and
    :func:`select`'s answer: ``{"content", "apps", "unsupported", "baseline_settings", "requests"}``."""
    selected = dict((app["id"], app) for app in selection["apps"])
    apps = []
    for read in reads:
        app = selected.get(read["app_id"]) or {}
        apps.append({"id": read["app_id"], "label": app.get("label"), "name": app.get("name"),
                     "provisioning_supported": read.get("provisioning_supported", False),
                     "options": read.get("options") or {}})
    export = build(apps, filter_expression, include_inactive)
    requests = selection["requests"] + sum(read_requests(read) for read in reads)
    return {"content": render(export), "apps": len(export["variables"]["app_provisioning_apps"]),
            "unsupported": len(export["unsupported"]), "baseline_settings": export["baseline_settings"],
            "requests": requests}


def read_requests(read):
    """What okta_app_provisioning_info spent: the connection, and the features when the connection is enabled."""
    return 2 if read.get("provisioning_supported") and read.get("provisioning_enabled") else 1
