# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest hooks that turn a skipped test into a failed one: a skipped check proves nothing.

The unit and integration conftests import these hooks. A test may skip only when it carries the marker
``allowed_skip(reason)`` (on the test, its class or its module's ``pytestmark``) with a reason that says why
the skip is legitimate. A skip whose own reason says that a file, path or spec is missing fails even then:
everything the tests read is in the checkout, so a missing file is a broken checkout, not a reason to skip.
A module or collector that skips as a whole (``pytest.skip(allow_module_level=True)``, a module-level
``importorskip``) is a collection error. Expected failures (``xfail``) are not skips and are left alone.
"""

from __future__ import annotations

import re

import pytest

MARKER = "allowed_skip"
MARKER_HELP = MARKER + "(reason): this test may be skipped, for the reason given (any other skip fails the run)"
_MISSING = re.compile(r"\b(not found|missing|absent|no such file|does not exist|not exist|not installed|"
                      r"not available|cannot find|can't find|could not find)\b", re.IGNORECASE)
_FILE = re.compile(r"(\bfiles?\b|\bpaths?\b|\bspec\b|\bdirector(y|ies)\b|\.(ya?ml|json|pem|py)\b)", re.IGNORECASE)


def skip_reason(report):
    """The reason pytest recorded for a skip ("Skipped: " removed), or the whole long representation."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
    else:
        reason = str(longrepr)
    return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason


def missing_file(reason):
    """True when a skip reason says that a file, path or spec is missing."""
    return bool(_MISSING.search(reason) and _FILE.search(reason))


def refusal(reason, marker):
    """Why a skip with ``reason`` fails the run, or None when it is allowed (``marker``: allowed_skip or None)."""
    if missing_file(reason):
        return ("skipped because a file is missing ({0}); everything the tests read is in the checkout, so this is "
                "a broken checkout or a broken test, never a reason to skip".format(reason))
    if marker is None:
        return ("skipped ({0}) without an @pytest.mark.{1}(reason) marker; a skipped test proves nothing, so "
                "fix what made it skip or mark the skip as legitimate".format(reason, MARKER))
    allowed = marker.kwargs.get("reason", marker.args[0] if marker.args else None)
    if not isinstance(allowed, str) or not allowed.strip():
        return "skipped ({0}); its {1} marker must give a reason".format(reason, MARKER)
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER_HELP)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # pylint: disable=unused-argument
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    problem = refusal(reason, item.get_closest_marker(MARKER))
    if problem:
        report.outcome = "failed"
        report.longrepr = "{0}: {1}".format(item.nodeid, problem)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    reason = skip_reason(report)
    problem = refusal(reason, None)
    report.outcome = "failed"
    report.longrepr = "{0}: the whole module or collector {1}".format(collector.nodeid or ".", problem)
