# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""An app's default provisioning connection: pure logic (no I/O, nothing of Ansible) and its one read.

Okta's ``ProvisioningConnectionResponse`` is compared with the wanted state (a ``status`` and the
options of ``profile``), and one function, :func:`plan`, decides which requests a run makes, the
body it sends, what the connection will look like afterwards and the diff. Check mode and real runs
use the same plan.

The token is write-only: Okta never returns it, so it cannot be compared. It is sent with every
profile update that happens anyway (so Okta always receives a complete connection), and on its own
only when ``update_token`` is ``always``.
"""

from __future__ import annotations

import copy

from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._record import field, record

SCHEMES = ("TOKEN", "OAUTH2")
ROTATION_MODES = ("AUTO", "MANUAL")
STATES = {"enabled": "ENABLED", "disabled": "DISABLED"}
UPDATE_TOKEN = ("always", "on_create")
UNKNOWN = "UNKNOWN"
# What a diff shows in place of a token that is (or would be) sent; the value itself is never shown.
TOKEN_PLACEHOLDER = "<write-only token: sent>"

# Option name -> (wire path in the request body, wire path in Okta's answer, schemes that take it)
_FIELDS = (
    ("base_url", ("baseUrl",), ("baseUrl",), ("TOKEN",)),
    ("client_id", ("profile", "clientId"), ("profile", "clientId"), ("OAUTH2",)),
    ("rotation_mode", ("profile", "signing", "rotationMode"), ("profile", "signing", "rotationMode"), ("OAUTH2",)),
)


def connection_path(app_id):
    return "/api/v1/apps/{0}/connections/default".format(app_id)


def read_connection(client, app_id):
    """GET the app's default connection through ``client``; raises OktaError, also for an answer of another shape."""
    path = connection_path(app_id)
    connection = client.get_json(path)
    if not isinstance(connection, dict) or not isinstance(connection.get("profile"), dict):
        raise OktaError("Okta answered GET {0} with something that is not a provisioning connection".format(path),
                        kind="invalid_response", method="GET", path=path)
    return connection


def activation_refused(exc):
    """Okta refused to activate the connection (400): it may hold no credentials yet."""
    return exc.kind == "http" and exc.status == 400


# Wording for OktaModule.call when activating fails.
ACTIVATION_HINTS = {
    activation_refused: "{failure} Okta does not say whether a disabled connection holds credentials; if this one "
                        "has none yet, give them in profile and run once with update_token=always.",
}


def profile_argument_spec():
    """The ``profile`` option; camelCase aliases so a body copied from Okta's documentation works."""
    return dict(
        type="dict",
        options=dict(
            auth_scheme=dict(type="str", required=True, choices=list(SCHEMES), aliases=["authScheme"]),
            token=dict(type="str", no_log=True),
            base_url=dict(type="str", aliases=["baseUrl"]),
            client_id=dict(type="str", aliases=["clientId"]),
            signing=dict(
                type="dict",
                options=dict(
                    rotation_mode=dict(type="str", required=True, choices=list(ROTATION_MODES),
                                       aliases=["rotationMode"]),
                ),
            ),
        ),
    )


def connection_argument_spec():
    """The options of okta_app_connection beyond the app: ``state``, ``profile`` and ``update_token``.

    okta_app_connection takes them at the top level, okta_app_provisioning as the suboptions of ``connection``.
    """
    return dict(
        state=dict(type="str", choices=list(STATES), default="enabled"),
        profile=profile_argument_spec(),
        update_token=dict(type="str", choices=list(UPDATE_TOKEN), default="on_create", no_log=False),
    )


def unsupported_message(app_id):
    """The failure for a connection Okta reports as UNKNOWN."""
    return ("Cannot manage the provisioning connection of app {0}: Okta reports it as UNKNOWN, which means this app "
            "type has no provisioning support (or uses an authentication method the API does not expose). Provisioning "
            "and its features cannot be set up for this app.".format(app_id))


