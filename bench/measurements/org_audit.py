# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 1, org audit at Okta's limit: K apps given by label in an org of N, connection and both features
managed, nothing to change, check mode; the role ``app_provisioning`` against the 0.1.0 layout (per app
``okta_app_connection`` then ``okta_app_feature`` per feature, each by label). Per-token buckets as Okta's paid
org: 50 requests per 60-second window for ``/api/v1/apps*`` (100 for the org)."""

import json
import math
import os

from benchlib.emulator import UNTHROTTLED
from benchlib.report import limited_notes, pyplot, ratio_row
from benchlib.runner import limited_run

NUMBER = "1"
KEY = "audit"
TITLE = "1. org audit: {0.audit_apps} of {0.org_apps} apps at {0.limit} per {0.window} s (minutes)"
PLAYBOOKS = ("audit_010.yml", "audit_role.yml")
# (option, full size, --quick size, help); window, limit, limit-org and org-apps are shared with measurement 2
OPTIONS = (("audit-apps", 50, 10, "K, apps audited by label in measurement 1"),)
TARGETS = dict(audit_requests="ceil(N/200) + 2K", audit_floor=1.10, audit_against_010=0.40)
# The chart (requests answered over time) and the option that also copies it elsewhere (make bench: the docs).
CHART = ("org_audit.png", "chart", "also copy the chart of measurement 1 to this path")

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
    present = len(emu.state()["apps"])
    if org_count > present:
        emu.admin("POST", "/_admin/apps/generate", {"count": org_count - present, "seed": 14, "prefix": "Org"})
    for app_id in ids:
        for feature, capabilities in AUDIT_OKTA.items():
            emu.api("PUT", "/api/v1/apps/{0}/features/{1}".format(app_id, feature), capabilities)
    state = emu.state()["apps"]
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


def measure(runner, args):
    """Measurement 1: the role against the 0.1.0 layout, both auditing the same K apps in an org of N."""
    emu = runner.emu
    labels, _ids, total = prepare_audit_org(emu, args.audit_apps, args.org_apps)
    variables = audit_variables(labels)
    sides = {}
    for key, playbook in zip(("layout_010", "role"), PLAYBOOKS):
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


def rows(audit):
    """The rows of the report for these figures."""
    rows = []
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
    return rows


def chart(audit, path):
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
