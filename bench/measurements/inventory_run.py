# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 2, inventory-driven run at Okta's limit: the ``okta_apps`` inventory picks K hosts with a filter,
forks 10, ``okta_app_provisioning`` per host in check mode."""

import math

from benchlib.report import limited_notes, ratio_row
from benchlib.runner import limited_run
from measurements.org_audit import AUDIT_NAME, audit_variables, check_no_change, prepare_audit_org

NUMBER = "2"
KEY = "inventory_run"
TITLE = ("2. inventory-driven run: {0.inventory_apps} hosts, {0.inventory_forks} forks, {0.limit} per {0.window} s "
         "(minutes)")
PLAYBOOKS = ("inventory_provisioning.yml",)
OPTIONS = (("inventory-apps", 50, 10, "hosts picked by the inventory filter in measurement 2"),
           ("inventory-forks", 10, 10, "forks in measurement 2"))
TARGETS = dict(inventory_floor=1.10)


def measure(runner, args):
    """Measurement 2: hosts from the okta_apps inventory, okta_app_provisioning per host, forks 10, check mode."""
    emu = runner.emu
    labels, _ids, total = prepare_audit_org(emu, args.inventory_apps, args.org_apps)
    emu.limit(args.limit, args.window, "okta", args.limit_org)
    config = {"plugin": "oktaops.okta.okta_apps", "filter": 'name eq "{0}"'.format(AUDIT_NAME)}
    side = limited_run(runner, PLAYBOOKS[0], audit_variables(labels), args.limit, args.window,
                       check=True, forks=args.inventory_forks, inventory=("bench.okta_apps.yml", config))
    hosts = sorted({e["host"] for e in side.pop("results") if e["task"] == "Audit the app's provisioning"})
    check_no_change(side, "measurement 2")
    if len(hosts) != len(labels):
        raise SystemExit("measurement 2: the inventory gave {0} hosts, not {1}; see {2}".format(
            len(hosts), len(labels), side["workdir"]))
    side.update(apps=len(labels), org_apps=total, hosts=len(hosts), forks=args.inventory_forks,
                rate_limit=args.limit, rate_window=args.window,
                requests_expected=int(math.ceil(len(labels) / 200.0)) + 2 * len(labels))
    return side


def rows(inv):
    """The rows of the report for these figures."""
    rows = []
    rows.append(ratio_row("2. okta_apps inventory, {0} hosts, forks {1}, okta_app_provisioning ({2}/{3} s)".format(
        inv["hosts"], inv["forks"], inv["rate_limit"], inv["rate_window"]),
        "{0:.1f} s (floor {1:.0f} s), {2} failed".format(inv["seconds"], inv["floor"], inv["failed_hosts"]),
        inv["floor_ratio"], "<= {0:.2f}, 0 failed".format(TARGETS["inventory_floor"]),
        inv["failed_hosts"] == 0 and inv["floor_ratio"] is not None
        and inv["floor_ratio"] <= TARGETS["inventory_floor"],
        limited_notes(inv, "inventory run") + ["expected requests: {0}".format(inv["requests_expected"])]))
    return rows
