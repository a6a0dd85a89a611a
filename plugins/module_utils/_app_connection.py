# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""An app's default provisioning connection: pure logic (no I/O, nothing of Ansible) and its one read.

Okta's ``ProvisioningConnectionResponse`` is compared with the wanted state (a ``status`` and the
options of ``profile``), and one function, :func:`plan_connection`, decides which requests a run makes,
the body it sends, what the connection will look like afterwards and the diff. Check mode and real runs
use the same plan.

The credentials (a TOKEN connection's token, an Office 365 connection's admin user name and password)
are write-only: Okta never returns them, so they cannot be compared. They are sent with every write
the run makes anyway (a profile update, or the write that enables the connection), and on their own
only when ``update_credentials`` is ``always``.

OAuth 2.0 connections of some app types (Google Workspace, Office 365, Slack, Zoom) also wait for an
administrator's consent in a browser. Okta then answers with a ``_links.authorize`` link; its presence,
never the wording of a refusal, is what the plan and the writes go by.
"""

from __future__ import annotations

import copy

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_CONNECTION
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._record import field, record

SCHEMES = ("TOKEN", "OAUTH2")
ROTATION_MODES = ("AUTO", "MANUAL")
STATES = {"enabled": "ENABLED", "disabled": "DISABLED"}
UPDATE_CREDENTIALS = ("always", "on_create")
UNKNOWN = "UNKNOWN"
# What a diff shows in place of a write-only value that is (or would be) sent; the value itself is never shown.
TOKEN_PLACEHOLDER = "<write-only token: sent>"
CREDENTIAL_PLACEHOLDER = "<write-only: sent>"

# Option name -> (wire path in the request body, wire path in Okta's answer, schemes that take it)
_FIELDS = (
    ("base_url", ("baseUrl",), ("baseUrl",), ("TOKEN",)),
    ("client_id", ("profile", "clientId"), ("profile", "clientId"), ("OAUTH2",)),
    ("rotation_mode", ("profile", "signing", "rotationMode"), ("profile", "signing", "rotationMode"), ("OAUTH2",)),
)
# Values of _FIELDS that Okta's response schema does not promise: ProvisioningConnectionResponseProfile lists no
# clientId (only the spec's Org2Org example returns one). When an answer lacks one, it cannot be compared: it is sent
# with the writes a run makes anyway, as the credentials are, so that no run writes for it on every run.
_UNPROMISED = ("client_id",)
# The write-only credentials: option name -> (wire path in the request body, scheme that takes it, diff placeholder)
_SECRETS = (
    ("token", ("profile", "token"), "TOKEN", TOKEN_PLACEHOLDER),
    ("admin_username", ("profile", "settings", "adminUsername"), "OAUTH2", CREDENTIAL_PLACEHOLDER),
    ("admin_password", ("profile", "settings", "adminPassword"), "OAUTH2", CREDENTIAL_PLACEHOLDER),
)
_OPTION_NAMES = {"rotation_mode": "profile.signing.rotation_mode", "admin_username": "profile.settings.admin_username",
                 "admin_password": "profile.settings.admin_password"}


def read_connection(client, app_id):
    """GET the app's default connection through ``client``; raises OktaError, also for an answer of another shape."""
    path = GET_CONNECTION.path_for(app_id)
    connection = client.get_json(path)
    if not isinstance(connection, dict) or not isinstance(connection.get("profile"), dict):
        raise OktaError("Okta answered GET {0} with something that is not a provisioning connection".format(path),
                        kind="invalid_response", method="GET", path=path)
    return connection


def activation_refused(exc):
    """Okta refused to activate the connection (400): it may hold no credentials yet, or wait for consent."""
    return exc.kind == "http" and exc.status == 400


# Wording for OktaModule.call when activating fails.
ACTIVATION_HINTS = {
    activation_refused: "{failure} Okta does not say whether a disabled connection holds credentials; if this one "
                        "has none yet, give them in profile (the token, or the Office 365 admin user name and "
                        "password) and run again: they are sent with the write that enables the connection.",
}


def authorize_url(connection):
    """The ``href`` of the ``_links.authorize`` link of an Okta connection (OAuth 2.0 consent), or None."""
    href = _get(connection, ("_links", "authorize", "href"))
    return href if isinstance(href, str) and href else None


