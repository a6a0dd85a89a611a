# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 4b, overhead: N no-change ``okta_app_feature`` tasks against N ``ansible.builtin.uri`` GETs of the
same feature, the sides alternating round by round."""

from benchlib.emulator import FEATURE, SLACK
from benchlib.report import alternating_row
from benchlib.runner import alternating, require_ok

NUMBER = "4b"
KEY = "overhead"
TITLE = "4b. overhead: {0.tasks} tasks, {0.repeat} rounds"
PLAYBOOKS = ("feature_noop.yml", "uri_get.yml")
OPTIONS = (("tasks", 50, 5, "tasks per loop in measurement 4b"),)
TARGETS = dict(overhead=1.05)


def measure(runner, args):
    count = args.tasks
    emu = runner.emu
    emu.fresh()
    current = emu.state()["apps"][SLACK]["features"][FEATURE]["capabilities"]
    noop = {"update": {"profile": {"status": current["update"]["profile"]["status"]}}}

    def check(playbook, run):
        require_ok(run, playbook)
        log = emu.requests_log()
        if len(log) != count or any(e["method"] != "GET" or e["status"] != 200 for e in log):
            raise SystemExit("{0}: expected {1} GETs answered 200, the emulator logged {2}".format(
                playbook, count, [(e["method"], e["status"]) for e in log][:10]))
        if playbook == PLAYBOOKS[0] and any(e["status"] == "changed" for e in run["results"]):
            raise SystemExit("the no-change loop reported a change")

    figures = alternating(runner, PLAYBOOKS, dict(app_ids=[SLACK], count=count, desired=noop), args.repeat,
                          lambda: emu.admin("DELETE", "/_admin/requests"), check)
    figures.update(tasks=count, per_task_module=figures["module"]["median"] / count,
                   per_task_uri=figures["uri"]["median"] / count)
    return figures


def rows(over):
    """The rows of the report for these figures."""
    return [alternating_row("4b. {0} no-change okta_app_feature vs {0} uri GETs".format(over["tasks"]), over,
                            TARGETS["overhead"])]
