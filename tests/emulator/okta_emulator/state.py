# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's whole in-memory state: tokens, apps, config, request log, faults, buckets, OAuth."""

from __future__ import annotations

import collections
import json
import threading
import time

from .apps import build_app
from .connections import render_connection
from .features import FEATURE_DESCRIPTIONS, render_capabilities
from .limits import BUCKET_MODES, LIMIT_KEYS, RateLimiter
from .oauth import OAuthState
from .responses import MAX_LOG_ENTRIES


class EmulatorState:
    def __init__(self, seed_path, rate_limit, rate_window, max_page_size, clock_skew=0.0, rate_limit_org=None,
                 app_rate_limit=None, app_rate_limit_org=None, rate_buckets="okta"):
        self.lock = threading.Lock()
        self.seed_path = seed_path
        self.initial_config = {
            "rate_limit": int(rate_limit),
            "rate_window": int(rate_window),
            "max_page_size": int(max_page_size),
            "clock_skew": float(clock_skew),
            "rate_limit_org": rate_limit_org,
            "app_rate_limit": app_rate_limit,
            "app_rate_limit_org": app_rate_limit_org,
            "rate_buckets": rate_buckets,
        }
        self.reset()

    # -- loading ---------------------------------------------------------
    def reset(self):
        with open(self.seed_path, "r", encoding="utf-8") as fh:
            seed = json.load(fh)
        self.tokens = {}
        for tok in seed.get("tokens", []):
            self.tokens[(tok.get("kind", "SSWS").lower(), tok["token"])] = set(tok.get("scopes", []))
        self.apps = {}
        self._sorted_ids = None
        for app in seed.get("apps", []):
            self.add_app(app)
        self.config = dict(self.initial_config)
        self.log = collections.deque(maxlen=MAX_LOG_ENTRIES)
        self.seq = 0
        self.faults = []
        self.stats = {"requests": 0, "rate_limited": 0, "faults_applied": 0}
        self.limiter = RateLimiter()
        self.oauth = OAuthState()

    def add_app(self, spec):
        app = build_app(spec, self.apps)
        self.apps[app["id"]] = app
        self._sorted_ids = None
        return app

    def add_apps(self, specs):
        """Add every app of ``specs`` or none (ValueError)."""
        backup = dict(self.apps)
        try:
            return [self.add_app(spec) for spec in specs]
        except ValueError:
            self.apps = backup
            self._sorted_ids = None
            raise

    def sorted_ids(self):
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.apps)
        return self._sorted_ids

    # -- clock / rate limit ---------------------------------------------
    def now(self):
        return time.time() + self.config["clock_skew"]

    def consume(self, bucket, token_key, now):
        """Consume one request of ``token_key`` in ``bucket``.  Returns (allowed, limit, remaining, reset)."""
        return self.limiter.consume(self.config, bucket, token_key, now)

    def peek(self, bucket, token_key, now):
        return self.limiter.peek(self.config, bucket, token_key, now)

    def restart_bucket(self):
        self.limiter.restart()

    def set_config(self, payload):
        """Apply a POST /_admin/config body; returns an error string or None."""
        if not isinstance(payload, dict):
            return "config body must be an object"
        new = dict(self.config)
        for name, value in payload.items():
            if name in ("rate_limit", "rate_window", "max_page_size"):
                low = 0 if name == "rate_limit" else 1
                if isinstance(value, bool) or not isinstance(value, int) or value < low:
                    return "%s must be a %s integer" % (name, "non-negative" if low == 0 else "positive")
            elif name in LIMIT_KEYS:
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    return "%s must be a non-negative integer or null (the default)" % name
            elif name == "rate_buckets":
                if value not in BUCKET_MODES:
                    return "rate_buckets must be one of %s" % ", ".join(BUCKET_MODES)
            elif name == "clock_skew":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    return "clock_skew must be a number of seconds"
                value = float(value)
            else:
                return "unknown config key %r" % name
            new[name] = value
        self.config = new
        if set(payload) & (set(LIMIT_KEYS) | {"rate_window", "rate_buckets"}):
            self.restart_bucket()
        return None

    # -- rendering --------------------------------------------------------
    def render_feature(self, app, name, base):
        return {
            "name": name,
            "status": "ENABLED" if app["provisioning"] else "DISABLED",
            "description": FEATURE_DESCRIPTIONS[name],
            "capabilities": render_capabilities(name, app["features"][name]),
            "_links": {
                "self": {
                    "href": "%s/api/v1/apps/%s/features/%s" % (base, app["id"], name),
                    "hints": {"allow": ["GET", "PUT"]},
                }
            },
        }

    def snapshot(self, base):
        return {
            "apps": {
                app_id: {
                    "id": app_id,
                    "label": app["label"],
                    "name": app["name"],
                    "status": app["status"],
                    "signOnMode": app["signOnMode"],
                    "provisioning": app["provisioning"],
                    "features": {n: self.render_feature(app, n, base) for n in app["features"]},
                    "connection": render_connection(app, base),
                    # what the connection holds, also where its answers leave the client id out (returnsClientId)
                    "connection_client_id": app["connection"]["clientId"],
                    "token_sets": app["token_sets"],
                }
                for app_id, app in ((i, self.apps[i]) for i in self.sorted_ids())
            },
            "stats": dict(self.stats),
            "config": dict(self.config),
        }
