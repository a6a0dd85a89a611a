# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_info through ansible-playbook against the emulator: pages, filters, labels, secrets."""

import math

import requests

from conftest import MANAGE_TOKEN, SLACK

OIDC_SECRET = "oidcSECRETnever2leak9f8e7d6c5b4a3210zyxw"
APP_KEYS = ["created", "features", "id", "label", "lastUpdated", "name", "signOnMode", "status"]


def list_requests(emu):
    return [r for r in emu.requests() if r["path"] == "/api/v1/apps"]


def test_lists_every_page_one_request_per_200(emu, play):
    emu.admin("POST", "/_admin/apps/generate", {"count": 420, "seed": 7, "prefix": "Gen"})
    held = emu.state()["apps"]
    active = [app_id for app_id, app in held.items() if app["status"] == "ACTIVE"]
    assert len(held) > 400 and len(active) > 400
    emu.admin("DELETE", "/_admin/requests")
    result = play([{"oktaops.okta.okta_app_info": {}, "register": "r"}])
    assert result.rc == 0, result.stdout
    apps = result[0]["apps"]
    assert sorted(a["id"] for a in apps) == sorted(active)
    assert all(sorted(a) == APP_KEYS for a in apps)
    sent = list_requests(emu)
    assert len(sent) == math.ceil(len(active) / 200) == 3
    assert sent[0]["query"] == {"limit": "200", "filter": 'status eq "ACTIVE"'}
    assert all(r["query"]["limit"] == "200" and r["status"] == 200 for r in sent)

    emu.admin("DELETE", "/_admin/requests")
    result = play([{"oktaops.okta.okta_app_info": {"include_inactive": True}}])
    assert sorted(a["id"] for a in result[0]["apps"]) == sorted(held)
    assert len(list_requests(emu)) == math.ceil(len(held) / 200)
    assert "filter" not in list_requests(emu)[0]["query"]


def test_filter_q_label_and_app_id(emu, play):
    result = play([
        {"oktaops.okta.okta_app_info": {"filter": 'name eq "okta_org2org"'}},
        {"oktaops.okta.okta_app_info": {"label": "Analytics"}},
        {"oktaops.okta.okta_app_info": {"q": "Slack"}},
        {"oktaops.okta.okta_app_info": {"app_id": SLACK}},
        {"oktaops.okta.okta_app_info": {"filter": 'status eq "INACTIVE"'}},
        {"oktaops.okta.okta_app_info": {"q": "Slack", "filter": 'name eq "slack"'}},
    ])
    assert result.rc == 0, result.stdout
    held = emu.state()["apps"]
    org2org = sorted(i for i, a in held.items() if a["name"] == "okta_org2org" and a["status"] == "ACTIVE")
    assert sorted(a["id"] for a in result[0]["apps"]) == org2org and len(org2org) == 3
    assert sorted(a["label"] for a in result[1]["apps"]) == ["Analytics", "Analytics"]
    assert sorted(a["label"] for a in result[2]["apps"]) == ["Slack", "Slack Sandbox"]
    assert [a["id"] for a in result[3]["apps"]] == [SLACK]
    inactive = sorted(i for i, a in held.items() if a["status"] == "INACTIVE")
    assert sorted(a["id"] for a in result[4]["apps"]) == inactive
    assert sorted(a["id"] for a in result[5]["apps"]) == sorted(
        i for i, a in held.items() if a["name"] == "slack" and a["status"] == "ACTIVE")
    assert SLACK in [a["id"] for a in result[5]["apps"]]
    queries = [(r["path"], r["query"]) for r in emu.requests()]
    assert queries == [
        ("/api/v1/apps", {"limit": "200", "filter": 'name eq "okta_org2org"'}),
        ("/api/v1/apps", {"limit": "200", "q": "Analytics", "filter": 'status eq "ACTIVE"'}),
        ("/api/v1/apps", {"limit": "200", "q": "Slack", "filter": 'status eq "ACTIVE"'}),
        ("/api/v1/apps/" + SLACK, {}),
        ("/api/v1/apps", {"limit": "200", "filter": 'status eq "INACTIVE"'}),
        ("/api/v1/apps", {"limit": "200", "q": "Slack", "filter": 'name eq "slack"'}),
    ]
    assert all(r["status"] == 200 for r in emu.requests())


