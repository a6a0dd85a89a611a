# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's benchmark: org-wide runs at Okta's rate limit, inventory scale, and per-task costs.

Every measurement runs real ``ansible-playbook`` (or ``ansible-inventory``) processes against the Okta emulator
(a subprocess, over TLS) and compares two sides in one run:

1. Org audit at Okta's limit: K apps given by label in an org of N apps, connection and both features managed,
   nothing to change, check mode; the role ``app_provisioning`` against the 0.1.0 layout (per app
   ``okta_app_connection`` then ``okta_app_feature`` per feature, each by label). Per-token buckets as Okta's paid
   org: 50 requests per 60-second window for ``/api/v1/apps*`` (100 for the org).
2. Inventory-driven run at the same limit: the ``okta_apps`` inventory picks K hosts with a filter, forks 10,
   ``okta_app_provisioning`` per host in check mode.
3. Inventory scale: ``ansible-inventory --list`` of an org of 5,000 apps against a static YAML inventory holding
   the same hosts and host variables (time and peak memory of each; the bucket never waits).
4. Per-task costs, with a bucket that never answers 429:
   a. requests per task, read from the emulator's request log;
   b. overhead: N no-change ``okta_app_feature`` tasks against N ``ansible.builtin.uri`` GETs;
   c. converging N apps that all need a change: ``okta_app_feature`` against the ``uri`` recipe;
   d. controller overhead: one host per app, 20 forks, a bucket of 50 requests per 10 s (six times a token's
      real budget), where a 2-core controller's CPU, not the bucket, decides the time. Documented, no target.

The floor of a rate-limited run (1, 2 and 4d) is the earliest time its last request can be answered: a run
started at a window boundary with a fresh bucket of B requests per W-second window gets its first B requests
answered in the first window and each further B in one more window, so R requests need
``floor(R) = (ceil(R / B) - 1) * W`` seconds (0 for R <= B). R counts the requests answered in the bucket that
limits the run (``/api/v1/apps*``; 429 answers consume nothing and are counted apart).

``make bench`` runs everything at full size (about half an hour; the 60-second windows are Okta's); ``make
bench-quick`` (``--quick``) uses 10-second windows, smaller orgs and one round, for development only: its
figures are not the published ones. Results go to ``bench/results/`` (JSON, table, charts, playbook output).

The script is the driver: each measurement is a module of ``bench/measurements/`` (its number, options, targets,
playbooks, figures and rows), ``bench/benchlib/`` holds what they share (the emulator, started by
``tests/utils/emulator_launcher.py`` as the integration tests start it; running playbooks; the report).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

from benchlib.emulator import ROOT, BenchEmulator
from benchlib.report import rst_table, table
from benchlib.runner import BENCH, Runner
from measurements import ALL

# Options more than one measurement uses: (option, full size, --quick size, help). Each measurement's own are in its
# module (OPTIONS).
SHARED_OPTIONS = (
    ("window", 60, 10, "rate-limit window in seconds, measurements 1 and 2"),
    ("limit", 50, 10, "a token's requests per window on /api/v1/apps*, measurements 1 and 2"),
    ("limit-org", 100, 20, "the org's requests per window on /api/v1/apps*, measurements 1 and 2"),
    ("org-apps", 250, 60, "N, apps in the org of measurements 1 and 2, the 35 seed apps included"),
    ("repeat", 5, 1, "rounds (A then B) of measurements 4b and 4c"),
)
MEASUREMENTS = tuple(m.NUMBER for m in ALL)
TARGETS = {name: value for m in ALL for name, value in m.TARGETS.items()}


def report_rows(report):
    """Every figure of the report as a row (label, figure, ratio, target, met) with notes for the text table."""
    return [row for m in ALL if report.get(m.KEY) for row in m.rows(report[m.KEY])]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="development sizes: 10-second windows, 10 requests per window, small orgs, one round "
                             "(not the published figures)")
    sizes = parser.add_argument_group("sizes (defaults: full size, or the --quick sizes)")
    defaults = {}
    for name, full, quick, help_text in SHARED_OPTIONS + tuple(option for m in ALL for option in m.OPTIONS):
        sizes.add_argument("--" + name, type=int, default=None, help="{0} (full: {1})".format(help_text, full))
        defaults[name.replace("-", "_")] = (full, quick)
    parser.add_argument("--only", default=",".join(MEASUREMENTS),
                        help="which measurements to run, such as 1,3,4b (all: {0})".format(",".join(MEASUREMENTS)))
    parser.add_argument("--results", default=os.path.join(BENCH, "results"))
    for m in ALL:
        if hasattr(m, "CHART"):
            parser.add_argument("--" + m.CHART[1].replace("_", "-"), dest=m.CHART[1], default=None, help=m.CHART[2])
    parser.add_argument("--collections-path", default=os.path.join(ROOT, ".build", "collections"))
    parser.add_argument("--table-from", default=None, metavar="RESULTS_JSON",
                        help="print the table (and write table.rst beside it) of an earlier run's results.json")
    args = parser.parse_args()
    for key, (full, quick) in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, quick if args.quick else full)
    args.only = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = args.only - set(MEASUREMENTS)
    if unknown:
        parser.error("unknown measurement(s) {0}; choose from {1}".format(
            ", ".join(sorted(unknown)), ", ".join(MEASUREMENTS)))
    return args


