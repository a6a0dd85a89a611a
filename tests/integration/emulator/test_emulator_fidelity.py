"""Tests of the Okta emulator itself (the package tests/emulator/okta_emulator).

They check that the emulator speaks the wire format of the real API closely enough for the
collection's tests to mean something: the official Python SDK parses its answers, its bodies
validate against the official OpenAPI schema, and its behaviour (auth, rate limits, pagination,
validation, faults, request log, keep-alive) is what the brief for it describes.

Note on TLS: ``requests`` lets ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` from the environment
override ``Session.verify``; every call below therefore passes ``verify=<emulator CA>`` explicitly
and sessions use ``trust_env = False``.
"""

import asyncio
import copy
import email.utils
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import COLLECTIONS_PATH, EMULATOR_COMMAND, EMULATOR_DIR, EMULATOR_SEED, emulator_env

if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)

from ansible_collections.oktaops.okta.tests.utils import okta_spec  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.oktaops.okta.tests.utils.okta_spec import Spec  # noqa: E402  pylint: disable=wrong-import-position


MANAGE = "00oktaops-emulator-manage-token-5f3a9c1e7b"
READONLY = "00oktaops-emulator-readonly-token-8d2b4e6a0c"
BEARER = "eyJoktaops-emulator-access-token-c4e1b9"
ALL_TOKENS = (MANAGE, READONLY, BEARER)

SLACK = "0oa1slk7q2HXw9ZbT5d7"
SLACK_SANDBOX = "0oa1slkSbx4RmV8nQ5d7"
ZSCALER = "0oa4zscR7mN1xKd2B5d7"
ORG2ORG = "0oa5o2oT3bJ8pWe6C5d7"
LEGACY_WIKI = "0oa6wikY4nG7sAf1D5d7"

SEED_APPS = 35

USER = "USER_PROVISIONING"
INBOUND = "INBOUND_PROVISIONING"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def api(emu, method, path, token=MANAGE, scheme="SSWS", session=None, headers=None, **kw):
    hdrs = {"Accept": "application/json"}
    if token is not None:
        hdrs["Authorization"] = "%s %s" % (scheme, token)
    hdrs.update(headers or {})
    kw.setdefault("timeout", 10)
    url = path if path.startswith("http") else emu.url + path
    return (session or requests).request(method, url, headers=hdrs, verify=emu.ca_file, **kw)


def feature_path(app_id, name=None):
    return "/api/v1/apps/%s/features%s" % (app_id, "/" + name if name else "")


def stored_feature(emu, app_id, name):
    return emu.state()["apps"][app_id]["features"][name]


def assert_okta_error(resp, status, code, summary=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}
    assert body["errorCode"] == code
    assert body["errorLink"] == code
    assert re.fullmatch(r"oae[A-Za-z0-9]{22}", body["errorId"])
    assert isinstance(body["errorCauses"], list)
    if summary is not None:
        assert body["errorSummary"] == summary
    return body


def http_date(resp):
    return email.utils.parsedate_to_datetime(resp.headers["Date"]).timestamp()


def assert_api_headers(resp):
    for name in ("Date", "X-Okta-Request-Id", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining",
                 "X-Rate-Limit-Reset"):
        assert name in resp.headers, (name, dict(resp.headers))
    for name in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"):
        assert re.fullmatch(r"\d+", resp.headers[name]), (name, resp.headers[name])
    assert resp.headers["Date"].endswith(" GMT")


# ---------------------------------------------------------------------------
# official OpenAPI schema
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spec():
    return Spec(okta_spec.document())


def map_known_quirks(feature):
    """Undo the two known, deliberate differences between wire format and schema.

    1. INBOUND responses spell the username key ``userNameFormat`` (as the spec's own examples do)
       while ImportUsernameObject requires ``usernameFormat``.
    2. A disabled schedule carries ``fullImport``/``incrementalImport`` as ``null`` (as in the spec's
       own request example) although ImportScheduleSettings is not nullable.
    """
    feature = copy.deepcopy(feature)
    caps = feature.get("capabilities") or {}
    settings = caps.get("importSettings") or {}
    username = settings.get("username")
    if isinstance(username, dict) and "userNameFormat" in username:
        username["usernameFormat"] = username.pop("userNameFormat")
    schedule = settings.get("schedule")
    if isinstance(schedule, dict):
        for key in ("fullImport", "incrementalImport"):
            if key in schedule and schedule[key] is None:
                del schedule[key]
    return feature


