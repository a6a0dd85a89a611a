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
"""

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests
import yaml

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
# Measurements 3 and 4a to 4c measure requests and overhead, not throttling: the bucket is made large enough.
UNTHROTTLED = 1000000
# The audited apps' settings (measurements 1 and 2), in the modules' and the role's snake_case; AUDIT_OKTA below
# is the same in Okta's spelling, written before the measured runs so that there is nothing to change.
AUDIT_USER = {"create": {"lifecycle_create": {"status": "ENABLED"}},
              "update": {"profile": {"status": "ENABLED"}, "lifecycle_deactivate": {"status": "ENABLED"},
                         "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}}}
AUDIT_INBOUND = {"import_settings": {"username": {"username_format": "EMAIL"}},
                 "import_rules": {"user_create_and_match": {"exact_match_criteria": "EMAIL",
                                                            "auto_confirm_exact_match": True,
                                                            "auto_activate_new_users": True}}}
AUDIT_OKTA = {
    "USER_PROVISIONING": {"create": {"lifecycleCreate": {"status": "ENABLED"}},
                          "update": {"profile": {"status": "ENABLED"}, "lifecycleDeactivate": {"status": "ENABLED"},
                                     "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}}},
    "INBOUND_PROVISIONING": {"importSettings": {"username": {"usernameFormat": "EMAIL"},
                                                "schedule": {"status": "DISABLED"}},
                             "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "EMAIL",
                                                                    "autoConfirmExactMatch": True,
                                                                    "autoActivateNewUsers": True}}},
}
AUDIT_NAME = "bench_audit"  # the audited apps' integration name: the inventory of measurement 2 filters on it
AUDIT_CONNECTION = {"state": "enabled"}
TARGETS = dict(audit_requests="ceil(N/200) + 2K", audit_floor=1.10, audit_against_010=0.40, inventory_floor=1.10,
               scale_time=2.0, scale_memory=2.0, overhead=1.10, converge=0.6)
FULL = dict(window=60, limit=50, limit_org=100, audit_apps=50, org_apps=250, inventory_apps=50, inventory_forks=10,
            scale_apps=5000, scale_repeat=3, tasks=50, apps=50, repeat=3, cpu_apps=100, cpu_limit=50, cpu_window=10,
            cpu_forks=20)
QUICK = dict(FULL, window=10, limit=10, limit_org=20, audit_apps=10, org_apps=60, inventory_apps=10,
             scale_apps=1000, scale_repeat=1, tasks=5, apps=10, repeat=1, cpu_apps=20, cpu_limit=10)
MEASUREMENTS = ("1", "2", "3", "4a", "4b", "4c", "4d")


def floor_seconds(requests_needed, limit, window):
    """The earliest time, from a window boundary with a fresh bucket, at which the last of the requests can pass."""
    if requests_needed <= 0:
        return 0
    return (math.ceil(requests_needed / float(limit)) - 1) * window


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
        resp = self.session.request(method, self.url + path, json=body, verify=self.ca_file, timeout=60)
        resp.raise_for_status()
        return resp.json()

    def api(self, method, path, body=None):
        """A request to the emulator's Okta API with the manage token (used to prepare an org, never measured)."""
        resp = self.session.request(method, self.url + path, json=body, verify=self.ca_file, timeout=30,
                                    headers={"Authorization": "SSWS " + MANAGE_TOKEN, "Accept": "application/json"})
        if resp.status_code >= 300:
            raise SystemExit("preparing the org: {0} {1} answered {2}".format(method, path, resp.status_code))
        return resp.json() if resp.content else None

    def fresh(self, app_ids=(), rate_limit=UNTHROTTLED, rate_window=60, max_page_size=None, rate_buckets="shared",
              rate_limit_org=None):
        """Reset to the seed, add apps (default features, so each needs CHANGE), set the rate limit."""
        self.admin("POST", "/_admin/reset")
        if app_ids:
            self.admin("POST", "/_admin/apps", [{"id": app_id, "label": "Bench " + app_id} for app_id in app_ids])
        self.limit(rate_limit, rate_window, rate_buckets, rate_limit_org, max_page_size)
        self.admin("DELETE", "/_admin/requests")

    def limit(self, rate_limit, rate_window, rate_buckets="okta", rate_limit_org=None, max_page_size=None):
        """Set the buckets (this restarts them); the one-app bucket keeps its default, 5 x the apps bucket."""
        config = dict(rate_limit=rate_limit, rate_window=rate_window, rate_buckets=rate_buckets,
                      rate_limit_org=rate_limit_org, app_rate_limit=None, app_rate_limit_org=None)
        if max_page_size:
            config["max_page_size"] = max_page_size
        self.admin("POST", "/_admin/config", config)

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


