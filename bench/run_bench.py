# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's benchmark: requests per task, per-task overhead, convergence time and rate limits.

Every measurement runs real ``ansible-playbook`` processes against the Okta emulator (a subprocess, over
TLS) and compares the collection with what a user would do without it, side by side in one run:

1. Requests per task, read from the emulator's request log.
2. Overhead: a loop of N ``okta_app_feature`` tasks with nothing to change against a loop of N
   ``ansible.builtin.uri`` GETs of the same feature (the floor for any task making one HTTPS request).
3. Converging N apps that all need a change: ``okta_app_feature`` against the ``uri`` recipe
   (GET, compare in Jinja, PUT when different).
4. Under a rate limit: one host per app, many forks, a small bucket; the collection and the ``uri`` recipe
   (with ``retries``/``until`` on 429) each run once on a freshly reset emulator, started at a window boundary.

Measurements 2 and 3 alternate the two sides (A B A B ...) so that noise from other processes hits both; the
figure is the ratio of the medians, and the spread of each side is printed beside it.

Run ``make bench`` (full size), or for a short trial:
``python bench/run_bench.py --tasks 5 --apps 10 --repeat 1 --rate-apps 10 --rate-limit 5``.
Results go to ``bench/results/`` (JSON, chart, playbook output).
"""

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
PLAYBOOKS = os.path.join(BENCH, "playbooks")
CALLBACKS = os.path.join(BENCH, "callback_plugins")
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")  # the package okta_emulator lives here
EMULATOR_SEED = os.path.join(ROOT, "tests", "emulator", "seed.json")
MANAGE_TOKEN = "00oktaops-emulator-manage-token-5f3a9c1e7b"
SLACK = "0oa1slk7q2HXw9ZbT5d7"
ZOOM = "0oa3zmF9cLq2vHs4N5d7"
FEATURE = "USER_PROVISIONING"
# What every freshly added app needs: the emulator's default USER_PROVISIONING has every status DISABLED.
# Okta's own spelling, so the uri recipe can merge it into Okta's answer as it is (the module accepts it too).
CHANGE = {"update": {"profile": {"status": "ENABLED"}, "password": {"status": "ENABLED", "change": "CHANGE"}}}
# Measurements 1 to 3 measure requests and overhead, not throttling: the bucket is made large enough.
UNTHROTTLED = 1000000
TARGETS = dict(overhead=1.10, converge=0.6, rate_limits=1.35)


# -- the emulator --------------------------------------------------------------------------------------------

class Emulator(object):
    """The emulator as a subprocess over TLS, started the same way as the integration tests start it."""

    def __init__(self, workdir):
        self.workdir = workdir
        port_file = os.path.join(workdir, "port")
        self.ca_file = os.path.join(workdir, "ca.pem")
        self.log_path = os.path.join(workdir, "emulator.log")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "okta_emulator", "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                 "--ca-file", self.ca_file, "--seed", EMULATOR_SEED, "--rate-buckets", "shared"],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                    p for p in (EMULATOR_DIR, os.environ.get("PYTHONPATH")) if p)))
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise override verify
        self.url = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(self.log_path) as handle:
                    raise SystemExit("the emulator exited early: {0}".format(handle.read()))
            if self.url is None and os.path.exists(port_file):
                with open(port_file) as handle:
                    self.url = "https://127.0.0.1:{0}".format(handle.read().strip())
            if self.url is not None:
                try:
                    if self.admin("GET", "/_admin/health") == {"ok": True}:
                        return
                except requests.RequestException:
                    pass
            time.sleep(0.05)
        self.stop()
        raise SystemExit("the emulator did not become healthy within 30 s")

    def admin(self, method, path, body=None):
        resp = self.session.request(method, self.url + path, json=body, verify=self.ca_file, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def fresh(self, app_ids=(), rate_limit=UNTHROTTLED, rate_window=60, max_page_size=None):
        """Reset to the seed, add apps (default features, so each needs CHANGE), set the rate limit."""
        self.admin("POST", "/_admin/reset")
        if app_ids:
            self.admin("POST", "/_admin/apps", [{"id": app_id, "label": "Bench " + app_id} for app_id in app_ids])
        config = dict(rate_limit=rate_limit, rate_window=rate_window)
        if max_page_size:
            config["max_page_size"] = max_page_size
        self.admin("POST", "/_admin/config", config)
        self.admin("DELETE", "/_admin/requests")

    def requests_log(self):
        return self.admin("GET", "/_admin/requests")

    def stop(self):
        self.session.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def app_ids(prefix, count):
    return ["0oaBench{0}{1:03d}".format(prefix, number) for number in range(count)]


# -- running playbooks ---------------------------------------------------------------------------------------

class Runner(object):
    """Runs the playbooks under bench/playbooks with ansible-playbook and reads back their timings."""

    def __init__(self, emu, results_dir, collections_path):
        self.emu = emu
        self.results_dir = results_dir
        self.collections_path = collections_path
        self.runs = 0

    def play(self, playbook, extra_vars, hosts=None, forks=None, check=False):
        """Run one playbook; return its wall time, the time from its first task start to its end, and results.

        ``hosts`` maps host names to host variables; without it the play runs on localhost.
        """
        self.runs += 1
        workdir = tempfile.mkdtemp(prefix="run{0:03d}-".format(self.runs), dir=self.results_dir)
        inventory = {"all": {"hosts": hosts or {"localhost": {"ansible_connection": "local"}}}}
        for host_vars in inventory["all"]["hosts"].values():
            host_vars.setdefault("ansible_connection", "local")
        inventory_file = os.path.join(workdir, "inventory.json")
        vars_file = os.path.join(workdir, "vars.json")
        times_file = os.path.join(workdir, "times.jsonl")
        with open(inventory_file, "w") as handle:
            json.dump(inventory, handle)
        variables = dict(okta_org_url=self.emu.url, okta_api_token=MANAGE_TOKEN, okta_ca_path=self.emu.ca_file)
        variables.update(extra_vars)
        with open(vars_file, "w") as handle:
            json.dump(variables, handle)
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("OKTA_"):
                del env[name]
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "OKTAOPS_BENCH_TIMES": times_file,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        })
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory_file,
               "-e", "@" + vars_file, os.path.join(PLAYBOOKS, playbook)]
        if forks:
            cmd += ["--forks", str(forks)]
        if check:
            cmd.append("--check")
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
        raise SystemExit("{0}: ansible-playbook failed (rc {1}); see {2}\n{3}".format(what, run["rc"], run["workdir"], tail))


def spread(values):
    return dict(median=statistics.median(values), min=min(values), max=max(values), runs=[round(v, 3) for v in values])


# -- measurement 1: requests per task ------------------------------------------------------------------------

def measure_requests(runner, page_size):
    """One task of each kind in one run; each logged request belongs to the task that started last before it."""
    emu = runner.emu
    paged_label = "Bench Paged"
    matches = 2 * page_size + 1  # three pages of prefix matches for the label
    emu.fresh(app_ids("Req", 2), max_page_size=page_size)
    emu.admin("POST", "/_admin/apps", [{"label": paged_label if n == 0 else "{0} {1:02d}".format(paged_label, n)}
                                       for n in range(matches)])
    current = emu.admin("GET", "/_admin/state")["apps"][app_ids("Req", 1)[0]]["features"][FEATURE]["capabilities"]
    noop = {"update": {"profile": {"status": current["update"]["profile"]["status"]}}}
    emu.admin("DELETE", "/_admin/requests")
    run = runner.play("request_counts.yml", dict(app_ids=app_ids("Req", 2), desired=CHANGE, noop=noop,
                                                 paged_label=paged_label))
    require_ok(run, "request counts")
    log = emu.requests_log()
    starts = [(e["time"], e["task"]) for e in run["task_starts"]]
    per_task = {task: [] for _t, task in starts}
    for entry in log:
        owner = [task for when, task in starts if when <= entry["time"]]
        if owner:
            per_task[owner[-1]].append(entry)
    pages = math.ceil(matches / float(page_size))
    label_task = per_task["Info module, app found by label"]
    label_queries = [e["query"] for e in label_task if e["path"] == "/api/v1/apps"]
    expected = {
        "Feature module, nothing to change": 1,
        "Feature module, check mode with a change": 1,
        "Feature module, with a change": 2,
        "Info module, one feature": 1,
        "Info module, every feature": 1,
        "Info module, app found by label": 1 + pages,
    }
    rows = []
    for task, target in expected.items():
        rows.append(dict(task=task, requests=len(per_task[task]), target=target,
                         calls=["{0} {1}".format(e["method"], e["path"]) for e in per_task[task]]))
    return dict(rows=rows, label_matches=matches, max_page_size=page_size, label_pages=pages,
                label_lookup_queries=label_queries, wall=run["wall"])


# -- measurement 2: overhead ---------------------------------------------------------------------------------

def measure_overhead(runner, count, repeat):
    emu = runner.emu
    emu.fresh()
    current = emu.admin("GET", "/_admin/state")["apps"][SLACK]["features"][FEATURE]["capabilities"]
    noop = {"update": {"profile": {"status": current["update"]["profile"]["status"]}}}
    variables = dict(app_ids=[SLACK], count=count, desired=noop)
    module_times, uri_times, cpu = [], [], {"feature_noop.yml": [], "uri_get.yml": []}
    for _round in range(repeat):
        for playbook, times in (("feature_noop.yml", module_times), ("uri_get.yml", uri_times)):
            emu.admin("DELETE", "/_admin/requests")
            run = runner.play(playbook, variables)
            require_ok(run, playbook)
            log = emu.requests_log()
            if len(log) != count or any(e["method"] != "GET" or e["status"] != 200 for e in log):
                raise SystemExit("{0}: expected {1} GETs answered 200, the emulator logged {2}".format(
                    playbook, count, [(e["method"], e["status"]) for e in log][:10]))
            if playbook == "feature_noop.yml" and any(e["status"] == "changed" for e in run["results"]):
                raise SystemExit("the no-change loop reported a change")
            times.append(run["tasks_seconds"])
            cpu[playbook].append(run["cpu"])
    module, uri = spread(module_times), spread(uri_times)
    pairs = [m / u for m, u in zip(module_times, uri_times)]
    return dict(tasks=count, repeat=repeat, module=module, uri=uri, ratio=module["median"] / uri["median"],
                pair_ratios=spread(pairs), per_task_module=module["median"] / count, per_task_uri=uri["median"] / count,
                cpu_module=spread(cpu["feature_noop.yml"]), cpu_uri=spread(cpu["uri_get.yml"]))


# -- measurement 3: converging apps that all need a change ---------------------------------------------------

def converge_check(emu, ids, playbook, run):
    require_ok(run, playbook)
    state = emu.admin("GET", "/_admin/state")["apps"]
    for app_id in ids:
        update = state[app_id]["features"][FEATURE]["capabilities"]["update"]
        if update["profile"]["status"] != "ENABLED" or update["password"]["change"] != "CHANGE":
            raise SystemExit("{0} did not converge app {1}".format(playbook, app_id))
    log = emu.requests_log()
    return dict(requests=len(log), puts=sum(1 for e in log if e["method"] == "PUT"),
                rate_limited=sum(1 for e in log if e["status"] == 429))


def measure_converge(runner, count, repeat):
    emu = runner.emu
    ids = app_ids("Conv", count)
    variables = dict(app_ids=ids, desired=CHANGE)
    module_times, uri_times, checks = [], [], {}
    cpu = {"feature_converge.yml": [], "uri_recipe.yml": []}
    for _round in range(repeat):
        for playbook, times in (("feature_converge.yml", module_times), ("uri_recipe.yml", uri_times)):
            emu.fresh(ids)
            run = runner.play(playbook, variables)
            checks[playbook] = converge_check(emu, ids, playbook, run)
            times.append(run["tasks_seconds"])
            cpu[playbook].append(run["cpu"])
    module, uri = spread(module_times), spread(uri_times)
    pairs = [m / u for m, u in zip(module_times, uri_times)]
    return dict(apps=count, repeat=repeat, module=module, uri=uri, ratio=module["median"] / uri["median"],
                pair_ratios=spread(pairs), module_requests=checks["feature_converge.yml"],
                uri_requests=checks["uri_recipe.yml"], cpu_module=spread(cpu["feature_converge.yml"]),
                cpu_uri=spread(cpu["uri_recipe.yml"]))


# -- measurement 4: under a rate limit -----------------------------------------------------------------------

def wait_for_window(window):
    """Sleep until the next multiple of ``window`` seconds (the emulator aligns its windows the same way)."""
    now = time.time()
    boundary = (math.floor(now / window) + 1) * window
    time.sleep(boundary - now)
    return boundary


def rate_limited_run(runner, playbook, ids, limit, window, forks):
    emu = runner.emu
    emu.fresh(ids, rate_limit=limit, rate_window=window)
    hosts = {"app{0:03d}".format(n): {"app_ids": [app_id]} for n, app_id in enumerate(ids)}
    boundary = wait_for_window(window)
    run = runner.play(playbook, dict(desired=CHANGE), hosts=hosts, forks=forks)
    log = emu.requests_log()
    state = emu.admin("GET", "/_admin/state")
    converged = 0
    for app_id in ids:
        update = state["apps"][app_id]["features"][FEATURE]["capabilities"]["update"]
        converged += update["profile"]["status"] == "ENABLED" and update["password"]["change"] == "CHANGE"
    return dict(
        seconds=run["ended"] - boundary, tasks_seconds=run["tasks_seconds"], rc=run["rc"],
        failed_hosts=len(run["failed_hosts"]), converged=converged, requests=len(log),
        answered_200=sum(1 for e in log if e["status"] == 200),
        rate_limited=sum(1 for e in log if e["status"] == 429),
        emulator_rate_limited=state["stats"]["rate_limited"],
        # ansible-playbook's own start-up delays the first request; on a busy machine it can cost a whole window.
        first_request=round(log[0]["time"] - boundary, 2) if log else None,
        last_request=round(log[-1]["time"] - boundary, 2) if log else None,
        timeline=[[round(e["time"] - boundary, 3), e["method"], e["status"]] for e in log],
        workdir=run["workdir"],
    )


def measure_rate_limits(runner, count, limit, window, forks):
    ids = app_ids("Rate", count)
    requests_needed = 2 * count
    floor = (math.ceil(requests_needed / float(limit)) - 1) * window
    module = rate_limited_run(runner, "feature_converge.yml", ids, limit, window, forks)
    uri = rate_limited_run(runner, "uri_recipe.yml", ids, limit, window, forks)
    return dict(apps=count, forks=forks, rate_limit=limit, rate_window=window, floor=floor,
                module=module, uri=uri, ratio=module["seconds"] / floor if floor else None,
                uri_ratio=uri["seconds"] / floor if floor else None)


# -- report --------------------------------------------------------------------------------------------------

def table(report):
    lines = []
    row = "{0:<58} {1:>16} {2:>9} {3:>8}  {4}"
    lines.append(row.format("Measurement", "Figure", "Ratio", "Target", "Verdict"))
    lines.append("-" * 104)
    req = report.get("requests")
    if req:
        for item in req["rows"]:
            lines.append(row.format("1. requests: " + item["task"], str(item["requests"]), "",
                                    "= {0}".format(item["target"]), "ok" if item["requests"] == item["target"] else "MISSED"))
        lines.append("   app_label lookup: {0} prefix matches, max_page_size {1}, {2} pages; first page query {3}".format(
            req["label_matches"], req["max_page_size"], req["label_pages"], (req["label_lookup_queries"] or [None])[0]))
    over = report.get("overhead")
    if over:
        lines.append(row.format("2. {0} no-change okta_app_feature vs {0} uri GETs".format(over["tasks"]),
                                "{0:.2f} / {1:.2f} s".format(over["module"]["median"], over["uri"]["median"]),
                                "{0:.3f}".format(over["ratio"]), "<= {0:.2f}".format(TARGETS["overhead"]),
                                verdict(over["ratio"], TARGETS["overhead"])))
        lines.append(spread_line(over))
    conv = report.get("converge")
    if conv:
        lines.append(row.format("3. converge {0} apps: okta_app_feature vs uri recipe".format(conv["apps"]),
                                "{0:.2f} / {1:.2f} s".format(conv["module"]["median"], conv["uri"]["median"]),
                                "{0:.3f}".format(conv["ratio"]), "<= {0:.2f}".format(TARGETS["converge"]),
                                verdict(conv["ratio"], TARGETS["converge"])))
        lines.append(spread_line(conv))
        lines.append("   requests: okta_app_feature {0[requests]}, uri recipe {1[requests]}".format(
            conv["module_requests"], conv["uri_requests"]))
    rate = report.get("rate_limits")
    if rate:
        lines.append(row.format("4. {0} apps, {1} forks, {2} req/{3} s: okta_app_feature".format(
            rate["apps"], rate["forks"], rate["rate_limit"], rate["rate_window"]),
            "{0:.1f} s".format(rate["module"]["seconds"]), "{0:.3f}".format(rate["ratio"]),
            "<= {0:.2f}".format(TARGETS["rate_limits"]),
            verdict(rate["ratio"], TARGETS["rate_limits"]) if rate["module"]["failed_hosts"] == 0 else "FAILURES"))
        lines.append(row.format("   the same with the uri recipe (retries 10, delay 10)",
                                "{0:.1f} s".format(rate["uri"]["seconds"]), "{0:.3f}".format(rate["uri_ratio"]),
                                "(beside)", ""))
        for side in ("module", "uri"):
            fig = rate[side]
            lines.append("   {0:<7} floor {1:.0f} s; {2} requests, {3} answered 429, {4} failed hosts, {5}/{6} apps "
                         "converged; first request at {7} s, last at {8} s".format(
                             side, rate["floor"], fig["requests"], fig["rate_limited"], fig["failed_hosts"],
                             fig["converged"], rate["apps"], fig["first_request"], fig["last_request"]))
    return "\n".join(lines)


def rst_table(report):
    """The figures as an RST list-table, to paste into docs/docsite/rst/performance.rst."""
    rows = []
    for item in (report.get("requests") or {}).get("rows", []):
        rows.append((item["task"], "{0} requests".format(item["requests"]), "", "= {0}".format(item["target"]),
                     "yes" if item["requests"] == item["target"] else "no"))
    over, conv, rate = report.get("overhead"), report.get("converge"), report.get("rate_limits")
    if over:
        rows.append(("{0} no-change ``okta_app_feature`` tasks against {0} ``uri`` GETs".format(over["tasks"]),
                     "{0:.1f} s against {1:.1f} s".format(over["module"]["median"], over["uri"]["median"]),
                     "{0:.2f}".format(over["ratio"]), "<= {0:.2f}".format(TARGETS["overhead"]),
                     "yes" if over["ratio"] <= TARGETS["overhead"] else "no"))
    if conv:
        rows.append(("Converging {0} apps: ``okta_app_feature`` against the ``uri`` recipe".format(conv["apps"]),
                     "{0:.1f} s against {1:.1f} s".format(conv["module"]["median"], conv["uri"]["median"]),
                     "{0:.2f}".format(conv["ratio"]), "<= {0:.2f}".format(TARGETS["converge"]),
                     "yes" if conv["ratio"] <= TARGETS["converge"] else "no"))
    if rate:
        for side, name in (("module", "``okta_app_feature``"), ("uri", "``uri`` recipe")):
            fig = rate[side]
            rows.append(("{0} apps, {1} forks, {2} requests per {3} s: {4} ({5} x 429, {6} failed)".format(
                rate["apps"], rate["forks"], rate["rate_limit"], rate["rate_window"], name, fig["rate_limited"],
                fig["failed_hosts"]),
                "{0:.1f} s (floor {1:.0f} s)".format(fig["seconds"], rate["floor"]),
                "{0:.2f}".format(fig["seconds"] / rate["floor"]) if rate["floor"] else "",
                "<= {0:.2f}".format(TARGETS["rate_limits"]) if side == "module" else "(beside)",
                ("yes" if fig["seconds"] <= TARGETS["rate_limits"] * rate["floor"] and not fig["failed_hosts"] else "no")
                if side == "module" else ""))
    lines = [".. list-table::", "   :header-rows: 1", "", "   * - Measurement", "     - Figure", "     - Ratio",
             "     - Target", "     - Met"]
    for row in rows:
        lines.append("   * - " + row[0])
        lines.extend("     - " + (cell or " ") for cell in row[1:])
    return "\n".join(lines) + "\n"


def verdict(ratio, target):
    return "ok" if ratio <= target else "MISSED"


def spread_line(figures):
    return ("   spread: okta_app_feature {0[min]:.2f}..{0[max]:.2f} s, uri {1[min]:.2f}..{1[max]:.2f} s, "
            "pairwise ratios {2[min]:.3f}..{2[max]:.3f} over {3} rounds\n"
            "   CPU seconds of the whole ansible-playbook run (median): okta_app_feature {4:.2f}, uri {5:.2f}, "
            "ratio {6:.3f}".format(
                figures["module"], figures["uri"], figures["pair_ratios"], figures["repeat"],
                figures["cpu_module"]["median"], figures["cpu_uri"]["median"],
                figures["cpu_module"]["median"] / figures["cpu_uri"]["median"]))


def chart(rate, path):
    """Requests answered 200 and 429 per second, collection beside uri recipe."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart (pip install -r test-requirements.txt)")
        return None
    sides = (("module", "oktaops.okta.okta_app_feature"), ("uri", "ansible.builtin.uri recipe"))
    end = max(max([t for t, _m, _s in rate[side]["timeline"]] + [rate[side]["seconds"]]) for side, _n in sides)
    seconds = int(math.ceil(end)) + 1
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for axis, (side, name) in zip(axes, sides):
        ok = [0] * seconds
        limited = [0] * seconds
        for when, _method, status in rate[side]["timeline"]:
            slot = max(0, int(when))
            if status == 429:
                limited[slot] += 1
            elif status is not None:
                ok[slot] += 1
        axis.bar(range(seconds), ok, width=1.0, align="edge", color="#2b7bba", label="answered 200")
        axis.bar(range(seconds), limited, width=1.0, align="edge", bottom=ok, color="#e3732c", label="answered 429")
        for boundary in range(0, seconds + 1, rate["rate_window"]):
            axis.axvline(boundary, color="#999999", linewidth=0.6, linestyle=":")
        axis.axvline(rate["floor"], color="black", linewidth=1.0, linestyle="--", label="floor")
        axis.axvline(rate[side]["seconds"], color="#c0392b", linewidth=1.2, label="run finished")
        axis.set_title("{0}\n{1:.1f} s, {2} requests, {3} x 429, {4} failed hosts".format(
            name, rate[side]["seconds"], rate[side]["requests"], rate[side]["rate_limited"], rate[side]["failed_hosts"]),
            fontsize=10)
        axis.set_xlabel("seconds since the start of the first rate-limit window")
        axis.set_xlim(0, seconds)
    axes[0].set_ylabel("requests per second")
    axes[0].legend(loc="upper right", fontsize=8)
    fig.suptitle("{0} apps needing a change, {1} forks, bucket of {2} requests per {3} s".format(
        rate["apps"], rate["forks"], rate["rate_limit"], rate["rate_window"]), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--tasks", type=int, default=50, help="tasks per loop in measurement 2")
    parser.add_argument("--apps", type=int, default=50, help="apps to converge in measurement 3")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (A then B) of measurements 2 and 3")
    parser.add_argument("--rate-apps", type=int, default=100, help="apps (= hosts) in measurement 4")
    parser.add_argument("--rate-limit", type=int, default=50, help="requests per window in measurement 4")
    parser.add_argument("--rate-window", type=int, default=10, help="window in seconds in measurement 4")
    parser.add_argument("--forks", type=int, default=20, help="forks in measurement 4")
    parser.add_argument("--page-size", type=int, default=2, help="max_page_size for the app_label lookup in 1")
    parser.add_argument("--only", default="1,2,3,4", help="which measurements to run, such as 2,3")
    parser.add_argument("--results", default=os.path.join(BENCH, "results"))
    parser.add_argument("--chart", default=None, help="also copy the chart of measurement 4 to this path")
    parser.add_argument("--collections-path", default=os.path.join(ROOT, ".build", "collections"))
    args = parser.parse_args()
    only = {part.strip() for part in args.only.split(",")}

    link = os.path.join(args.collections_path, "ansible_collections", "oktaops", "okta")
    if not os.path.isdir(link):
        raise SystemExit("{0} does not hold the collection: run 'make link' first".format(link))
    os.makedirs(args.results, exist_ok=True)
    results_dir = tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=args.results)
    emu = Emulator(results_dir)
    runner = Runner(emu, results_dir, args.collections_path)
    report = dict(started=time.strftime("%Y-%m-%dT%H:%M:%S%z"), python=sys.version.split()[0],
                  cpus=os.cpu_count(), load_average_before=os.getloadavg(), targets=TARGETS, args=vars(args))
    try:
        if "1" in only:
            print("1. requests per task ...", flush=True)
            report["requests"] = measure_requests(runner, args.page_size)
        if "2" in only:
            print("2. overhead: {0} tasks, {1} rounds ...".format(args.tasks, args.repeat), flush=True)
            report["overhead"] = measure_overhead(runner, args.tasks, args.repeat)
        if "3" in only:
            print("3. converging {0} apps, {1} rounds ...".format(args.apps, args.repeat), flush=True)
            report["converge"] = measure_converge(runner, args.apps, args.repeat)
        if "4" in only:
            print("4. rate limits: {0} apps, {1} forks, {2} requests per {3} s ...".format(
                args.rate_apps, args.forks, args.rate_limit, args.rate_window), flush=True)
            report["rate_limits"] = measure_rate_limits(runner, args.rate_apps, args.rate_limit, args.rate_window,
                                                        args.forks)
    finally:
        emu.stop()
    report["load_average_after"] = os.getloadavg()
    text = table(report)
    print()
    print(text)
    with open(os.path.join(results_dir, "results.json"), "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    with open(os.path.join(results_dir, "table.txt"), "w") as handle:
        handle.write(text + "\n")
    with open(os.path.join(results_dir, "table.rst"), "w") as handle:
        handle.write(rst_table(report))
    if "rate_limits" in report:
        png = chart(report["rate_limits"], os.path.join(results_dir, "rate_limits.png"))
        if png and args.chart:
            import shutil
            shutil.copyfile(png, args.chart)
    print("\nraw results: {0}".format(os.path.join(results_dir, "results.json")))
    print("load average before {0[0]:.1f}, after {1[0]:.1f} on {2} CPUs (figures from a busy machine are noisy)".format(
        report["load_average_before"], report["load_average_after"], report["cpus"]))


if __name__ == "__main__":
    main()
