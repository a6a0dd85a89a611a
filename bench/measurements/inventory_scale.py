# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 3, inventory scale: ``ansible-inventory --list`` of an org of 5,000 apps against a static YAML inventory
holding the same hosts and host variables (time and peak memory of each; the bucket never waits)."""

import json
import os
import subprocess
import sys

import yaml

from benchlib.emulator import MANAGE_TOKEN, UNTHROTTLED
from benchlib.report import ratio_row
from benchlib.runner import spread

NUMBER = "3"
KEY = "scale"
TITLE = "3. inventory scale: {0.scale_apps} apps, {0.scale_repeat} rounds"
PLAYBOOKS = ()
OPTIONS = (("scale-apps", 5000, 1000, "apps in the org of measurement 3"),
           ("scale-repeat", 3, 1, "rounds of measurement 3"))
TARGETS = dict(scale_time=2.0, scale_memory=2.0)


# Runs a command in a fresh process and reports its wall time and the peak RSS of the command (the largest
# child this process waited for), so nothing else of the benchmark's own children is counted.
MEASURE_CHILD = """
import json, resource, subprocess, sys, time
started = time.monotonic()
with open(sys.argv[1], "wb") as out:
    rc = subprocess.call(sys.argv[2:], stdout=out)
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps(dict(rc=rc, wall=wall, max_rss_kib=usage.ru_maxrss, cpu=usage.ru_utime + usage.ru_stime)))
"""


def measured(cmd, env, out_path, cwd):
    proc = subprocess.run([sys.executable, "-c", MEASURE_CHILD, out_path] + cmd, env=env, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, universal_newlines=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit("measurement 3: {0} failed: {1}".format(" ".join(cmd), proc.stderr[-2000:]))
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    if figures["rc"] != 0:
        raise SystemExit("measurement 3: {0} exited {1}: {2}".format(" ".join(cmd), figures["rc"], proc.stderr[-2000:]))
    return figures


def static_inventory(listing):
    """A static YAML inventory with the hosts, groups and host variables of an ``ansible-inventory --list``."""
    hostvars = listing.get("_meta", {}).get("hostvars", {})
    children = {}
    for group, content in listing.items():
        if group in ("_meta", "all", "ungrouped") or not content.get("hosts"):
            continue
        children[group] = {"hosts": {host: None for host in content["hosts"]}}
    return {"all": {"hosts": hostvars, "children": children}}


def same_inventory(first, second):
    def groups(listing):
        return {g: sorted(c.get("hosts", [])) for g, c in listing.items() if g not in ("_meta", "all")
                and c.get("hosts")}
    return first["_meta"]["hostvars"] == second["_meta"]["hostvars"] and groups(first) == groups(second)


def measure(runner, args):
    """Measurement 3: ansible-inventory --list of an org of N apps against a static inventory of the same hosts."""
    emu = runner.emu
    emu.admin("POST", "/_admin/reset")
    emu.limit(UNTHROTTLED, 60, "okta")
    present = len(emu.state()["apps"])
    emu.admin("POST", "/_admin/apps/generate", {"count": args.scale_apps - present, "seed": 3, "prefix": "Gen"})
    workdir = runner.workdir()
    dynamic = os.path.join(workdir, "scale.okta_apps.yml")
    static = os.path.join(workdir, "static.yml")
    with open(dynamic, "w") as handle:
        yaml.safe_dump({"plugin": "oktaops.okta.okta_apps", "include_inactive": True, "ca_path": emu.ca_file}, handle)
    env = runner.env({"OKTA_ORG_URL": emu.url, "OKTA_API_TOKEN": MANAGE_TOKEN})
    command = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
    out = {"dynamic": os.path.join(workdir, "dynamic.json"), "static": os.path.join(workdir, "static.json")}
    # Unmeasured first runs: they compile the plugin's bytecode, and give the listing the static file is made of.
    measured([command, "-i", dynamic, "--list"], env, out["dynamic"], workdir)
    with open(out["dynamic"]) as handle:
        listing = json.load(handle)
    with open(static, "w") as handle:
        yaml.safe_dump(static_inventory(listing), handle, default_flow_style=False)
    measured([command, "-i", static, "--list"], env, out["static"], workdir)
    with open(out["static"]) as handle:
        if not same_inventory(listing, json.load(handle)):
            raise SystemExit("measurement 3: the static inventory does not list the same hosts and variables")
    runs = {"dynamic": [], "static": []}
    list_requests = []
    for _round in range(args.scale_repeat):
        for side, source in (("dynamic", dynamic), ("static", static)):
            emu.admin("DELETE", "/_admin/requests")
            runs[side].append(measured([command, "-i", source, "--list"], env, out[side], workdir))
            if side == "dynamic":
                list_requests.append(len(emu.requests_log()))
    figures = {}
    for side in runs:
        figures[side] = dict(wall=spread([r["wall"] for r in runs[side]]),
                             max_rss_mib=spread([r["max_rss_kib"] / 1024.0 for r in runs[side]]),
                             cpu=spread([r["cpu"] for r in runs[side]]))
    return dict(apps=len(listing["_meta"]["hostvars"]), repeat=args.scale_repeat, requests=list_requests,
                static_file_bytes=os.path.getsize(static), workdir=workdir,
                time_ratio=figures["dynamic"]["wall"]["median"] / figures["static"]["wall"]["median"],
                memory_ratio=figures["dynamic"]["max_rss_mib"]["median"] / figures["static"]["max_rss_mib"]["median"],
                **figures)


def rows(scale):
    """The rows of the report for these figures."""
    rows = []
    dyn, sta = scale["dynamic"], scale["static"]
    notes = ["{0} rounds; okta_apps {1[min]:.2f}..{1[max]:.2f} s, static {2[min]:.2f}..{2[max]:.2f} s; "
             "list requests per run {3}; static file {4:.1f} MB".format(
                 scale["repeat"], dyn["wall"], sta["wall"], scale["requests"], scale["static_file_bytes"] / 1e6)]
    rows.append(ratio_row("3. ansible-inventory --list, {0} apps: okta_apps against static YAML, time".format(
        scale["apps"]), "{0:.2f} s against {1:.2f} s".format(dyn["wall"]["median"], sta["wall"]["median"]),
        scale["time_ratio"], "<= {0:.2f}".format(TARGETS["scale_time"]),
        scale["time_ratio"] <= TARGETS["scale_time"], notes))
    rows.append(ratio_row("3. the same, peak memory (RSS)", "{0:.0f} MiB against {1:.0f} MiB".format(
        dyn["max_rss_mib"]["median"], sta["max_rss_mib"]["median"]), scale["memory_ratio"],
        "<= {0:.2f}".format(TARGETS["scale_memory"]), scale["memory_ratio"] <= TARGETS["scale_memory"]))
    return rows
