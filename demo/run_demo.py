# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: start the bundled Okta emulator, run the demo playbooks against it, stop it.

1. read.yml reads Legacy Wiki's provisioning connection (disabled) and the seeded apps' features (by id and by
   label; Legacy Wiki has none to show while its connection is disabled);
2. apply.yml --check: the role app_provisioning audits every Okta Org2Org app (a filter) and a few apps by label,
   reading only, and writes the drift report;
3. apply.yml --diff: the role enables Legacy Wiki's provisioning connection and applies the baseline;
4. apply.yml again: nothing to change, in the fewest requests (the demo fails if anything changes or the count
   differs from the role's budget);
5. read.yml reads the result back: the connection enabled, Legacy Wiki's features readable;
6. adopting the org (docs/docsite/rst/adopting.rst): export.yml exports the same selection with the role's export
   entry point to .build/demo-export/provisioning.yml; as_code.yml applies that file (-e @file) in check mode and for
   real (the demo fails unless both report 0 changed and 0 failed and the real run sends no write); a second export
   gives the same bytes (the demo fails otherwise).
After each role run the demo prints how many requests the emulator received (its request log), the play recap's
changed count, and the summary of the Markdown drift report, which stays in .build/demo-report/ (drift-report.md and
drift-report.json of the last run) for you to open. The credentials reach the modules through OKTA_ORG_URL and
OKTA_API_TOKEN, as in a CI job.
"""

import collections
import hashlib
import os
import re
import shutil
import subprocess
import sys

import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from okta_emulator import OktaEmulator  # noqa: E402  pylint: disable=wrong-import-position

DEMO_TOKEN = "00oktaops-emulator-manage-token-5f3a9c1e7b"
WIKI = "0oa6wikY4nG7sAf1D5d7"
# Where the role writes the drift report: kept after the demo, for the user to open.
REPORT_DIR = os.path.join(ROOT, ".build", "demo-report")
# Where the export goes, and the drift report of the runs that apply it: kept after the demo too.
EXPORT_DIR = os.path.join(ROOT, ".build", "demo-export")
EXPORT_PATH = os.path.join(EXPORT_DIR, "provisioning.yml")
# The app entries of the export the demo prints (the header, the connection settings and the baseline come first).
EXPORT_HEAD_APPS = 2
# The role's budget with nothing to change: one page of the filter's apps, one page of the whole org (for the
# labels), one request per app (7 listed, 2 more Okta Org2Org apps matched by the filter), and one more for the app
# whose connection is managed (Legacy Wiki).
EXPECTED_CONVERGED = 2 + 9 + 1


class Admin:
    """The emulator's /_admin API: its request log."""

    def __init__(self, emulator):
        self.url = emulator.url
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        self.session.verify = emulator.ca_file

    def requests(self):
        answer = self.session.get(self.url + "/_admin/requests", timeout=10)
        answer.raise_for_status()
        return answer.json()

    def clear(self):
        self.session.delete(self.url + "/_admin/requests", timeout=10).raise_for_status()

    def state(self):
        answer = self.session.get(self.url + "/_admin/state", timeout=10)
        answer.raise_for_status()
        return answer.json()


def banner(text):
    print("\n" + "=" * 100 + "\n" + text + "\n" + "=" * 100, flush=True)


def run_playbook(name, env, extra=(), quiet=False):
    """Run a demo playbook and return its output; print it unless quiet (printed anyway when the play fails)."""
    cmd = ["ansible-playbook", "-i", os.path.join(HERE, "inventory.ini"), os.path.join(HERE, name)] + list(extra)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if not quiet or proc.returncode != 0:
        print(proc.stdout, flush=True)
    if proc.returncode != 0:
        sys.exit("demo: %s failed (exit %d)" % (name, proc.returncode))
    return proc.stdout


def changed_apps(stdout):
    """The number of apps the role changed (or would change), from its summary line."""
    return role_summary(stdout)[1]


def show_requests(admin):
    log = admin.requests()
    kinds = collections.Counter("%s %s" % (entry["method"], re.sub(r"/0oa\w+", "/{appId}", entry["path"]))
                                for entry in log)
    print("Requests the emulator received: %d" % len(log))
    for kind, count in sorted(kinds.items()):
        print("  %3d x %s" % (count, kind))
    return len(log)


def count_methods(admin):
    """Print the requests the emulator received, reads and writes apart; return (reads, writes)."""
    methods = collections.Counter(entry["method"] for entry in admin.requests())
    reads = methods.pop("GET", 0)
    writes = sum(methods.values())
    print("Requests the emulator received: %d GET, %d other%s" % (
        reads, writes, "".join(" (%d %s)" % (count, method) for method, count in sorted(methods.items()))))
    return reads, writes


def role_summary(stdout):
    """The role's summary line and its counts: (line, changed, failed)."""
    match = re.search(r"(?:Drift audit \(check mode\)|Provisioning run): \d+ apps seen, (\d+) (?:changed|would change),"
                      r".*?\b(\d+) failed[^.]*\.", stdout, re.S)
    if not match:
        sys.exit("demo: the role printed no summary")
    return " ".join(match.group(0).split()), int(match.group(1)), int(match.group(2))


def recap_changed(stdout):
    """The changed count of the play recap: 0 when the run changed nothing (the report is not a change)."""
    counts = re.findall(r"^localhost\s*:\s*ok=\d+\s+changed=(\d+)", stdout, re.M)
    if not counts:
        sys.exit("demo: the play printed no recap")
    return int(counts[-1])


def show_report(report_dir):
    """The drift report's summary: its table and one line per app."""
    path = os.path.join(report_dir, "drift-report.md")
    with open(path) as handle:
        markdown = handle.read()
    head, _sep, rest = markdown.partition("\n## ")
    print("%s (summary; the same data as JSON in drift-report.json beside it):\n" % os.path.relpath(path, os.getcwd()))
    print(head.strip())
    for line in ("## " + rest).splitlines():
        if line.startswith("## "):
            print(line)
    unsupported = markdown.partition("## Apps without provisioning (unsupported)")[2]
    print("\n".join(line for line in unsupported.splitlines() if line.startswith("| ")))
    print(flush=True)


def selection(playbook):
    """The apps a demo playbook gives the role: (filter, [(app_id, app_label), ...])."""
    with open(os.path.join(HERE, playbook)) as handle:
        play = yaml.safe_load(handle)[0]
    variables = (play.get("roles") or play.get("tasks"))[0]["vars"]
    return (variables.get("app_provisioning_filter"),
            [(app.get("app_id"), app.get("app_label")) for app in variables.get("app_provisioning_apps", [])])


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def show_export(path, apps=EXPORT_HEAD_APPS):
    """The head of the exported file: its header, the connection settings, the baseline and the first app entries."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("  - app_id: ")]
    shown = lines[:starts[apps]] if len(starts) > apps else lines
    print("\n%s (the first %d lines of %d; %d app entries in all):\n" % (
        os.path.relpath(path, os.getcwd()), len(shown), len(lines), len(starts)))
    print("\n".join("    " + line for line in shown))
    if len(shown) < len(lines):
        print("    ...")
    print(flush=True)


def export(env, admin):
    """Run export.yml; print the role's summary of the export and the emulator's count. Return the request count."""
    admin.clear()
    stdout = run_playbook("export.yml", env, quiet=True)
    match = re.search(r"Exported \d+ apps to .*? with (\d+) requests\.", stdout, re.S)
    if not match:
        sys.exit("demo: the export printed no summary")
    print(" ".join(match.group(0).split()))
    reads, writes = count_methods(admin)
    if writes:
        sys.exit("demo: the export sent %d writes; it must only read" % writes)
    if int(match.group(1)) != reads:
        sys.exit("demo: the export counted %s requests, the emulator received %d" % (match.group(1), reads))
    return stdout


def apply_export(env, admin, check):
    """Apply the exported file with as_code.yml; fail unless nothing changes, nothing fails and nothing is written."""
    admin.clear()
    stdout = run_playbook("as_code.yml", env, (["--check"] if check else []) + ["-e", "@" + EXPORT_PATH], quiet=True)
    line, changed, failed = role_summary(stdout)
    print(line)
    _reads, writes = count_methods(admin)
    print("Play recap: changed=%d" % recap_changed(stdout))
    if changed or failed:
        sys.exit("demo: applying the export %s %d apps and failed on %d; expected 0 and 0" % (
            "would change" if check else "changed", changed, failed))
    if writes or recap_changed(stdout):
        sys.exit("demo: applying the export sent %d writes (play recap changed=%d); expected none" % (
            writes, recap_changed(stdout)))


def adopt(env, admin):
    """Export the org, apply the file in check mode and for real (no change, no write), export again (same bytes)."""
    if selection("export.yml") != selection("apply.yml"):
        sys.exit("demo: export.yml selects other apps than apply.yml; give both the same filter and apps")
    if os.path.exists(EXPORT_DIR):
        shutil.rmtree(EXPORT_DIR)
    os.makedirs(EXPORT_DIR)
    env = dict(env, OKTA_DEMO_EXPORT_PATH=EXPORT_PATH, OKTA_DEMO_REPORT_PATH=os.path.join(EXPORT_DIR, "report"))

    banner("6. Adopt the org (docs/docsite/rst/adopting.rst): export the same apps with the role's export entry point "
           "(export.yml, tasks_from: export)")
    export(env, admin)
    show_export(EXPORT_PATH)
    first = sha256(EXPORT_PATH)

    banner("7. Apply the exported file with the role's main entry point (as_code.yml -e @%s): a drift audit "
           "(--check), then a real run" % os.path.relpath(EXPORT_PATH, os.getcwd()))
    apply_export(env, admin, check=True)
    print()
    apply_export(env, admin, check=False)

    banner("8. Export again: the same bytes")
    again = export(env, admin)
    second = sha256(EXPORT_PATH)
    print("sha256 of the first export:  %s\nsha256 of the second export: %s" % (first, second))
    if second != first:
        sys.exit("demo: the second export differs from the first (sha256 %s, then %s)" % (first, second))
    if recap_changed(again):
        sys.exit("demo: the second export's play recap shows changed=%d, expected 0" % recap_changed(again))
    print("identical (the export task reported ok: changed=0)", flush=True)


def main():
    emulator = OktaEmulator(os.path.join(ROOT, "tests", "emulator", "seed.json")).start()
    admin = Admin(emulator)
    try:
        report_dir = REPORT_DIR
        os.makedirs(report_dir, exist_ok=True)
        for name in ("drift-report.md", "drift-report.json"):
            if os.path.exists(os.path.join(report_dir, name)):
                os.remove(os.path.join(report_dir, name))
        env = dict(os.environ)
        env.update(
            OKTA_ORG_URL=emulator.url,
            OKTA_API_TOKEN=DEMO_TOKEN,
            OKTA_DEMO_CA_PATH=emulator.ca_file,
            OKTA_DEMO_REPORT_PATH=report_dir,
            ANSIBLE_STDOUT_CALLBACK="default",
            ANSIBLE_CALLBACK_RESULT_FORMAT="yaml",
            ANSIBLE_DEPRECATION_WARNINGS="false",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        print("Okta emulator listening on %s (CA %s)" % (emulator.url, emulator.ca_file), flush=True)
        banner("1. Read Legacy Wiki's provisioning connection (okta_app_connection_info) and the features of the "
               "seeded apps (okta_app_feature_info, by id and by label)")
        run_playbook("read.yml", env)

        banner("2. Drift audit (--check) with the role app_provisioning: every Okta Org2Org app (filter "
               "name eq \"okta_org2org\") and seven apps by label or id")
        admin.clear()
        audit = run_playbook("apply.yml", env, ["--check"])
        audited = show_requests(admin)
        if {entry["method"] for entry in admin.requests()} != {"GET"}:
            sys.exit("demo: the drift audit sent something other than reads")
        show_report(report_dir)

        banner("3. Apply the baseline with the role (--diff shows every change)")
        admin.clear()
        first = run_playbook("apply.yml", env, ["--diff"])
        applied = show_requests(admin)
        show_report(report_dir)

        banner("4. Apply the same baseline again: nothing to change")
        admin.clear()
        second = run_playbook("apply.yml", env, ["--diff"])
        converged = show_requests(admin)
        show_report(report_dir)

        banner("5. Read the result back")
        run_playbook("read.yml", env)

        adopt(env, admin)

        banner("Summary: the audit found %d apps to change (%d requests); the first run changed %d apps (%d "
               "requests); the second changed %d (%d requests: one listing for the filter, one for the labels, "
               "one per app (9), one connection read)" % (
                   changed_apps(audit), audited, changed_apps(first), applied, changed_apps(second), converged))
        if not changed_apps(first) or changed_apps(second) != 0:
            sys.exit("demo: expected changes on the first run and none on the second")
        if recap_changed(second) != 0:
            sys.exit("demo: the converged run's play recap shows changed=%d, expected 0" % recap_changed(second))
        if converged != EXPECTED_CONVERGED:
            sys.exit("demo: the converged run made %d requests, expected %d" % (converged, EXPECTED_CONVERGED))
        connection = admin.state()["apps"][WIKI]["connection"]
        if connection["status"] != "ENABLED":
            sys.exit("demo: Legacy Wiki's provisioning connection is %s, expected ENABLED" % connection["status"])
        print("Legacy Wiki's provisioning connection is %s." % connection["status"])
        print("The converged run's play recap: changed=%d (writing the report is not a change to Okta)."
              % recap_changed(second))
        print("The drift report of the last run: %s (and drift-report.json beside it)."
              % os.path.join(os.path.relpath(report_dir, os.getcwd()), "drift-report.md"))
        print("The export: %s, applied with no change and no write, and exported again with the same bytes."
              % os.path.relpath(EXPORT_PATH, os.getcwd()), flush=True)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