def test_a_filter_is_sent_as_it_is_and_inactive_apps_are_dropped_after_the_listing(emu, play):
    old = emu.admin("POST", "/_admin/apps", [
        {"label": "Old Org2Org %d" % n, "name": "okta_org2org", "status": "INACTIVE"} for n in range(2)])
    old_ids = sorted(app["id"] for app in old)
    held = emu.state()["apps"]
    matched = sorted(i for i, a in held.items() if a["name"] == "okta_org2org")
    active = sorted(i for i in matched if held[i]["status"] == "ACTIVE")
    assert set(old_ids) < set(matched) and len(active) == 3
    emu.admin("DELETE", "/_admin/requests")
    result = play([
        {"oktaops.okta.okta_app_info": {"filter": 'name eq "okta_org2org"'}},
        {"oktaops.okta.okta_app_info": {"filter": 'name eq "okta_org2org"', "include_inactive": True}},
        {"oktaops.okta.okta_app_info": {"label": "Old Org2Org 1", "filter": 'name eq "okta_org2org"'}},
        {"oktaops.okta.okta_app_info": {"label": "Old Org2Org 1", "filter": 'name eq "okta_org2org"',
                                        "include_inactive": True}},
    ])
    assert result.rc == 0, result.stdout
    assert sorted(a["id"] for a in result[0]["apps"]) == active, "the inactive apps Okta sent are dropped"
    assert sorted(a["id"] for a in result[1]["apps"]) == matched
    assert result[2]["apps"] == []
    assert [a["id"] for a in result[3]["apps"]] == [app["id"] for app in old if app["label"] == "Old Org2Org 1"]
    sent = list_requests(emu)
    assert [r["query"].get("filter") for r in sent] == ['name eq "okta_org2org"'] * 4
    assert [r["query"].get("q") for r in sent] == [None, None, "Old Org2Org 1", "Old Org2Org 1"]
    assert all(r["status"] == 200 and " and " not in r["query"]["filter"] for r in sent)


def test_a_rejected_filter_fails_with_the_filter_and_what_okta_accepts(emu, play):
    for okta_filter in ('label eq "Slack"', 'name eq "okta_org2org" and status eq "ACTIVE"', 'name sw "okta"'):
        emu.admin("DELETE", "/_admin/requests")
        result = play([{"oktaops.okta.okta_app_info": {"filter": okta_filter}, "register": "r"}])
        assert result.rc != 0
        failed = result[0]
        assert result.status(0) == "failed" and failed["status"] == 400, failed
        assert failed["msg"] == (
            "Cannot list the org's apps: Okta rejected the app filter '%s' (400 E0000031: Invalid search criteria). "
            "Okta accepts one expression with the operator eq on id, name, status, credentials.signing.kid or "
            "settings.slo.enabled, such as name eq \"okta_org2org\" or status eq \"INACTIVE\", with no and, or, "
            "parentheses or other operators; it cannot filter on label (use label for that). Correct the filter and "
            "run again." % okta_filter)
        assert failed["error_code"] == "E0000031" and failed["filter"] == okta_filter
        assert [(r["query"]["filter"], r["status"]) for r in emu.requests()] == [(okta_filter, 400)]
        assert "Traceback" not in result.everything()


def test_oidc_client_secret_never_leaks(emu, play):
    added = emu.admin("POST", "/_admin/apps", {"label": "Secret Portal", "signOnMode": "OPENID_CONNECT",
                                               "client_secret": OIDC_SECRET})
    app_id = added[0]["id"]
    # The emulator does hold and send the secret, so the checks below can fail.
    raw = requests.get(emu.url + "/api/v1/apps/" + app_id, headers={"Authorization": "SSWS " + MANAGE_TOKEN},
                       verify=emu.ca_file, timeout=10).text
    assert OIDC_SECRET in raw
    result = play([{"oktaops.okta.okta_app_info": {"app_id": app_id}},
                   {"oktaops.okta.okta_app_info": {"q": "Secret"}}], verbosity=4, check=True)
    assert result.rc == 0, result.stdout
    assert result[0]["apps"][0]["signOnMode"] == "OPENID_CONNECT"
    assert [a["id"] for a in result[1]["apps"]] == [app_id]
    assert OIDC_SECRET not in result.everything() and MANAGE_TOKEN not in result.everything()
