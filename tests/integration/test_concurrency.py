# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rate limits under concurrency: one host per app, 20 forks, one org with a tight rate limit.

The inventory pattern documented in docs/docsite/rst/rate_limits.rst: every app is a host with
``ansible_connection=local`` and a host variable ``app_id``, so Ansible's forks run the module for many apps at
once against the same org. The emulator's bucket allows 50 requests per 10-second window, and 100 apps each need
a change (a GET and a PUT).

On its own, a 2-core test machine does not start modules fast enough to spend 50 requests in 10 seconds (a first
measurement peaked at 40), so the rate limit would never be hit and the test would prove nothing. As in a real
org, where every integration draws on the same per-org bucket, a neighbour shares it: at the start of each window
it spends 25 of the 50 requests, leaving the playbook 25 per window. The run must still finish with no failed
host, the emulator must hold the desired state for every app, and a second run must change nothing.

The wall time and the number of 429s are printed (``pytest -s``) and written to
tests/output/reliability-figures.json; the reliability page quotes them.
"""

import json
import math
import os
import threading
import time

import requests

from conftest import READONLY_TOKEN, RELIABILITY_FIGURES, SLACK
from lib.reliability import CHANGE, CHANGED_CAPS, FEATURE, USER, add_apps, assert_honest, held, run_loud

APPS = ["0oaScale{0:03d}".format(number) for number in range(100)]
FORKS = 20
RATE_LIMIT = 50
RATE_WINDOW = 10
NEIGHBOUR_SHARE = 25
NEIGHBOUR_AGENT = "reliability-test-neighbour"
FIGURES = RELIABILITY_FIGURES


def inventory():
    lines = ["[okta_apps]"]
    for number, app_id in enumerate(APPS):
        lines.append("app{0:03d} ansible_connection=local app_id={1}".format(number, app_id))
    return "\n".join(lines) + "\n"


TASKS = [{"name": "USER_PROVISIONING baseline", FEATURE: {
    "app_id": "{{ app_id }}", "feature": USER, "capabilities": CHANGE}}]


class Neighbour(threading.Thread):
    """Another integration of the same org: spends NEIGHBOUR_SHARE requests at the start of every window."""

    def __init__(self, emu):
        super(Neighbour, self).__init__(daemon=True)
        self.url = "{0}/api/v1/apps/{1}".format(emu.url, SLACK)
        self.ca_file = emu.ca_file
        self.stopping = threading.Event()

    def run(self):
        session = requests.Session()
        session.trust_env = False
        session.headers.update({"Authorization": "SSWS " + READONLY_TOKEN, "User-Agent": NEIGHBOUR_AGENT})
        while not self.stopping.is_set():
            for _unused in range(NEIGHBOUR_SHARE):
                if self.stopping.is_set():
                    break
                try:
                    if session.get(self.url, verify=self.ca_file, timeout=10).status_code == 429:
                        break  # the playbook got there first in this window
                except requests.RequestException:
                    break
            # The emulator's windows start at multiples of RATE_WINDOW (its clock has no skew here).
            next_window = (math.floor(time.time() / RATE_WINDOW) + 1) * RATE_WINDOW
            self.stopping.wait(next_window - time.time() + 0.01)
        session.close()

    def stop(self):
        self.stopping.set()
        self.join(30)


def module_requests(log):
    return [entry for entry in log if (entry["user_agent"] or "").startswith("oktaops.okta/")]


def run_scale(emu):
    emu.admin("DELETE", "/_admin/requests")
    neighbour = Neighbour(emu)
    started = time.monotonic()
    neighbour.start()
    try:
        run = run_loud(emu, TASKS, inventory=inventory(), forks=FORKS, timeout=900)
    finally:
        neighbour.stop()
    wall = time.monotonic() - started
    after = emu.state()
    ours = module_requests(emu.requests())
    figures = dict(
        wall_seconds=round(wall, 1),
        requests=len(ours),
        rate_limited=sum(1 for entry in ours if entry["status"] == 429),
        # The most retries any one request needed (the default limit is 5).
        most_retries=max([int(entry["headers_subset"].get("X-Okta-Retry-Count", 0)) for entry in ours] or [0]),
        hosts=len(run.results),
        changed=sum(1 for entry in run.results if entry["status"] == "changed"),
        failed=sum(1 for entry in run.results if entry["status"] == "failed"),
        warnings=sum(len(entry["result"].get("warnings") or []) for entry in run.results),
        # Waits for the reset taken after a success that left X-Rate-Limit-Remaining at 0 (no 429 spent).
        pauses=sum(1 for entry in run.results for warning in entry["result"].get("warnings") or []
                   if "window is used up" in warning),
    )
    return run, after, figures


def test_hundred_apps_twenty_forks_tight_rate_limit(emu):
    add_apps(emu, APPS)
    emu.admin("POST", "/_admin/config", json={"rate_limit": RATE_LIMIT, "rate_window": RATE_WINDOW})

    first, state, figures = run_scale(emu)
    log = module_requests(emu.requests())
    assert first.rc == 0, first.stdout[-4000:]
    assert figures["hosts"] == len(APPS)
    assert figures["failed"] == 0, [e["result"].get("msg") for e in first.results if e["status"] == "failed"][:5]
    assert figures["changed"] == len(APPS)
    for entry in first.results:
        app_id = entry["result"]["app_id"]
        assert_honest(entry["status"], entry["result"], log, state, app_id)
    for app_id in APPS:
        assert held(state, app_id) == CHANGED_CAPS, app_id
    # The run really was throttled: the bucket ran dry and the modules waited instead of failing.
    assert figures["rate_limited"] > 0 or figures["warnings"] > 0, "the test did not exercise the rate limit"
    assert sum(1 for e in log if e["status"] == 200) == 2 * len(APPS), "one GET and one PUT per app"

    second, state, again = run_scale(emu)
    assert second.rc == 0, second.stdout[-4000:]
    assert again["hosts"] == len(APPS) and again["failed"] == 0
    assert again["changed"] == 0, "a second run must report no change"
    assert all(e["method"] == "GET" for e in module_requests(emu.requests())), "a run with nothing to change must not write"
    for app_id in APPS:
        assert held(state, app_id) == CHANGED_CAPS

    report = dict(apps=len(APPS), forks=FORKS, rate_limit=RATE_LIMIT, rate_window=RATE_WINDOW,
                  neighbour_share=NEIGHBOUR_SHARE, first_run=figures, second_run=again)
    os.makedirs(os.path.dirname(FIGURES), exist_ok=True)
    with open(FIGURES, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    print("\nconcurrency run: {apps} apps, {forks} forks, bucket {rate_limit} requests / {rate_window} s, "
          "{neighbour_share} of them per window spent by a neighbour".format(**report))
    for name in ("first_run", "second_run"):
        print("  {0}: wall time {1[wall_seconds]} s, {1[requests]} requests, {1[rate_limited]} answered 429 and "
              "absorbed, {1[pauses]} waits for a used-up window, at most {1[most_retries]} retries for one request, "
              "{1[changed]} changed, {1[failed]} failed".format(name, report[name]))
