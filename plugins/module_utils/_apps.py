# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""Listing the org's apps: pure code shared by ``okta_app_info`` and the ``okta_apps`` inventory plugin.

No I/O. It builds the query for ``GET /api/v1/apps``, keeps only the documented, secret-free part of each
app object, chooses unique host names, and turns a features answer into inventory host variables.
"""

from __future__ import annotations

import re

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import LIST_APPS
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    PROVISIONING_DISABLED,
    PROVISIONING_UNSUPPORTED,
)

PAGE_LIMIT = 200
APPS_PATH = LIST_APPS.path  # the table's path of GET /api/v1/apps, under the name the inventory plugin imports

# The only keys of an app object that ever leave this collection. App objects carry credentials (an OIDC
# app's credentials.oauthClient.client_secret, SAML signing settings): nothing else is copied.
APP_FIELDS = ("id", "label", "name", "status", "signOnMode", "created", "lastUpdated", "features")

ACTIVE_FILTER = 'status eq "ACTIVE"'
FILTER_PROPERTIES = ("id", "name", "status", "credentials.signing.kid", "settings.slo.enabled")
FILTER_GRAMMAR = "one expression with the operator eq on {0} or {1}".format(
    ", ".join(FILTER_PROPERTIES[:-1]), FILTER_PROPERTIES[-1])
HOSTNAME_SOURCES = ("label", "id", "name")
DEFAULT_HOSTNAMES = ("label", "id")

# A filter that already names status (outside quoted values) decides the status itself.
_QUOTED_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
_STATUS_RE = re.compile(r"(?i)(?<![\w.])status\s+eq\b")
# What a host name may hold: anything else becomes "_" (documented in the inventory plugin).
_UNSAFE_HOST_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_APP_ID_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")


def valid_app_id(app_id):
    return isinstance(app_id, str) and _APP_ID_RE.match(app_id) is not None


def filter_names_status(user_filter):
    """Whether an Okta filter expression constrains ``status`` (text inside quoted values does not count)."""
    if not user_filter:
        return False
    return _STATUS_RE.search(_QUOTED_RE.sub('""', user_filter)) is not None


def _user_filter(user_filter):
    return (user_filter or "").strip() or None


def apps_filter(user_filter=None, include_inactive=False):
    """The ``filter`` to send, or None: the user's filter as it is, never composed with another expression.

    Okta takes one ``eq`` expression only (no ``and``, ``or`` or parentheses), so the ACTIVE restriction is a
    server filter only when the user gave none: ``status eq "ACTIVE"`` without a user filter and without
    ``include_inactive``. With a user filter, :func:`keep_active` drops the inactive apps afterwards.
    """
    user_filter = _user_filter(user_filter)
    if user_filter or include_inactive:
        return user_filter
    return ACTIVE_FILTER


def filters_active_locally(user_filter=None, include_inactive=False):
    """Whether the answer must be narrowed to ACTIVE apps here: a user filter that does not name ``status``,
    without ``include_inactive`` (a filter that names ``status`` decides the status on its own)."""
    user_filter = _user_filter(user_filter)
    return bool(user_filter) and not include_inactive and not filter_names_status(user_filter)


def keep_active(apps, user_filter=None, include_inactive=False):
    """``apps`` without the ones that are not ``ACTIVE``, when :func:`filters_active_locally` says so.

    The cost: the inactive apps the user's filter matches still come in the pages Okta sends.
    """
    if not filters_active_locally(user_filter, include_inactive):
        return list(apps)
    return [app for app in apps if isinstance(app, dict) and app.get("status") == "ACTIVE"]


def list_params(q=None, user_filter=None, include_inactive=False, label=None):
    """Query parameters of the first ``GET /api/v1/apps``; later pages come from the ``next`` link.

    Okta cannot filter by label: a ``label`` is searched with ``q`` (a prefix search on name and label) and
    matched exactly afterwards with :func:`match_label` (see :func:`resolve_label`). ``label`` and ``q`` are exclusive.
    ``q`` and one ``filter`` expression together are fine.
    """
    params = {"limit": PAGE_LIMIT}
    search = label if label is not None else q
    if search:
        params["q"] = search
    okta_filter = apps_filter(user_filter, include_inactive)
    if okta_filter:
        params["filter"] = okta_filter
    return params


def label_params(label):
    """Query parameters of the first ``GET /api/v1/apps`` that finds the apps labelled ``label``: a prefix search
    (``q``) on name and label, apps of every status, as an app named by its id is found whatever its status."""
    return list_params(label=label, include_inactive=True)


def rejected_filter_message(okta_filter, exc, by_label="label"):
    """The sentence for a filter Okta refused (a ``400`` to the list): the filter, Okta's words, what Okta takes.

    ``exc`` is the failure (its ``status``, ``error_code`` and ``error_summary``); ``by_label`` names the option
    that finds apps by label instead, since Okta cannot filter on ``label``.
    """
    said = " ".join(str(part) for part in (exc.status, exc.error_code) if part)
    if exc.error_summary:
        said = "{0}: {1}".format(said, str(exc.error_summary).rstrip("."))
    return ("Okta rejected the app filter '{0}' ({1}). Okta accepts {2}, such as name eq \"okta_org2org\" or "
            "status eq \"INACTIVE\", with no and, or, parentheses or other operators; it cannot filter on label "
            "(use {3} for that). Correct the filter and run again.".format(okta_filter, said, FILTER_GRAMMAR, by_label))


def match_label(apps, label):
    """The apps whose label is exactly ``label`` (case included)."""
    return [app for app in apps if isinstance(app, dict) and app.get("label") == label]


def resolve_label(apps, label):
    """Resolve ``label`` against ``apps`` (app objects). Returns ``(app_id, None)`` for the one app labelled exactly
    ``label``, else ``(None, sentence)``: why it cannot be resolved and what to do.

    Labels are matched exactly, case included (Okta does not say labels are unique, and "Slack" and "slack" may
    be two apps). When no app has the label but some differ from it only in case, the sentence names them.
    """
    matches = match_label(apps, label)
    if len(matches) == 1:
        return str(matches[0].get("id")), None
    if matches:
        ids = sorted(str(app.get("id")) for app in matches)
        return None, "{0} apps have the label '{1}' ({2}); use app_id to say which one.".format(
            len(ids), label, ", ".join(ids))
    message = ("No app has the label '{0}' (labels are matched exactly, including case); check app_label or use "
               "app_id.".format(label))
    folded = label.casefold() if isinstance(label, str) else None
    near = sorted((str(app["label"]), str(app.get("id"))) for app in apps
                  if isinstance(app, dict) and isinstance(app.get("label"), str) and folded is not None
                  and app["label"].casefold() == folded)
    if near:
        message += " Did you mean {0}?".format(" or ".join("'{0}' ({1})".format(*pair) for pair in near[:3]))
    return None, message


def project_app(app):
    """The documented subset of an app object, in Okta's keys; nothing else (no credentials, no settings)."""
    projected = dict((key, app.get(key)) for key in APP_FIELDS)
    features = projected.get("features")
    projected["features"] = [str(name) for name in features] if isinstance(features, list) else []
    for key in APP_FIELDS[:-1]:
        value = projected[key]
        if value is not None and not isinstance(value, str):
            projected[key] = str(value)
    return projected


