# -*- coding: utf-8 -*-
# Copyright (c) oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for okta_app_info, run through the module's real exit path with HTTP mocked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from ansible_collections.oktaops.okta.plugins.modules import okta_app_info

ORG = "https://acme.okta.com"
TOKEN = "tok-APPINFO-SECRET-7a6b5c"
APPS = ORG + "/api/v1/apps"
SECRET = "oidc-CLIENT-SECRET-do-not-leak"


def app(n, label=None, status="ACTIVE", oidc=False):
    body = {"id": "0oa%04d" % n, "name": "app_%d" % n, "label": label or "App %d" % n, "status": status,
            "signOnMode": "OPENID_CONNECT" if oidc else "SAML_2_0", "created": "2024-01-01T00:00:00.000Z",
            "lastUpdated": "2024-01-02T00:00:00.000Z", "features": ["PUSH_NEW_USERS"] if n % 2 else [],
            "settings": {"app": {"x": 1}}, "_links": {"self": {"href": APPS + "/0oa%04d" % n}}}
    if oidc:
        body["credentials"] = {"oauthClient": {"client_id": body["id"], "client_secret": SECRET}}
    return body


def query(call):
    return dict((k, v[0]) for k, v in parse_qs(urlsplit(call.request.url).query).items())


@pytest.fixture
def run(module_runner):
    return module_runner(okta_app_info.main, defaults=dict(org_url=ORG, api_token=TOKEN), secrets=(TOKEN, SECRET))


def paged(rsps, apps, size=200):
    """Serve ``apps`` in pages of ``size`` with Link rel=next, as Okta does."""
    pages = [apps[i:i + size] for i in range(0, len(apps), size)] or [[]]
    for number, page in enumerate(pages):
        headers = {"Link": '<%s?limit=200>; rel="self"' % APPS}
        if number + 1 < len(pages):
            headers["Link"] += ', <%s?after=%s&limit=200>; rel="next"' % (APPS, page[-1]["id"])
        matcher = [responses.matchers.query_param_matcher({"after": pages[number - 1][-1]["id"], "limit": "200"})] \
            if number else []
        rsps.get(APPS, json=page, headers=headers, match=matcher)


def test_lists_every_page_with_one_request_per_200(rsps, run):
    apps = [app(n, oidc=n % 7 == 0) for n in range(450)]
    paged(rsps, apps)
    rc, result = run()
    assert rc == 0 and result["changed"] is False
    assert [a["id"] for a in result["apps"]] == [a["id"] for a in apps]
    assert len(rsps.calls) == 3
    assert query(rsps.calls[0]) == {"limit": "200", "filter": 'status eq "ACTIVE"'}
    assert query(rsps.calls[1]) == {"after": "0oa0199", "limit": "200"}
    for item in result["apps"]:
        assert sorted(item) == ["created", "features", "id", "label", "lastUpdated", "name", "signOnMode", "status"]
    assert result["apps"][1]["features"] == ["PUSH_NEW_USERS"]


def test_include_inactive_and_q_and_filter(rsps, run):
    rsps.get(APPS, json=[app(1, status="INACTIVE")])
    rc, result = run(include_inactive=True, q="App", filter='name eq "app_1"')
    assert rc == 0 and result["apps"][0]["status"] == "INACTIVE"
    assert query(rsps.calls[0]) == {"limit": "200", "q": "App", "filter": 'name eq "app_1"'}


def test_a_filter_is_sent_as_it_is_and_inactive_apps_are_dropped_here(rsps, run):
    rsps.get(APPS, json=[app(1), app(2, status="INACTIVE"), app(3)])
    rc, result = run(filter='name eq "okta_org2org"')
    assert rc == 0 and [a["id"] for a in result["apps"]] == ["0oa0001", "0oa0003"]
    assert query(rsps.calls[0])["filter"] == 'name eq "okta_org2org"'


