# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for the HTTP client: what it sends, how it waits and how it fails."""

from __future__ import annotations

import email.utils
import json
import os

import pytest
import requests
import yaml
from responses import matchers

from ansible_collections.oktaops.okta.tests.utils.fake_clock import FakeTime as _FakeTime
from ansible_collections.oktaops.okta.plugins.module_utils import _client
from ansible_collections.oktaops.okta.plugins.module_utils._client import (
    OktaClient,
    OktaError,
    normalise_org_url,
    parse_links,
)

ORG = "https://acme.okta.com"
TOKEN = "tok-SECRET-9f8e7d6c5b4a"
ACCESS = "eyJ-ACCESS-SECRET-1a2b3c"
APP = "0oa1abcdEFGH2345ijk6"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
APPS = ORG + "/api/v1/apps"
RAND = 0.25
JITTER = 0.1 + 0.9 * RAND
SERVER_NOW = 1700000000
# The local clock is five hours away from Okta's: waits must be measured on Okta's clock (Date).
LOCAL_NOW = SERVER_NOW + 5 * 3600
GALAXY = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")

FEATURE = {"name": "USER_PROVISIONING", "status": "ENABLED", "capabilities": {}}


class FakeTime(_FakeTime):
    def __init__(self, now=LOCAL_NOW):
        super(FakeTime, self).__init__(now)


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def retries_seen():
    return []


@pytest.fixture
def client(fake_time, retries_seen):
    def build(org_url=ORG, **kwargs):
        kwargs.setdefault("api_token", TOKEN)
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time.clock)
        kwargs.setdefault("rand", lambda: RAND)
        kwargs.setdefault("on_retry", retries_seen.append)
        return OktaClient(org_url, **kwargs)

    return build


def okta_error(code, summary, causes=(), error_id="oaeERRID123"):
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": error_id,
        "errorCauses": [{"errorSummary": cause} for cause in causes],
    }


def http_date(epoch):
    return email.utils.formatdate(epoch, usegmt=True)


def rate_headers(reset, date=SERVER_NOW, limit=600, remaining=0, request_id="req-429"):
    headers = {
        "X-Rate-Limit-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": str(reset),
        "X-Okta-Request-Id": request_id,
    }
    if date is not None:
        headers["Date"] = http_date(date)
    return headers


RATE_LIMITED = okta_error("E0000047", "API call exceeded rate limit due to too many requests.")


def backoff(attempt):
    return min(30.0, 2.0 ** (attempt - 1)) * (0.5 + 0.5 * RAND)


def assert_token_absent(exc, *tokens):
    tokens = tokens or (TOKEN,)
    text = "\n".join([str(exc), exc.reason, json.dumps(exc.fields()), repr(vars(exc))])
    for token in tokens:
        assert token not in text
        assert token[4:-4] not in text


# ------------------------------------------------------------------------------------------------------------------
# Headers and body


def test_api_token_is_sent_as_ssws(rsps, client):
    rsps.get(FEATURES, json=[FEATURE])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert len(rsps.calls) == 1
    headers = rsps.calls[0].request.headers
    assert headers["Authorization"] == "SSWS " + TOKEN
    assert headers["Accept"] == "application/json"


def test_access_token_is_sent_as_bearer(rsps, client):
    rsps.get(FEATURES, json=[FEATURE])
    client(api_token=None, access_token=ACCESS).get_json("/api/v1/apps/{0}/features".format(APP))
    headers = rsps.calls[0].request.headers
    assert headers["Authorization"] == "Bearer " + ACCESS
    assert "SSWS" not in headers["Authorization"]


@pytest.mark.parametrize("tokens", [dict(), dict(api_token=TOKEN, access_token=ACCESS), dict(api_token="", access_token="")])
def test_exactly_one_credential_is_required(client, tokens):
    tokens.setdefault("api_token", None)
    with pytest.raises(OktaError) as caught:
        client(**tokens)
    assert caught.value.kind == "config"
    assert_token_absent(caught.value, TOKEN, ACCESS)


