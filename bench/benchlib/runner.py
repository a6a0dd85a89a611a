# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running the playbooks under bench/playbooks, and runs started at a rate-limit window with a fresh bucket."""

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

from benchlib.emulator import MANAGE_TOKEN

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOKS = os.path.join(BENCH, "playbooks")
CALLBACKS = os.path.join(BENCH, "callback_plugins")


def floor_seconds(requests_needed, limit, window):
    """The earliest time, from a window boundary with a fresh bucket, at which the last of the requests can pass."""
    if requests_needed <= 0:
        return 0
    return (math.ceil(requests_needed / float(limit)) - 1) * window


class Runner(object):
    """Runs the playbooks under bench/playbooks with ansible-playbook and reads back their timings."""

    def __init__(self, emu, results_dir, collections_path):
        self.emu = emu
        self.results_dir = results_dir
        self.collections_path = collections_path
        self.runs = 0

    def workdir(self):
        self.runs += 1
        return tempfile.mkdtemp(prefix="run{0:03d}-".format(self.runs), dir=self.results_dir)

    def env(self, extra=None):
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("OKTA_"):
                del env[name]
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        })
        env.update(extra or {})
        return env

    def play(self, playbook, extra_vars, hosts=None, forks=None, check=False, inventory=None, before_start=None):
        """Run one playbook; return its wall time, the time from its first task start to its end, and results.

        ``hosts`` maps host names to host variables; without it the play runs on localhost. ``inventory`` is
        instead a dynamic inventory: ``(file name, config)``, written beside the run, its credentials given in
        the environment (as AWX injects them). ``before_start`` is called just before ansible-playbook starts.
        """
        workdir = self.workdir()
        env_extra = {}
        if inventory:
            name, config = inventory
            inventory_file = os.path.join(workdir, name)
            with open(inventory_file, "w") as handle:
                yaml.safe_dump(dict(config, ca_path=self.emu.ca_file), handle)
            env_extra = {"OKTA_ORG_URL": self.emu.url, "OKTA_API_TOKEN": MANAGE_TOKEN}
        else:
            inventory_file = os.path.join(workdir, "inventory.json")
            content = {"all": {"hosts": hosts or {"localhost": {"ansible_connection": "local"}}}}
            for host_vars in content["all"]["hosts"].values():
                host_vars.setdefault("ansible_connection", "local")
            with open(inventory_file, "w") as handle:
                json.dump(content, handle)
        vars_file = os.path.join(workdir, "vars.json")
        times_file = os.path.join(workdir, "times.jsonl")
        variables = dict(okta_org_url=self.emu.url, okta_api_token=MANAGE_TOKEN, okta_ca_path=self.emu.ca_file,
                         bench_workdir=workdir)
        variables.update(extra_vars)
        with open(vars_file, "w") as handle:
            json.dump(variables, handle)
        env_extra.update({"ANSIBLE_CALLBACK_PLUGINS": CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
                          "OKTAOPS_BENCH_TIMES": times_file})
        env = self.env(env_extra)
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory_file,
               "-e", "@" + vars_file, os.path.join(PLAYBOOKS, playbook)]
        if forks:
            cmd += ["--forks", str(forks)]
        if check:
            cmd.append("--check")
        if before_start:
            before_start()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()
        with open(os.path.join(workdir, "output.txt"), "w") as output:
            proc = subprocess.run(cmd, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=workdir, check=False)
        ended = time.time()
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        events = []
        if os.path.exists(times_file):
            with open(times_file) as handle:
                events = [json.loads(line) for line in handle if line.strip()]
        task_starts = [e for e in events if e["event"] == "task_start"]
        end = [e["time"] for e in events if e["event"] == "end"]
        results = [e for e in events if e["event"] == "result"]
        return dict(
            rc=proc.returncode, workdir=workdir, started=started, ended=ended, wall=ended - started,
            # CPU seconds of ansible-playbook, its workers and the module processes: less noisy than wall time
            # on a busy machine, though it includes ansible-playbook's own start-up.
            cpu=(cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
            tasks_seconds=(end[0] - task_starts[0]["time"]) if end and task_starts else None,
            task_starts=task_starts, results=results,
            failed_hosts=sorted({e["host"] for e in results if e["status"] in ("failed", "unreachable")}),
        )


def require_ok(run, what):
    if run["rc"] != 0:
        with open(os.path.join(run["workdir"], "output.txt")) as handle:
            tail = handle.read()[-3000:]
        raise SystemExit("{0}: ansible-playbook failed (rc {1}); see {2}\n{3}".format(
            what, run["rc"], run["workdir"], tail))


def spread(values):
    return dict(median=statistics.median(values), min=min(values), max=max(values), runs=[round(v, 3) for v in values])


def wait_for_window(window):
    """Sleep until the next multiple of ``window`` seconds (the emulator aligns its windows the same way)."""
    now = time.time()
    boundary = (math.floor(now / window) + 1) * window
    time.sleep(boundary - now)
    return boundary


def limited_run(runner, playbook, extra_vars, limit, window, bucket="apps", **play_args):
    """One run started exactly at a window boundary with a fresh bucket; its requests, 429s, floor and timeline."""
    emu = runner.emu
    emu.admin("DELETE", "/_admin/requests")
    marks = {}

    def at_boundary():
        marks["boundary"] = wait_for_window(window)

    run = runner.play(playbook, extra_vars, before_start=at_boundary, **play_args)
    boundary = marks["boundary"]
    log = emu.requests_log()
    answered = [e for e in log if e["status"] != 429]
    in_bucket = [e for e in answered if e.get("bucket") in (bucket, "shared")]
    floor = floor_seconds(len(in_bucket), limit, window)
    seconds = run["ended"] - boundary
    return dict(
        seconds=seconds, floor=floor, floor_ratio=(seconds / floor) if floor else None,
        tasks_seconds=run["tasks_seconds"], rc=run["rc"], cpu=run["cpu"],
        failed_hosts=len(run["failed_hosts"]),
        # The role's drift report is written in check mode too (local files): not a change to Okta.
        changed=sum(1 for e in run["results"] if e["status"] == "changed" and "report" not in e["task"]),
        requests=len(answered), requests_in_bucket=len(in_bucket), rate_limited=len(log) - len(answered),
        writes=sum(1 for e in log if e["method"] not in ("GET", "HEAD")),
        calls=count_calls(answered),
        # ansible-playbook's own start-up delays the first request; on a busy machine it can cost a whole window.
        first_request=round(log[0]["time"] - boundary, 2) if log else None,
        last_request=round(log[-1]["time"] - boundary, 2) if log else None,
        timeline=[[round(e["time"] - boundary, 3), e["method"], e["status"]] for e in log],
        workdir=run["workdir"], results=run["results"],
    )


def count_calls(log):
    """How many requests of each kind: the app list, one app, its features, its connection."""
    kinds = {}
    for entry in log:
        parts = entry["path"].split("/")  # ['', 'api', 'v1', 'apps', id, sub...]
        if len(parts) <= 4:
            kind = "list apps"
        elif len(parts) == 5:
            kind = "one app"
        else:
            kind = parts[5]
        key = "{0} {1}".format(entry["method"], kind)
        kinds[key] = kinds.get(key, 0) + 1
    return kinds


def alternating(runner, sides, variables, repeat, prepare, check):
    """Run the playbooks ``sides`` (the collection's, then the ``uri`` one) in turn for ``repeat`` rounds, so that
    noise from other processes hits both; ``prepare()`` before each run, ``check(playbook, run)`` after it.

    Returns what measurements 4b and 4c report: each side's time from its first task to its end (``spread``), the
    ratio of the medians, the ratio of every round and the CPU seconds of each side's whole run.
    """
    times, cpu = {side: [] for side in sides}, {side: [] for side in sides}
    for _round in range(repeat):
        for playbook in sides:
            prepare()
            run = runner.play(playbook, variables)
            check(playbook, run)
            times[playbook].append(run["tasks_seconds"])
            cpu[playbook].append(run["cpu"])
    module_side, uri_side = sides
    module, uri = spread(times[module_side]), spread(times[uri_side])
    return dict(repeat=repeat, module=module, uri=uri, ratio=module["median"] / uri["median"],
                pair_ratios=spread([m / u for m, u in zip(times[module_side], times[uri_side])]),
                cpu_module=spread(cpu[module_side]), cpu_uri=spread(cpu[uri_side]))