def test_spec_list_and_get_features(emu, spec):
    for app_id in (SLACK, ORG2ORG, ZSCALER):
        resp = api(emu, "GET", feature_path(app_id))
        assert resp.status_code == 200
        body = resp.json()
        assert [f["name"] for f in body] == ([USER] if app_id == ZSCALER else [USER, INBOUND])
        schema = spec.response_schema("/api/v1/apps/{appId}/features", "get")
        assert spec.errors([map_known_quirks(f) for f in body], schema) == []
        for feat in body:
            one = api(emu, "GET", feature_path(app_id, feat["name"]))
            assert one.status_code == 200
            assert one.json() == feat
            schema = spec.response_schema("/api/v1/apps/{appId}/features/{featureName}", "get")
            assert spec.errors(map_known_quirks(one.json()), schema) == []


def test_spec_raw_inbound_uses_username_quirk(emu, spec):
    """The raw INBOUND body is schema-invalid exactly because of the userNameFormat quirk."""
    raw = api(emu, "GET", feature_path(ORG2ORG, INBOUND)).json()
    username = raw["capabilities"]["importSettings"]["username"]
    assert username == {"userNameFormat": "EMAIL"}
    schema = spec.response_schema("/api/v1/apps/{appId}/features/{featureName}", "get")
    errors = spec.errors(raw, schema)
    assert errors and all("usernameFormat" in e or "userNameFormat" in e for e in errors), errors


def test_spec_put_responses(emu, spec):
    schema = spec.response_schema("/api/v1/apps/{appId}/features/{featureName}", "put")
    user_body = {"create": {"lifecycleCreate": {"status": "ENABLED"}},
                 "update": {"lifecycleDeactivate": {"status": "ENABLED"}, "profile": {"status": "ENABLED"},
                            "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}}}
    resp = api(emu, "PUT", feature_path(SLACK, USER), json=user_body)
    assert resp.status_code == 200
    assert resp.json()["capabilities"] == user_body
    assert spec.errors(resp.json(), schema) == []

    inbound_body = {
        "importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "appuser.userName"},
                           "schedule": {"status": "ENABLED",
                                        "fullImport": {"expression": "0 0 * * 0", "timezone": "America/New_York"},
                                        "incrementalImport": {"expression": "0 */3 * * *"}}},
        "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "USERNAME", "allowPartialMatch": True,
                                               "autoConfirmPartialMatch": False, "autoConfirmExactMatch": True,
                                               "autoConfirmNewUsers": False, "autoActivateNewUsers": True}},
    }
    # the request body itself is a valid CapabilitiesInboundProvisioningObject
    assert spec.errors(inbound_body, {"$ref": "#/components/schemas/CapabilitiesInboundProvisioningObject"}) == []
    resp = api(emu, "PUT", feature_path(SLACK, INBOUND), json=inbound_body)
    assert resp.status_code == 200
    assert resp.json()["capabilities"]["importSettings"]["username"] == {
        "userNameFormat": "CUSTOM", "userNameExpression": "appuser.userName"}
    assert spec.errors(map_known_quirks(resp.json()), schema) == []


def test_spec_error_bodies(emu, spec):
    cases = [
        api(emu, "GET", feature_path(LEGACY_WIKI)),  # 400 provisioning not enabled
        api(emu, "PUT", feature_path(SLACK, USER), json={"bogus": 1}),  # 400 validation
        api(emu, "GET", feature_path(SLACK), token="nope"),  # 401
        api(emu, "PUT", feature_path(SLACK, USER), token=READONLY, json={}),  # 403
        api(emu, "GET", feature_path("0oaDOESNOTEXIST000000")),  # 404
    ]
    emu.admin("POST", "/_admin/config", json={"rate_limit": 0})
    cases.append(api(emu, "GET", feature_path(SLACK)))  # 429
    assert [r.status_code for r in cases] == [400, 400, 401, 403, 404, 429]
    for resp in cases:
        assert spec.errors(resp.json(), spec.error_schema()) == [], resp.text
        assert_api_headers(resp)


def test_spec_list_apps(emu, spec):
    resp = api(emu, "GET", "/api/v1/apps")
    schema = spec.response_schema("/api/v1/apps", "get")
    assert spec.errors(resp.json(), schema) == []


# ---------------------------------------------------------------------------
# official Python SDK
# ---------------------------------------------------------------------------


@pytest.fixture
def sdk(emu):
    """An official-SDK client against the emulator.

    The SDK accepts an ``sslContext`` in its config, but deep-copies the config, which plain
    ``ssl.SSLContext`` objects refuse; a subclass that returns itself from ``__deepcopy__`` keeps
    certificate and hostname verification on with the emulator's CA.
    """
    pytest.importorskip("okta", reason="official Okta Python SDK (pip install okta) not installed")
    from okta.client import Client

    class SharedContext(ssl.SSLContext):
        def __deepcopy__(self, memo):
            return self

    ctx = SharedContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(emu.ca_file)
    return Client({"orgUrl": emu.url, "token": MANAGE, "sslContext": ctx,
                   "rateLimit": {"maxRetries": 0}})


def _run(coro):
    return asyncio.run(coro)