def test_user_agent_names_the_collection_and_galaxy_version(rsps, client):
    with open(GALAXY, encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    agent = rsps.calls[0].request.headers["User-Agent"]
    assert agent.startswith("oktaops.okta/{0} ".format(version))
    assert " python/" in agent


def test_get_has_no_content_type_and_no_body(rsps, client):
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    request = rsps.calls[0].request
    assert "Content-Type" not in request.headers
    assert not request.body


def test_put_sends_the_body_as_json_exactly(rsps, client):
    body = {
        "lifecycleCreate": {"status": "ENABLED"},
        "importSettings": {"schedule": {"status": "DISABLED", "fullImport": None}, "count": 0, "flag": False},
        "empty": {}, "list": [], "text": "caf\u00e9",
    }
    rsps.put(FEATURES + "/USER_PROVISIONING", json=FEATURE)
    answer = client().put_json("/api/v1/apps/{0}/features/USER_PROVISIONING".format(APP), body)
    assert answer == FEATURE
    assert len(rsps.calls) == 1
    request = rsps.calls[0].request
    assert request.method == "PUT"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "SSWS " + TOKEN
    sent = request.body.decode("utf-8") if isinstance(request.body, bytes) else request.body
    assert json.loads(sent) == body
    assert '"fullImport":null' in sent


def test_204_and_empty_bodies_are_none(rsps, client):
    rsps.put(FEATURES + "/X", status=204)
    assert client().put_json("/api/v1/apps/{0}/features/X".format(APP), {}) is None


# ------------------------------------------------------------------------------------------------------------------
# TLS and timeout options reach requests


@pytest.fixture
def ca_file(tmp_path):
    path = tmp_path / "proxy-ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    return str(path)


@pytest.mark.parametrize("validate, use_ca, expected", [
    (True, False, True),
    (False, False, False),
    (True, True, "CA"),
    (False, True, False),
])
def test_tls_options_reach_requests(rsps, client, ca_file, validate, use_ca, expected):
    ca_path = ca_file if use_ca else None
    expected = ca_file if expected == "CA" else expected
    rsps.get(FEATURES, json=[])
    rsps.put(FEATURES + "/USER_PROVISIONING", json=FEATURE)
    okta = client(validate_certs=validate, ca_path=ca_path, timeout=12.5)
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    okta.put_json("/api/v1/apps/{0}/features/USER_PROVISIONING".format(APP), {"a": 1})
    assert len(rsps.calls) == 2
    for call in rsps.calls:
        verify = call.request.req_kwargs["verify"]
        assert verify == expected
        assert type(verify) is type(expected)
        assert call.request.req_kwargs["timeout"] == 12.5


def test_missing_ca_path_is_refused_before_any_request(rsps, client, tmp_path):
    missing = str(tmp_path / "nowhere.pem")
    with pytest.raises(OktaError) as caught:
        client(ca_path=missing)
    assert caught.value.kind == "config"
    assert missing in caught.value.reason
    assert len(rsps.calls) == 0


def test_missing_ca_path_is_ignored_without_validation(rsps, client, tmp_path):
    rsps.get(FEATURES, json=[])
    client(ca_path=str(tmp_path / "nowhere.pem"), validate_certs=False).get_json("/api/v1/apps/{0}/features".format(APP))
    assert rsps.calls[0].request.req_kwargs["verify"] is False


def test_timeout_is_passed_on_retries_and_pages(rsps, client):
    rsps.get(APPS, status=503, body="busy", match=[matchers.query_param_matcher({"q": "S", "limit": "200"})])
    rsps.get(APPS, json=[], headers={"Link": '<{0}?after=c1&limit=200>; rel="next"'.format(APPS)},
             match=[matchers.query_param_matcher({"q": "S", "limit": "200"})])
    rsps.get(APPS + "?after=c1&limit=200", json=[])
    client(timeout=3).get_all("/api/v1/apps", {"q": "S", "limit": 200})
    assert len(rsps.calls) == 3
    assert [call.request.req_kwargs["timeout"] for call in rsps.calls] == [3, 3, 3]


def test_redirects_are_not_followed(rsps, client):
    rsps.get(FEATURES, status=302, headers={"Location": "https://evil.example.com/steal"})
    rsps.get("https://evil.example.com/steal", json=[])
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.status == 302
    assert len(rsps.calls) == 1


# ------------------------------------------------------------------------------------------------------------------
# org_url


@pytest.mark.parametrize("given, expected", [
    ("https://acme.okta.com", "https://acme.okta.com"),
    ("https://acme.okta.com/", "https://acme.okta.com"),
    ("  https://acme.okta.com/  ", "https://acme.okta.com"),
    ("acme.okta.com", "https://acme.okta.com"),
    ("acme.oktapreview.com/", "https://acme.oktapreview.com"),
    ("HTTPS://ACME.okta.com", "https://acme.okta.com"),
    ("https://acme.okta.com:8443", "https://acme.okta.com:8443"),
    ("http://127.0.0.1", "http://127.0.0.1"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("http://127.8.9.10:9000", "http://127.8.9.10:9000"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("http://[::1]:8080", "http://[::1]:8080"),
    ("http://[::1]", "http://[::1]"),
])
def test_org_url_accepted(given, expected):
    assert normalise_org_url(given) == expected


@pytest.mark.parametrize("given", [
    "http://acme.okta.com",
    "http://10.0.0.1",
    "http://128.0.0.1",
    "http://127.0.0.1.evil.example.com",
    "http://localhost.evil.example.com",
    "http://192.168.1.10:8080",
])
def test_plain_http_refused_for_non_loopback_before_any_connection(rsps, client, given):
    with pytest.raises(OktaError) as caught:
        client(given)
    assert caught.value.kind == "config"
    assert "https://" in caught.value.reason
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("given, fixed", [
    ("https://acme-admin.okta.com", "https://acme.okta.com"),
    ("acme-admin.okta.com/", "https://acme.okta.com"),
    ("https://acme-admin.oktapreview.com", "https://acme.oktapreview.com"),
    ("https://acme-admin.okta.com:8443", "https://acme.okta.com:8443"),
    ("https://my-admin-org-admin.okta-emea.com", "https://my-admin-org.okta-emea.com"),
])
def test_admin_host_refused_with_the_right_url(rsps, client, given, fixed):
    with pytest.raises(OktaError) as caught:
        client(given)
    assert caught.value.kind == "config"
    assert caught.value.reason.endswith("use " + fixed)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("given, words", [
    ("https://acme.okta.com/api/v1", "path"),
    ("https://acme.okta.com/admin/dashboard", "path"),
    ("https://acme.okta.com?x=1", "query"),
    ("https://acme.okta.com/?x=1", "query"),
    ("https://acme.okta.com#top", "path"),
    ("https://admin:hunter2@acme.okta.com", "credentials"),
    ("https://admin@acme.okta.com", "credentials"),
    ("ftp://acme.okta.com", "https://"),
    ("file:///etc/passwd", "https://"),
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("https://", "host"),
    ("https://acme.okta.com:99999", "port"),
])
def test_org_url_refused(rsps, client, given, words):
    with pytest.raises(OktaError) as caught:
        normalise_org_url(given)
    assert caught.value.kind == "config"
    assert words in caught.value.reason
    assert "hunter2" not in caught.value.reason
    with pytest.raises(OktaError):
        client(given)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("given", [
    "https://admin:hunter2@acme.okta.com:99999",
    "https://admin:hunter2@",
    "https://admin:hunter2@acme.okta.com/api/v1",
    "ftp://admin:hunter2@acme.okta.com",
    "http://admin:hunter2@acme.okta.com",
    "admin:hunter2@acme-admin.okta.com",
])
def test_org_url_credentials_never_echoed(given):
    with pytest.raises(OktaError) as caught:
        normalise_org_url(given)
    assert caught.value.kind == "config"
    assert "hunter2" not in caught.value.reason


# ------------------------------------------------------------------------------------------------------------------
# Error mapping


def test_okta_json_error_is_mapped(rsps, client):
    body = okta_error("E0000001", "Api validation failed: feature",
                      causes=["Provisioning is not enabled for the app instance.", "Second cause."],
                      error_id="oaeZLxeiHUUQomPkM8xOqvu1A")
    rsps.get(FEATURES, status=400, json=body, headers={"X-Okta-Request-Id": "reqABC123"})
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "http"
    assert exc.status == 400
    assert exc.error_code == "E0000001"
    assert exc.error_summary == "Api validation failed: feature"
    assert exc.error_causes == ["Provisioning is not enabled for the app instance.", "Second cause."]
    assert exc.error_id == "oaeZLxeiHUUQomPkM8xOqvu1A"
    assert exc.request_id == "reqABC123"
    assert exc.method == "GET"
    assert exc.path == "/api/v1/apps/{0}/features".format(APP)
    assert "400" in exc.reason and "E0000001" in exc.reason and "Provisioning is not enabled" in exc.reason
    assert exc.has_cause("provisioning IS NOT enabled")
    assert exc.fields() == dict(status=400, error_code="E0000001", error_summary="Api validation failed: feature",
                                error_causes=["Provisioning is not enabled for the app instance.", "Second cause."],
                                error_id="oaeZLxeiHUUQomPkM8xOqvu1A", request_id="reqABC123")
    assert len(rsps.calls) == 1


def test_html_502_is_an_http_error_not_an_okta_error(rsps, client):
    rsps.get(FEATURES, status=502, body="<html><body>Bad Gateway</body></html>", content_type="text/html")
    with pytest.raises(OktaError) as caught:
        client(retries=0).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert type(exc) is OktaError  # pylint: disable=unidiomatic-typecheck
    assert exc.kind == "http"
    assert exc.status == 502
    assert "not an Okta error" in exc.reason
    assert "text/html" in exc.reason
    assert exc.error_code is None
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "", "null", '{"unexpected": true}'])
def test_other_error_bodies_are_not_okta_errors(rsps, client, body):
    rsps.get(FEATURES, status=400, body=body, content_type="application/json")
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.kind == "http"
    assert caught.value.status == 400
    assert "not an Okta error" in caught.value.reason


@pytest.mark.parametrize("body, ctype", [
    ("<html>Please log in to the proxy</html>", "text/html"),
    ("{not json", "application/json"),
])
def test_200_with_a_body_that_is_not_json(rsps, client, body, ctype):
    rsps.get(FEATURES, status=200, body=body, content_type=ctype, headers={"X-Okta-Request-Id": "req200"})
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "invalid_response"
    assert exc.status == 200
    assert exc.request_id == "req200"
    assert ctype in exc.reason
    assert len(rsps.calls) == 1


def test_oauth_style_error_body(rsps, client):
    rsps.get(FEATURES, status=401, json={"error": "invalid_token", "error_description": "The token is expired."},
             headers={"X-Okta-Request-Id": "reqOAUTH"})
    with pytest.raises(OktaError) as caught:
        client(api_token=None, access_token=ACCESS).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "http"
    assert exc.status == 401
    assert exc.error_code == "invalid_token"
    assert exc.error_summary == "The token is expired."
    assert exc.error_causes == []
    assert exc.request_id == "reqOAUTH"
    assert "invalid_token" in exc.reason and "The token is expired." in exc.reason
    assert_token_absent(exc, ACCESS)


def test_get_all_refuses_a_body_that_is_not_a_list(rsps, client):
    rsps.get(APPS, json={"id": "x"})
    with pytest.raises(OktaError) as caught:
        client().get_all("/api/v1/apps")
    assert caught.value.kind == "invalid_response"


# ------------------------------------------------------------------------------------------------------------------
# 429


def test_429_waits_until_reset_on_the_server_clock(rsps, client, fake_time, retries_seen):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 42, request_id="req429a"))
    rsps.get(FEATURES, json=[FEATURE])
    body = client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert body == [FEATURE]
    assert len(rsps.calls) == 2
    assert len(fake_time.sleeps) == 1
    assert fake_time.sleeps[0] == pytest.approx(42 + JITTER, abs=1e-9)
    assert len(retries_seen) == 1
    assert "429" in retries_seen[0]
    assert "{0:.1f} s".format(42 + JITTER) in retries_seen[0]
    first, retry = rsps.calls[0].request.headers, rsps.calls[1].request.headers
    assert "X-Okta-Retry-Count" not in first and "X-Okta-Retry-For" not in first
    assert retry["X-Okta-Retry-Count"] == "1"
    assert retry["X-Okta-Retry-For"] == "req429a"
    assert retry["Authorization"] == "SSWS " + TOKEN


