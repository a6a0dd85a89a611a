# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for the module layer: credentials, org_url, app resolution and failure messages."""

from __future__ import annotations

import email.utils
import os

import pytest
from responses import matchers


from ansible_collections.oktaops.okta.plugins.module_utils import _settings
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._failures import describe_failure
from ansible_collections.oktaops.okta.plugins.module_utils._features import provisioning_disabled
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule, okta_argument_spec
from ansible_collections.oktaops.okta.plugins.modules import okta_app_feature_info

ORG = "https://acme.okta.com"
OTHER_ORG = "https://other.okta.com"
TOKEN = "tok-OPTION-SECRET-5a4b3c2d"
ENV_TOKEN = "tok-ENV-SECRET-7e6f5a4b"
ENV_CLIENT_TOKEN = "tok-ENVCLIENT-SECRET-1c2d3e"
ENV_ACCESS = "eyJ-ENVACCESS-SECRET-9z8y7x"
APP = "0oa1abcdEFGH2345ijk6"
FEATURES = ORG + "/api/v1/apps/{0}/features".format(APP)
APPS = ORG + "/api/v1/apps"
FEATURE = {"name": "USER_PROVISIONING", "status": "ENABLED", "capabilities": {}}
SECRETS = (TOKEN, ENV_TOKEN, ENV_CLIENT_TOKEN, ENV_ACCESS)
OKTA_ENV = ("OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN", "OKTA_ACCESS_TOKEN", "OKTA_ORG_URL", "OKTA_CLIENT_ORGURL",
            "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def okta_error(code, summary, causes=()):
    return {"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oaeERR1",
            "errorCauses": [{"errorSummary": cause} for cause in causes]}


def tiny_put_main():
    """A minimal module on OktaModule that writes, to see the module layer's PUT failures."""
    module = OktaModule(argument_spec=dict(), supports_check_mode=True)
    app_id = module.resolve_app_id()
    body = module.call("Cannot update app {0}".format(app_id), module.client.put_json,
                       "/api/v1/apps/{0}/features/USER_PROVISIONING".format(app_id), {"a": 1},
                       not_found="app {0} was not found".format(app_id), result=dict(app_id=app_id))
    module.exit_json(changed=True, app_id=app_id, body=body)


def tiny_echo_env_main():
    """A careless module that returns the environment token in its result: the module layer must mask it."""
    module = OktaModule(argument_spec=dict(), with_app=False)
    module.exit_json(changed=False, echo=["token is {0}".format(os.environ.get(name)) for _option, name in _settings.TOKEN_ENV])


def tiny_connect_main():
    """A module that only connects: OktaModule without app options."""
    module = OktaModule(argument_spec=dict(), with_app=False, supports_check_mode=True)
    module.exit_json(changed=False, base_url=module.client.base_url)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in OKTA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch):
    """The module builds its client with the real sleep; record the waits instead."""
    waits = []
    real = _settings.OktaClient

    def build(*args, **kwargs):
        kwargs.setdefault("sleep", waits.append)
        kwargs.setdefault("rand", lambda: 0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(_settings, "OktaClient", build)
    return waits


def info(run_module, **args):
    return run_module(okta_app_feature_info.main, args)


def warning_texts(result):
    """The warnings of a result as text: plain strings, or the structured form of ansible-core 2.19."""
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


def assert_no_secret(run_module):
    for secret in SECRETS:
        assert secret not in run_module.stdout


# ------------------------------------------------------------------------------------------------------------------
# describe_failure


def err(status, method="GET", code=None, summary=None, reason="Okta answered", kind="http"):
    return OktaError(reason, kind=kind, status=status, error_code=code, error_summary=summary, method=method,
                     path="/api/v1/apps/x/features")


def test_describe_401_says_invalid_or_expired():
    msg = describe_failure("Cannot read", err(401, code="E0000011", summary="Invalid token provided"))
    assert msg.startswith("Cannot read: ")
    assert "invalid" in msg and "expired" in msg
    assert "401 E0000011: Invalid token provided" in msg
    assert "OKTA_API_TOKEN" in msg


@pytest.mark.parametrize("method, scope, other", [("GET", "okta.apps.read", "okta.apps.manage"),
                                                  (None, "okta.apps.read", "okta.apps.manage"),
                                                  ("PUT", "okta.apps.manage", "okta.apps.read"),
                                                  ("POST", "okta.apps.manage", "okta.apps.read")])
def test_describe_403_names_the_scope(method, scope, other):
    msg = describe_failure("Cannot do it", err(403, method=method, code="E0000006", summary="No permission"))
    assert scope in msg
    assert other not in msg
    assert "403 E0000006" in msg


def test_describe_404_uses_the_not_found_text():
    exc = err(404, code="E0000007", summary="Not found: Resource not found: x (AppInstance)")
    msg = describe_failure("Cannot read", exc, not_found="app 0oaX was not found; check app_id")
    assert msg.startswith("Cannot read: app 0oaX was not found; check app_id (404 E0000007")
    assert "not found" in describe_failure("Cannot read", exc)


def test_describe_429_mentions_the_rate_limit():
    reason = "Okta answered 429 E0000047: API call exceeded rate limit (gave up after 6 attempts)"
    msg = describe_failure("Cannot read", err(429, reason=reason))
    assert "rate limit" in msg
    assert "gave up after 6 attempts" in msg
    assert "retries" in msg


@pytest.mark.parametrize("kind", ["network", "timeout", "tls", "invalid_response"])
def test_describe_other_failures_use_the_reason(kind):
    msg = describe_failure("Cannot read", err(None, kind=kind, reason="the connection failed."))
    assert msg == "Cannot read: the connection failed."


def test_provisioning_disabled():
    cause = "Provisioning is not enabled for the app instance."
    assert provisioning_disabled(OktaError("x", status=400, error_code="E0000001", error_causes=[cause]))
    assert not provisioning_disabled(OktaError("x", status=400, error_code="E0000001", error_causes=["Other."]))
    assert not provisioning_disabled(OktaError("x", status=400, error_code="E0000003", error_causes=[cause]))
    assert not provisioning_disabled(OktaError("x", status=403, error_code="E0000001", error_causes=[cause]))


def test_argument_spec_hides_the_tokens():
    spec = okta_argument_spec()
    assert spec["api_token"]["no_log"] is True
    assert spec["access_token"]["no_log"] is True


# ------------------------------------------------------------------------------------------------------------------
# Failure messages through a module run


def test_module_401_message(rsps, run_module):
    rsps.get(FEATURES, status=401, json=okta_error("E0000011", "Invalid token provided"),
             headers={"X-Okta-Request-Id": "req401"})
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP)
    assert rc == 1 and result["failed"] is True
    assert "invalid" in result["msg"] and "expired" in result["msg"]
    assert result["status"] == 401 and result["error_code"] == "E0000011" and result["request_id"] == "req401"
    assert len(rsps.calls) == 1
    assert_no_secret(run_module)


