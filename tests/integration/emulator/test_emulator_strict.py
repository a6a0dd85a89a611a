"""The emulator refuses what Okta does not promise (tests/emulator/README.md, "Leniency audit"): each refusal of
the app list, one app, the features, the token endpoint and the route table, talking HTTP to it directly."""

import sys

import pytest
import requests

from conftest import EMULATOR_DIR
from test_emulator_fidelity import SLACK, USER, api, feature_path

APPS = "/api/v1/apps"


def assert_refused(emu, resp, status, code, summary, why):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["errorCode"] == code and body["errorSummary"] == summary and body["errorLink"] == code
    assert body["errorId"].startswith("oae")
    assert why in emu.requests()[-1]["refusal"]
    return body


@pytest.mark.parametrize("path, params, name, why", [
    (APPS, {"search": "x"}, "search", "unknown query parameter 'search'; this endpoint takes: q, filter, limit, after"),
    (APPS, {"useOptimization": "true"}, "useOptimization", "documented by Okta but not emulated"),
    (APPS, {"includeNonDeleted": "true"}, "includeNonDeleted", "documented by Okta but not emulated"),
    (APPS + "/" + SLACK, {"expand": "user/00u1"}, "expand", "documented by Okta but not emulated"),
    (APPS + "/" + SLACK, {"limit": "1"}, "limit", "unknown query parameter 'limit'; this endpoint takes: expand"),
    (feature_path(SLACK), {"limit": "1"}, "limit", "this endpoint takes: none"),
    (feature_path(SLACK, USER), {"q": "x"}, "q", "this endpoint takes: none"),
])
def test_query_parameters_outside_the_route_table_are_refused(emu, path, params, name, why):
    body = assert_refused(emu, api(emu, "GET", path, params=params), 400, "E0000001",
                          "Api validation failed: %s" % name, why)
    assert body["errorCauses"] == [{"errorSummary": emu.requests()[-1]["refusal"]}]


def test_a_repeated_query_parameter_is_refused(emu):
    resp = api(emu, "GET", APPS + "?limit=200&filter=status%20eq%20%22ACTIVE%22&filter=name%20eq%20%22x%22")
    assert_refused(emu, resp, 400, "E0000001", "Api validation failed: filter", "given more than once")


@pytest.mark.parametrize("limit", ["0", "-1", "201", "500", "abc", "1.5", "", " 20"])
def test_limit_outside_1_to_200_is_refused(emu, limit):
    resp = api(emu, "GET", APPS, params={"limit": limit})
    assert_refused(emu, resp, 400, "E0000001", "Api validation failed: limit", "must be an integer from 1 to 200")


@pytest.mark.parametrize("limit, size", [("1", 1), ("200", None)])
def test_limit_within_1_to_200_is_served(emu, limit, size):
    resp = api(emu, "GET", APPS, params={"limit": limit})
    assert resp.status_code == 200 and emu.requests()[-1]["refusal"] is None
    assert len(resp.json()) == (size or len(emu.state()["apps"]))


def test_every_route_names_a_handler_and_takes_no_query_it_does_not_list(emu):
    sys.path.insert(0, EMULATOR_DIR)
    try:
        from okta_emulator import server
    finally:
        sys.path.pop(0)
    for route in server.API_ROUTES + server.OAUTH_ROUTES:
        assert callable(getattr(server._Handler, route.handler))
        assert route.params is None or not set(route.params) & set(route.not_emulated)
    route, groups = server.find_route(server.API_ROUTES, "PUT", feature_path(SLACK, USER))
    assert route.handler == "_feature" and groups == (SLACK, USER)
    route, groups = server.find_route(server.API_ROUTES, "PUT", APPS)
    assert route.handler == "_list_apps" and groups is None
    assert server.find_route(server.API_ROUTES, "GET", "/api/v1/users") == (None, None)


@pytest.mark.parametrize("after", ["0oaNOSUCHAPP", "0oa1/../x", "", "a" * 65])
def test_after_must_be_a_cursor_from_a_next_link(emu, after):
    resp = api(emu, "GET", APPS, params={"after": after, "limit": "2"})
    assert_refused(emu, resp, 400, "E0000001", "Api validation failed: after", "not a cursor from a next link")


def test_a_cursor_from_a_next_link_is_served(emu):
    first = api(emu, "GET", APPS, params={"limit": "2"})
    second = api(emu, "GET", first.links["next"]["url"])
    assert second.status_code == 200 and len(second.json()) == 2
    assert second.json()[0]["id"] > first.json()[-1]["id"]