# aiohttp deprecates the ``ssl_context`` argument the SDK still passes
sdk_warnings = pytest.mark.filterwarnings("ignore:ssl_context is deprecated:DeprecationWarning")


@sdk_warnings
def test_sdk_list_and_get_apps(emu, sdk):
    apps, _resp, err = _run(sdk.list_applications(q="Slack"))
    assert err is None
    raw = api(emu, "GET", "/api/v1/apps", params={"q": "Slack"}).json()
    assert [(a.id, a.label, a.name) for a in apps] == [(a["id"], a["label"], a["name"]) for a in raw]
    assert {a.label for a in apps} == {"Slack", "Slack Sandbox"}

    app, _resp, err = _run(sdk.get_application(SLACK))
    assert err is None
    assert (app.id, app.label, app.name, app.sign_on_mode.value) == (SLACK, "Slack", "slack", "SAML_2_0")
    # the SDK sends "SSWS<token>" (no space) in 3.x; the emulator accepts it like Okta does
    log = emu.requests()
    assert {e["auth_scheme"] for e in log} == {"SSWS"}
    assert all(e["status"] == 200 for e in log)


@sdk_warnings
def test_sdk_features_roundtrip(emu, sdk):
    from okta.models import (CapabilitiesInboundProvisioningObject, CapabilitiesObject,
                             UpdateFeatureForApplicationRequest)

    feats, _resp, err = _run(sdk.list_features_for_application(SLACK))
    assert err is None
    assert [type(f).__name__ for f in feats] == ["UserProvisioningApplicationFeature",
                                                 "InboundProvisioningApplicationFeature"]
    raw = api(emu, "GET", feature_path(SLACK)).json()
    sdk_user = json.loads(feats[0].to_json())
    assert sdk_user["capabilities"] == raw[0]["capabilities"]
    assert sdk_user["status"] == "ENABLED"
    sdk_inbound = json.loads(feats[1].to_json())
    assert sdk_inbound["capabilities"]["importRules"] == raw[1]["capabilities"]["importRules"]

    feat, _resp, err = _run(sdk.get_feature_for_application(ORG2ORG, INBOUND))
    assert err is None
    schedule = feat.capabilities.import_settings.schedule
    assert schedule.full_import.expression == "0 0 * * 0"
    assert schedule.incremental_import.timezone == "America/New_York"

    body = UpdateFeatureForApplicationRequest(CapabilitiesObject.from_dict(
        {"update": {"password": {"status": "ENABLED", "seed": "OKTA", "change": "CHANGE"}}}))
    feat, _resp, err = _run(sdk.update_feature_for_application(SLACK, USER, body))
    assert err is None
    assert type(feat).__name__ == "UserProvisioningApplicationFeature"
    pwd = feat.capabilities.update.password
    assert (pwd.status.value, pwd.seed.value, pwd.change.value) == ("ENABLED", "OKTA", "CHANGE")
    stored = stored_feature(emu, SLACK, USER)["capabilities"]
    assert stored["update"]["password"] == {"status": "ENABLED", "seed": "OKTA", "change": "CHANGE"}
    assert stored["create"] == {"lifecycleCreate": {"status": "DISABLED"}}

    # INBOUND: building the request from a dict is ambiguous for the SDK (undiscriminated oneOf),
    # but wrapping a CapabilitiesInboundProvisioningObject instance works.
    body = UpdateFeatureForApplicationRequest(CapabilitiesInboundProvisioningObject.from_dict({
        "importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "appuser.email"}},
        "importRules": {"userCreateAndMatch": {"allowPartialMatch": True}}}))
    feat, resp, err = _run(sdk.update_feature_for_application(SLACK, INBOUND, body))
    assert err is None
    assert type(feat).__name__ == "InboundProvisioningApplicationFeature"
    assert feat.capabilities.import_rules.user_create_and_match.allow_partial_match is True
    assert feat.capabilities.import_settings.username.user_name_expression == "appuser.email"
    # The SDK model ignores the wire key userNameFormat and shows its own default for
    # usernameFormat, so the stored value is checked on the raw API instead.
    put_log = [e for e in emu.requests() if e["method"] == "PUT"]
    assert put_log[-1]["body"]["importSettings"]["username"]["usernameFormat"] == "CUSTOM"
    raw = api(emu, "GET", feature_path(SLACK, INBOUND)).json()
    assert raw["capabilities"]["importSettings"]["username"] == {
        "userNameFormat": "CUSTOM", "userNameExpression": "appuser.email"}

    _data, _resp, err = _run(sdk.list_features_for_application(LEGACY_WIKI))
    assert err is not None and "E0000001" in str(err)
    assert "Provisioning is not enabled for the app instance." in str(err)


# ---------------------------------------------------------------------------
# auth
# ---------------------------------------------------------------------------