def test_429_retry_headers_follow_each_failed_request(rsps, client):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 1, request_id="reqA"))
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 1, request_id="reqB"))
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert len(rsps.calls) == 3
    assert [c.request.headers.get("X-Okta-Retry-Count") for c in rsps.calls] == [None, "1", "2"]
    assert [c.request.headers.get("X-Okta-Retry-For") for c in rsps.calls] == [None, "reqA", "reqB"]


@pytest.mark.parametrize("rand", [0.0, 0.5, 0.999])
def test_429_jitter_formula(rsps, client, fake_time, rand):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 10))
    rsps.get(FEATURES, json=[])
    client(rand=lambda: rand).get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [pytest.approx(10 + 0.1 + 0.9 * rand, abs=1e-9)]


def test_concurrent_limit_429_uses_backoff(rsps, client, fake_time):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 60, limit=0, remaining=0))
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert len(rsps.calls) == 2
    assert fake_time.sleeps == [pytest.approx(backoff(1), abs=1e-9)]


def test_429_without_reset_uses_backoff(rsps, client, fake_time):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers={"Date": http_date(SERVER_NOW)})
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [pytest.approx(backoff(1), abs=1e-9)]


@pytest.mark.parametrize("date", [None, "not a date"])
def test_429_without_usable_date_falls_back_to_the_local_clock(rsps, client, fake_time, date):
    headers = rate_headers(LOCAL_NOW + 17, date=None)
    if date:
        headers["Date"] = date
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=headers)
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [pytest.approx(17 + JITTER, abs=1e-9)]