def connection_facts(connection):
    """What a read of the connection says of the app's provisioning: ``provisioning_supported``,
    ``provisioning_enabled`` and, when Okta offers the consent link, ``authorize_url`` (result keys of the modules)."""
    supported = not is_unsupported(connection)
    facts = dict(provisioning_supported=supported,
                 provisioning_enabled=supported and connection.get("status") == "ENABLED")
    url = authorize_url(connection)
    if url:
        facts["authorize_url"] = url
    return facts


def waits_for_consent(connection):
    """True when the connection is not ENABLED while Okta offers the authorize link: an administrator's consent
    is (or may still be) needed before it can be enabled."""
    return authorize_url(connection) is not None and connection.get("status") != "ENABLED"


def consent_message(app_id, url):
    """The failure of a task that needs the connection enabled while it waits for consent at ``url``."""
    return ("The provisioning connection of app {0} waits for an administrator's consent: open {1} in a browser "
            "and grant it. Until then the connection cannot be enabled and the provisioning features cannot be "
            "configured; run the task again afterwards.".format(app_id, url))


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
            settings=dict(
                type="dict",
                options=dict(
                    admin_username=dict(type="str", required=True, no_log=True, aliases=["adminUsername"]),
                    admin_password=dict(type="str", required=True, no_log=True, aliases=["adminPassword"]),
                ),
            ),
        ),
    )


def connection_argument_spec():
    """The options of okta_app_connection beyond the app: ``state``, ``profile`` and ``update_credentials``.

    okta_app_connection takes them at the top level, okta_app_provisioning as the suboptions of ``connection``.
    """
    return dict(
        state=dict(type="str", choices=list(STATES), default="enabled"),
        profile=profile_argument_spec(),
        update_credentials=dict(type="str", choices=list(UPDATE_CREDENTIALS), default="on_create",
                                aliases=["update_token"], no_log=False),
    )


def unsupported_message(app_id):
    """The failure for a connection Okta reports as UNKNOWN."""
    return ("Cannot manage the provisioning connection of app {0}: Okta reports it as UNKNOWN, which means this app "
            "type has no provisioning support (or uses an authentication method the API does not expose). Provisioning "
            "and its features cannot be set up for this app.".format(app_id))


def _flat(profile):
    """``profile`` option values keyed by option name (rotation_mode and the settings lifted out); None dropped."""
    if not profile:
        return {}
    flat = {key: profile.get(key) for key in ("auth_scheme", "token", "base_url", "client_id")}
    signing = profile.get("signing") or {}
    flat["rotation_mode"] = signing.get("rotation_mode")
    settings = profile.get("settings") or {}
    flat["admin_username"] = settings.get("admin_username")
    flat["admin_password"] = settings.get("admin_password")
    return {key: value for key, value in flat.items() if value is not None}


def _belongs(option, scheme, wanted):
    return "{0} belongs to a{1} {2} connection, but profile.auth_scheme is {3}".format(
        option, "n" if scheme == "OAUTH2" else "", scheme, wanted)


def connection_input_problems(profile):
    """Problems with the ``profile`` option that no request can fix; an empty list when it is usable.

    The problems never quote a credential."""
    flat = _flat(profile)
    if not flat:
        return []
    problems = []
    scheme = flat.get("auth_scheme")
    if scheme not in SCHEMES:
        return ["profile.auth_scheme must be one of {0}, got {1!r}".format(", ".join(SCHEMES), scheme)]
    if "token" in flat and scheme != "TOKEN":
        problems.append(_belongs("profile.token", "TOKEN", scheme))
    for name, _send, _read, schemes in _FIELDS:
        if name in flat and scheme not in schemes:
            problems.append(_belongs(_OPTION_NAMES.get(name, "profile." + name), schemes[0], scheme))
    if scheme != "OAUTH2" and ("admin_username" in flat or "admin_password" in flat):
        problems.append(_belongs("profile.settings", "OAUTH2", scheme))
    if "client_id" in flat and ("admin_username" in flat or "admin_password" in flat):
        problems.append("profile.client_id belongs to an Okta Org2Org connection and profile.settings to an "
                        "Office 365 one; give one of them")
    for name in ("token", "base_url", "client_id", "admin_username", "admin_password"):
        value = flat.get(name)
        if value is not None and not value.strip():
            problems.append("{0} is empty; leave it out or give a value".format(_OPTION_NAMES.get(name, "profile." + name)))
    if flat.get("base_url") and not flat["base_url"].strip().lower().startswith("https://"):
        problems.append("profile.base_url must be an https:// URL, got {0!r}".format(flat["base_url"][:200]))
    return problems