def project_apps(apps):
    return [project_app(app) for app in apps if isinstance(app, dict)]


def safe_hostname(value):
    """A host name Ansible can use in patterns and every inventory format.

    Every character other than ASCII letters, digits, ``.``, ``_`` and ``-`` becomes ``_`` (so ``Google
    Workspace`` becomes ``Google_Workspace``); a name that would start with ``-`` gets a leading ``_``.
    """
    name = _UNSAFE_HOST_CHARS.sub("_", value)
    if name.startswith("-"):
        name = "_" + name
    return name


def choose_hostnames(apps, sources=DEFAULT_HOSTNAMES):
    """Map each app's id to a unique host name. Returns ``(names, clashes)``.

    The name is the first of ``sources`` (``label``, ``id``, ``name``) the app has, made safe with
    :func:`safe_hostname`. When several apps would get the same name (Okta allows duplicate labels, and
    making names safe can make two names equal), each of them gets its id instead. ``clashes`` maps each such
    name to the ids that shared it.
    """
    for source in sources:
        if source not in HOSTNAME_SOURCES:
            raise ValueError("hostnames may hold only {0}, not '{1}'".format(", ".join(HOSTNAME_SOURCES), source))
    wanted = {}
    for app in apps:
        name = None
        for source in sources:
            value = app.get(source)
            if value:
                name = safe_hostname(value)
                break
        wanted[app["id"]] = name or safe_hostname(app["id"])
    holders = {}
    for app_id, name in wanted.items():
        holders.setdefault(name, []).append(app_id)
    clashes = dict((name, sorted(ids)) for name, ids in holders.items() if len(ids) > 1)
    names = {}
    for app_id, name in wanted.items():
        names[app_id] = safe_hostname(app_id) if name in clashes else name
    return names, clashes


def app_hostvars(app):
    """The host variables of one app (a projected app object)."""
    return {
        "okta_app_id": app["id"],
        "okta_app_label": app.get("label"),
        "okta_app_name": app.get("name"),
        "okta_app_status": app.get("status"),
        "okta_app_sign_on_mode": app.get("signOnMode"),
        "okta_app_features": list(app.get("features") or []),
    }


def provisioning_hostvars(features=None, problem=None):
    """``okta_provisioning_supported``, ``okta_provisioning_enabled`` and ``okta_features`` for one app.

    ``features`` is the list Okta returned, or None with ``problem``, the reason Okta gave instead
    (``_features.provisioning_problem``: ``"unsupported"`` or ``"disabled"``).
    ``okta_features`` maps each feature's name to its capabilities, in Okta's keys.
    """
    if problem == PROVISIONING_UNSUPPORTED:
        return {"okta_provisioning_supported": False, "okta_provisioning_enabled": False, "okta_features": {}}
    if problem == PROVISIONING_DISABLED:
        return {"okta_provisioning_supported": True, "okta_provisioning_enabled": False, "okta_features": {}}
    by_name = {}
    enabled = False
    for feature in features or []:
        if not isinstance(feature, dict) or not feature.get("name"):
            continue
        by_name[str(feature["name"])] = feature.get("capabilities") if isinstance(feature.get("capabilities"), dict) \
            else {}
        enabled = enabled or feature.get("status") == "ENABLED"
    return {"okta_provisioning_supported": True, "okta_provisioning_enabled": enabled, "okta_features": by_name}