def _flat(profile):
    """``profile`` option values keyed by option name (rotation_mode lifted out of signing); None dropped."""
    if not profile:
        return {}
    flat = {key: profile.get(key) for key in ("auth_scheme", "token", "base_url", "client_id")}
    signing = profile.get("signing") or {}
    flat["rotation_mode"] = signing.get("rotation_mode")
    return {key: value for key, value in flat.items() if value is not None}


def input_problems(profile):
    """Problems with the ``profile`` option that no request can fix; an empty list when it is usable."""
    flat = _flat(profile)
    if not flat:
        return []
    problems = []
    scheme = flat.get("auth_scheme")
    if scheme not in SCHEMES:
        return ["profile.auth_scheme must be one of {0}, got {1!r}".format(", ".join(SCHEMES), scheme)]
    if "token" in flat and scheme != "TOKEN":
        problems.append("profile.token belongs to a TOKEN connection, but profile.auth_scheme is {0}".format(scheme))
    for name, _send, _read, schemes in _FIELDS:
        if name in flat and scheme not in schemes:
            option = "profile.signing.rotation_mode" if name == "rotation_mode" else "profile." + name
            problems.append("{0} belongs to a{1} {2} connection, but profile.auth_scheme is {3}".format(
                option, "n" if schemes[0] == "OAUTH2" else "", schemes[0], scheme))
    for name in ("token", "base_url", "client_id"):
        value = flat.get(name)
        if value is not None and not value.strip():
            problems.append("profile.{0} is empty; leave it out or give a value".format(name))
    if flat.get("base_url") and not flat["base_url"].strip().lower().startswith("https://"):
        problems.append("profile.base_url must be an https:// URL, got {0!r}".format(flat["base_url"][:200]))
    return problems


def _get(obj, path):
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _put(obj, path, value):
    for key in path[:-1]:
        obj = obj.setdefault(key, {})
    obj[path[-1]] = value


def view(connection):
    """The comparable, secret-free view of an Okta connection: status, scheme and the profile values Okta returns."""
    connection = connection if isinstance(connection, dict) else {}
    out = {"status": connection.get("status"), "auth_scheme": _get(connection, ("profile", "authScheme"))}
    for name, _send, read, _schemes in _FIELDS:
        value = _get(connection, read)
        if value is not None:
            out[name] = value
    return out


def is_unsupported(connection):
    """True when Okta reports the connection as UNKNOWN: the app type has no provisioning support."""
    current = view(connection)
    return current["status"] == UNKNOWN or current["auth_scheme"] == UNKNOWN


@record
class Plan:
    """What one run does. ``calls`` is the ordered list of requests after the GET:
    ``("POST", body, activate)`` for the profile, ``("activate",)`` or ``("deactivate",)``."""

    changed: bool
    changes: list
    calls: list
    send_token: bool
    before: dict
    after: dict
    body: dict | None = None
    expected: dict = field(default_factory=dict)


def _body(current, flat):
    """The POST body: the wanted profile values over the ones Okta holds (kept while the scheme stays)."""
    scheme = flat["auth_scheme"]
    same_scheme = current.get("auth_scheme") == scheme
    body = {"profile": {"authScheme": scheme}}
    for name, send, _read, schemes in _FIELDS:
        if scheme not in schemes:
            continue
        value = flat.get(name)
        if value is None and same_scheme:
            value = current.get(name)
        if value is not None:
            _put(body, send, value)
    return body