def _get(obj, path):
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def put_path(obj, path, value):
    """Set ``value`` at ``path`` (a tuple of keys) in the dict ``obj``, creating the dicts on the way."""
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
class ConnectionPlan:
    """What one run does. ``calls`` is the ordered list of requests after the GET:
    ``("POST", body, activate)`` for the profile, ``("activate",)`` or ``("deactivate",)`` for a lifecycle call,
    and ``("activate_unless_consent",)``: after a profile write that may have started a consent flow, activate
    unless Okta's answer is ENABLED already or carries the authorize link (the connection then waits for consent).

    ``consent_required`` is what is known before any write: the task needs the connection enabled, and it is not
    while Okta offers the authorize link (``authorize_url``). Check mode reports it as the outcome; a real run still
    makes the write and the one activation that may succeed (consent may have been given since), and reports it
    when Okta refuses."""

    changed: bool
    changed_settings: list
    calls: list
    send_token: bool
    before: dict
    after: dict
    body: dict | None = None
    expected: dict = field(default_factory=dict)
    send_credentials: bool = False
    authorize_url: str | None = None
    consent_required: bool = False
    problem: str | None = None  # why the plan must not be carried out (the task fails before any write)


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
            put_path(body, send, value)
    return body


def _calls(body, profile_changed, status_change, wanted_status, consent_link):
    """The requests after the GET, in order (see :class:`ConnectionPlan`)."""
    calls = []
    enabling = status_change and wanted_status == "ENABLED"
    if status_change and wanted_status == "DISABLED":
        calls.append(("deactivate",))
    if body is not None and enabling and consent_link:
        # the connection waits for consent (or got it since): store a changed profile first, so that a refused
        # activation does not lose it, then try the one activation that may succeed
        if profile_changed:
            calls.append(("POST", body, False))
            calls.append(("activate",))
        else:
            calls.append(("POST", body, True))
    elif body is not None and enabling and body["profile"]["authScheme"] == "OAUTH2" \
            and "clientId" not in body["profile"]:
        # an OAuth 2.0 connection of a type that may ask for consent once its profile is written: Okta's answer
        # says whether it does, so the activation comes after it (never one known to be refused)
        calls.append(("POST", body, False))
        calls.append(("activate_unless_consent",))
    elif body is not None:
        calls.append(("POST", body, enabling))
    elif enabling:
        calls.append(("activate",))
    return calls