def write_report(report, results_dir):
    text = table(report_rows(report))
    print()
    print(text)
    with open(os.path.join(results_dir, "results.json"), "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    with open(os.path.join(results_dir, "table.txt"), "w") as handle:
        handle.write(text + "\n")
    with open(os.path.join(results_dir, "table.rst"), "w") as handle:
        handle.write(rst_table(report_rows(report)))


def main():
    args = parse_args()
    if args.table_from:
        with open(args.table_from) as handle:
            report = json.load(handle)
        print(table(report_rows(report)))
        with open(os.path.join(os.path.dirname(args.table_from), "table.rst"), "w") as handle:
            handle.write(rst_table(report_rows(report)))
        return
    link = os.path.join(args.collections_path, "ansible_collections", "oktaops", "okta")
    if not os.path.isdir(link):
        raise SystemExit("{0} does not hold the collection: run 'make link' first".format(link))
    os.makedirs(args.results, exist_ok=True)
    results_dir = tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=args.results)
    emu = BenchEmulator(results_dir)
    runner = Runner(emu, results_dir, args.collections_path)
    settings = dict(vars(args), only=sorted(args.only))
    report = dict(started=time.strftime("%Y-%m-%dT%H:%M:%S%z"), python=sys.version.split()[0], quick=args.quick,
                  cpus=os.cpu_count(), load_average_before=os.getloadavg(), targets=TARGETS, args=settings)
    try:
        for measurement in ALL:
            if measurement.NUMBER in args.only:
                print(measurement.TITLE.format(args) + " ...", flush=True)
                report[measurement.KEY] = measurement.measure(runner, args)
    finally:
        emu.stop()
    report["load_average_after"] = os.getloadavg()
    write_report(report, results_dir)
    for measurement in ALL:
        if hasattr(measurement, "CHART") and measurement.KEY in report:
            name, copy_option, _help = measurement.CHART
            png = measurement.chart(report[measurement.KEY], os.path.join(results_dir, name))
            if png and getattr(args, copy_option):
                shutil.copyfile(png, getattr(args, copy_option))
    print("\nraw results: {0}".format(os.path.join(results_dir, "results.json")))
    print("load average before {0[0]:.1f}, after {1[0]:.1f} on {2} CPUs (figures from a busy machine are noisy)".format(
        report["load_average_before"], report["load_average_after"], report["cpus"]))
    if args.quick:
        print("quick mode: 10-second windows and small sizes, for development; the published figures are full size")


if __name__ == "__main__":
    main()