def test_module_403_on_get_names_the_read_scope(rsps, run_module):
    rsps.get(FEATURES, status=403, json=okta_error("E0000006", "You do not have permission"))
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP)
    assert rc == 1
    assert "okta.apps.read" in result["msg"]
    assert "okta.apps.manage" not in result["msg"]


def test_module_403_on_put_names_the_manage_scope(rsps, run_module):
    rsps.put(FEATURES + "/USER_PROVISIONING", status=403, json=okta_error("E0000006", "You do not have permission"),
             headers={"X-Okta-Request-Id": "req403"})
    rc, result = run_module(tiny_put_main, dict(org_url=ORG, api_token=TOKEN, app_id=APP))
    assert rc == 1
    assert "okta.apps.manage" in result["msg"]
    assert "okta.apps.read" not in result["msg"]
    assert result["status"] == 403 and result["request_id"] == "req403" and result["app_id"] == APP
    assert [c.request.method for c in rsps.calls] == ["PUT"]
    assert_no_secret(run_module)


def test_module_403_on_label_lookup_names_the_read_scope(rsps, run_module):
    rsps.get(APPS, status=403, json=okta_error("E0000006", "You do not have permission"))
    rc, result = run_module(tiny_put_main, dict(org_url=ORG, api_token=TOKEN, app_label="Slack"))
    assert rc == 1
    assert "Slack" in result["msg"]
    assert "okta.apps.read" in result["msg"]
    assert len(rsps.calls) == 1