def test_429_reset_in_the_past_waits_only_the_jitter(rsps, client, fake_time):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW - 30))
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [pytest.approx(JITTER, abs=1e-9)]


def test_429_wait_is_capped_at_120_seconds(rsps, client, fake_time):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 3600))
    rsps.get(FEATURES, json=[])
    client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [120.0]


def test_429_persisting_gives_up_after_retries(rsps, client, fake_time, retries_seen):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 5, request_id="reqLast"))
    with pytest.raises(OktaError) as caught:
        client(retries=2).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert len(rsps.calls) == 3
    assert len(fake_time.sleeps) == 2
    assert len(retries_seen) == 2
    assert exc.status == 429 and exc.error_code == "E0000047"
    assert exc.request_id == "reqLast"
    assert "gave up after 3 attempts" in exc.reason


# ------------------------------------------------------------------------------------------------------------------
# X-Rate-Limit-Remaining: 0 on a success


def test_used_up_window_pauses_the_next_request(rsps, client, fake_time):
    rsps.get(FEATURES, json=[FEATURE], headers=rate_headers(SERVER_NOW + 30, remaining=0, request_id="reqOK"))
    rsps.get(FEATURES + "/USER_PROVISIONING", json=FEATURE)
    okta = client()
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == []
    okta.get_json("/api/v1/apps/{0}/features/USER_PROVISIONING".format(APP))
    assert len(rsps.calls) == 2
    assert fake_time.sleeps == [pytest.approx(30 + JITTER, abs=1e-6)]
    second = rsps.calls[1].request.headers
    assert "X-Okta-Retry-Count" not in second
    assert "X-Okta-Retry-For" not in second


