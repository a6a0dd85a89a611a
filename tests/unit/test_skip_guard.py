# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The skip guard (tests/utils/skip_guard.py): a pytest run with the guard fails on every skip it does not allow.

Each test runs a small pytest session of its own (``pytester``) whose conftest installs the guard exactly as
tests/unit/conftest.py and tests/integration/conftest.py do, and checks the outcomes and the exit status.
"""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.tests.utils import skip_guard

pytest_plugins = ["pytester"]

CONFTEST = """
from ansible_collections.oktaops.okta.tests.utils import skip_guard

pytest_configure = skip_guard.pytest_configure
pytest_make_collect_report = skip_guard.pytest_make_collect_report
pytest_runtest_makereport = skip_guard.pytest_runtest_makereport
"""


def run(pytester, source, *args):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_sample=source)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rA", *args)


def test_unmarked_skips_fail_the_run(pytester):
    result = run(pytester, """
import pytest

@pytest.fixture
def needs_something():
    pytest.skip("the thing is not configured")

def test_skip_in_the_body():
    pytest.skip("not today")

@pytest.mark.skip(reason="switched off")
def test_skip_marker():
    pass

@pytest.mark.skipif(True, reason="condition true")
def test_skipif_marker():
    pass

def test_skip_in_a_fixture(needs_something):
    pass

def test_importorskip():
    pytest.importorskip("a_module_that_does_not_exist_anywhere")

def test_passes():
    assert True
""")
    # a skip in the setup phase (markers, fixtures) becomes an error, one in the test body a failure
    result.assert_outcomes(passed=1, failed=2, errors=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    for line in ("*test_skip_in_the_body: skipped (not today) without an @pytest.mark.allowed_skip(reason) marker*",
                 "*test_skip_marker: skipped (switched off) without*",
                 "*test_skipif_marker: skipped (condition true) without*",
                 "*test_skip_in_a_fixture: skipped (the thing is not configured) without*",
                 "*test_importorskip: skipped (could not import*without*"):
        result.stdout.fnmatch_lines([line])


def test_a_skip_for_a_missing_file_fails_even_when_allowed(pytester):
    result = run(pytester, """
import pytest

@pytest.mark.allowed_skip(reason="the spec is optional")
def test_spec():
    pytest.skip("official Okta spec not found at ../elsewhere/app-features-subset.yaml; schema checks skipped")

@pytest.mark.allowed_skip(reason="the file is optional")
def test_file():
    pytest.skip("No such file or directory: 'seed.json'")
""")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*test_spec: skipped because a file is missing (official Okta spec not found*"])
    result.stdout.fnmatch_lines(["*test_file: skipped because a file is missing*"])


def test_allowed_skips_stay_skips(pytester):
    result = run(pytester, """
import pytest

pytestmark = pytest.mark.allowed_skip(reason="every test here may skip")

def test_module_marker():
    pytest.skip("on purpose")

@pytest.mark.allowed_skip("positional reason")
def test_positional_reason():
    pytest.skip("on purpose")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_xfail_is_not_a_skip():
    assert False
""")
    result.assert_outcomes(skipped=2, xfailed=1)
    assert result.ret == pytest.ExitCode.OK


def test_the_allowed_marker_needs_a_reason(pytester):
    result = run(pytester, """
import pytest

@pytest.mark.allowed_skip
def test_no_reason():
    pytest.skip("on purpose")

@pytest.mark.allowed_skip(reason="  ")
def test_blank_reason():
    pytest.skip("on purpose")
""")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*its allowed_skip marker must give a reason*"])


def test_a_module_that_skips_as_a_whole_is_an_error(pytester):
    result = run(pytester, """
import pytest

pytest.importorskip("a_module_that_does_not_exist_anywhere")

def test_never_collected():
    pass
""")
    result.assert_outcomes(errors=1)
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*the whole module or collector skipped*without an @pytest.mark.allowed_skip*"])


def test_the_marker_is_registered(pytester):
    """--strict-markers accepts it, and --markers documents it."""
    result = run(pytester, """
import pytest

@pytest.mark.allowed_skip(reason="fine")
def test_marked():
    pass
""", "--strict-markers")
    result.assert_outcomes(passed=1)
    assert any(skip_guard.MARKER_HELP in line for line in pytester.runpytest_inprocess("--markers").outlines)


@pytest.mark.parametrize("reason,missing", [
    ("official Okta spec not found beside the checkout", True),
    ("tests/spec/okta-management-subset.yaml does not exist", True),
    ("No such file or directory: '/tmp/x'", True),
    ("the seed directory is absent", True),
    ("official Okta Python SDK (pip install okta) not installed", False),
    ("needs a real Okta org", False),
    ("OAuth tests (and their key helpers) are not available", False),
])
def test_missing_file_reasons(reason, missing):
    assert skip_guard.missing_file(reason) is missing
