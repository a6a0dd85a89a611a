"""Shared fixtures for the integration tests."""

import os
import subprocess
import sys
import tempfile
import time

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# ansible-playbook finds this checkout as oktaops.okta through a collections path holding a link to it; the tests
# import the test utilities (tests/utils/) through it too.
COLLECTIONS_PATH = tempfile.mkdtemp(prefix="okta-collections-")
os.makedirs(os.path.join(COLLECTIONS_PATH, "ansible_collections", "oktaops"))
os.symlink(REPO_ROOT, os.path.join(COLLECTIONS_PATH, "ansible_collections", "oktaops", "okta"))
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)

from ansible_collections.oktaops.okta.tests.utils import emulator_launcher, skip_guard  # noqa: E402  pylint: disable=wrong-import-position

# The emulator's own tests start further emulators with these (tests/utils/emulator_launcher.py).
EMULATOR_COMMAND = emulator_launcher.EMULATOR_COMMAND
EMULATOR_DIR = emulator_launcher.EMULATOR_DIR
EMULATOR_SEED = emulator_launcher.EMULATOR_SEED
emulator_env = emulator_launcher.emulator_env

# The collection's tests run with one bucket shared by every request and credential (--rate-buckets shared):
# test_concurrency.py's neighbour drains the org's budget with another token on GET /api/v1/apps/{id}, which Okta's
# per-token buckets would keep apart. The emulator's own tests switch to the Okta buckets through /_admin/config.
EMULATOR_ARGS = ("--rate-buckets", "shared")


@pytest.fixture(scope="session")
def emulator():
    """The Okta emulator, started once per session as a subprocess (TLS, seed.json)."""
    with tempfile.TemporaryDirectory(prefix="okta-emu-") as workdir:
        emu = emulator_launcher.start(workdir, EMULATOR_ARGS)
        try:
            yield emu
        finally:
            emu.stop()


@pytest.fixture
def emu(emulator):
    """The session emulator, reset to its seed before the test."""
    emulator.reset()
    yield emulator


# ---------------------------------------------------------------------------------------------------
# Running playbooks against the emulator
# ---------------------------------------------------------------------------------------------------

MANAGE_TOKEN = emulator_launcher.MANAGE_TOKEN
READONLY_TOKEN = "00oktaops-emulator-readonly-token-8d2b4e6a0c"
ACCESS_TOKEN = "eyJoktaops-emulator-access-token-c4e1b9"
SLACK = "0oa1slk7q2HXw9ZbT5d7"
ZOOM = "0oa3zmF9cLq2vHs4N5d7"
ORG2ORG = "0oa5o2oT3bJ8pWe6C5d7"
LEGACY_WIKI = "0oa6wikY4nG7sAf1D5d7"
CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")


class PlayResult:
    """What one ansible-playbook run printed and the result of every task, in order."""

    def __init__(self, rc, stdout, stderr, results, log_text):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results
        self.log_text = log_text

    def __getitem__(self, index):
        return self.results[index]["result"]

    def status(self, index):
        return self.results[index]["status"]

    def everything(self):
        """All text the run produced: stdout, stderr, the log file and the recorded results."""
        import json as _json
        return "\n".join([self.stdout, self.stderr, self.log_text, _json.dumps(self.results)])


def run_playbook(emulator, tasks, check=False, diff=False, verbosity=0, token=MANAGE_TOKEN, defaults=None,
                 extra_env=None, inventory=None, forks=None, play_extra=None, timeout=600):
    """Run ``tasks`` (a list of task dicts) in one play against ``emulator``; return a PlayResult."""
    import json as _json

    workdir = tempfile.mkdtemp(prefix="okta-play-")
    module_defaults = {"org_url": emulator.url, "ca_path": emulator.ca_file}
    if token is not None:
        module_defaults["api_token"] = token
    module_defaults.update(defaults or {})
    play = {"name": "test", "hosts": "all" if inventory else "localhost", "gather_facts": False,
            "module_defaults": {"group/oktaops.okta.okta": module_defaults}, "tasks": tasks}
    play.update(play_extra or {})
    playbook = os.path.join(workdir, "play.yml")
    with open(playbook, "w") as fh:
        _json.dump([play], fh)  # JSON is YAML
    inv = os.path.join(workdir, "inventory")
    with open(inv, "w") as fh:
        fh.write(inventory or "localhost ansible_connection=local\n")
    results_file = os.path.join(workdir, "results.jsonl")
    log_file = os.path.join(workdir, "ansible.log")
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH,
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "OKTAOPS_RESULTS_FILE": results_file,
        "ANSIBLE_LOG_PATH": log_file,
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
    })
    # Credentials reach the modules only through the playbook unless a test says otherwise.
    for name in list(env):
        if name.startswith("OKTA_"):
            del env[name]
    env.update(extra_env or {})
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inv, playbook]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if forks:
        cmd += ["--forks", str(forks)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=workdir, check=False)
    results = []
    if os.path.exists(results_file):
        with open(results_file) as fh:
            results = [_json.loads(line) for line in fh if line.strip()]
    log_text = ""
    if os.path.exists(log_file):
        with open(log_file) as fh:
            log_text = fh.read()
    return PlayResult(proc.returncode, proc.stdout, proc.stderr, results, log_text)


@pytest.fixture
def play(emu):
    """``play(tasks, **options)`` runs a playbook against the freshly reset emulator."""
    def _play(tasks, **options):
        return run_playbook(emu, tasks, **options)
    return _play


# The concurrency run (test_concurrency.py) writes its figures here; they are printed at the end of the session.
RELIABILITY_FIGURES = os.path.join(REPO_ROOT, "tests", "output", "reliability-figures.json")
_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    """Print the wall time and 429 count of the concurrency run, if it ran in this session (xdist or not)."""
    import json as _json

    if not os.path.exists(RELIABILITY_FIGURES) or os.path.getmtime(RELIABILITY_FIGURES) < _SESSION_STARTED:
        return
    with open(RELIABILITY_FIGURES) as fh:
        figures = _json.load(fh)
    terminalreporter.section("reliability figures (test_concurrency.py)")
    terminalreporter.write_line("{apps} apps, {forks} forks, bucket {rate_limit} requests / {rate_window} s".format(**figures))
    for name in ("first_run", "second_run"):
        run = figures[name]
        terminalreporter.write_line(
            "{0}: wall time {1[wall_seconds]} s, {1[requests]} requests, {1[rate_limited]} answered 429 and absorbed, "
            "{1[changed]} changed, {1[failed]} failed".format(name, run))


# ---------------------------------------------------------------------------------------------------
# Skips: any skip fails the run unless the test is marked allowed_skip(reason); a missing file never
# may skip (tests/utils/skip_guard.py). Reached through the collections path, as the tests reach the collection.
# ---------------------------------------------------------------------------------------------------

pytest_configure = skip_guard.pytest_configure
pytest_make_collect_report = skip_guard.pytest_make_collect_report
pytest_runtest_makereport = skip_guard.pytest_runtest_makereport
