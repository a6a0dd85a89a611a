# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 4c, converging N apps that all need a change: ``okta_app_feature`` against the ``uri`` recipe, the
emulator reset before each run and the result checked in its state."""

from benchlib.emulator import CHANGE, app_ids
from benchlib.report import alternating_row
from benchlib.runner import alternating, require_ok

NUMBER = "4c"
KEY = "converge"
TITLE = "4c. converging {0.apps} apps, {0.repeat} rounds"
PLAYBOOKS = ("feature_converge.yml", "uri_recipe.yml")
OPTIONS = (("apps", 50, 10, "apps to converge in measurement 4c"),)
TARGETS = dict(converge=0.6)


def converge_check(emu, ids, playbook, run):
    require_ok(run, playbook)
    missing = sorted(set(ids) - set(emu.converged(ids)))
    if missing:
        raise SystemExit("{0} did not converge app {1}".format(playbook, ", ".join(missing)))
    log = emu.requests_log()
    return dict(requests=len(log), puts=sum(1 for e in log if e["method"] == "PUT"),
                rate_limited=sum(1 for e in log if e["status"] == 429))


def measure(runner, args):
    emu = runner.emu
    ids = app_ids("Conv", args.apps)
    checks = {}

    def check(playbook, run):
        checks[playbook] = converge_check(emu, ids, playbook, run)

    figures = alternating(runner, PLAYBOOKS, dict(app_ids=ids, desired=CHANGE), args.repeat, lambda: emu.fresh(ids),
                          check)
    figures.update(apps=args.apps, module_requests=checks[PLAYBOOKS[0]], uri_requests=checks[PLAYBOOKS[1]])
    return figures


def rows(conv):
    """The rows of the report for these figures."""
    return [alternating_row("4c. converge {0} apps: okta_app_feature vs uri recipe".format(conv["apps"]), conv,
                            TARGETS["converge"], ["requests: okta_app_feature {0[requests]}, uri recipe {1[requests]}".format(
                                conv["module_requests"], conv["uri_requests"])])]