def test_module_404_uses_the_not_found_text(rsps, run_module):
    rsps.put(FEATURES + "/USER_PROVISIONING", status=404, json=okta_error("E0000007", "Not found"))
    rc, result = run_module(tiny_put_main, dict(org_url=ORG, api_token=TOKEN, app_id=APP))
    assert rc == 1
    assert "app {0} was not found".format(APP) in result["msg"]


def test_module_429_after_retries_mentions_the_rate_limit(rsps, run_module, sleeps):
    date = 1700000000
    rsps.get(FEATURES, status=429, json=okta_error("E0000047", "API call exceeded rate limit due to too many requests."),
             headers={"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(date + 4),
                      "Date": email.utils.formatdate(date, usegmt=True), "X-Okta-Request-Id": "req429"})
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP, retries=2)
    assert rc == 1
    assert "rate limit" in result["msg"]
    assert "gave up after 3 attempts" in result["msg"]
    assert result["status"] == 429
    assert len(rsps.calls) == 3
    assert sleeps == [pytest.approx(4 + 0.1 + 0.45)] * 2
    assert len(warning_texts(result)) == 2
    assert all("429" in warning for warning in warning_texts(result))
    assert_no_secret(run_module)


def test_module_retry_is_a_warning(rsps, run_module, sleeps):
    rsps.get(FEATURES, status=503, body="busy")
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP)
    assert rc == 0
    assert len(rsps.calls) == 2
    assert sleeps == [0.75]
    assert len(warning_texts(result)) == 1
    assert "503" in warning_texts(result)[0] and "retrying in 0.8 s" in warning_texts(result)[0]


def test_module_passes_timeout_retries_and_tls_options(rsps, run_module, tmp_path):
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    rsps.get(FEATURES, status=503, body="busy")
    rc, _result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP, retries=1, timeout=4.5,
                       validate_certs=True, ca_path=str(ca_file))
    assert rc == 1
    assert len(rsps.calls) == 2
    for call in rsps.calls:
        assert call.request.req_kwargs["timeout"] == 4.5
        assert call.request.req_kwargs["verify"] == str(ca_file)


def test_module_validate_certs_false(rsps, run_module):
    rsps.get(FEATURES, json=[])
    rc, _result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP, validate_certs=False, ca_path="/x.pem")
    assert rc == 0
    assert rsps.calls[0].request.req_kwargs["verify"] is False


@pytest.mark.parametrize("args, words", [(dict(timeout=0), "timeout"), (dict(timeout=-1), "timeout"),
                                         (dict(retries=-1), "retries")])
def test_module_bad_timeout_or_retries(rsps, run_module, args, words):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP, **args)
    assert rc == 1
    assert words in result["msg"]
    assert len(rsps.calls) == 0


# ------------------------------------------------------------------------------------------------------------------
# Credentials


def test_both_tokens_fail_without_a_request(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, access_token=ENV_ACCESS, app_id=APP)
    assert rc == 1
    assert "api_token" in result["msg"] and "access_token" in result["msg"]
    assert len(rsps.calls) == 0
    assert_no_secret(run_module)