# -- measurements 1 and 2: org-wide runs at Okta's rate limit -------------------------------------------------

def prepare_audit_org(emu, audit_count, org_count):
    """An org of ``org_count`` apps, ``audit_count`` of which already match the audit (connection and features).

    Prepared with an unthrottled bucket, outside the measured window; returns the audited apps' labels and ids.
    """
    emu.admin("POST", "/_admin/reset")
    emu.limit(UNTHROTTLED, 60, "okta")
    labels = ["Audit App {0:03d}".format(number) for number in range(audit_count)]
    ids = ["0oaBenchAudit{0:03d}".format(number) for number in range(audit_count)]
    emu.admin("POST", "/_admin/apps", [{"id": app_id, "label": label, "name": AUDIT_NAME}
                                       for app_id, label in zip(ids, labels)])
    present = len(emu.admin("GET", "/_admin/state")["apps"])
    if org_count > present:
        emu.admin("POST", "/_admin/apps/generate", {"count": org_count - present, "seed": 14, "prefix": "Org"})
    for app_id in ids:
        for feature, capabilities in AUDIT_OKTA.items():
            emu.api("PUT", "/api/v1/apps/{0}/features/{1}".format(app_id, feature), capabilities)
    state = emu.admin("GET", "/_admin/state")["apps"]
    for app_id in ids:
        if state[app_id]["connection"]["status"] != "ENABLED":
            raise SystemExit("preparing the org: the connection of {0} is not enabled".format(app_id))
    emu.admin("DELETE", "/_admin/requests")
    return labels, ids, len(state)


def audit_variables(labels):
    return dict(audit_labels=labels, audit_apps=[{"app_label": label} for label in labels],
                audit_connection=AUDIT_CONNECTION, audit_user=AUDIT_USER,
                audit_inbound=AUDIT_INBOUND)


def check_no_change(side, what):
    """A check-mode run of matching apps: no failure, no change reported, nothing written to the emulator."""
    problems = []
    if side["rc"] != 0 or side["failed_hosts"]:
        problems.append("rc {0}, {1} failed hosts".format(side["rc"], side["failed_hosts"]))
    if side["changed"]:
        problems.append("{0} task results reported a change".format(side["changed"]))
    if side["writes"]:
        problems.append("{0} writes reached the emulator".format(side["writes"]))
    if problems:
        raise SystemExit("{0}: {1}; see {2}".format(what, "; ".join(problems), side["workdir"]))


def measure_audit(runner, args):
    """Measurement 1: the role against the 0.1.0 layout, both auditing the same K apps in an org of N."""
    emu = runner.emu
    labels, _ids, total = prepare_audit_org(emu, args.audit_apps, args.org_apps)
    variables = audit_variables(labels)
    sides = {}
    for key, playbook in (("layout_010", "audit_010.yml"), ("role", "audit_role.yml")):
        emu.limit(args.limit, args.window, "okta", args.limit_org)
        side = limited_run(runner, playbook, variables, args.limit, args.window, check=True)
        side.pop("results")
        check_no_change(side, "measurement 1, " + playbook)
        if key == "role":
            with open(os.path.join(side["workdir"], "report", "drift-report.json")) as handle:
                summary = json.load(handle)["summary"]
            if summary.get("apps") != len(labels) or summary.get("changed") or summary.get("failed"):
                raise SystemExit("measurement 1, the role's drift report says {0}; see {1}".format(
                    summary, side["workdir"]))
            side["report_summary"] = summary
        sides[key] = side
    target = int(math.ceil(total / 200.0)) + 2 * len(labels)
    return dict(apps=len(labels), org_apps=total, rate_limit=args.limit, rate_limit_org=args.limit_org,
                rate_window=args.window, requests_target=target, limits=emu.admin("GET", "/_admin/limits"),
                layout_010=sides["layout_010"], role=sides["role"],
                against_010=sides["role"]["seconds"] / sides["layout_010"]["seconds"])