def test_used_up_window_pause_is_not_a_retry(rsps, client, fake_time):
    rsps.get(FEATURES, json=[], headers=rate_headers(SERVER_NOW + 30, remaining=0))
    rsps.get(FEATURES + "/USER_PROVISIONING", status=503, json=okta_error("E0000009", "Internal Server Error"))
    rsps.get(FEATURES + "/USER_PROVISIONING", json=FEATURE)
    okta = client(retries=1)
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    assert okta.get_json("/api/v1/apps/{0}/features/USER_PROVISIONING".format(APP)) == FEATURE
    assert len(rsps.calls) == 3
    assert fake_time.sleeps == [pytest.approx(30 + JITTER, abs=1e-6), pytest.approx(backoff(1), abs=1e-9)]
    assert rsps.calls[2].request.headers["X-Okta-Retry-Count"] == "1"


def test_window_with_requests_left_does_not_pause(rsps, client, fake_time):
    rsps.get(FEATURES, json=[], headers=rate_headers(SERVER_NOW + 30, remaining=5))
    rsps.get(FEATURES, json=[])
    okta = client()
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == []
    assert len(rsps.calls) == 2


def test_pause_is_capped_at_120_seconds(rsps, client, fake_time):
    rsps.get(FEATURES, json=[], headers=rate_headers(SERVER_NOW + 7200, remaining=0))
    rsps.get(FEATURES, json=[])
    okta = client()
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    okta.get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [pytest.approx(120.0, abs=1e-6)]


# ------------------------------------------------------------------------------------------------------------------
# Server errors, network failures


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_back_off_then_succeed(rsps, client, fake_time, retries_seen, status):
    for _attempt in range(3):
        rsps.get(FEATURES, status=status, json=okta_error("E0000009", "Internal Server Error"),
                 headers={"X-Okta-Request-Id": "req{0}".format(status)})
    rsps.get(FEATURES, json=[FEATURE])
    assert client().get_json("/api/v1/apps/{0}/features".format(APP)) == [FEATURE]
    assert len(rsps.calls) == 4
    assert fake_time.sleeps == [pytest.approx(backoff(n), abs=1e-9) for n in (1, 2, 3)]
    assert fake_time.sleeps == [pytest.approx(v, abs=1e-9) for v in (0.625, 1.25, 2.5)]
    assert len(retries_seen) == 3
    assert str(status) in retries_seen[0]
    assert [c.request.headers.get("X-Okta-Retry-Count") for c in rsps.calls] == [None, "1", "2", "3"]
    assert rsps.calls[1].request.headers["X-Okta-Retry-For"] == "req{0}".format(status)


def test_backoff_is_capped_at_30_seconds(rsps, client, fake_time):
    rsps.get(FEATURES, status=503, body="busy")
    with pytest.raises(OktaError):
        client(retries=7, rand=lambda: 1.0).get_json("/api/v1/apps/{0}/features".format(APP))
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


@pytest.mark.parametrize("retries", [1, 3, 5])
def test_server_error_persisting_gives_up(rsps, client, fake_time, retries):
    rsps.get(FEATURES, status=503, json=okta_error("E0000009", "Service Unavailable"))
    with pytest.raises(OktaError) as caught:
        client(retries=retries).get_json("/api/v1/apps/{0}/features".format(APP))
    assert len(rsps.calls) == retries + 1
    assert len(fake_time.sleeps) == retries
    assert "gave up after {0} attempts".format(retries + 1) in caught.value.reason
    assert caught.value.status == 503
    assert caught.value.attempts == retries + 1


def test_default_retries_is_five(rsps, client):
    rsps.get(FEATURES, status=503, body="busy")
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert len(rsps.calls) == 6
    assert "gave up after 6 attempts" in caught.value.reason