def test_auth(emu):
    assert_okta_error(api(emu, "GET", "/api/v1/apps", token=None), 401, "E0000011", "Invalid token provided")
    assert_okta_error(api(emu, "GET", "/api/v1/apps", token="00wrong"), 401, "E0000011")
    # a token of the other kind is not accepted
    assert_okta_error(api(emu, "GET", "/api/v1/apps", token=BEARER, scheme="SSWS"), 401, "E0000011")
    assert_okta_error(api(emu, "GET", "/api/v1/apps", token=MANAGE, scheme="Bearer"), 401, "E0000011")
    assert api(emu, "GET", "/api/v1/apps", token=BEARER, scheme="Bearer").status_code == 200
    assert api(emu, "GET", feature_path(SLACK, USER), token=READONLY).status_code == 200
    before = stored_feature(emu, SLACK, USER)
    resp = api(emu, "PUT", feature_path(SLACK, USER), token=READONLY,
               json={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    assert_okta_error(resp, 403, "E0000006", "You do not have permission to perform the requested action")
    assert_api_headers(resp)
    assert stored_feature(emu, SLACK, USER) == before
    resp = api(emu, "PUT", feature_path(SLACK, USER), token=BEARER, scheme="Bearer",
               json={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    assert resp.status_code == 200


def test_not_found(emu):
    body = assert_okta_error(api(emu, "GET", "/api/v1/apps/0oaNOPE"), 404, "E0000007")
    assert body["errorSummary"] == "Not found: Resource not found: 0oaNOPE (AppInstance)"
    assert_okta_error(api(emu, "GET", feature_path("0oaNOPE", USER)), 404, "E0000007")
    assert_okta_error(api(emu, "GET", feature_path(ZSCALER, INBOUND)), 404, "E0000007")
    assert_okta_error(api(emu, "GET", feature_path(SLACK, "SSO")), 404, "E0000007")
    resp = api(emu, "GET", "/api/v1/users")
    assert_okta_error(resp, 404, "E0000007")
    assert_api_headers(resp)


def test_get_app_and_list_filter(emu):
    app = api(emu, "GET", "/api/v1/apps/" + SLACK).json()
    assert {"id", "name", "label", "status", "signOnMode", "created", "lastUpdated", "features",
            "_links"} <= set(app)
    # Okta's read-only legacy feature strings, not the Application Features objects
    assert app["features"] == ["PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES", "IMPORT_NEW_USERS"]
    assert app["_links"]["self"]["href"] == emu.url + "/api/v1/apps/" + SLACK
    labels = [a["label"] for a in api(emu, "GET", "/api/v1/apps", params={"q": "slack"}).json()]
    assert labels == ["Slack", "Slack Sandbox"]  # case-insensitive prefix, ordered by id
    names = [a["name"] for a in api(emu, "GET", "/api/v1/apps", params={"q": "zoom"}).json()]
    assert names == ["zoomus"]
    assert api(emu, "GET", "/api/v1/apps", params={"q": "ack"}).json() == []  # prefix, not substring


# ---------------------------------------------------------------------------
# rate limiting and clock
# ---------------------------------------------------------------------------


def test_rate_limit(emu):
    window = 5
    # stay clear of a window boundary (windows are aligned to multiples of the window length)
    if window - (time.time() % window) < 1.5:
        time.sleep(window - (time.time() % window) + 0.05)
    emu.admin("POST", "/_admin/config", json={"rate_limit": 3, "rate_window": window})
    responses = [api(emu, "GET", feature_path(SLACK, USER)) for _i in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert all(r.headers["X-Rate-Limit-Limit"] == "3" for r in responses)
    limited = responses[-1]
    assert_okta_error(limited, 429, "E0000047", "API call exceeded rate limit due to too many requests.")
    reset = int(limited.headers["X-Rate-Limit-Reset"])
    assert reset % window == 0
    assert http_date(limited) < reset <= http_date(limited) + window
    # 429s do not consume: the next one is still a 429 with the same reset, and stats count both
    again = api(emu, "GET", feature_path(SLACK, USER))
    assert again.status_code == 429 and int(again.headers["X-Rate-Limit-Reset"]) == reset
    assert emu.state()["stats"]["rate_limited"] == 2
    # after the reset, the bucket refills
    time.sleep(max(0.0, reset - time.time()) + 0.1)
    ok = api(emu, "GET", feature_path(SLACK, USER))
    assert ok.status_code == 200 and ok.headers["X-Rate-Limit-Remaining"] == "2"


def test_clock_skew(emu):
    skew = 3600.0
    config = emu.admin("POST", "/_admin/config", json={"clock_skew": skew})
    assert config["clock_skew"] == skew
    resp = api(emu, "GET", "/api/v1/apps")
    date = http_date(resp)
    assert abs(date - (time.time() + skew)) < 5
    reset = int(resp.headers["X-Rate-Limit-Reset"])
    assert date < reset <= date + config["rate_window"] + 1
    # errors carry the same clock
    err = api(emu, "GET", "/api/v1/apps", token="bad")
    assert abs(http_date(err) - date) < 5


# ---------------------------------------------------------------------------
# pagination
# ---------------------------------------------------------------------------


def test_pagination(emu):
    created = emu.admin("POST", "/_admin/apps", json=[{"label": "Page Test %d" % i} for i in range(7)])
    assert len(created) == 7 and all(re.fullmatch(r"0oa[A-Za-z0-9]{17}", a["id"]) for a in created)
    emu.admin("POST", "/_admin/config", json={"max_page_size": 3})
    url = emu.url + "/api/v1/apps?q=Page%20Test&limit=50"
    pages = []
    with requests.Session() as session:
        session.trust_env = False
        while url:
            resp = api(emu, "GET", url, session=session)
            assert resp.status_code == 200
            pages.append([a["id"] for a in resp.json()])
            assert resp.links["self"]["url"].startswith(emu.url + "/api/v1/apps")
            url = resp.links.get("next", {}).get("url")
            if url:
                assert url.startswith(emu.url + "/api/v1/apps?")
                assert "q=Page%20Test" in url and "limit=3" in url
            assert len(pages) < 10
    assert [len(p) for p in pages] == [3, 3, 1]
    ids = [i for p in pages for i in p]
    assert ids == sorted(a["id"] for a in created)
    # new apps get both features with default capabilities and provisioning on
    feats = api(emu, "GET", feature_path(created[0]["id"])).json()
    assert [f["name"] for f in feats] == [USER, INBOUND]
    assert feats[0]["capabilities"]["update"]["password"] == {
        "status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}


# ---------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------


def test_fault_status_once(emu):
    emu.admin("POST", "/_admin/faults", json={"type": "status", "status": 503, "path": "/features", "method": "GET"})
    assert emu.admin("GET", "/_admin/faults")[0]["remaining"] == 1
    first = api(emu, "GET", feature_path(SLACK, USER))
    assert first.status_code == 503
    assert_okta_error(first, 503, first.json()["errorCode"])
    assert_api_headers(first)
    assert api(emu, "GET", feature_path(SLACK, USER)).status_code == 200
    assert emu.admin("GET", "/_admin/faults") == []
    log = emu.requests()
    assert [(e["status"], e["fault"]) for e in log] == [(503, "status"), (200, None)]


def test_fault_status_429(emu):
    emu.admin("POST", "/_admin/faults", json={"type": "status", "status": 429, "reset_in": 2,
                                              "headers": {"X-Extra": "yes"}})
    resp = api(emu, "GET", "/api/v1/apps")
    assert_okta_error(resp, 429, "E0000047")
    assert resp.headers["X-Rate-Limit-Remaining"] == "0"
    assert resp.headers["X-Extra"] == "yes"
    assert 1 <= int(resp.headers["X-Rate-Limit-Reset"]) - http_date(resp) <= 3
    nxt = api(emu, "GET", "/api/v1/apps")
    assert nxt.status_code == 200
    # the 429 did not consume budget
    assert int(nxt.headers["X-Rate-Limit-Remaining"]) == int(nxt.headers["X-Rate-Limit-Limit"]) - 1
    assert emu.state()["stats"]["rate_limited"] == 1


def test_fault_drop(emu):
    emu.admin("POST", "/_admin/faults", json={"type": "drop"})
    with pytest.raises(requests.ConnectionError):
        api(emu, "GET", feature_path(SLACK, USER))
    assert api(emu, "GET", feature_path(SLACK, USER)).status_code == 200
    log = emu.requests()
    assert (log[0]["fault"], log[0]["status"]) == ("drop", None)


def test_fault_slow(emu):
    emu.admin("POST", "/_admin/faults", json={"type": "slow", "delay": 1.0})
    with pytest.raises(requests.Timeout):
        api(emu, "GET", feature_path(SLACK, USER), timeout=0.3)
    start = time.monotonic()
    assert api(emu, "GET", feature_path(SLACK, USER)).status_code == 200
    assert time.monotonic() - start < 0.9
    assert emu.requests()[0]["fault"] == "slow"


def test_fault_non_json_and_html(emu):
    emu.admin("POST", "/_admin/faults", json=[{"type": "non_json"}, {"type": "html", "status": 502}])
    resp = api(emu, "GET", feature_path(SLACK, USER))
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        resp.json()
    resp = api(emu, "GET", feature_path(SLACK, USER))
    assert resp.status_code == 502 and resp.headers["Content-Type"].startswith("text/html")
    assert "<html>" in resp.text
    assert_api_headers(resp)
    assert [e["fault"] for e in emu.requests()] == ["non_json", "html"]


def test_fault_ignore_put(emu):
    before = stored_feature(emu, SLACK, USER)
    emu.admin("POST", "/_admin/faults", json={"type": "ignore_put"})
    # a GET does not trigger (or use up) an ignore_put fault
    assert api(emu, "GET", feature_path(SLACK, USER)).status_code == 200
    resp = api(emu, "PUT", feature_path(SLACK, USER), json={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    assert resp.status_code == 200
    assert resp.json()["capabilities"] == before["capabilities"]
    assert stored_feature(emu, SLACK, USER) == before
    assert [e["fault"] for e in emu.requests()] == [None, "ignore_put"]
    # fault used up: the same PUT now applies
    resp = api(emu, "PUT", feature_path(SLACK, USER), json={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    assert resp.json()["capabilities"]["create"]["lifecycleCreate"]["status"] == "ENABLED"


# ---------------------------------------------------------------------------
# PUT semantics
# ---------------------------------------------------------------------------


def test_put_partial_merge(emu):
    before = stored_feature(emu, SLACK, USER)["capabilities"]
    resp = api(emu, "PUT", feature_path(SLACK, USER), json={"update": {"password": {"seed": "OKTA"}}})
    assert resp.status_code == 200
    expected = copy.deepcopy(before)
    expected["update"]["password"]["seed"] = "OKTA"
    assert resp.json()["capabilities"] == expected
    assert stored_feature(emu, SLACK, USER)["capabilities"] == expected
    # other apps untouched
    assert stored_feature(emu, SLACK_SANDBOX, USER)["capabilities"] == before

    resp = api(emu, "PUT", feature_path(ORG2ORG, INBOUND),
               json={"importSettings": {"schedule": {"fullImport": None}}})
    schedule = resp.json()["capabilities"]["importSettings"]["schedule"]
    assert schedule["fullImport"] is None
    assert schedule["status"] == "ENABLED"
    assert schedule["incrementalImport"] == {"expression": "0 */3 * * *", "timezone": "America/New_York"}


@pytest.mark.parametrize("name,body,needle", [
    (USER, {"create": {"lifecycleCreate": {"status": "ENABLED", "extra": 1}}}, "capabilities.create.lifecycleCreate.extra"),
    (USER, {"unknownTop": {}}, "capabilities.unknownTop"),
    (USER, {"update": {"password": {"seed": "PLAIN"}}}, "capabilities.update.password.seed"),
    (USER, {"update": {"profile": {"status": "enabled"}}}, "capabilities.update.profile.status"),
    (USER, {"update": {"profile": "ENABLED"}}, "capabilities.update.profile"),
    (INBOUND, {"importRules": {"userCreateAndMatch": {"allowPartialMatch": "false"}}},
     "capabilities.importRules.userCreateAndMatch.allowPartialMatch"),
    (INBOUND, {"importRules": {"userCreateAndMatch": {"autoActivateNewUsers": 1}}},
     "capabilities.importRules.userCreateAndMatch.autoActivateNewUsers"),
    (INBOUND, {"importSettings": {"schedule": {"fullImport": {"timezone": "UTC"}}}},
     "capabilities.importSettings.schedule.fullImport.expression"),
    (INBOUND, {"importSettings": {"schedule": {"incrementalImport": {"expression": "0 * * * *", "timezone": "x" * 65}}}},
     "capabilities.importSettings.schedule.incrementalImport.timezone"),
    (INBOUND, {"importSettings": {"username": {"usernameFormat": "EMAIL", "userNameFormat": "CUSTOM"}}},
     "capabilities.importSettings.username"),
    (INBOUND, {"importSettings": {"username": {"usernameFormat": "LOGIN"}}},
     "capabilities.importSettings.username.usernameFormat"),
    (USER, ["not", "an", "object"], "capabilities"),
    # the other feature's shape is rejected
    (USER, {"importRules": {}}, "capabilities.importRules"),
])
def test_put_validation_errors(emu, name, body, needle):
    before = emu.state()["apps"]
    resp = api(emu, "PUT", feature_path(SLACK, name), json=body)
    err = assert_okta_error(resp, 400, "E0000001", "Api validation failed: capabilities")
    assert any(c["errorSummary"].startswith(needle + ":") for c in err["errorCauses"]), err
    assert emu.state()["apps"] == before


def test_put_not_json(emu):
    before = emu.state()["apps"]
    resp = api(emu, "PUT", feature_path(SLACK, USER), data="{not json",
               headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert_okta_error(resp, 400, resp.json()["errorCode"])
    assert api(emu, "PUT", feature_path(SLACK, USER)).status_code == 400  # empty body
    assert emu.state()["apps"] == before
    assert emu.requests()[0]["body"] == "{not json"


def test_inbound_username_spelling(emu):
    resp = api(emu, "PUT", feature_path(SLACK, INBOUND),
               json={"importSettings": {"username": {"usernameFormat": "CUSTOM",
                                                     "userNameExpression": "appuser.userName"}}})
    assert resp.status_code == 200
    username = resp.json()["capabilities"]["importSettings"]["username"]
    assert username == {"userNameFormat": "CUSTOM", "userNameExpression": "appuser.userName"}
    got = api(emu, "GET", feature_path(SLACK, INBOUND)).json()
    assert got["capabilities"]["importSettings"]["username"] == username
    # the other spelling is accepted too, and both at once if they agree
    resp = api(emu, "PUT", feature_path(SLACK, INBOUND),
               json={"importSettings": {"username": {"userNameFormat": "EMAIL"}}})
    assert resp.json()["capabilities"]["importSettings"]["username"]["userNameFormat"] == "EMAIL"
    resp = api(emu, "PUT", feature_path(SLACK, INBOUND),
               json={"importSettings": {"username": {"userNameFormat": "CUSTOM", "usernameFormat": "CUSTOM"}}})
    assert resp.status_code == 200
    assert "usernameFormat" not in json.dumps(resp.json())
    # other INBOUND leaves untouched
    assert resp.json()["capabilities"]["importRules"] == got["capabilities"]["importRules"]


def test_provisioning_not_enabled(emu):
    # The list and the PUT document this 400; one feature's GET does not (it is refused, see test_emulator_strict).
    for method, path, body in (("GET", feature_path(LEGACY_WIKI), None),
                               ("PUT", feature_path(LEGACY_WIKI, USER), {"update": {"profile": {"status": "ENABLED"}}})):
        err = assert_okta_error(api(emu, method, path, json=body), 400, "E0000001", "Api validation failed: feature")
        assert err["errorCauses"] == [{"errorSummary": "Provisioning is not enabled for the app instance."}]
    assert emu.state()["apps"][LEGACY_WIKI]["features"][USER]["status"] == "DISABLED"


# ---------------------------------------------------------------------------
# request log, headers, keep-alive, concurrency
# ---------------------------------------------------------------------------


def test_request_log(emu):
    emu.admin("GET", "/_admin/health")  # admin calls are not logged
    api(emu, "GET", "/api/v1/apps", params={"q": "Slack", "limit": "2"},
        headers={"User-Agent": "oktaops-test/1.0", "X-Okta-Retry-For": "abc", "X-Okta-Retry-Count": "1"})
    api(emu, "PUT", feature_path(SLACK, USER), token=BEARER, scheme="Bearer",
        json={"update": {"profile": {"status": "ENABLED"}}})
    api(emu, "GET", "/api/v1/apps", token=READONLY, headers={"Authorization": "DPoP " + READONLY})
    api(emu, "GET", "/api/v1/apps", token=None)
    log = emu.requests()
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log) and len(log) == 4
    first, put, dpop, anon = log
    assert first["method"] == "GET" and first["path"] == "/api/v1/apps"
    assert first["query"] == {"q": "Slack", "limit": "2"}
    assert first["auth_scheme"] == "SSWS" and first["user_agent"] == "oktaops-test/1.0"
    assert first["headers_subset"] == {"X-Okta-Retry-For": "abc", "X-Okta-Retry-Count": "1",
                                       "Accept": "application/json"}
    assert first["status"] == 200 and first["fault"] is None and first["body"] is None
    assert isinstance(first["time"], float) and abs(first["time"] - time.time()) < 60
    assert put["auth_scheme"] == "Bearer" and put["body"] == {"update": {"profile": {"status": "ENABLED"}}}
    assert put["headers_subset"]["Content-Type"] == "application/json"
    assert (dpop["auth_scheme"], dpop["status"]) == ("DPoP", 401)
    assert (anon["auth_scheme"], anon["status"]) == (None, 401)
    dumped = json.dumps(log) + json.dumps(emu.state())
    for token in ALL_TOKENS:
        assert token not in dumped
    emu.admin("DELETE", "/_admin/requests")
    assert emu.requests() == []
    assert emu.state()["stats"]["requests"] == 4


def test_request_ids_unique(emu):
    ids = {api(emu, "GET", "/api/v1/apps/" + SLACK).headers["X-Okta-Request-Id"] for _i in range(5)}
    assert len(ids) == 5


def test_keep_alive(emu):
    with requests.Session() as session:
        session.trust_env = False
        r1 = api(emu, "GET", feature_path(SLACK, USER), session=session)
        r2 = api(emu, "GET", "/api/v1/apps/0oaNOPE", session=session)  # an error keeps the connection too
        r3 = api(emu, "PUT", feature_path(SLACK, USER), session=session,
                 json={"update": {"profile": {"status": "ENABLED"}}})
        assert [r1.status_code, r2.status_code, r3.status_code] == [200, 404, 200]
        assert r1.headers.get("Connection", "").lower() != "close"
        pools = session.get_adapter(emu.url).poolmanager.pools
        assert [pools[key].num_connections for key in pools.keys()] == [1]


def test_concurrent_clients(emu):
    errors = []

    def worker(n):
        try:
            with requests.Session() as session:
                session.trust_env = False
                for _i in range(5):
                    r = api(emu, "GET", feature_path(SLACK, USER), session=session)
                    assert r.status_code == 200, r.text
                    r = api(emu, "PUT", feature_path(SLACK, USER), session=session,
                            json={"update": {"profile": {"status": "ENABLED" if n % 2 else "DISABLED"}}})
                    assert r.status_code == 200, r.text
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert emu.state()["stats"]["requests"] == 200
    assert len(emu.requests()) == 200


def test_admin_reset_restores_everything(emu):
    emu.admin("POST", "/_admin/config", json={"rate_limit": 1, "max_page_size": 2, "clock_skew": 10})
    emu.admin("POST", "/_admin/apps", json={"label": "Temp"})
    emu.admin("POST", "/_admin/faults", json={"type": "drop", "count": 5})
    emu.reset()
    state = emu.state()
    assert state["config"] == {"rate_limit": 600, "rate_window": 60, "max_page_size": 200, "clock_skew": 0.0,
                               "rate_limit_org": None, "app_rate_limit": None, "app_rate_limit_org": None,
                               "rate_buckets": "shared"}  # as conftest starts it
    assert len(state["apps"]) == SEED_APPS and state["stats"]["requests"] == 0
    assert emu.admin("GET", "/_admin/faults") == []
    assert emu.requests() == []
    resp = api(emu, "GET", "/api/v1/apps")
    assert resp.status_code == 200 and resp.headers["X-Rate-Limit-Remaining"] == "599"


# ---------------------------------------------------------------------------
# process-level behaviour (CLI, signals, quiet stderr) and in-process class
# ---------------------------------------------------------------------------


def test_cli_process_lifecycle_and_quiet_errors(tmp_path):
    port_file = tmp_path / "port"
    ca_file = tmp_path / "ca.pem"
    proc = subprocess.Popen(
        [*EMULATOR_COMMAND, "--port", "0", "--port-file", str(port_file),
         "--ca-file", str(ca_file), "--seed", EMULATOR_SEED, "--rate-limit", "50"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=emulator_env())
    try:
        line = proc.stdout.readline().strip()
        port = int(port_file.read_text())
        assert line == "okta-emulator listening on https://127.0.0.1:%d" % port
        url = "https://127.0.0.1:%d" % port
        ok = requests.get(url + "/api/v1/apps", verify=str(ca_file), timeout=5,
                          headers={"Authorization": "SSWS " + MANAGE})
        assert ok.headers["X-Rate-Limit-Limit"] == "50"
        # hostile/broken clients must not produce tracebacks
        with socket.create_connection(("127.0.0.1", port)) as s:  # plain HTTP to the TLS port
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                s.recv(100)
            except ConnectionError:
                pass
        socket.create_connection(("127.0.0.1", port)).close()  # connect and vanish
        requests.post(url + "/_admin/faults", json=[{"type": "drop"}, {"type": "slow", "delay": 0.5}],
                      verify=str(ca_file), timeout=5)
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/api/v1/apps", verify=str(ca_file), timeout=5)
        with pytest.raises(requests.Timeout):
            requests.get(url + "/api/v1/apps", verify=str(ca_file), timeout=0.1)
        time.sleep(0.6)  # let the slow answer hit the closed socket
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert proc.stderr.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_inprocess_class_plain_http():
    sys.path.insert(0, EMULATOR_DIR)
    try:
        from okta_emulator import OktaEmulator
    finally:
        sys.path.pop(0)
    emu = OktaEmulator(EMULATOR_SEED, tls=False, rate_limit=5, max_page_size=2)
    emu.start()
    try:
        assert emu.url == "http://127.0.0.1:%d" % emu.port and emu.ca_file is None
        s = requests.Session()
        s.trust_env = False
        resp = s.get(emu.url + "/api/v1/apps", headers={"Authorization": "SSWS " + MANAGE}, timeout=5)
        assert resp.status_code == 200 and len(resp.json()) == 2
        assert resp.links["next"]["url"].startswith(emu.url)
        assert resp.headers["X-Rate-Limit-Remaining"] == "4"
        s.close()
    finally:
        emu.stop()
    tls = OktaEmulator(EMULATOR_SEED)
    try:
        assert tls.url.startswith("https://") and os.path.exists(tls.ca_file)
        ca = tls.ca_file
    finally:
        tls.stop()
    assert not os.path.exists(ca)