def test_a_filter_on_status_decides_the_status(rsps, run):
    rsps.get(APPS, json=[app(2, status="INACTIVE")])
    rc, result = run(filter='status eq "INACTIVE"')
    assert rc == 0 and [a["id"] for a in result["apps"]] == ["0oa0002"]
    assert query(rsps.calls[0]) == {"limit": "200", "filter": 'status eq "INACTIVE"'}


def test_label_is_exact_and_returns_duplicates(rsps, run):
    rsps.get(APPS, json=[app(1, "Slack"), app(2, "Slack Dev"), app(3, "slack"), app(4, "Slack")])
    rc, result = run(label="Slack")
    assert rc == 0
    assert [a["id"] for a in result["apps"]] == ["0oa0001", "0oa0004"]
    assert query(rsps.calls[0]) == {"limit": "200", "q": "Slack", "filter": 'status eq "ACTIVE"'}


def test_app_id_reads_one_app(rsps, run):
    rsps.get(APPS + "/0oa0007", json=app(7, oidc=True))
    rc, result = run(app_id="0oa0007")
    assert rc == 0 and len(rsps.calls) == 1
    assert rsps.calls[0].request.url == APPS + "/0oa0007"
    assert result["apps"] == [{"id": "0oa0007", "name": "app_7", "label": "App 7", "status": "ACTIVE",
                               "signOnMode": "OPENID_CONNECT", "created": "2024-01-01T00:00:00.000Z",
                               "lastUpdated": "2024-01-02T00:00:00.000Z", "features": ["PUSH_NEW_USERS"]}]


def test_app_id_not_found(rsps, run):
    rsps.get(APPS + "/0oaMISSING", status=404, json={"errorCode": "E0000007", "errorSummary": "Not found",
                                                     "errorCauses": []})
    rc, result = run(app_id="0oaMISSING")
    assert rc == 1 and "0oaMISSING was not found" in result["msg"] and result["error_code"] == "E0000007"
    assert result["apps"] == []


@pytest.mark.parametrize("args, words", [
    (dict(app_id="0oa1/../x"), "not an Okta app id"),
    (dict(app_id="0oa1", label="x"), "mutually exclusive"),
    (dict(app_id="0oa1", filter='status eq "ACTIVE"'), "mutually exclusive"),
    (dict(label="x", q="y"), "mutually exclusive"),
    (dict(label=" "), "label is empty"),
])
def test_bad_input_without_a_request(rsps, run, args, words):
    rc, result = run(**args)
    assert rc == 1 and words in result["msg"]
    assert len(rsps.calls) == 0


def test_rejected_filter_names_it(rsps, run):
    rsps.get(APPS, status=400, json={"errorCode": "E0000031", "errorSummary": "Invalid search criteria.",
                                     "errorCauses": [], "errorId": "oaeF"})
    rc, result = run(filter='label eq "Slack"')
    assert rc == 1
    assert result["msg"].startswith("Cannot list the org's apps: Okta rejected the app filter 'label eq \"Slack\"' "
                                    "(400 E0000031: Invalid search criteria). Okta accepts one expression with the "
                                    "operator eq on id, name, status")
    assert "use label for that" in result["msg"]
    assert result["filter"] == 'label eq "Slack"'
    assert result["error_code"] == "E0000031" and result["status"] == 400


def test_check_mode_reads(rsps, run):
    rsps.get(APPS, json=[app(1)])
    rc, result = run(_ansible_check_mode=True)
    assert rc == 0 and len(result["apps"]) == 1 and len(rsps.calls) == 1


def test_credentials_from_environment(rsps, run_module, monkeypatch):
    monkeypatch.setenv("OKTA_ORG_URL", ORG)
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    rsps.get(APPS, json=[app(1)])
    rc, result = run_module(okta_app_info.main, {})
    assert rc == 0 and rsps.calls[0].request.headers["Authorization"] == "SSWS " + TOKEN
    assert TOKEN not in run_module.stdout