@pytest.mark.parametrize("status, headers", [
    (503, {}),
    (429, rate_headers(SERVER_NOW + 5)),
])
def test_retries_zero_sends_exactly_one_request(rsps, client, fake_time, retries_seen, status, headers):
    rsps.get(FEATURES, status=status, json=okta_error("E0000047", "x"), headers=headers)
    rsps.get(FEATURES, json=[])
    with pytest.raises(OktaError) as caught:
        client(retries=0).get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.status == status
    assert len(rsps.calls) == 1
    assert fake_time.sleeps == []
    assert retries_seen == []


@pytest.mark.parametrize("status, code", [(400, "E0000001"), (401, "E0000011"), (403, "E0000006"), (404, "E0000007"),
                                          (405, "E0000022"), (409, "E0000001")])
def test_client_errors_are_not_retried(rsps, client, fake_time, retries_seen, status, code):
    rsps.get(FEATURES, status=status, json=okta_error(code, "no"))
    rsps.get(FEATURES, json=[])
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.status == status
    assert caught.value.error_code == code
    assert "gave up" not in caught.value.reason
    assert len(rsps.calls) == 1
    assert fake_time.sleeps == [] and retries_seen == []


def test_connection_error_is_retried_then_succeeds(rsps, client, fake_time, retries_seen):
    rsps.get(FEATURES, body=requests.exceptions.ConnectionError("Connection reset by peer"))
    rsps.get(FEATURES, json=[FEATURE])
    assert client().get_json("/api/v1/apps/{0}/features".format(APP)) == [FEATURE]
    assert len(rsps.calls) == 2
    assert fake_time.sleeps == [pytest.approx(backoff(1), abs=1e-9)]
    assert len(retries_seen) == 1
    assert rsps.calls[1].request.headers["X-Okta-Retry-Count"] == "1"
    assert "X-Okta-Retry-For" not in rsps.calls[1].request.headers


def test_connection_error_persisting_is_network(rsps, client, fake_time):
    rsps.get(FEATURES, body=requests.exceptions.ConnectionError("Connection reset by peer"))
    with pytest.raises(OktaError) as caught:
        client(retries=2).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "network"
    assert exc.status is None
    assert ORG in exc.reason
    assert "Connection reset by peer" in exc.reason
    assert "gave up after 3 attempts" in exc.reason
    assert len(rsps.calls) == 3
    assert len(fake_time.sleeps) == 2


@pytest.mark.parametrize("error", [requests.exceptions.ReadTimeout("read timed out"),
                                   requests.exceptions.ConnectTimeout("connect timed out")])
def test_timeout_is_retried_then_reported(rsps, client, fake_time, error):
    rsps.get(FEATURES, body=error)
    with pytest.raises(OktaError) as caught:
        client(retries=1, timeout=7.5).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "timeout"
    assert "7.5 s" in exc.reason
    assert len(rsps.calls) == 2
    assert len(fake_time.sleeps) == 1


def test_timeout_then_success(rsps, client):
    rsps.get(FEATURES, body=requests.exceptions.ReadTimeout("read timed out"))
    rsps.get(FEATURES, json=[])
    assert client().get_json("/api/v1/apps/{0}/features".format(APP)) == []
    assert len(rsps.calls) == 2


@pytest.mark.parametrize("use_ca", [False, True])
def test_tls_verification_failure_is_not_retried(rsps, client, fake_time, ca_file, use_ca):
    ca_path = ca_file if use_ca else None
    where = ca_file if use_ca else "system CA bundle"
    rsps.get(FEATURES, body=requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='acme.okta.com', port=443): Max retries exceeded (Caused by SSLError("
        "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get "
        "local issuer certificate (_ssl.c:1006)')))"))
    rsps.get(FEATURES, json=[])
    with pytest.raises(OktaError) as caught:
        client(ca_path=ca_path).get_json("/api/v1/apps/{0}/features".format(APP))
    exc = caught.value
    assert exc.kind == "tls"
    assert "certificate verification failed" in exc.reason
    assert "ca_path" in exc.reason
    assert where in exc.reason
    assert len(rsps.calls) == 1
    assert fake_time.sleeps == []


def test_tls_handshake_failure_is_tls_and_not_retried(rsps, client):
    rsps.get(FEATURES, body=requests.exceptions.SSLError("EOF occurred in violation of protocol"))
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.kind == "tls"
    assert "handshake" in caught.value.reason
    assert len(rsps.calls) == 1


# ------------------------------------------------------------------------------------------------------------------
# Pagination


def page_link(after, rel="next"):
    return '<{0}?after={1}&limit=200>; rel="{2}"'.format(APPS, after, rel)


