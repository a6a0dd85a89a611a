# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the reliability tests (fault matrix, concurrency, bad input).

Every playbook run made through :func:`run_loud` is at ``-vvvv`` with ``ANSIBLE_LOG_PATH`` set, and is
checked for leaked secrets, tracebacks and "MODULE FAILURE" before the test sees it.
"""

import json

from conftest import ACCESS_TOKEN, MANAGE_TOKEN, READONLY_TOKEN, run_playbook

FEATURE = "oktaops.okta.okta_app_feature"
INFO = "oktaops.okta.okta_app_feature_info"
USER = "USER_PROVISIONING"
INBOUND = "INBOUND_PROVISIONING"
SECRETS = (MANAGE_TOKEN, READONLY_TOKEN, ACCESS_TOKEN)
# A change every freshly added app needs: the emulator's default USER_PROVISIONING has every status DISABLED.
CHANGE = {"update": {"profile": {"status": "ENABLED"}, "password": {"status": "ENABLED", "change": "CHANGE"}}}
CHANGED_CAPS = {
    "create": {"lifecycleCreate": {"status": "DISABLED"}},
    "update": {"lifecycleDeactivate": {"status": "DISABLED"}, "profile": {"status": "ENABLED"},
               "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}},
}
DEFAULT_CAPS = {
    "create": {"lifecycleCreate": {"status": "DISABLED"}},
    "update": {"lifecycleDeactivate": {"status": "DISABLED"}, "profile": {"status": "DISABLED"},
               "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}},
}


def assert_no_leak(text, where="the run's output"):
    """No token of the emulator's seed appears in ``text``, not even in part (the secret half of it)."""
    for secret in SECRETS:
        assert secret not in text, "a token leaked into {0}".format(where)
        assert secret[len(secret) // 2:] not in text, "part of a token leaked into {0}".format(where)


def assert_clean(text, where="the run's output"):
    """No leaked secret and no crash: every failure must be a sentence, never a traceback."""
    assert_no_leak(text, where)
    assert "Traceback (most recent call last)" not in text, "a traceback in {0}".format(where)
    assert "MODULE FAILURE" not in text, "a module crashed in {0}".format(where)


def run_loud(emulator, tasks, **options):
    """run_playbook at -vvvv (the log file is always set by run_playbook), checked for leaks and crashes."""
    options.setdefault("verbosity", 4)
    run = run_playbook(emulator, tasks, **options)
    assert run.log_text, "ANSIBLE_LOG_PATH was set, so the log file must not be empty"
    assert_clean(run.everything())
    return run


def add_apps(emu, ids):
    """Add apps with the given ids (labels equal to the ids) and default features to the emulator."""
    emu.admin("POST", "/_admin/apps", json=[{"id": app_id, "label": "Reliability " + app_id} for app_id in ids])


def feature_path(app_id, feature=USER):
    return "/api/v1/apps/{0}/features/{1}".format(app_id, feature)


def held(state, app_id, feature=USER):
    return state["apps"][app_id]["features"][feature]["capabilities"]


def requests_for(log, app_id):
    """The request log entries for one app, oldest first."""
    return [entry for entry in log if "/apps/{0}/".format(app_id) in entry["path"]]


def task(app_id, name=None, capabilities=None, ignore_errors=False, **options):
    args = dict(app_id=app_id, feature=USER, capabilities=capabilities or CHANGE)
    args.update(options)
    entry = {"name": name or app_id, FEATURE: args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def results_by_task(run):
    """{task name: (status, result)} of a run whose tasks have distinct names."""
    return dict((entry["task"], (entry["status"], entry["result"])) for entry in run.results)


def assert_honest(status, result, log, state, app_id, desired=None):
    """The invariant of the whole issue: ``changed`` only after a PUT that succeeded and was verified,
    ``ok`` only while the server holds the desired state (CHANGED_CAPS unless given), and a failure never
    claims a change."""
    desired = CHANGED_CAPS if desired is None else desired
    puts = [entry for entry in requests_for(log, app_id) if entry["method"] == "PUT"]
    if status == "changed":
        assert result.get("changed") is True
        assert puts and puts[-1]["status"] == 200, "changed without a PUT that Okta answered with 200"
        assert held(state, app_id) == desired, "changed reported, but the server holds something else"
        assert result["feature"]["capabilities"] == desired
    elif status == "ok":
        assert result.get("changed") is False
        assert held(state, app_id) == desired, "ok reported while the server holds something else"
    else:
        assert status == "failed", status
        assert not result.get("changed"), "a failed task must not claim a change"
        assert isinstance(result.get("msg"), str) and result["msg"], "a failure needs a message"
        # ansible-core 2.19 adds "exception: (traceback unavailable)" to every failure; a crash carries a real one.
        assert "Traceback" not in str(result.get("exception", "")) and "module_stderr" not in result, result


# ------------------------------------------------------------------------------------------------------------------
# The official schema of the request bodies (validators from tests/utils/okta_spec.py)
# ------------------------------------------------------------------------------------------------------------------

def schema_errors(validators, entry):
    """The schema problems of one logged PUT body (a body that is not JSON is a problem too)."""
    feature = entry["path"].rsplit("/", 1)[-1]
    if feature not in validators:
        return ["PUT to an unknown feature path {0}".format(entry["path"])]
    if not isinstance(entry["body"], dict):
        return ["the body is not a JSON object: {0}".format(json.dumps(entry["body"])[:200])]
    return sorted(error.message for error in validators[feature].iter_errors(entry["body"]))
