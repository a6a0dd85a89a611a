# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 4d, controller overhead: one host per app, 20 forks, a bucket of 50 requests per 10 s (six times a
token's real budget), where a 2-core controller's CPU, not the bucket, decides the time. Documented, no target."""

import math

from benchlib.emulator import CHANGE, app_ids
from benchlib.report import pyplot, ratio_row
from benchlib.runner import limited_run

NUMBER = "4d"
KEY = "controller"
TITLE = "4d. controller overhead: {0.cpu_apps} hosts, {0.cpu_forks} forks, {0.cpu_limit} per {0.cpu_window} s"
PLAYBOOKS = ("feature_converge.yml", "uri_recipe.yml")
OPTIONS = (("cpu-apps", 100, 20, "apps (= hosts) in measurement 4d"),
           ("cpu-limit", 50, 10, "requests per window in measurement 4d"),
           ("cpu-window", 10, 10, "window in seconds in measurement 4d"),
           ("cpu-forks", 20, 20, "forks in measurement 4d"))
TARGETS = {}
CHART = ("controller_overhead.png", "controller_chart", "also copy the chart of measurement 4d to this path")


def controller_run(runner, playbook, ids, limit, window, forks):
    emu = runner.emu
    emu.fresh(ids, rate_limit=limit, rate_window=window)
    hosts = {"app{0:03d}".format(n): {"app_ids": [app_id]} for n, app_id in enumerate(ids)}
    side = limited_run(runner, playbook, dict(desired=CHANGE), limit, window, hosts=hosts, forks=forks)
    side.pop("results")
    side["converged"] = len(emu.converged(ids))
    return side


def measure(runner, args):
    count, limit, window, forks = args.cpu_apps, args.cpu_limit, args.cpu_window, args.cpu_forks
    ids = app_ids("Rate", count)
    module = controller_run(runner, PLAYBOOKS[0], ids, limit, window, forks)
    uri = controller_run(runner, PLAYBOOKS[1], ids, limit, window, forks)
    return dict(apps=count, forks=forks, rate_limit=limit, rate_window=window, floor=module["floor"],
                module=module, uri=uri)


def rows(cpu):
    """The rows of the report for these figures."""
    rows = []
    for side, name in (("module", "okta_app_feature"), ("uri", "uri recipe")):
        fig = cpu[side]
        rows.append(ratio_row("4d. controller overhead: {0} hosts, {1} forks, {2}/{3} s, {4}".format(
            cpu["apps"], cpu["forks"], cpu["rate_limit"], cpu["rate_window"], name),
            "{0:.1f} s (floor {1:.0f} s)".format(fig["seconds"], fig["floor"]), fig["floor_ratio"],
            "(documented)", None,
            ["{0}: {1} requests, {2} x 429, {3} failed hosts, {4}/{5} converged, first request at {6} s, "
             "last at {7} s".format(name, fig["requests"], fig["rate_limited"], fig["failed_hosts"],
                                    fig["converged"], cpu["apps"], fig["first_request"], fig["last_request"])]))
    return rows


def chart(cpu, path):
    """Requests answered 200 and 429 per second, collection beside uri recipe (measurement 4d)."""
    plt = pyplot()
    if plt is None:
        return None
    sides = (("module", "oktaops.okta.okta_app_feature"), ("uri", "ansible.builtin.uri recipe"))
    end = max(max([t for t, _m, _s in cpu[side]["timeline"]] + [cpu[side]["seconds"]]) for side, _n in sides)
    seconds = int(math.ceil(end)) + 1
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for axis, (side, name) in zip(axes, sides):
        ok = [0] * seconds
        limited = [0] * seconds
        for when, _method, status in cpu[side]["timeline"]:
            slot = max(0, int(when))
            if status == 429:
                limited[slot] += 1
            elif status is not None:
                ok[slot] += 1
        axis.bar(range(seconds), ok, width=1.0, align="edge", color="#2b7bba", label="answered 200")
        axis.bar(range(seconds), limited, width=1.0, align="edge", bottom=ok, color="#e3732c", label="answered 429")
        for boundary in range(0, seconds + 1, cpu["rate_window"]):
            axis.axvline(boundary, color="#999999", linewidth=0.6, linestyle=":")
        axis.axvline(cpu["floor"], color="black", linewidth=1.0, linestyle="--", label="floor")
        axis.axvline(cpu[side]["seconds"], color="#c0392b", linewidth=1.2, label="run finished")
        axis.set_title("{0}\n{1:.1f} s, {2} requests, {3} x 429, {4} failed hosts".format(
            name, cpu[side]["seconds"], cpu[side]["requests"], cpu[side]["rate_limited"], cpu[side]["failed_hosts"]),
            fontsize=10)
        axis.set_xlabel("seconds since the start of the first rate-limit window")
        axis.set_xlim(0, seconds)
    axes[0].set_ylabel("requests per second")
    axes[0].legend(loc="upper right", fontsize=8)
    fig.suptitle("Controller overhead: {0} apps needing a change, {1} forks, bucket of {2} requests per {3} s".format(
        cpu["apps"], cpu["forks"], cpu["rate_limit"], cpu["rate_window"]), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