FIRST_PAGE = [matchers.query_param_matcher({"limit": "200"})]


@pytest.mark.parametrize("self_first", [False, True])
def test_get_all_follows_next_links(rsps, client, self_first):
    def link(after_self, after_next):
        parts = [page_link(after_self, "self"), page_link(after_next)]
        return ", ".join(parts if self_first else reversed(parts))

    rsps.get(APPS, json=[{"id": "a1"}, {"id": "a2"}], headers={"Link": link("start", "c1")}, match=FIRST_PAGE)
    rsps.get(APPS + "?after=c1&limit=200", json=[{"id": "a3"}], headers={"Link": link("c1", "c2")})
    rsps.get(APPS + "?after=c2&limit=200", json=[{"id": "a4"}], headers={"Link": page_link("c2", "self")})
    items = client().get_all("/api/v1/apps", params={"limit": 200})
    assert [item["id"] for item in items] == ["a1", "a2", "a3", "a4"]
    assert len(rsps.calls) == 3
    assert [c.request.params.get("after") for c in rsps.calls] == [None, "c1", "c2"]
    assert all(c.request.headers["Authorization"] == "SSWS " + TOKEN for c in rsps.calls)


def test_get_all_follows_next_in_separate_link_headers(rsps, client):
    rsps.get(APPS, json=[{"id": "a1"}], headers=[("Link", page_link("s", "self")), ("Link", page_link("c1"))],
             match=FIRST_PAGE)
    rsps.get(APPS + "?after=c1&limit=200", json=[{"id": "a2"}])
    assert client().get_all("/api/v1/apps", params={"limit": 200}) == [{"id": "a1"}, {"id": "a2"}]
    assert len(rsps.calls) == 2


def test_get_all_stops_without_next(rsps, client):
    rsps.get(APPS, json=[{"id": "a1"}], headers={"Link": page_link("s", "self")})
    assert client().get_all("/api/v1/apps") == [{"id": "a1"}]
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("next_url", [
    "https://evil.example.com/api/v1/apps?after=c1",
    "https://acme.okta.com.evil.example.com/api/v1/apps?after=c1",
    "https://other.okta.com/api/v1/apps?after=c1",
])
def test_get_all_refuses_a_next_link_to_another_host(rsps, client, next_url):
    rsps.get(APPS, json=[{"id": "a1"}], headers={"Link": '<{0}>; rel="next"'.format(next_url)})
    rsps.get(next_url.split("?")[0], json=[])
    with pytest.raises(OktaError) as caught:
        client().get_all("/api/v1/apps")
    assert caught.value.kind == "invalid_response"
    assert len(rsps.calls) == 1
    assert_token_absent(caught.value)


def test_get_all_refuses_a_next_link_downgraded_to_http(rsps, client):
    rsps.get(APPS, json=[{"id": "a1"}], headers={"Link": '<http://acme.okta.com/api/v1/apps?after=c1>; rel="next"'})
    rsps.get("http://acme.okta.com/api/v1/apps", json=[{"id": "a2"}])
    with pytest.raises(OktaError):
        client().get_all("/api/v1/apps")
    assert len(rsps.calls) == 1


def test_parse_links():
    header = '<https://a/1>; rel="self", <https://a/2?after=x&limit=2>; rel="next", <https://a/0>; rel=prev'
    assert parse_links(header) == {"self": "https://a/1", "next": "https://a/2?after=x&limit=2", "prev": "https://a/0"}
    assert parse_links(None) == {}
    assert parse_links("") == {}


# ------------------------------------------------------------------------------------------------------------------
# The token never appears in an error


def _scenario_http_json(rsps):
    rsps.get(FEATURES, status=400, json=okta_error("E0000001", "Api validation failed", causes=["bad"]))


def _scenario_http_html(rsps):
    rsps.get(FEATURES, status=502, body="<html>bad gateway</html>", content_type="text/html")


def _scenario_invalid_200(rsps):
    rsps.get(FEATURES, body="<html>captive portal</html>", content_type="text/html")


def _scenario_oauth(rsps):
    rsps.get(FEATURES, status=401, json={"error": "invalid_token", "error_description": "bad token"})


def _scenario_401(rsps):
    rsps.get(FEATURES, status=401, json=okta_error("E0000011", "Invalid token provided"))


def _scenario_403(rsps):
    rsps.get(FEATURES, status=403, json=okta_error("E0000006", "You do not have permission"))


def _scenario_404(rsps):
    rsps.get(FEATURES, status=404, json=okta_error("E0000007", "Not found: Resource not found: x (AppInstance)"))


def _scenario_429(rsps):
    rsps.get(FEATURES, status=429, json=RATE_LIMITED, headers=rate_headers(SERVER_NOW + 3))


