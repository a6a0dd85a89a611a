# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement 4a, requests per task: one play runs each kind of task once, and each request in the emulator's log
belongs to the task that started last before it."""

import math

from benchlib.emulator import CHANGE, FEATURE, app_ids
from benchlib.report import ratio_row
from benchlib.runner import require_ok

NUMBER = "4a"
KEY = "requests"
TITLE = "4a. requests per task"
PLAYBOOKS = ("request_counts.yml",)
OPTIONS = (("page-size", 2, 2, "max_page_size for the app_label lookup in measurement 4a"),)
TARGETS = {}


def measure(runner, args):
    """One task of each kind in one run; each logged request belongs to the task that started last before it."""
    page_size = args.page_size
    emu = runner.emu
    paged_label = "Bench Paged"
    matches = 2 * page_size + 1  # three pages of prefix matches for the label
    emu.fresh(app_ids("Req", 2), max_page_size=page_size)
    emu.admin("POST", "/_admin/apps", [{"label": paged_label if n == 0 else "{0} {1:02d}".format(paged_label, n)}
                                       for n in range(matches)])
    current = emu.state()["apps"][app_ids("Req", 1)[0]]["features"][FEATURE]["capabilities"]
    noop = {"update": {"profile": {"status": current["update"]["profile"]["status"]}}}
    emu.admin("DELETE", "/_admin/requests")
    run = runner.play(PLAYBOOKS[0], dict(app_ids=app_ids("Req", 2), desired=CHANGE, noop=noop, paged_label=paged_label))
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


def rows(req):
    """The rows of the report for these figures."""
    rows = []
    for item in req["rows"]:
        rows.append(ratio_row("4a. requests: " + item["task"], str(item["requests"]), None,
                              "= {0}".format(item["target"]), item["requests"] == item["target"]))
    rows[-1]["notes"].append("app_label lookup: {0} prefix matches, max_page_size {1}, {2} pages; first page "
                             "query {3}".format(req["label_matches"], req["max_page_size"], req["label_pages"],
                                                (req["label_lookup_queries"] or [None])[0]))
    return rows