def test_no_credentials_names_the_variables(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, app_id=APP)
    assert rc == 1
    assert "OKTA_API_TOKEN" in result["msg"]
    assert "OKTA_ACCESS_TOKEN" in result["msg"]
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("env, header", [
    (dict(OKTA_API_TOKEN=ENV_TOKEN), "SSWS " + ENV_TOKEN),
    (dict(OKTA_CLIENT_TOKEN=ENV_CLIENT_TOKEN), "SSWS " + ENV_CLIENT_TOKEN),
    (dict(OKTA_ACCESS_TOKEN=ENV_ACCESS), "Bearer " + ENV_ACCESS),
    (dict(OKTA_API_TOKEN=ENV_TOKEN, OKTA_CLIENT_TOKEN=ENV_CLIENT_TOKEN, OKTA_ACCESS_TOKEN=ENV_ACCESS), "SSWS " + ENV_TOKEN),
    (dict(OKTA_CLIENT_TOKEN=ENV_CLIENT_TOKEN, OKTA_ACCESS_TOKEN=ENV_ACCESS), "SSWS " + ENV_CLIENT_TOKEN),
    (dict(OKTA_API_TOKEN="", OKTA_CLIENT_TOKEN=ENV_CLIENT_TOKEN), "SSWS " + ENV_CLIENT_TOKEN),
])
def test_token_from_the_environment(rsps, run_module, monkeypatch, env, header):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, app_id=APP)
    assert rc == 0, result
    assert rsps.calls[0].request.headers["Authorization"] == header
    assert_no_secret(run_module)


@pytest.mark.parametrize("status", [200, 401, 503])
def test_environment_token_never_printed(rsps, run_module, monkeypatch, status):
    monkeypatch.setenv("OKTA_API_TOKEN", ENV_TOKEN)
    rsps.get(FEATURES, status=status, json=[FEATURE] if status == 200 else okta_error("E0000011", "Invalid token"))
    rc, _result = info(run_module, org_url=ORG, app_id=APP, retries=1)
    assert rc == (0 if status == 200 else 1)
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + ENV_TOKEN
    assert ENV_TOKEN not in run_module.stdout


@pytest.mark.parametrize("option, header", [("api_token", "SSWS " + TOKEN), ("access_token", "Bearer " + TOKEN)])
def test_an_option_beats_the_environment(rsps, run_module, monkeypatch, option, header):
    monkeypatch.setenv("OKTA_API_TOKEN", ENV_TOKEN)
    monkeypatch.setenv("OKTA_CLIENT_TOKEN", ENV_CLIENT_TOKEN)
    monkeypatch.setenv("OKTA_ACCESS_TOKEN", ENV_ACCESS)
    rsps.get(FEATURES, json=[FEATURE])
    rsps.get(FEATURES + "/USER_PROVISIONING", json=FEATURE)
    rc, _result = info(run_module, org_url=ORG, app_id=APP, **{option: TOKEN})
    assert rc == 0
    assert len(rsps.calls) == 1
    sent = rsps.calls[0].request.headers
    assert sent["Authorization"] == header
    for secret in (ENV_TOKEN, ENV_CLIENT_TOKEN, ENV_ACCESS):
        assert all(secret not in value for value in sent.values())
    assert_no_secret(run_module)


@pytest.mark.parametrize("variable, secret", [("OKTA_API_TOKEN", ENV_TOKEN), ("OKTA_CLIENT_TOKEN", ENV_CLIENT_TOKEN),
                                              ("OKTA_ACCESS_TOKEN", ENV_ACCESS)])
def test_environment_token_is_masked_even_when_a_module_returns_it(rsps, run_module, monkeypatch, variable, secret):
    monkeypatch.setenv(variable, secret)
    rc, result = run_module(tiny_echo_env_main, dict(org_url=ORG))
    assert rc == 0
    assert secret not in run_module.stdout
    assert "token is None" in result["echo"]
    assert len(rsps.calls) == 0


def test_option_token_is_masked_in_the_invocation(rsps, run_module):
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP)
    assert rc == 0
    assert result["invocation"]["module_args"]["api_token"] != TOKEN
    assert TOKEN not in run_module.stdout


def test_bad_token_is_a_clear_failure_without_a_request(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, api_token="tok-OPTION SECRET", app_id=APP)
    assert rc == 1
    assert result["msg"].startswith("Invalid connection settings")
    assert len(rsps.calls) == 0


