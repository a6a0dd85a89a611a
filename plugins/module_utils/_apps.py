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


def apps_filter(user_filter=None, include_inactive=False):
    """The ``filter`` to send, or None.

    Without ``include_inactive`` the ACTIVE restriction is a server filter, combined with the user's filter as
    ``(<user filter>) and status eq "ACTIVE"``. A user filter that itself names ``status`` is sent as it is:
    the user has said which status they want.
    """
    user_filter = (user_filter or "").strip() or None
    if include_inactive or filter_names_status(user_filter):
        return user_filter
    if user_filter:
        return "({0}) and {1}".format(user_filter, ACTIVE_FILTER)
    return ACTIVE_FILTER


def list_params(q=None, user_filter=None, include_inactive=False, label=None):
    """Query parameters of the first ``GET /api/v1/apps``; later pages come from the ``next`` link.

    Okta cannot filter by label: a ``label`` is searched with ``q`` (a prefix search on name and label) and
    matched exactly afterwards with :func:`match_label`. ``label`` and ``q`` are exclusive.
    """
    params = {"limit": PAGE_LIMIT}
    search = label if label is not None else q
    if search:
        params["q"] = search
    okta_filter = apps_filter(user_filter, include_inactive)
    if okta_filter:
        params["filter"] = okta_filter
    return params


def match_label(apps, label):
    """The apps whose label is exactly ``label`` (case included)."""
    return [app for app in apps if isinstance(app, dict) and app.get("label") == label]


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
