# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator as the benchmark uses it: started by the launcher the integration tests use, plus the org set-ups
(reset, apps added, buckets) that the measurements prepare outside their measured runs."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The launcher is a test utility (tests/utils/emulator_launcher.py), shared with tests/integration/conftest.py.
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
import emulator_launcher  # noqa: E402  pylint: disable=wrong-import-position,import-error

MANAGE_TOKEN = emulator_launcher.MANAGE_TOKEN
SLACK = "0oa1slk7q2HXw9ZbT5d7"
FEATURE = "USER_PROVISIONING"
# What every freshly added app needs: the emulator's default USER_PROVISIONING has every status DISABLED.
# Okta's own spelling, so the uri recipe can merge it into Okta's answer as it is (the module accepts it too).
CHANGE = {"update": {"profile": {"status": "ENABLED"}, "password": {"status": "ENABLED", "change": "CHANGE"}}}
# Measurements 3 and 4a to 4c measure requests and overhead, not throttling: the bucket is made large enough.
UNTHROTTLED = 1000000


def app_ids(prefix, count):
    return ["0oaBench{0}{1:03d}".format(prefix, number) for number in range(count)]


class BenchEmulator(object):
    """The emulator over TLS with one bucket for every request (``--rate-buckets shared``) until a measurement
    sets the buckets it needs."""

    def __init__(self, workdir):
        try:
            self.process = emulator_launcher.start(workdir, ("--rate-buckets", "shared"), timeout=30,
                                                   admin_timeout=60)
        except RuntimeError as exc:
            raise SystemExit(str(exc))
        self.url = self.process.url
        self.ca_file = self.process.ca_file
        self.admin = self.process.admin
        self.stop = self.process.stop

    def api(self, method, path, body=None):
        """A request to the emulator's Okta API with the manage token (used to prepare an org, never measured)."""
        resp = self.process.api(method, path, json=body)
        if resp.status_code >= 300:
            raise SystemExit("preparing the org: {0} {1} answered {2}".format(method, path, resp.status_code))
        return resp.json() if resp.content else None

    def fresh(self, ids=(), rate_limit=UNTHROTTLED, rate_window=60, max_page_size=None, rate_buckets="shared",
              rate_limit_org=None):
        """Reset to the seed, add apps (default features, so each needs CHANGE), set the rate limit."""
        self.admin("POST", "/_admin/reset")
        if ids:
            self.admin("POST", "/_admin/apps", [{"id": app_id, "label": "Bench " + app_id} for app_id in ids])
        self.limit(rate_limit, rate_window, rate_buckets, rate_limit_org, max_page_size)
        self.admin("DELETE", "/_admin/requests")

    def limit(self, rate_limit, rate_window, rate_buckets="okta", rate_limit_org=None, max_page_size=None):
        """Set the buckets (this restarts them); the one-app bucket keeps its default, 5 x the apps bucket."""
        config = dict(rate_limit=rate_limit, rate_window=rate_window, rate_buckets=rate_buckets,
                      rate_limit_org=rate_limit_org, app_rate_limit=None, app_rate_limit_org=None)
        if max_page_size:
            config["max_page_size"] = max_page_size
        self.admin("POST", "/_admin/config", config)

    def converged(self, ids):
        """The apps of ``ids`` whose USER_PROVISIONING holds CHANGE (what measurements 4c and 4d converge)."""
        apps = self.state()["apps"]
        done = []
        for app_id in ids:
            update = apps[app_id]["features"][FEATURE]["capabilities"]["update"]
            if update["profile"]["status"] == "ENABLED" and update["password"]["change"] == "CHANGE":
                done.append(app_id)
        return done

    def requests_log(self):
        return self.process.requests()

    def state(self):
        return self.process.state()