# ------------------------------------------------------------------------------------------------------------------
# org_url


@pytest.mark.parametrize("env, used", [
    (dict(OKTA_ORG_URL=ORG), ORG),
    (dict(OKTA_CLIENT_ORGURL=ORG + "/"), ORG),
    (dict(OKTA_ORG_URL=ORG, OKTA_CLIENT_ORGURL=OTHER_ORG), ORG),
])
def test_org_url_from_the_environment(rsps, run_module, monkeypatch, env, used):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rsps.get(FEATURES, json=[FEATURE])
    rsps.get(OTHER_ORG + "/api/v1/apps/{0}/features".format(APP), json=[FEATURE])
    rc, _result = info(run_module, api_token=TOKEN, app_id=APP)
    assert rc == 0
    assert len(rsps.calls) == 1
    assert rsps.calls[0].request.url.startswith(used + "/api/v1/apps/")


def test_org_url_option_beats_the_environment(rsps, run_module, monkeypatch):
    monkeypatch.setenv("OKTA_ORG_URL", OTHER_ORG)
    rsps.get(FEATURES, json=[FEATURE])
    rsps.get(OTHER_ORG + "/api/v1/apps/{0}/features".format(APP), json=[FEATURE])
    rc, _result = info(run_module, org_url="acme.okta.com", api_token=TOKEN, app_id=APP)
    assert rc == 0
    assert rsps.calls[0].request.url == FEATURES


def test_missing_org_url_is_a_clear_failure(rsps, run_module):
    rc, result = info(run_module, api_token=TOKEN, app_id=APP)
    assert rc == 1
    assert "org_url is required" in result["msg"]
    assert "OKTA_ORG_URL" in result["msg"]
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("org_url, words", [
    ("http://acme.okta.com", "https://"),
    ("https://acme-admin.okta.com", "https://acme.okta.com"),
    ("https://acme.okta.com/api/v1", "path"),
])
def test_invalid_org_url_fails_before_any_request(rsps, run_module, org_url, words):
    rc, result = info(run_module, org_url=org_url, api_token=TOKEN, app_id=APP)
    assert rc == 1
    assert result["msg"].startswith("Invalid connection settings: ")
    assert words in result["msg"]
    assert len(rsps.calls) == 0


def test_module_without_app_options(rsps, run_module):
    rc, result = run_module(tiny_connect_main, dict(org_url="http://127.0.0.1:8080/", api_token=TOKEN))
    assert rc == 0
    assert result["base_url"] == "http://127.0.0.1:8080"
    assert len(rsps.calls) == 0


# ------------------------------------------------------------------------------------------------------------------
# app_id and app_label


@pytest.mark.parametrize("app_id", ["../x", "0oa1/../../users", "0oa1?x=1", "0oa 1", "0oa1%2F", "", "a" * 65, "0oa1#x",
                                    "\u00e9t\u00e9"])
def test_app_id_validation_sends_nothing(rsps, run_module, app_id):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=app_id)
    assert rc == 1
    assert "app_id" in result["msg"]
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("app_id", [APP + "\n", "0oa1\n"])
def test_app_id_with_a_trailing_newline_sends_nothing(rsps, run_module, app_id):
    rsps.get(ORG + "/api/v1/apps/{0}/features".format(app_id.strip()), json=[FEATURE])
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=app_id, retries=0)
    assert rc == 1
    assert "is not an Okta app id" in result["msg"]
    assert len(rsps.calls) == 0


def test_app_id_and_label_are_exclusive(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_id=APP, app_label="Slack")
    assert rc == 1
    assert "mutually exclusive" in result["msg"]
    assert len(rsps.calls) == 0


def test_app_id_or_label_is_required(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN)
    assert rc == 1
    assert "app_id" in result["msg"] and "app_label" in result["msg"]
    assert len(rsps.calls) == 0


def test_empty_app_label_fails_without_a_request(rsps, run_module):
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="  ")
    assert rc == 1
    assert "app_label is empty" in result["msg"]
    assert len(rsps.calls) == 0


