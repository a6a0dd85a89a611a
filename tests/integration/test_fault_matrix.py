# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fault matrix: okta_app_feature through ansible-playbook against the emulator's fault injection.

Each fault is injected on the GET of one app and on the PUT of another, in the same play, so every row of the
matrix costs one playbook run. For every task the test checks the outcome, the request log and the state the
emulator holds, and the invariant of the whole collection (``assert_honest``): ``changed`` only after a PUT that
succeeded and was verified, ``ok`` only while the server holds the desired state. Every run is at ``-vvvv`` with
a log file, and ``run_loud`` checks that no token, traceback or "MODULE FAILURE" appears anywhere.
"""

import math
import time

import pytest

from lib.reliability import (
    CHANGED_CAPS,
    DEFAULT_CAPS,
    add_apps,
    assert_honest,
    held,
    requests_for,
    results_by_task,
    run_loud,
    task,
)

GET_APP = "0oaFaultOnGet1"
PUT_APP = "0oaFaultOnPut1"
SPARE_APP = "0oaFaultSpare1"
# The emulator's request log takes its timestamp as the request arrives; allow for scheduling on a busy machine.
SLACK_S = 0.05
OVERHEAD_S = 0.5


@pytest.fixture
def fault_emu(emu):
    add_apps(emu, [GET_APP, PUT_APP, SPARE_APP])
    return emu


def inject(emu, *faults):
    emu.admin("POST", "/_admin/faults", json=list(faults))


def on_get(app_id, **fault):
    return dict(fault, method="GET", path=app_id)


def on_put(app_id, **fault):
    return dict(fault, method="PUT", path=app_id)


def outcome(emu, run):
    """(results by task name, request log, state) after a run; every task checked for honesty."""
    log, state = emu.requests(), emu.state()
    by_task = results_by_task(run)
    for name, (status, result) in by_task.items():
        assert_honest(status, result, log, state, name)
    return by_task, log, state


def calls(log, app_id):
    return [(entry["method"], entry["status"]) for entry in requests_for(log, app_id)]


def warnings_of(result):
    return result.get("warnings") or []


# ------------------------------------------------------------------------------------------------------------------
# 429: wait for the reset the server names, measured on the server's clock
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("skew", [0, 3600], ids=["clocks-agree", "server-clock-1h-ahead"])
def test_429_waits_for_the_reset_then_converges(fault_emu, skew):
    emu = fault_emu
    if skew:
        # Date and X-Rate-Limit-Reset are both an hour ahead of this machine's clock: a client that measured the
        # reset against its own clock would wait an hour (or its cap of 120 s, beyond the play's timeout below).
        emu.admin("POST", "/_admin/config", json={"clock_skew": skew})
    # Different resets on the GET and the PUT: a fixed delay could not match both.
    inject(emu, on_get(GET_APP, type="status", status=429, reset_in=2), on_put(PUT_APP, type="status", status=429, reset_in=3))
    run = run_loud(emu, [task(GET_APP, retries=2), task(PUT_APP, retries=2)], timeout=90)
    assert run.rc == 0, run.stdout[-3000:]
    by_task, log, state = outcome(emu, run)

    for app_id, method, reset_in in ((GET_APP, "GET", 2), (PUT_APP, "PUT", 3)):
        status, result = by_task[app_id]
        assert status == "changed"
        assert held(state, app_id) == CHANGED_CAPS
        entries = requests_for(log, app_id)
        expected = [("GET", 200), ("PUT", 200)]
        expected.insert(0 if method == "GET" else 1, (method, 429))
        assert [(e["method"], e["status"]) for e in entries] == expected
        limited = next(e for e in entries if e["status"] == 429)
        retry = entries[entries.index(limited) + 1]
        assert retry["method"] == method and retry["headers_subset"].get("X-Okta-Retry-Count") == "1"
        # The emulator's reset, in server time, and the same instant on this machine's clock.
        server_now = limited["time"] + skew
        reset_server = int(server_now + reset_in)
        reset_local = reset_server - skew
        # What the server asked for: X-Rate-Limit-Reset minus its Date (whole seconds).
        asked = reset_server - math.floor(server_now)
        waited = retry["time"] - limited["time"]
        assert retry["time"] >= reset_local - SLACK_S, "the retry came before the rate-limit window reset"
        # The client adds 0.1 to 1.0 s of jitter to the wait the server asked for; nothing more.
        assert asked + 0.1 - SLACK_S <= waited <= asked + 1.0 + OVERHEAD_S, (waited, asked)
        assert retry["time"] - reset_local <= 1.0 + 1.0 + OVERHEAD_S
        warnings = warnings_of(result)
        assert len(warnings) == 1 and "429" in warnings[0] and "retry 1 of 2" in warnings[0], warnings
    assert state["stats"]["rate_limited"] == 2


# ------------------------------------------------------------------------------------------------------------------
# 5xx once: retried with backoff, converges, one warning per retry
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_once_is_retried_and_converges(fault_emu, status):
    emu = fault_emu
    inject(emu, on_get(GET_APP, type="status", status=status), on_put(PUT_APP, type="status", status=status))
    run = run_loud(emu, [task(GET_APP, retries=2), task(PUT_APP, retries=2)])
    assert run.rc == 0, run.stdout[-3000:]
    by_task, log, state = outcome(emu, run)
    assert calls(log, GET_APP) == [("GET", status), ("GET", 200), ("PUT", 200)]
    assert calls(log, PUT_APP) == [("GET", 200), ("PUT", status), ("PUT", 200)]
    for app_id in (GET_APP, PUT_APP):
        assert by_task[app_id][0] == "changed"
        assert held(state, app_id) == CHANGED_CAPS
        warnings = warnings_of(by_task[app_id][1])
        assert len(warnings) == 1 and str(status) in warnings[0] and "retry 1 of 2" in warnings[0], warnings
        failed = next(e for e in requests_for(log, app_id) if e["status"] == status)
        retry = requests_for(log, app_id)[requests_for(log, app_id).index(failed) + 1]
        # Backoff before the first retry: 0.5 to 1.0 s, never an immediate hammering.
        assert 0.5 - SLACK_S <= retry["time"] - failed["time"] <= 1.0 + OVERHEAD_S
        assert retry["headers_subset"].get("X-Okta-Retry-Count") == "1"


# ------------------------------------------------------------------------------------------------------------------
# 5xx persisting past retries: a failure naming the status and the attempts
# ------------------------------------------------------------------------------------------------------------------

def test_server_errors_past_retries_fail_with_status_and_attempts(emu):
    statuses = (500, 502, 503, 504)
    get_apps = ["0oaPersistGet{0}".format(s) for s in statuses]
    put_apps = ["0oaPersistPut{0}".format(s) for s in statuses]
    add_apps(emu, get_apps + put_apps)
    faults = []
    for status, get_app, put_app in zip(statuses, get_apps, put_apps):
        faults += [on_get(get_app, type="status", status=status, count=-1),
                   on_put(put_app, type="status", status=status, count=-1)]
    inject(emu, *faults)
    run = run_loud(emu, [task(app, retries=1, ignore_errors=True) for app in get_apps + put_apps])
    assert run.rc == 0, run.stdout[-3000:]  # every task failed, ignore_errors let the play finish
    by_task, log, state = outcome(emu, run)
    for status, get_app, put_app in zip(statuses, get_apps, put_apps):
        for app_id in (get_app, put_app):
            result_status, result = by_task[app_id]
            assert result_status == "failed"
            assert "Okta answered {0}".format(status) in result["msg"], result["msg"]
            assert "gave up after 2 attempts" in result["msg"], result["msg"]
            assert result["status"] == status
            assert len(warnings_of(result)) == 1
            # Nothing was written: a failed GET never leads to a PUT, and a failed PUT was never applied.
            assert held(state, app_id) == DEFAULT_CAPS
        assert calls(emu.requests(), get_app) == [("GET", status), ("GET", status)]
        assert calls(log, put_app) == [("GET", 200), ("PUT", status), ("PUT", status)]


# ------------------------------------------------------------------------------------------------------------------
# Connection reset before the response
# ------------------------------------------------------------------------------------------------------------------

def test_dropped_connection_is_retried_and_converges(fault_emu):
    emu = fault_emu
    inject(emu, on_get(GET_APP, type="drop"), on_put(PUT_APP, type="drop"))
    run = run_loud(emu, [task(GET_APP, retries=2), task(PUT_APP, retries=2)])
    assert run.rc == 0, run.stdout[-3000:]
    by_task, log, state = outcome(emu, run)
    # A dropped request is logged with no status: it got no answer.
    assert calls(log, GET_APP) == [("GET", None), ("GET", 200), ("PUT", 200)]
    assert calls(log, PUT_APP) == [("GET", 200), ("PUT", None), ("PUT", 200)]
    for app_id in (GET_APP, PUT_APP):
        assert by_task[app_id][0] == "changed" and held(state, app_id) == CHANGED_CAPS
        warnings = warnings_of(by_task[app_id][1])
        assert len(warnings) == 1 and "failed or was dropped" in warnings[0], warnings


# ------------------------------------------------------------------------------------------------------------------
# Slower than the timeout
# ------------------------------------------------------------------------------------------------------------------

def test_answer_slower_than_timeout_is_retried_then_fails_naming_the_timeout(fault_emu):
    emu = fault_emu
    inject(emu,
           on_get(GET_APP, type="slow", delay=2.5, count=-1),
           on_put(PUT_APP, type="slow", delay=2.5, count=-1),
           on_get(SPARE_APP, type="slow", delay=2.5))  # slow once: the retry converges
    tasks = [task(app_id, timeout=1, retries=1, ignore_errors=True) for app_id in (GET_APP, PUT_APP, SPARE_APP)]
    run = run_loud(emu, tasks)
    by_task, log, state = outcome(emu, run)

    status, result = by_task[GET_APP]
    assert status == "failed"
    assert "within the timeout of 1.0 s" in result["msg"] and "gave up after 2 attempts" in result["msg"], result["msg"]
    assert len(warnings_of(result)) == 1 and "timeout" in warnings_of(result)[0]
    assert [e["method"] for e in requests_for(log, GET_APP)] == ["GET", "GET"]
    assert held(state, GET_APP) == DEFAULT_CAPS, "the GET never answered, so nothing may have been written"

    status, result = by_task[PUT_APP]
    assert status == "failed"
    assert "within the timeout of 1.0 s" in result["msg"] and "gave up after 2 attempts" in result["msg"], result["msg"]
    assert [e["method"] for e in requests_for(log, PUT_APP)] == ["GET", "PUT", "PUT"]
    # The emulator applied the slow PUT, but its answer never arrived: the task fails rather than claiming a change
    # it could not verify, and the next run reads the state back and reports ok.
    again = run_loud(emu, [task(PUT_APP)])
    assert again.status(0) == "ok" and held(emu.state(), PUT_APP) == CHANGED_CAPS

    status, result = by_task[SPARE_APP]
    assert status == "changed" and len(warnings_of(result)) == 1
    assert held(state, SPARE_APP) == CHANGED_CAPS


# ------------------------------------------------------------------------------------------------------------------
# Bodies that are not Okta's
# ------------------------------------------------------------------------------------------------------------------

def test_non_json_200_and_html_502_fail_clearly(emu):
    apps = ["0oaNonJsonGet", "0oaNonJsonPut", "0oaHtmlGet", "0oaHtmlPut"]
    add_apps(emu, apps)
    inject(emu,
           on_get(apps[0], type="non_json", body="<html>Please log in to the proxy</html>"),
           on_put(apps[1], type="non_json", body="<html>Please log in to the proxy</html>"),
           on_get(apps[2], type="html", status=502, count=-1),
           on_put(apps[3], type="html", status=502, count=-1))
    run = run_loud(emu, [task(app_id, retries=1, ignore_errors=True) for app_id in apps])
    by_task, log, state = outcome(emu, run)
    for app_id in apps[:2]:
        status, result = by_task[app_id]
        assert status == "failed"
        assert "answered 200" in result["msg"] and "not JSON" in result["msg"], result["msg"]
        assert not warnings_of(result), "a 200 with a broken body is not retried"
        assert held(state, app_id) == DEFAULT_CAPS
    assert calls(log, apps[0]) == [("GET", 200)]
    assert calls(log, apps[1]) == [("GET", 200), ("PUT", 200)]
    for app_id in apps[2:]:
        status, result = by_task[app_id]
        assert status == "failed"
        assert "answered 502" in result["msg"] and "text/html" in result["msg"] and "proxy" in result["msg"], result["msg"]
        assert "gave up after 2 attempts" in result["msg"]
        assert held(state, app_id) == DEFAULT_CAPS
    assert calls(log, apps[2]) == [("GET", 502), ("GET", 502)]
    assert calls(log, apps[3]) == [("GET", 200), ("PUT", 502), ("PUT", 502)]


# ------------------------------------------------------------------------------------------------------------------
# 401, 403, 404: fail at once
# ------------------------------------------------------------------------------------------------------------------

EXPECTED_MESSAGE = {
    401: ("Okta rejected the credentials", "create a new one"),
    403: ("not allowed", "scope"),
    404: ("not found", "check app_id"),
}


def test_client_errors_fail_at_once_without_retry(emu):
    cases = []
    for status in (401, 403, 404):
        cases += [(status, "GET", "0oaClientGet{0}".format(status)), (status, "PUT", "0oaClientPut{0}".format(status))]
    add_apps(emu, [app_id for _status, _method, app_id in cases])
    inject(emu, *[dict(type="status", status=status, method=method, path=app_id) for status, method, app_id in cases])
    run = run_loud(emu, [task(app_id, retries=3, ignore_errors=True) for _status, _method, app_id in cases])
    by_task, log, state = outcome(emu, run)
    for status, method, app_id in cases:
        result_status, result = by_task[app_id]
        assert result_status == "failed"
        for words in EXPECTED_MESSAGE[status]:
            assert words in result["msg"], result["msg"]
        if status == 403:
            assert ("okta.apps.read" if method == "GET" else "okta.apps.manage") in result["msg"], result["msg"]
        assert result["status"] == status
        assert not warnings_of(result), "a client error must not be retried"
        assert calls(log, app_id) == ([("GET", status)] if method == "GET" else [("GET", 200), ("PUT", status)])
        assert held(state, app_id) == DEFAULT_CAPS


# ------------------------------------------------------------------------------------------------------------------
# TLS: a certificate from a CA the task does not trust
# ------------------------------------------------------------------------------------------------------------------

def test_unknown_ca_fails_at_once_naming_certificate_verification_and_ca_path(fault_emu, tmp_path):
    import trustme

    other_ca = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    started = time.monotonic()
    run = run_loud(fault_emu, [task(GET_APP, retries=3, ca_path=str(other_ca), ignore_errors=True)])
    elapsed = time.monotonic() - started
    by_task, log, state = outcome(fault_emu, run)
    status, result = by_task[GET_APP]
    assert status == "failed"
    assert "certificate verification failed" in result["msg"] and "ca_path" in result["msg"], result["msg"]
    assert str(other_ca) in result["msg"]
    assert not warnings_of(result), "an untrusted certificate must not be retried"
    assert "gave up" not in result["msg"]
    assert requests_for(log, GET_APP) == [], "the handshake fails, so no request may reach the server"
    assert held(state, GET_APP) == DEFAULT_CAPS
    assert elapsed < 30, "no backoff: with retries=3 a retried failure would add several seconds"


# ------------------------------------------------------------------------------------------------------------------
# A PUT answered 200 without being applied
# ------------------------------------------------------------------------------------------------------------------

def test_put_answered_200_without_applying_fails(fault_emu):
    emu = fault_emu
    inject(emu, on_put(PUT_APP, type="ignore_put"))
    run = run_loud(emu, [task(PUT_APP, ignore_errors=True)])
    by_task, log, state = outcome(emu, run)
    status, result = by_task[PUT_APP]
    assert status == "failed"
    assert "did not apply" in result["msg"], result["msg"]
    assert sorted(result["unapplied_settings"]) == ["update.password.change", "update.password.status",
                                                    "update.profile.status"]
    assert calls(log, PUT_APP) == [("GET", 200), ("PUT", 200)]
    assert held(state, PUT_APP) == DEFAULT_CAPS
    # With the fault gone, the next run makes the change and says so.
    again = run_loud(emu, [task(PUT_APP)])
    assert again.status(0) == "changed" and held(emu.state(), PUT_APP) == CHANGED_CAPS


# ------------------------------------------------------------------------------------------------------------------
# The same faults with OAuth (private_key_jwt and DPoP): nothing secret at -vvvv, in successes or failures
# ------------------------------------------------------------------------------------------------------------------

def test_faults_with_a_service_app_leak_no_key_assertion_or_access_token(emu, tmp_path):
    oauth = pytest.importorskip("test_oauth", reason="OAuth tests (and their key helpers) are not available")
    apps = ["0oaOauthGet503", "0oaOauthPutDrop", "0oaOauthGetDown", "0oaOauthPut401"]
    add_apps(emu, apps)
    oauth.register(emu)
    pair = oauth.KEYS["rsa"]
    inject(emu,
           {"type": "status", "status": 503, "path": oauth.TOKEN_PATH, "count": 1},
           on_get(apps[0], type="status", status=503),
           on_put(apps[1], type="drop"),
           on_get(apps[2], type="status", status=503, count=-1),
           on_put(apps[3], type="status", status=401))
    run = run_loud(emu, [task(app_id, retries=1, ignore_errors=True) for app_id in apps], token=None,
                   defaults=oauth.oauth_defaults(pair, "pem", tmp_path, dpop=True))
    oauth.assert_no_secret(run, pair)
    by_task, log, state = outcome(emu, run)
    assert [by_task[app_id][0] for app_id in apps] == ["changed", "changed", "failed", "failed"], \
        [by_task[app_id][1].get("msg") for app_id in apps]
    assert "gave up after 2 attempts" in by_task[apps[2]][1]["msg"]
    assert "rejected the service app's access token" in by_task[apps[3]][1]["msg"]
    assert held(state, apps[2]) == DEFAULT_CAPS and held(state, apps[3]) == DEFAULT_CAPS
    assert all(entry["auth_scheme"] == "DPoP" for entry in log if entry["path"].startswith("/api/"))
