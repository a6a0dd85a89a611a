# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: records when each task starts and when the playbook ends, and every result's status."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timer
type: notification
short_description: Record task timings for the collection's benchmark
description:
  - Appends one JSON line per event (task start, task result, end of the run) to the file named by
    E(OKTAOPS_BENCH_TIMES), with a wall-clock time stamp.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, **entry):
        path = os.environ.get("OKTAOPS_BENCH_TIMES")
        if not path:
            return
        entry["time"] = time.time()
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def _result(self, status, result):
        self._write(event="result", status=status, task=result._task.get_name(), host=result._host.get_name(),
                    attempts=result._result.get("attempts"))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write(event="task_start", task=task.get_name())

    def v2_runner_on_ok(self, result):
        self._result("changed" if result._result.get("changed") else "ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result("failed", result)

    def v2_runner_on_skipped(self, result):
        self._result("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._result("unreachable", result)

    def v2_playbook_on_stats(self, stats):
        self._write(event="end")
