# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the unit tests: run a module's ``main()`` through the real exit path."""

from __future__ import annotations

import json
import os

import pytest
import responses

from ansible_collections.oktaops.okta.tests.utils.module_args import patch_module_args, reset_warnings
from ansible_collections.oktaops.okta.tests.utils import skip_guard

# Any skip fails the run unless the test is marked allowed_skip(reason); a missing file never may skip.
pytest_configure = skip_guard.pytest_configure
pytest_make_collect_report = skip_guard.pytest_make_collect_report
pytest_runtest_makereport = skip_guard.pytest_runtest_makereport


@pytest.fixture(autouse=True)
def clean_okta_env(monkeypatch):
    """No test sees the Okta variables, or the CA bundle settings, of the machine it runs on."""
    for name in list(os.environ):
        if name.startswith("OKTA_") or name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run_module(capsys, monkeypatch):
    """Return ``run(main, args)``: run the module with ``args`` and return ``(rc, result)``.

    ``rc`` is the exit code (0 for exit_json, 1 for fail_json) and ``result`` the JSON the module
    printed, so no_log masking and JSON serialisation are part of what is tested. The raw text printed
    is kept in ``run.stdout`` for checks that must see everything, such as a token never printed.
    """

    def run(main, args):
        capsys.readouterr()
        reset_warnings(monkeypatch)
        with patch_module_args(args):
            with pytest.raises(SystemExit) as caught:
                main()
        out = capsys.readouterr().out
        run.stdout = out
        code = caught.value.code
        return (0 if code is None else code), json.loads(out)

    run.stdout = ""
    return run


@pytest.fixture
def rsps():
    """The module's HTTP, mocked with ``responses``; requests nobody registered fail the call."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def module_runner(run_module):
    """Return ``runner(main, fixed=None, defaults=None, secrets=())``, which makes a module's ``run(**args)``.

    ``fixed`` options are always sent (a test cannot override them), ``defaults`` only when the test does not give
    them; every run asserts that none of ``secrets`` was printed, whatever the outcome.
    """

    def runner(main, fixed=None, defaults=None, secrets=()):
        def run(**args):
            args = dict(defaults or {}, **args)
            args.update(fixed or {})
            result = run_module(main, args)
            for secret in secrets:
                assert secret not in run_module.stdout
            return result

        return run

    return runner
