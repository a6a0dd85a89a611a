# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Okta emulator as a subprocess: start it on a free port over TLS, wait until it answers, call its admin
API, stop it.

The integration tests (``tests/integration/conftest.py``) and the benchmark (``bench/``) start it through
:func:`start`. The emulator is the package ``tests/emulator/okta_emulator``, run as ``python -m okta_emulator``; it
picks a free port, writes it to a file and writes the CA certificate that signs its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EMULATOR_DIR = os.path.join(REPO_ROOT, "tests", "emulator")
EMULATOR_COMMAND = (sys.executable, "-m", "okta_emulator")
EMULATOR_SEED = os.path.join(EMULATOR_DIR, "seed.json")
MANAGE_TOKEN = "00oktaops-emulator-manage-token-5f3a9c1e7b"


def emulator_env():
    """The environment for an emulator process: tests/emulator first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (EMULATOR_DIR, env.get("PYTHONPATH")) if p)
    return env


class Emulator:
    """A running emulator: its URL, its CA file and its admin API (``/_admin/...``)."""

    def __init__(self, url, ca_file, proc, workdir, log_path, admin_timeout=10):
        self.url = url
        self.ca_file = ca_file
        self.proc = proc
        self.workdir = workdir
        self.log_path = log_path
        self.seed = EMULATOR_SEED
        self.admin_timeout = admin_timeout
        # trust_env off: REQUESTS_CA_BUNDLE in the environment would otherwise override verify
        self._session = requests.Session()
        self._session.trust_env = False

    def admin(self, method, path, json=None):
        """Call an admin endpoint; returns the parsed JSON answer (raises on HTTP errors)."""
        resp = self._session.request(method, self.url + path, json=json, verify=self.ca_file,
                                     timeout=self.admin_timeout)
        resp.raise_for_status()
        return resp.json()

    def api(self, method, path, json=None, token=MANAGE_TOKEN):
        """A request to the emulated Okta API (``SSWS`` token, the manage token by default); the raw response."""
        return self._session.request(method, self.url + path, json=json, verify=self.ca_file, timeout=30,
                                     headers={"Authorization": "SSWS " + token, "Accept": "application/json"})

    def reset(self):
        return self.admin("POST", "/_admin/reset")

    def requests(self):
        return self.admin("GET", "/_admin/requests")

    def state(self):
        return self.admin("GET", "/_admin/state")

    def close(self):
        self._session.close()

    def stop(self):
        """Close the admin session and end the process (killed if it does not exit within 10 seconds)."""
        self.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(workdir, extra_args=(), timeout=20, admin_timeout=10):
    """Start an emulator with its files (port, CA, log) in ``workdir`` and return it once it answers.

    ``extra_args`` go to ``python -m okta_emulator`` after the address, the files and the seed (for example
    ``("--rate-buckets", "shared")``). Raises RuntimeError, with the emulator's log, when it exits or does not
    answer within ``timeout`` seconds.
    """
    port_file = os.path.join(workdir, "port")
    ca_file = os.path.join(workdir, "ca.pem")
    log_path = os.path.join(workdir, "emulator.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*EMULATOR_COMMAND, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
             "--ca-file", ca_file, "--seed", EMULATOR_SEED, *extra_args],
            stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT, env=emulator_env(),
        )
    deadline = time.monotonic() + timeout
    url = None
    probe = requests.Session()
    probe.trust_env = False
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                with open(log_path, "rb") as handle:
                    raise RuntimeError("the emulator exited early (rc={0}): {1}".format(
                        proc.returncode, handle.read().decode(errors="replace")))
            if url is None and os.path.exists(port_file):
                with open(port_file) as handle:
                    port = handle.read().strip()
                url = "https://127.0.0.1:{0}".format(port) if port else None
            if url is not None:
                try:
                    if probe.get(url + "/_admin/health", verify=ca_file, timeout=2).json() == {"ok": True}:
                        return Emulator(url, ca_file, proc, workdir, log_path, admin_timeout=admin_timeout)
                except (requests.RequestException, ValueError):
                    pass
            time.sleep(0.05)
    finally:
        probe.close()
    proc.kill()
    proc.wait()
    raise RuntimeError("the emulator did not answer within {0} s; its log is {1}".format(timeout, log_path))