def plan_connection(connection, state, profile=None, update_credentials="on_create"):
    """Compare Okta's connection with the wanted ``state`` (enabled/disabled) and ``profile``.

    * The profile is updated (one POST) when a value Okta returns differs: the scheme, the base URL, the
      client id or the rotation mode. Values the task does not name are not compared, and are sent as Okta
      holds them so the update never resets them. A client id that Okta's answer leaves out (its schema does not
      promise one) is not compared: it is sent as the credentials are (below).
    * The credentials given (token, Office 365 admin user name and password) are write-only. They are sent
      with every write the run makes anyway: a profile update, and the write that enables the connection,
      which then is one ``POST ...?activate=true`` carrying them (so a connection set up for the first time
      gets them in the same request). On their own (everything else matching, the status too) they are sent
      only when ``update_credentials`` is ``always``.
    * Enabling together with a profile update is one ``POST ...?activate=true``; disabling together with it
      deactivates first, then updates. A status change alone, without credentials, is one lifecycle call.
    * OAuth 2.0 consent: see :class:`ConnectionPlan` and :func:`_calls`.
    """
    if state not in STATES:
        raise ValueError("state must be one of {0}".format(", ".join(STATES)))
    if update_credentials not in UPDATE_CREDENTIALS:
        raise ValueError("update_credentials must be one of {0}".format(", ".join(UPDATE_CREDENTIALS)))
    current = view(connection)
    flat = _flat(profile)
    wanted_status = STATES[state]
    status_change = current["status"] != wanted_status
    enabling = status_change and wanted_status == "ENABLED"
    changes = []
    unread = []  # values given that Okta's answer does not hold (see _UNPROMISED)
    if flat:
        if current["auth_scheme"] != flat["auth_scheme"]:
            changes.append("profile.authScheme")
        for name, _send, read, _schemes in _FIELDS:
            if name not in flat:
                continue
            if name in _UNPROMISED and name not in current and current["auth_scheme"] == flat["auth_scheme"]:
                unread.append(".".join(read))
            elif current.get(name) != flat[name]:
                changes.append(".".join(read))
    profile_changed = bool(changes)
    given = [secret for secret in _SECRETS if secret[0] in flat]
    with_writes = profile_changed or enabling or update_credentials == "always"
    send_credentials = bool(given) and with_writes
    sent = given if send_credentials else []
    changes.extend(".".join(secret[1]) for secret in sent)
    if with_writes:
        changes.extend(unread)
    body = None
    if changes:
        body = _body(current, flat)
        for name, send, _scheme, _placeholder in sent:
            put_path(body, send, flat[name])
    link = authorize_url(connection)
    if body is None and enabling and link is None and current["auth_scheme"] == "OAUTH2" \
            and flat.get("auth_scheme", "OAUTH2") == "OAUTH2" and "client_id" not in current:
        # an OAuth 2.0 connection that may never have been set up (Google Workspace, Slack, Zoom take no other
        # setting): its profile is written first, which is what starts Okta's consent flow where there is one
        body = _body(current, {"auth_scheme": "OAUTH2"})
    problem = None
    if body is not None and body["profile"]["authScheme"] == "OAUTH2" and "clientId" not in body["profile"] \
            and "client_id" not in current and "rotation_mode" in current:
        # An Org2Org connection (signing is Org2Org's only) whose answer leaves its client id out (see _UNPROMISED):
        # whether Okta keeps a value a POST leaves out is not documented, so the update must carry it.
        problem = ("Okta's answer shows the signing settings of this Okta Org2Org connection but not its client id, "
                   "and the update would be sent without one; give profile.client_id (the client id of the service "
                   "app in the target org) so that the update cannot lose it")
    pending = waits_for_consent(connection)
    calls = _calls(body, profile_changed, status_change, wanted_status, pending)
    if status_change:
        changes.insert(0, "status")

    after = copy.deepcopy(current)
    after["status"] = wanted_status
    expected = {}
    if body is not None:
        # everything Okta returns that the body sets, in view() keys
        scheme = body["profile"]["authScheme"]
        expected["auth_scheme"] = scheme
        for name, send, _read, _schemes in _FIELDS:
            value = _get(body, send)
            if value is not None:
                expected[name] = value
        for name, _send, _read, schemes in _FIELDS:
            if scheme not in schemes:
                after.pop(name, None)
        after.update(expected)
    before = _diff_side(current, ())
    after_side = _diff_side(after, sent)
    return ConnectionPlan(changed=bool(calls), changed_settings=changes, calls=calls,
                          send_token=any(secret[0] == "token" for secret in sent), before=before, after=after_side,
                          body=body, expected=expected, send_credentials=bool(sent), authorize_url=link,
                          consent_required=enabling and pending, problem=problem)


def _diff_side(flat_view, sent):
    """One side of the diff, in Okta's spelling, with each credential sent as a placeholder."""
    out = {"status": flat_view.get("status"), "profile": {"authScheme": flat_view.get("auth_scheme")}}
    for name, _send, read, _schemes in _FIELDS:
        if flat_view.get(name) is not None:
            put_path(out, read, flat_view[name])
    for _name, send, _scheme, placeholder in sent:
        put_path(out, send, placeholder)
    return out


def connection_unapplied(expected, connection):
    """Dotted wire paths of values the update set that Okta's answer does not hold.

    A value of _UNPROMISED that the answer leaves out altogether cannot be checked, and is not reported."""
    got = view(connection)
    missing = []
    for name, value in sorted(expected.items()):
        if name in _UNPROMISED and name not in got:
            continue
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
            if key not in ("authScheme", "clientId", "signing", "token", "settings"):
                profile[key] = value
        result["profile"] = profile
        result.pop("baseUrl", None)
        result.pop("authScheme", None)
        if scheme == "TOKEN":
            result["authScheme"] = "TOKEN"
        for name, _send, read, _schemes in _FIELDS:
            value = _get(after, read)
            if value is not None:
                put_path(result, read, value)
    links = result.get("_links")
    if isinstance(links, dict) and isinstance(links.get("self"), dict) and links["self"].get("href"):
        href = links["self"]["href"]
        links.pop("activate", None)
        links.pop("deactivate", None)
        action = "deactivate" if after["status"] == "ENABLED" else "activate"
        links[action] = {"href": "{0}/lifecycle/{1}".format(href, action), "hints": {"allow": ["POST"]}}
    return result
