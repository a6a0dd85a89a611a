# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""What the role ``app_provisioning`` computes: pure functions, no I/O, behind its filter plugins.

- :func:`select_apps`: which apps a run configures (the listed apps, labels resolved against one listing of the
  org, then the apps the filter matched that are not listed), each with why it cannot be configured, if so.
- :func:`plan`: the settings of each selected app (its own merged over the role's, leaf by leaf), with the
  connection tokens kept apart (:func:`tokens`), so the plan can be shown without hiding the app names.
- :func:`outcomes` and :func:`result`: each app's outcome from the one ``okta_app_provisioning`` result per app,
  and the role's result (``app_provisioning_result``).
- :func:`report`: the drift report's data: the result, when it was made, for which org, in which mode.
"""

from __future__ import annotations

import datetime

from ansible_collections.oktaops.okta.plugins.module_utils._apps import resolve_label

# Role input key -> feature name, in the order the parts are applied and reported.
ROLE_FEATURES = (("user_provisioning", "USER_PROVISIONING"), ("inbound_provisioning", "INBOUND_PROVISIONING"))
CONNECTION_PART = "connection"
CONNECTION_FEATURE = "PROVISIONING_CONNECTION"

CHANGED = "changed"
UNCHANGED = "unchanged"
UNSUPPORTED = "unsupported"
FAILED = "failed"
CONSENT_REQUIRED = "consent_required"
UNKNOWN = "unknown"
# The summary's counts, in the order they are shown.
STATUSES = (CHANGED, UNCHANGED, UNSUPPORTED, FAILED, CONSENT_REQUIRED)

LISTED = "listed"
FILTER = "filter"
# The loop's index_var: which work item a registered loop result belongs to.
INDEX_KEY = "app_provisioning__index"


def _apps_of(listing):
    """The app objects of an ``okta_app_info`` result (registered, maybe skipped) or of a plain list."""
    if isinstance(listing, dict):
        listing = listing.get("apps")
    return [app for app in listing or [] if isinstance(app, dict)]


def _clean(value):
    """A plain copy of ``value`` with every null setting left out, at every depth."""
    if isinstance(value, dict):
        return dict((str(key), _clean(item)) for key, item in value.items() if item is not None)
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def merge(base, over):
    """``over`` merged over ``base`` leaf by leaf (a deep merge; neither is changed); null settings left out.

    A leaf of ``over`` wins over the same leaf of ``base``, and a null leaf of ``over`` unsets it.
    """
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in (over.items() if isinstance(over, dict) else ()):
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return _clean(out)


def select_apps(apps, listing=None, matched=None):
    """The apps a run configures, in order: ``(item, spec)`` pairs.

    ``apps`` is ``app_provisioning_apps``; ``listing`` the org's apps of every status (to resolve the labels);
    ``matched`` the apps the filter matched. First every listed app (by ``app_id``, or by ``app_label`` resolved
    with :func:`_apps.resolve_label`), then every matched app that is not listed (a listed app wins, with its own
    settings). ``item`` holds ``app`` (the app as listed: its label, else its id), ``app_id`` (None when a label did
    not resolve), ``app_label``, ``source`` (``listed`` or ``filter``) and ``error`` (why the app cannot be
    configured, or None); ``spec`` is the listed app's own settings (``{}`` for a matched app).
    """
    every_app = _apps_of(listing)
    matched = _apps_of(matched)
    labels = dict((app.get("id"), app.get("label")) for app in every_app + matched)
    selected = []
    listed_ids = set()
    for spec in apps or []:
        spec = spec if isinstance(spec, dict) else {}
        app_id, label, error = spec.get("app_id") or None, spec.get("app_label") or None, None
        if app_id is None:
            app_id, error = resolve_label(every_app, label)
        if app_id is not None:
            listed_ids.add(app_id)
        item = dict(app=label or app_id, app_id=app_id, app_label=label or labels.get(app_id) or None, source=LISTED,
                    error=error)
        selected.append((item, spec))
    for app in matched:
        if app.get("id") in listed_ids:
            continue
        item = dict(app=app.get("label") or app.get("id"), app_id=app.get("id"), app_label=app.get("label"),
                    source=FILTER, error=None)
        selected.append((item, {}))
    return selected


def _features_of(spec, baseline):
    """Feature name -> settings of one app: its own merged over the baseline's, for the features it applies."""
    baseline = baseline if isinstance(baseline, dict) else {}
    only = spec.get("features")  # None: every feature; [] applies none (an exported app whose connection is off)
    desired = {}
    for key, feature in ROLE_FEATURES:
        settings = merge(baseline.get(key) or {}, spec.get(key) or {})
        if settings and (only is None or feature in only):
            desired[feature] = settings
    return desired


# The write-only credentials of a connection profile (option paths): kept out of the plan, so that it can be shown.
WRITE_ONLY = (("token",), ("settings", "admin_username"), ("settings", "admin_password"))


def _take_credentials(profile):
    """Remove the write-only credentials from ``profile`` (in place); return them in the same shape, or ``{}``.

    A ``settings`` block left empty stays (an empty dict), so the plan still shows that the app has settings.
    """
    taken = {}
    if not isinstance(profile, dict):
        return taken
    for path in WRITE_ONLY:
        holder, into = profile, taken
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
            into = into.setdefault(key, {})
        if isinstance(holder, dict) and holder.get(path[-1]) is not None:
            into[path[-1]] = holder.pop(path[-1])
    return _drop_empty(taken)


def _drop_empty(value):
    if isinstance(value, dict):
        kept = dict((key, _drop_empty(item)) for key, item in value.items())
        return dict((key, item) for key, item in kept.items() if item != {})
    return value


def plan(apps, listing=None, matched=None, baseline=None, connection=None):
    """The work of a run: one item per app of :func:`select_apps`, with ``connection`` and ``features`` (the
    settings to apply, each app's own merged over the role's), ``configure`` (whether the app is configured: its
    label resolved and it has settings; an app without costs no request), and the connection credentials apart.

    Returns ``(work, tokens)``: ``tokens[i]`` holds the write-only credentials of the ``i``-th item's connection
    (``{"profile": {"token": ..., "settings": {"admin_username": ..., "admin_password": ...}}}``, only those
    given), else ``{}``. They are taken out of ``work`` (its ``profile`` stays, maybe empty, so an item whose only
    setting is a credential still has a connection to apply).
    """
    work, secrets = [], []
    for item, spec in select_apps(apps, listing, matched):
        conn = merge(connection or {}, spec.get("connection") or {})
        taken = _take_credentials(conn.get("profile"))
        secrets.append({"profile": taken} if taken else {})
        features = _features_of(spec, baseline)
        work.append(dict(item, connection=conn, features=features,
                         configure=item["error"] is None and bool(conn or features)))
    return work, secrets


def tokens(apps, listing=None, matched=None, connection=None):
    """The write-only connection credentials of the work of :func:`plan`, in the same order."""
    return plan(apps, listing, matched, connection=connection)[1]


def leaves(before, after, prefix=""):
    """One row per setting of ``before`` (what Okta held) and ``after`` (what is wanted), sorted by dotted path:
    ``setting``, ``current``, ``desired`` and ``in_sync``."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after), key=lambda name: (str(name).lower(), str(name))):
        current, desired = before.get(key), after.get(key)
        if isinstance(current, dict) or isinstance(desired, dict):
            rows.extend(leaves(current, desired, "{0}{1}.".format(prefix, key)))
        else:
            rows.append(dict(setting="{0}{1}".format(prefix, key), current=current, desired=desired,
                             in_sync=current == desired))
    return rows


def changed_settings_of(changed_settings, part):
    """The paths of ``changed_settings`` (``<part>.<path>``, as okta_app_provisioning returns them) under ``part``,
    without the part's name."""
    head = part + "."
    return [path[len(head):] for path in changed_settings or [] if isinstance(path, str) and path.startswith(head)]


def _parts(item, run, failed):
    """The outcome of each part of one app (its connection when managed, then each feature)."""
    diff = run.get("diff") if isinstance(run.get("diff"), dict) else {}
    before_all = diff.get("before") if isinstance(diff.get("before"), dict) else {}
    after_all = diff.get("after") if isinstance(diff.get("after"), dict) else {}
    names = ([CONNECTION_PART] if item.get("connection") else []) + list(item.get("features") or {})
    parts = []
    for part in names:
        before, after = before_all.get(part), after_all.get(part)
        changed = changed_settings_of(run.get("changed_settings"), part)
        known = isinstance(before, dict) or isinstance(after, dict)
        if failed:
            status, error = FAILED, run.get("msg")
        else:
            status = CHANGED if changed else (UNCHANGED if known else UNKNOWN)
            error = None if known else (before or after)
        parts.append(dict(feature=CONNECTION_FEATURE if part == CONNECTION_PART else part, status=status,
                          changed_settings=changed, error=error, settings=leaves(before, after)))
    return parts


def outcome(item, run):
    """The outcome of one work item from its ``okta_app_provisioning`` result (``{}`` when it never ran).

    ``run`` is the result as registered by the per-app task, whose ``failed_when`` fails neither an app without
    provisioning (``provisioning_supported: false``) nor one whose connection waits for an administrator's consent
    (``consent_required: true``): its ``failed`` is false for both.
    """
    run = run if isinstance(run, dict) else {}
    supported = run.get("provisioning_supported", True) is not False
    consent = run.get("consent_required") is True
    failed = bool(item.get("error")) or (bool(run.get("failed")) and not consent)
    if failed:
        status = FAILED
    elif consent:
        status = CONSENT_REQUIRED
    elif not supported:
        status = UNSUPPORTED
    else:
        status = CHANGED if run.get("changed") else UNCHANGED
    error = None
    if status in (FAILED, UNSUPPORTED, CONSENT_REQUIRED):
        error = item.get("error") or run.get("msg")
    parts = []
    if not item.get("error") and supported and not consent and not run.get("skipped"):
        parts = _parts(item, run, failed)
    out = dict(app=item.get("app"), app_id=run.get("app_id") or item.get("app_id"), app_label=item.get("app_label"),
               source=item.get("source"), status=status, error=error, features=parts)
    if consent:
        out["authorize_url"] = run.get("authorize_url")
    return out


def outcomes(work, results):
    """The outcome of every work item, from the per-app task's registered loop results (matched to the items by
    the loop's index, ``INDEX_KEY``, else by position)."""
    by_index = {}
    for position, run in enumerate(results or []):
        if isinstance(run, dict):
            by_index[run.get(INDEX_KEY, position)] = run
    return [outcome(item, by_index.get(index, {})) for index, item in enumerate(work or [])]


def result(work, results, check_mode=False):
    """``app_provisioning_result``: ``check_mode``, ``summary`` (the number of apps, and of apps in each status)
    and ``apps`` (each app's outcome)."""
    apps = outcomes(work, results)
    summary = dict(apps=len(apps))
    for status in STATUSES:
        summary[status] = len([app for app in apps if app["status"] == status])
    return dict(check_mode=bool(check_mode), summary=summary, apps=apps)


def utc_timestamp(now=None):
    """``now`` (default: this moment) as an ISO 8601 UTC timestamp to the second, such as 2026-01-31T08:15:00Z."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(run_result, org_url=None, generated_at=None):
    """The drift report's data: when it was made (UTC), for which org, in which mode (``check`` or ``apply``),
    then the role's result as it is."""
    run_result = run_result if isinstance(run_result, dict) else {}
    out = dict(generated_at=generated_at or utc_timestamp(), org_url=(org_url or "").rstrip("/") or None,
               mode="check" if run_result.get("check_mode") else "apply")
    out.update(run_result)
    return out
