# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unauthenticated admin API under ``/_admin``: a table of (method, path) -> handler.

Every handler takes ``(state, emulator, payload)`` (the JSON body or None), runs under the state lock and
returns a ``_Response``. See README.md for the endpoints and their JSON shapes.
"""

from __future__ import annotations

import copy
import time

from .apps import generate_specs, summary
from .limits import parse_faults
from .responses import _Response

GENERATE_MAX = 100_000


def ok(obj, status=200):
    return _Response(status, obj, rate=False)


def bad(msg, status=400):
    return _Response(status, {"error": msg}, rate=False)


def health(_state, _emu, _payload):
    return ok({"ok": True})


def get_requests(state, _emu, _payload):
    return ok(list(state.log))


def clear_requests(state, _emu, _payload):
    state.log.clear()
    return ok({"ok": True})


def get_state(state, emu, _payload):
    return ok(state.snapshot(emu.url))


def reset(state, _emu, _payload):
    try:
        state.reset()
    except (OSError, ValueError, KeyError) as exc:
        return bad("seed reload failed: %s" % exc, 500)
    return ok({"ok": True})


def add_apps(state, _emu, payload):
    specs = payload if isinstance(payload, list) else [payload]
    try:
        created = state.add_apps(specs)
    except ValueError as exc:
        return bad(str(exc))
    return ok([summary(app) for app in created], 201)


def generate_apps(state, _emu, payload):
    """``{"count": N, "seed": S, "prefix": "Gen"}``: N apps with a realistic mix, the same for the same seed."""
    if not isinstance(payload, dict) or set(payload) - {"count", "seed", "prefix"}:
        return bad("body must be {\"count\": N, \"seed\": S, \"prefix\": \"...\"}")
    count, seed, prefix = payload.get("count"), payload.get("seed", 1), payload.get("prefix", "Gen")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= GENERATE_MAX:
        return bad("count must be an integer from 1 to %d" % GENERATE_MAX)
    if isinstance(seed, bool) or not isinstance(seed, (int, str)):
        return bad("seed must be an integer or a string")
    if not isinstance(prefix, str) or not prefix:
        return bad("prefix must be a non-empty string")
    started = time.monotonic()
    try:
        created = state.add_apps(generate_specs(count, seed, prefix, state.apps))
    except ValueError as exc:
        return bad(str(exc))
    kinds = {}
    for app in created:
        key = "none" if not app["features"] else "+".join(sorted(app["features"]))
        kinds[key] = kinds.get(key, 0) + 1
    return ok({"ids": [app["id"] for app in created], "count": len(created), "provisioning": kinds,
               "seconds": round(time.monotonic() - started, 3)}, 201)


def get_config(state, _emu, _payload):
    return ok(dict(state.config))


def set_config(state, _emu, payload):
    error = state.set_config(payload)
    return bad(error) if error else ok(dict(state.config))


def get_limits(state, _emu, _payload):
    from .limits import BUCKETS, limits

    out = state.limiter.summary()
    for bucket in BUCKETS + (("shared",) if "shared" in out else ()):
        out[bucket]["token_limit"], out[bucket]["org_limit"] = limits(state.config, bucket)
    out["window"] = state.config["rate_window"]
    out["mode"] = state.config["rate_buckets"]
    return ok(out)


def add_clients(state, _emu, payload):
    specs = payload if isinstance(payload, list) else [payload]
    backup = dict(state.oauth.clients)
    try:
        created = [state.oauth.add_client(spec) for spec in specs]
    except ValueError as exc:
        state.oauth.clients = backup
        return bad(str(exc))
    return ok(copy.deepcopy(created), 201)


def get_clients(state, _emu, _payload):
    return ok(copy.deepcopy(sorted(state.oauth.clients.values(), key=lambda c: c["client_id"])))


def get_dpop(state, _emu, _payload):
    return ok(state.oauth.summary())


def set_dpop(state, _emu, payload):
    if not isinstance(payload, dict) or set(payload) - {"rotate_nonces"}:
        return bad("body must be {\"rotate_nonces\": true}")
    if payload.get("rotate_nonces"):
        state.oauth.rotate_nonces()
    return ok(state.oauth.summary())


def get_faults(state, _emu, _payload):
    return ok(copy.deepcopy(state.faults))


def clear_faults(state, _emu, _payload):
    state.faults.clear()
    return ok({"ok": True})


def add_faults(state, _emu, payload):
    parsed = parse_faults(payload)
    if isinstance(parsed, str):
        return bad(parsed)
    state.faults.extend(parsed)
    return ok(copy.deepcopy(state.faults), 201)


ROUTES = {
    ("GET", "/_admin/health"): health,
    ("GET", "/_admin/requests"): get_requests,
    ("DELETE", "/_admin/requests"): clear_requests,
    ("GET", "/_admin/state"): get_state,
    ("POST", "/_admin/reset"): reset,
    ("POST", "/_admin/apps"): add_apps,
    ("POST", "/_admin/apps/generate"): generate_apps,
    ("GET", "/_admin/config"): get_config,
    ("POST", "/_admin/config"): set_config,
    ("GET", "/_admin/limits"): get_limits,
    ("POST", "/_admin/clients"): add_clients,
    ("GET", "/_admin/clients"): get_clients,
    ("GET", "/_admin/dpop"): get_dpop,
    ("POST", "/_admin/dpop"): set_dpop,
    ("GET", "/_admin/faults"): get_faults,
    ("DELETE", "/_admin/faults"): clear_faults,
    ("POST", "/_admin/faults"): add_faults,
}


def dispatch(state, emu, method, path, payload):
    handler = ROUTES.get((method, path.rstrip("/") or "/"))
    if handler is None:
        return bad("unknown admin endpoint %s %s" % (method, path), 404)
    return handler(state, emu, payload)