def plan(connection, state, profile=None, update_token="on_create"):
    """Compare Okta's connection with the wanted ``state`` (enabled/disabled) and ``profile``.

    * The profile is updated (one POST) when a value Okta returns differs: the scheme, the base URL, the
      client id or the rotation mode. Values the task does not name are not compared, and are sent as Okta
      holds them so the update never resets them.
    * The token is sent with every profile update, and on its own (everything else matching) only when
      ``update_token`` is ``always``.
    * Enabling together with a profile update is one ``POST ...?activate=true``; disabling together with it
      deactivates first, then updates. A status change alone is one lifecycle call.
    """
    if state not in STATES:
        raise ValueError("state must be one of {0}".format(", ".join(STATES)))
    if update_token not in UPDATE_TOKEN:
        raise ValueError("update_token must be one of {0}".format(", ".join(UPDATE_TOKEN)))
    current = view(connection)
    flat = _flat(profile)
    wanted_status = STATES[state]
    changes = []
    if flat:
        if current["auth_scheme"] != flat["auth_scheme"]:
            changes.append("profile.authScheme")
        for name, _send, read, _schemes in _FIELDS:
            if name in flat and current.get(name) != flat[name]:
                changes.append(".".join(read))
    token_given = "token" in flat
    send_token = token_given and (bool(changes) or update_token == "always")
    if send_token:
        changes.append("profile.token")
    status_change = current["status"] != wanted_status
    body = None
    calls = []
    if changes:
        body = _body(current, flat)
        if send_token:
            body["profile"]["token"] = flat["token"]
    if body is not None and status_change and wanted_status == "ENABLED":
        calls.append(("POST", body, True))
    else:
        if status_change and wanted_status == "DISABLED":
            calls.append(("deactivate",))
        if body is not None:
            calls.append(("POST", body, False))
        if status_change and wanted_status == "ENABLED":
            calls.append(("activate",))
    if status_change:
        changes.insert(0, "status")

    after = copy.deepcopy(current)
    after["status"] = wanted_status
    expected = {}
    if body is not None:
        # everything Okta returns that the body sets, in view() keys
        expected["auth_scheme"] = flat["auth_scheme"]
        for name, send, _read, _schemes in _FIELDS:
            value = _get(body, send)
            if value is not None:
                expected[name] = value
        for name, _send, _read, schemes in _FIELDS:
            if flat["auth_scheme"] not in schemes:
                after.pop(name, None)
        after.update(expected)
    before = _diff_side(current, False)
    after_side = _diff_side(after, send_token)
    return Plan(changed=bool(calls), changes=changes, calls=calls, send_token=send_token,
                before=before, after=after_side, body=body, expected=expected)


def _diff_side(flat_view, token_sent):
    """One side of the diff, in Okta's spelling, with the token as a placeholder when it is sent."""
    out = {"status": flat_view.get("status"), "profile": {"authScheme": flat_view.get("auth_scheme")}}
    for name, _send, read, _schemes in _FIELDS:
        if flat_view.get(name) is not None:
            _put(out, read, flat_view[name])
    if token_sent:
        out["profile"]["token"] = TOKEN_PLACEHOLDER
    return out


def unapplied(expected, connection):
    """Dotted wire paths of values the update set that Okta's answer does not hold."""
    got = view(connection)
    missing = []
    for name, value in sorted(expected.items()):
        if got.get(name) != value:
            missing.append("profile.authScheme" if name == "auth_scheme" else
                           ".".join([f[2] for f in _FIELDS if f[0] == name][0]))
    return missing


def predicted(connection, the_plan):
    """Okta's connection object as it will be after ``the_plan`` (check mode, or after a lifecycle call)."""
    result = copy.deepcopy(connection) if isinstance(connection, dict) else {}
    after = the_plan.after
    result["status"] = after["status"]
    if the_plan.body is not None:
        scheme = after["profile"]["authScheme"]
        profile = {"authScheme": scheme}
        old_profile = result.get("profile") if isinstance(result.get("profile"), dict) else {}
        for key, value in old_profile.items():
            if key not in ("authScheme", "clientId", "signing", "token"):
                profile[key] = value
        result["profile"] = profile
        result.pop("baseUrl", None)
        result.pop("authScheme", None)
        if scheme == "TOKEN":
            result["authScheme"] = "TOKEN"
        for name, _send, read, _schemes in _FIELDS:
            value = _get(after, read)
            if value is not None:
                _put(result, read, value)
    links = result.get("_links")
    if isinstance(links, dict) and isinstance(links.get("self"), dict) and links["self"].get("href"):
        href = links["self"]["href"]
        links.pop("activate", None)
        links.pop("deactivate", None)
        action = "deactivate" if after["status"] == "ENABLED" else "activate"
        links[action] = {"href": "{0}/lifecycle/{1}".format(href, action), "hints": {"allow": ["POST"]}}
    return result