def measure_inventory_run(runner, args):
    """Measurement 2: hosts from the okta_apps inventory, okta_app_provisioning per host, forks 10, check mode."""
    emu = runner.emu
    labels, _ids, total = prepare_audit_org(emu, args.inventory_apps, args.org_apps)
    emu.limit(args.limit, args.window, "okta", args.limit_org)
    config = {"plugin": "oktaops.okta.okta_apps", "filter": 'name eq "{0}"'.format(AUDIT_NAME)}
    side = limited_run(runner, "inventory_provisioning.yml", audit_variables(labels), args.limit, args.window,
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


# -- measurement 3: inventory scale --------------------------------------------------------------------------

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


def measure_scale(runner, args):
    """Measurement 3: ansible-inventory --list of an org of N apps against a static inventory of the same hosts."""
    emu = runner.emu
    emu.admin("POST", "/_admin/reset")
    emu.limit(UNTHROTTLED, 60, "okta")
    present = len(emu.admin("GET", "/_admin/state")["apps"])
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


# -- measurement 4a: requests per task ------------------------------------------------------------------------

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


# -- measurement 4b: overhead ---------------------------------------------------------------------------------

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


# -- measurement 4c: converging apps that all need a change ---------------------------------------------------

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


# -- measurement 4d: controller overhead under a fast bucket --------------------------------------------------

def controller_run(runner, playbook, ids, limit, window, forks):
    emu = runner.emu
    emu.fresh(ids, rate_limit=limit, rate_window=window)
    hosts = {"app{0:03d}".format(n): {"app_ids": [app_id]} for n, app_id in enumerate(ids)}
    side = limited_run(runner, playbook, dict(desired=CHANGE), limit, window, hosts=hosts, forks=forks)
    side.pop("results")
    state = emu.admin("GET", "/_admin/state")
    converged = 0
    for app_id in ids:
        update = state["apps"][app_id]["features"][FEATURE]["capabilities"]["update"]
        converged += update["profile"]["status"] == "ENABLED" and update["password"]["change"] == "CHANGE"
    side["converged"] = converged
    return side


def measure_controller(runner, count, limit, window, forks):
    ids = app_ids("Rate", count)
    module = controller_run(runner, "feature_converge.yml", ids, limit, window, forks)
    uri = controller_run(runner, "uri_recipe.yml", ids, limit, window, forks)
    return dict(apps=count, forks=forks, rate_limit=limit, rate_window=window, floor=module["floor"],
                module=module, uri=uri)


# -- report --------------------------------------------------------------------------------------------------

def ratio_row(label, figure, ratio, target, met, notes=(), digits=2):
    return dict(label=label, figure=figure, ratio="" if ratio is None else "{0:.{1}f}".format(ratio, digits),
                target=target, met=met, notes=list(notes))


def limited_notes(side, name):
    calls = ", ".join("{0} {1}".format(count, kind) for kind, count in sorted(side["calls"].items()))
    return ["{0}: {1} requests ({2}), {3} x 429, floor {4:.0f} s, first request at {5} s, last at {6} s, "
            "CPU {7:.1f} s".format(name, side["requests"], calls, side["rate_limited"], side["floor"],
                                   side["first_request"], side["last_request"], side["cpu"])]


def report_rows(report):
    """Every figure of the report as a row (label, figure, ratio, target, met) with notes for the text table."""
    rows = []
    audit = report.get("audit")
    if audit:
        where = "{0} of {1} apps, {2}/{3} s".format(audit["apps"], audit["org_apps"], audit["rate_limit"],
                                                    audit["rate_window"])
        role, old = audit["role"], audit["layout_010"]
        rows.append(ratio_row("1. Org audit ({0}), role: requests".format(where), str(role["requests"]), None,
                              "<= {0}".format(audit["requests_target"]),
                              role["requests"] <= audit["requests_target"]))
        rows.append(ratio_row("1. Org audit, role: wall time against the floor",
                              "{0:.1f} s (floor {1:.0f} s)".format(role["seconds"], role["floor"]),
                              role["floor_ratio"], "<= {0:.2f}".format(TARGETS["audit_floor"]),
                              role["floor_ratio"] is not None and role["floor_ratio"] <= TARGETS["audit_floor"],
                              limited_notes(role, "role")))
        rows.append(ratio_row("1. Org audit, 0.1.0 layout (beside)",
                              "{0:.1f} s (floor {1:.0f} s), {2} requests".format(
                                  old["seconds"], old["floor"], old["requests"]),
                              old["floor_ratio"], "(beside)", None, limited_notes(old, "0.1.0 layout")))
        rows.append(ratio_row("1. Org audit: role against the 0.1.0 layout",
                              "{0:.1f} s against {1:.1f} s".format(role["seconds"], old["seconds"]),
                              audit["against_010"], "<= {0:.2f}".format(TARGETS["audit_against_010"]),
                              audit["against_010"] <= TARGETS["audit_against_010"], digits=3))
    inv = report.get("inventory_run")
    if inv:
        rows.append(ratio_row("2. okta_apps inventory, {0} hosts, forks {1}, okta_app_provisioning ({2}/{3} s)".format(
            inv["hosts"], inv["forks"], inv["rate_limit"], inv["rate_window"]),
            "{0:.1f} s (floor {1:.0f} s), {2} failed".format(inv["seconds"], inv["floor"], inv["failed_hosts"]),
            inv["floor_ratio"], "<= {0:.2f}, 0 failed".format(TARGETS["inventory_floor"]),
            inv["failed_hosts"] == 0 and inv["floor_ratio"] is not None
            and inv["floor_ratio"] <= TARGETS["inventory_floor"],
            limited_notes(inv, "inventory run") + ["expected requests: {0}".format(inv["requests_expected"])]))
    scale = report.get("scale")
    if scale:
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
    req = report.get("requests")
    if req:
        for item in req["rows"]:
            rows.append(ratio_row("4a. requests: " + item["task"], str(item["requests"]), None,
                                  "= {0}".format(item["target"]), item["requests"] == item["target"]))
        rows[-1]["notes"].append("app_label lookup: {0} prefix matches, max_page_size {1}, {2} pages; first page "
                                 "query {3}".format(req["label_matches"], req["max_page_size"], req["label_pages"],
                                                    (req["label_lookup_queries"] or [None])[0]))
    over = report.get("overhead")
    if over:
        rows.append(ratio_row("4b. {0} no-change okta_app_feature vs {0} uri GETs".format(over["tasks"]),
                              "{0:.2f} / {1:.2f} s".format(over["module"]["median"], over["uri"]["median"]),
                              over["ratio"], "<= {0:.2f}".format(TARGETS["overhead"]),
                              over["ratio"] <= TARGETS["overhead"], [spread_line(over)]))
    conv = report.get("converge")
    if conv:
        rows.append(ratio_row("4c. converge {0} apps: okta_app_feature vs uri recipe".format(conv["apps"]),
                              "{0:.2f} / {1:.2f} s".format(conv["module"]["median"], conv["uri"]["median"]),
                              conv["ratio"], "<= {0:.2f}".format(TARGETS["converge"]),
                              conv["ratio"] <= TARGETS["converge"],
                              [spread_line(conv), "requests: okta_app_feature {0[requests]}, uri recipe "
                               "{1[requests]}".format(conv["module_requests"], conv["uri_requests"])]))
    cpu = report.get("controller")
    if cpu:
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


def table(report):
    lines = []
    row = "{0:<84} {1:>30} {2:>6} {3:>16}  {4}"
    lines.append(row.format("Measurement", "Figure", "Ratio", "Target", "Verdict"))
    lines.append("-" * 148)
    for item in report_rows(report):
        verdict = "" if item["met"] is None else ("ok" if item["met"] else "MISSED")
        lines.append(row.format(item["label"], item["figure"], item["ratio"], item["target"], verdict))
        lines.extend("   " + note for note in item["notes"])
    return "\n".join(lines)


def rst_table(report):
    """The figures as an RST list-table, to paste into docs/docsite/rst/performance.rst."""
    lines = [".. list-table::", "   :header-rows: 1", "", "   * - Measurement", "     - Figure", "     - Ratio",
             "     - Target", "     - Met"]
    for item in report_rows(report):
        met = "" if item["met"] is None else ("yes" if item["met"] else "no")
        lines.append("   * - " + item["label"])
        cells = (item["figure"], item["ratio"], item["target"], met)
        lines.extend(("     - " + cell) if cell else "     -" for cell in cells)
    return "\n".join(lines) + "\n"


def spread_line(figures):
    return ("spread: okta_app_feature {0[min]:.2f}..{0[max]:.2f} s, uri {1[min]:.2f}..{1[max]:.2f} s, "
            "pairwise ratios {2[min]:.3f}..{2[max]:.3f} over {3} rounds; CPU seconds of the whole run (median): "
            "okta_app_feature {4:.2f}, uri {5:.2f}, ratio {6:.3f}".format(
                figures["module"], figures["uri"], figures["pair_ratios"], figures["repeat"],
                figures["cpu_module"]["median"], figures["cpu_uri"]["median"],
                figures["cpu_module"]["median"] / figures["cpu_uri"]["median"]))


def pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart (pip install -r test-requirements.txt)")
        return None
    return plt


def chart_audit(audit, path):
    """Requests answered over time (cumulative), the role against the 0.1.0 layout, with windows and floors."""
    plt = pyplot()
    if plt is None:
        return None
    sides = (("layout_010", "0.1.0 layout (okta_app_connection + 2 x okta_app_feature per app, by label)", "#e3732c"),
             ("role", "role app_provisioning", "#2b7bba"))
    end = max(max([t for t, _m, _s in audit[side]["timeline"]] + [audit[side]["seconds"]]) for side, _n, _c in sides)
    fig, axis = plt.subplots(figsize=(11, 4.8))
    window = audit["rate_window"]
    for boundary in range(0, int(end) + window + 1, window):
        axis.axvline(boundary, color="#bbbbbb", linewidth=0.6, linestyle=":")
    for side, name, colour in sides:
        fig_side = audit[side]
        answered = [t for t, _m, status in fig_side["timeline"] if status != 429]
        limited = [t for t, _m, status in fig_side["timeline"] if status == 429]
        axis.step([0] + answered + [fig_side["seconds"]], [0] + list(range(1, len(answered) + 1)) + [len(answered)],
                  where="post", color=colour, linewidth=1.6,
                  label="{0}: {1} requests, {2} x 429, {3:.0f} s".format(
                      name, fig_side["requests"], fig_side["rate_limited"], fig_side["seconds"]))
        if limited:
            counts = [sum(1 for t in answered if t <= when) for when in limited]
            axis.plot(limited, counts, "x", color=colour, markersize=6)
        axis.axvline(fig_side["floor"], color=colour, linewidth=1.0, linestyle="--")
        axis.axvline(fig_side["seconds"], color=colour, linewidth=1.0)
    axis.set_xlabel("seconds since the start of the first rate-limit window (dotted: window boundaries; "
                    "dashed: floor; solid: run finished; x: 429)", fontsize=9)
    axis.set_ylabel("requests answered")
    axis.set_xlim(0, end + 5)
    axis.legend(loc="upper left", fontsize=8)
    axis.set_title("Drift audit of {0} apps (by label) in an org of {1}, check mode, one token at {2} requests "
                   "per {3} s".format(audit["apps"], audit["org_apps"], audit["rate_limit"], window), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def chart_controller(cpu, path):
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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="development sizes: 10-second windows, 10 requests per window, small orgs, one round "
                             "(not the published figures)")
    sizes = parser.add_argument_group("sizes (defaults: full size, or the --quick sizes)")
    for name, help_text in (
            ("window", "rate-limit window in seconds, measurements 1 and 2 (full: 60)"),
            ("limit", "a token's requests per window on /api/v1/apps*, measurements 1 and 2 (full: 50)"),
            ("limit-org", "the org's requests per window on /api/v1/apps* (full: 100)"),
            ("audit-apps", "K, apps audited by label in measurement 1 (full: 50)"),
            ("org-apps", "N, apps in the org of measurements 1 and 2, the 35 seed apps included (full: 250)"),
            ("inventory-apps", "hosts picked by the inventory filter in measurement 2 (full: 50)"),
            ("inventory-forks", "forks in measurement 2 (full: 10)"),
            ("scale-apps", "apps in the org of measurement 3 (full: 5000)"),
            ("scale-repeat", "rounds of measurement 3 (full: 3)"),
            ("tasks", "tasks per loop in measurement 4b (full: 50)"),
            ("apps", "apps to converge in measurement 4c (full: 50)"),
            ("repeat", "rounds (A then B) of measurements 4b and 4c (full: 3)"),
            ("cpu-apps", "apps (= hosts) in measurement 4d (full: 100)"),
            ("cpu-limit", "requests per window in measurement 4d (full: 50)"),
            ("cpu-window", "window in seconds in measurement 4d (full: 10)"),
            ("cpu-forks", "forks in measurement 4d (full: 20)")):
        sizes.add_argument("--" + name, type=int, default=None, help=help_text)
    parser.add_argument("--page-size", type=int, default=2, help="max_page_size for the app_label lookup in 4a")
    parser.add_argument("--only", default=",".join(MEASUREMENTS),
                        help="which measurements to run, such as 1,3,4b (all: {0})".format(",".join(MEASUREMENTS)))
    parser.add_argument("--results", default=os.path.join(BENCH, "results"))
    parser.add_argument("--chart", default=None, help="also copy the chart of measurement 1 to this path")
    parser.add_argument("--controller-chart", default=None, help="also copy the chart of measurement 4d to this path")
    parser.add_argument("--collections-path", default=os.path.join(ROOT, ".build", "collections"))
    parser.add_argument("--table-from", default=None, metavar="RESULTS_JSON",
                        help="print the table (and write table.rst beside it) of an earlier run's results.json")
    args = parser.parse_args()
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.only = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = args.only - set(MEASUREMENTS)
    if unknown:
        parser.error("unknown measurement(s) {0}; choose from {1}".format(
            ", ".join(sorted(unknown)), ", ".join(MEASUREMENTS)))
    return args


def main():
    args = parse_args()
    if args.table_from:
        with open(args.table_from) as handle:
            report = json.load(handle)
        print(table(report))
        with open(os.path.join(os.path.dirname(args.table_from), "table.rst"), "w") as handle:
            handle.write(rst_table(report))
        return
    link = os.path.join(args.collections_path, "ansible_collections", "oktaops", "okta")
    if not os.path.isdir(link):
        raise SystemExit("{0} does not hold the collection: run 'make link' first".format(link))
    os.makedirs(args.results, exist_ok=True)
    results_dir = tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=args.results)
    emu = Emulator(results_dir)
    runner = Runner(emu, results_dir, args.collections_path)
    settings = dict(vars(args), only=sorted(args.only))
    report = dict(started=time.strftime("%Y-%m-%dT%H:%M:%S%z"), python=sys.version.split()[0], quick=args.quick,
                  cpus=os.cpu_count(), load_average_before=os.getloadavg(), targets=TARGETS, args=settings)
    steps = (
        ("1", "audit", "1. org audit: {0.audit_apps} of {0.org_apps} apps at {0.limit} per {0.window} s (minutes)",
         lambda: measure_audit(runner, args)),
        ("2", "inventory_run", "2. inventory-driven run: {0.inventory_apps} hosts, {0.inventory_forks} forks, "
         "{0.limit} per {0.window} s (minutes)", lambda: measure_inventory_run(runner, args)),
        ("3", "scale", "3. inventory scale: {0.scale_apps} apps, {0.scale_repeat} rounds",
         lambda: measure_scale(runner, args)),
        ("4a", "requests", "4a. requests per task", lambda: measure_requests(runner, args.page_size)),
        ("4b", "overhead", "4b. overhead: {0.tasks} tasks, {0.repeat} rounds",
         lambda: measure_overhead(runner, args.tasks, args.repeat)),
        ("4c", "converge", "4c. converging {0.apps} apps, {0.repeat} rounds",
         lambda: measure_converge(runner, args.apps, args.repeat)),
        ("4d", "controller", "4d. controller overhead: {0.cpu_apps} hosts, {0.cpu_forks} forks, {0.cpu_limit} per "
         "{0.cpu_window} s",
         lambda: measure_controller(runner, args.cpu_apps, args.cpu_limit, args.cpu_window, args.cpu_forks)),
    )
    try:
        for number, key, title, measure in steps:
            if number in args.only:
                print(title.format(args) + " ...", flush=True)
                report[key] = measure()
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
    charts = (("audit", chart_audit, "org_audit.png", args.chart),
              ("controller", chart_controller, "controller_overhead.png", args.controller_chart))
    for key, draw, name, copy_to in charts:
        if key in report:
            png = draw(report[key], os.path.join(results_dir, name))
            if png and copy_to:
                shutil.copyfile(png, copy_to)
    print("\nraw results: {0}".format(os.path.join(results_dir, "results.json")))
    print("load average before {0[0]:.1f}, after {1[0]:.1f} on {2} CPUs (figures from a busy machine are noisy)".format(
        report["load_average_before"], report["load_average_after"], report["cpus"]))
    if args.quick:
        print("quick mode: 10-second windows and small sizes, for development; the published figures are full size")


if __name__ == "__main__":
    main()