LABEL_QUERY = [matchers.query_param_matcher({"q": "Slack", "limit": "200"})]


def test_app_label_none(rsps, run_module):
    rsps.get(APPS, json=[{"id": "0oaX", "label": "slack"}, {"id": "0oaY", "label": "Slackbot"}], match=LABEL_QUERY)
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="Slack")
    assert rc == 1
    assert "No app has the label 'Slack'" in result["msg"]
    assert len(rsps.calls) == 1


def test_app_label_one(rsps, run_module):
    rsps.get(APPS, json=[{"id": APP, "label": "Slack"}, {"id": "0oaY", "label": "Slackbot"}], match=LABEL_QUERY)
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="Slack")
    assert rc == 0
    assert result["app_id"] == APP
    assert [c.request.url.split("?")[0] for c in rsps.calls] == [APPS, FEATURES]


def test_app_label_several_lists_the_ids(rsps, run_module):
    rsps.get(APPS, json=[{"id": "0oaB", "label": "Slack"}], match=LABEL_QUERY,
             headers={"Link": '<{0}?after=c1&limit=200>; rel="next"'.format(APPS)})
    rsps.get(APPS + "?after=c1&limit=200", json=[{"id": "0oaA", "label": "Slack"}, {"id": "0oaC", "label": "Slack2"}])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="Slack")
    assert rc == 1
    assert "2 apps have the label 'Slack'" in result["msg"]
    assert "0oaA, 0oaB" in result["msg"]
    assert "0oaC" not in result["msg"]
    assert result["app_ids"] == ["0oaA", "0oaB"]
    assert len(rsps.calls) == 2


# ------------------------------------------------------------------------------------------------------------------
# app_label: one listing by prefix search, every page, matched exactly (_apps.resolve_label)


def page_link(cursor):
    return '<{0}?after={1}&limit=200>; rel="next"'.format(APPS, cursor)


def test_label_lookup_is_one_prefix_search_of_every_status_matched_exactly(rsps, run_module):
    rsps.get(APPS, json=[{"id": "0oaSLACK2", "label": "slack"}, {"id": APP, "label": "Slack"},
                         {"id": "0oaSLACK3", "label": "Slack Enterprise"}, {"id": "0oaSLACK4", "label": "Slack "}],
             match=[matchers.query_param_matcher({"q": "Slack", "limit": "200"})])
    rsps.get(FEATURES, json=[FEATURE])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="Slack")
    assert rc == 0, result
    assert result["app_id"] == APP
    assert [call.request.url.split("?")[0] for call in rsps.calls] == [APPS, FEATURES]


def test_label_lookup_follows_every_page_and_names_every_holder(rsps, run_module):
    rsps.get(APPS, json=[{"id": "0oaA", "label": "Slack"}, {"id": "0oaB", "label": "Slackers"}],
             headers={"Link": page_link("c1")}, match=[matchers.query_param_matcher({"q": "Slack", "limit": "200"})])
    rsps.get(APPS + "?after=c1&limit=200", json=[{"id": "0oaD", "label": "Slack"}])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="Slack")
    assert rc == 1
    assert result["msg"] == "2 apps have the label 'Slack' (0oaA, 0oaD); use app_id to say which one."
    assert result["app_ids"] == ["0oaA", "0oaD"]
    assert len(rsps.calls) == 2


def test_label_lookup_names_the_app_a_wrong_case_probably_meant(rsps, run_module):
    rsps.get(APPS, json=[{"id": APP, "label": "Slack"}, {"id": "0oa9", "label": "Slackbot"}],
             match=[matchers.query_param_matcher({"q": "slack", "limit": "200"})])
    rc, result = info(run_module, org_url=ORG, api_token=TOKEN, app_label="slack")
    assert rc == 1
    assert result["msg"] == ("No app has the label 'slack' (labels are matched exactly, including case); check "
                             "app_label or use app_id. Did you mean 'Slack' ({0})?".format(APP))
    assert "app_ids" not in result
    assert len(rsps.calls) == 1
