# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rate-limit buckets like Okta's, per token, and fault injection.

Two buckets, as in Okta's Management API limits for apps:

* ``apps``: ``GET /api/v1/apps`` and every ``/api/v1/apps/{id}/...`` sub-resource (features, connections);
  every other ``/api`` path is counted here too;
* ``app``: ``GET``/``PUT /api/v1/apps/{id}`` itself, a larger bucket.

Each bucket has an org-wide limit per window and a per-token limit (the share one credential may use).
With the config ``rate_buckets: "shared"`` there is instead one bucket, ``shared``, for every ``/api`` request
and every credential, limited by ``rate_limit`` (the emulator's behaviour before the buckets existed).
Windows are fixed and aligned to multiples of ``rate_window`` seconds. A request is allowed when both its
token's count and the org's count are under their limits; a refused (429) request consumes nothing.
"""

from __future__ import annotations

import re

from .responses import _HTML_PAGE, _Response, status_error_body

BUCKETS = ("apps", "app")
BUCKET_MODES = ("okta", "shared")
_APP_PATH = re.compile(r"^/api/v1/apps/[^/]+$")

# config key -> (bucket, "token" | "org"); None in the config means the derived default below.
LIMIT_KEYS = {
    "rate_limit": ("apps", "token"),
    "rate_limit_org": ("apps", "org"),
    "app_rate_limit": ("app", "token"),
    "app_rate_limit_org": ("app", "org"),
}
APP_BUCKET_FACTOR = 5  # Okta: 100/min for the app list and sub-resources, 500/min for one app
ORG_SHARE = 2  # one token may use at most half of the org's limit


def bucket_for(config, path):
    if config.get("rate_buckets") == "shared":
        return "shared"
    return "app" if _APP_PATH.match(path) else "apps"


def limits(config, bucket):
    """(per-token limit, org-wide limit) of ``bucket`` under ``config``."""
    if bucket == "shared":
        return config["rate_limit"], config["rate_limit"]
    if bucket == "apps":
        token = config["rate_limit"]
        org = config.get("rate_limit_org")
    else:
        token = config.get("app_rate_limit")
        if token is None:
            token = config["rate_limit"] * APP_BUCKET_FACTOR
        org = config.get("app_rate_limit_org")
    if org is None:
        org = token * ORG_SHARE
    return token, org


class RateLimiter:
    """Fixed-window counters per bucket, per token and for the whole org."""

    def __init__(self):
        self.restart()

    def restart(self):
        self.windows = {}  # bucket -> window start
        self.used = {}  # (bucket, token key) -> count; token key None = the org

    def _window(self, config, bucket, now):
        length = max(1, config["rate_window"])
        start = int(now // length) * length
        if self.windows.get(bucket) != start:
            self.windows[bucket] = start
            for key in [k for k in self.used if k[0] == bucket]:
                del self.used[key]
        return start + length

    def peek(self, config, bucket, token_key, now):
        """(limit, remaining, reset) for ``token_key`` in ``bucket``, without consuming."""
        reset = self._window(config, bucket, now)
        token_limit, org_limit = limits(config, bucket)
        token_left = token_limit - self.used.get((bucket, token_key), 0)
        org_left = org_limit - self.used.get((bucket, None), 0)
        if org_left < token_left:
            return org_limit, max(0, org_left), reset
        return token_limit, max(0, token_left), reset

    def consume(self, config, bucket, token_key, now):
        """Consume one request.  Returns (allowed, limit, remaining, reset)."""
        limit, remaining, reset = self.peek(config, bucket, token_key, now)
        if remaining <= 0:
            return False, limit, 0, reset
        self.used[(bucket, token_key)] = self.used.get((bucket, token_key), 0) + 1
        self.used[(bucket, None)] = self.used.get((bucket, None), 0) + 1
        return True, limit, remaining - 1, reset

    def summary(self):
        names = BUCKETS + tuple(sorted(set(self.windows) - set(BUCKETS)))
        out = {bucket: {"window_start": self.windows.get(bucket), "org_used": 0, "tokens": 0} for bucket in names}
        for (bucket, key), count in self.used.items():
            if key is None:
                out[bucket]["org_used"] = count
            else:
                out[bucket]["tokens"] += 1
        return out


# ---------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------

FAULT_TYPES = ("status", "html", "non_json", "drop", "slow", "ignore_put")


def parse_faults(payload):
    """The faults of a POST /_admin/faults body, or a string saying what is wrong."""
    faults = payload if isinstance(payload, list) else [payload]
    parsed = []
    for fault in faults:
        if not isinstance(fault, dict):
            return "a fault must be an object"
        if fault.get("type") not in FAULT_TYPES:
            return "unknown fault type %r" % fault.get("type")
        if fault.get("path"):
            try:
                re.compile(fault["path"])
            except re.error as exc:
                return "bad path regex: %s" % exc
        fault = dict(fault)
        count = fault.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count == 0:
            return "count must be a non-zero integer (negative = unlimited)"
        fault["count"] = count
        fault["remaining"] = count
        if fault["type"] == "status" and not isinstance(fault.get("status"), int):
            return "status fault needs an integer 'status'"
        parsed.append(fault)
    return parsed


def match_fault(faults, method, path):
    """The first fault that applies to ``method path`` (its count spent), or None."""
    for fault in faults:
        if fault.get("method") and fault["method"].upper() != method:
            continue
        if fault.get("path") and not re.search(fault["path"], path):
            continue
        if fault["type"] == "ignore_put" and method != "PUT":
            continue
        if fault["remaining"] > 0:
            fault["remaining"] -= 1
            if fault["remaining"] == 0:
                faults.remove(fault)
        return fault
    return None


def fault_response(fault, reasons):
    """The answer a fault gives instead of the normal one; None for ``slow`` and ``ignore_put``."""
    kind = fault["type"]
    if kind == "status":
        status = int(fault.get("status", 500))
        return _Response(status, status_error_body(status))
    if kind == "html":
        status = int(fault.get("status", 502))
        reason = reasons.get(status, ("Error",))[0]
        page = _HTML_PAGE.format(code=status, reason=reason).encode()
        return _Response(status, page, content_type="text/html")
    if kind == "non_json":
        return _Response(int(fault.get("status", 200)), fault.get("body", "<html>oops</html>").encode())
    if kind == "drop":
        resp = _Response()
        resp.drop = True
        return resp
    return None