def test_an_empty_q_is_refused(emu):
    assert_refused(emu, api(emu, "GET", APPS, params={"q": " "}), 400, "E0000001", "Api validation failed: q",
                   "must not be empty")


@pytest.mark.parametrize("method, path, allow", [
    ("HEAD", APPS, "GET"),
    ("POST", APPS, "GET"),
    ("DELETE", APPS + "/" + SLACK, "GET"),
    ("HEAD", feature_path(SLACK), "GET"),
    ("POST", feature_path(SLACK, USER), "GET, PUT"),
])
def test_methods_outside_the_route_table_answer_405(emu, method, path, allow):
    resp = api(emu, method, path)
    assert resp.status_code == 405 and resp.headers["Allow"] == allow
    if method != "HEAD":
        assert resp.json()["errorCode"] == "E0000022"
    assert emu.state()["apps"][SLACK]["status"] == "ACTIVE"


def token_endpoint(emu, **kw):
    kw.setdefault("timeout", 10)
    return requests.post(emu.url + "/oauth2/v1/token", verify=emu.ca_file, **kw)


def test_the_token_endpoint_takes_a_form_body_only(emu):
    form = {"grant_type": "client_credentials", "scope": "okta.apps.read"}
    resp = token_endpoint(emu, json=form)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    assert "application/x-www-form-urlencoded, not application/json" in emu.requests()[-1]["refusal"]
    resp = token_endpoint(emu, params=form, data={"x": "1"})
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    assert "unknown query parameter 'grant_type'" in emu.requests()[-1]["refusal"]
    resp = token_endpoint(emu, data=form)  # a form: the grant is examined (no client is registered here)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"
    assert emu.requests()[-1]["refusal"] is None
    resp = requests.get(emu.url + "/oauth2/v1/token", verify=emu.ca_file, timeout=10)
    assert resp.status_code == 405 and resp.headers["Allow"] == "POST"


def test_a_body_must_be_json_and_a_get_takes_none(emu):
    before = emu.state()["apps"]
    body = '{"update": {"profile": {"status": "ENABLED"}}}'
    resp = api(emu, "PUT", feature_path(SLACK, USER), data=body, headers={"Content-Type": "text/plain"})
    assert_refused(emu, resp, 415, "E0000001", "Api validation failed: body",
                   "must be application/json, not text/plain")
    resp = api(emu, "PUT", feature_path(SLACK, USER), data=body.encode())  # unlabelled
    assert_refused(emu, resp, 415, "E0000001", "Api validation failed: body", "not unlabelled")
    resp = api(emu, "GET", APPS, data=body, headers={"Content-Type": "application/json"})
    assert_refused(emu, resp, 400, "E0000001", "Api validation failed: body", "a GET takes no request body")
    assert emu.state()["apps"] == before
    resp = api(emu, "PUT", feature_path(SLACK, USER), data=body,
               headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status_code == 200 and emu.requests()[-1]["refusal"] is None


@pytest.mark.parametrize("app_id, listed", [
    ("0oa6wikY4nG7sAf1D5d7", "Provisioning is not enabled"),  # provisioning switched off
    ("0oaexpQ7pX2mK9vB45d7", "Provisioning is not supported"),  # no provisioning, worded in a cause
    ("0oatabQ7pX2mK9vB45d7", "Provisioning is not supported"),  # no provisioning, worded in the summary
], ids=["disabled", "unsupported-cause", "unsupported-summary"])
def test_one_feature_of_an_app_without_working_provisioning_is_refused(emu, app_id, listed):
    """Okta documents the "provisioning is not enabled / not supported" 400 for the list only."""
    resp = api(emu, "GET", feature_path(app_id, USER))
    body = assert_refused(emu, resp, 404, "E0000007",
                          "Not found: Resource not found: USER_PROVISIONING (AppInstanceFeature)",
                          "Okta documents no answer for one feature of an app whose provisioning is off or absent")
    assert body["errorCauses"] == [] and "rovisioning" not in resp.text
    resp = api(emu, "GET", feature_path(app_id))  # the list: Okta's documented 400
    assert resp.status_code == 400 and emu.requests()[-1]["refusal"] is None
    assert listed in resp.text
    resp = api(emu, "PUT", feature_path(app_id, USER), json={"update": {"profile": {"status": "ENABLED"}}})
    assert resp.status_code == 400 and listed in resp.text  # the PUT documents a 400