def _scenario_503(rsps):
    rsps.get(FEATURES, status=503, json=okta_error("E0000009", "Service Unavailable"))


def _scenario_connection(rsps):
    rsps.get(FEATURES, body=requests.exceptions.ConnectionError("Connection refused"))


def _scenario_timeout(rsps):
    rsps.get(FEATURES, body=requests.exceptions.ReadTimeout("timed out"))


def _scenario_tls(rsps):
    rsps.get(FEATURES, body=requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))


def _scenario_other_request_error(rsps):
    rsps.get(FEATURES, body=requests.exceptions.InvalidURL("bad url"))


SCENARIOS = [_scenario_http_json, _scenario_http_html, _scenario_invalid_200, _scenario_oauth, _scenario_401,
             _scenario_403, _scenario_404, _scenario_429, _scenario_503, _scenario_connection, _scenario_timeout,
             _scenario_tls, _scenario_other_request_error]


@pytest.mark.parametrize("credential", ["api_token", "access_token"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__[len("_scenario_"):] for s in SCENARIOS])
def test_token_never_in_an_error(rsps, client, scenario, credential):
    secret = TOKEN if credential == "api_token" else ACCESS
    scenario(rsps)
    okta = client(retries=1, **{"api_token": None, credential: secret})
    with pytest.raises(OktaError) as caught:
        okta.get_json("/api/v1/apps/{0}/features".format(APP))
    assert_token_absent(caught.value, secret)


def test_token_never_in_a_pagination_error(rsps, client):
    rsps.get(APPS, json=[], headers={"Link": '<https://evil.example.com/x>; rel="next"'})
    with pytest.raises(OktaError) as caught:
        client().get_all("/api/v1/apps", {"q": "x", "limit": 200})
    assert_token_absent(caught.value)


@pytest.mark.parametrize("credential", ["api_token", "access_token"])
@pytest.mark.parametrize("secret", ["tok-SECRET 9f8e7d6c5b4a", "tok-SECRET\n9f8e7d6c5b4a", "tok-SECRET\x009f8e7d6c5b4a",
                                    "tok-SECRET\x7f9f8e7d6c5b4a", "tok-SECRET\t9f8e7d6c5b4a", "   "])
def test_token_with_spaces_or_control_characters_is_refused_before_sending(rsps, client, credential, secret):
    with pytest.raises(OktaError) as caught:
        client(**{"api_token": None, credential: secret})
    assert caught.value.kind == "config"
    assert credential in caught.value.reason
    if secret.strip():
        assert "tok-SECRET" not in caught.value.reason and "9f8e7d6c5b4a" not in caught.value.reason
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("token", [TOKEN + "\n", TOKEN + "\r\n", " " + TOKEN + " "])
def test_token_surrounding_whitespace_is_stripped(rsps, client, token):
    rsps.get(FEATURES, json=[])
    client(api_token=token).get_json("/api/v1/apps/{0}/features".format(APP))
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + TOKEN


def test_request_exception_quoting_the_header_is_not_echoed(rsps, client, fake_time):
    rsps.get(FEATURES, body=requests.exceptions.InvalidHeader(
        "Invalid leading whitespace, reserved character(s), or return character(s) in header value: 'SSWS {0}'".format(TOKEN)))
    rsps.get(FEATURES, json=[])
    with pytest.raises(OktaError) as caught:
        client().get_json("/api/v1/apps/{0}/features".format(APP))
    assert caught.value.kind == "network"
    assert "InvalidHeader" in caught.value.reason
    assert_token_absent(caught.value)
    assert len(rsps.calls) == 1
    assert fake_time.sleeps == []


def test_user_agent_constant_matches_version_module():
    assert _client.USER_AGENT.startswith("oktaops.okta/{0} python/".format(_client.COLLECTION_VERSION))


@pytest.mark.parametrize("kind", ["api_token", "access_token"])
def test_a_netrc_entry_for_the_org_does_not_replace_the_token(rsps, client, tmp_path, monkeypatch, kind):
    # requests applies ~/.netrc to requests sent without auth; curl users often have one for the org's host.
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine acme.okta.com login someone password netrc-password\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    assert requests.utils.get_netrc_auth(ORG + "/") == ("someone", "netrc-password")  # the entry is read
    rsps.add("GET", FEATURES, json=[FEATURE], status=200)
    credentials = {"api_token": dict(api_token=TOKEN), "access_token": dict(access_token=ACCESS, api_token=None)}
    client(**credentials[kind]).get_json("/api/v1/apps/{0}/features".format(APP))
    sent = rsps.calls[0].request.headers["Authorization"]
    assert sent == ("SSWS " + TOKEN if kind == "api_token" else "Bearer " + ACCESS)
