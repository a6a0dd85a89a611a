# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app_provisioning role across a whole org: labels and a filter resolved from one listing of the org, one
okta_app_provisioning execution per app, the request budget, and apps without provisioning as ``unsupported``.

Request budget, for K apps out of N in the org and nothing to change: ceil(N/200) + K requests without connection
settings, ceil(N/200) + 2K with them. Counted on the emulator's request log.
"""

import json
import math

from test_role_app_provisioning import held, puts, role_play, summary

from conftest import LEGACY_WIKI, ORG2ORG, SLACK, ZOOM

APPS_PATH = "/api/v1/apps"
USER_BASELINE = {"user_provisioning": {"create": {"lifecycle_create": {"status": "ENABLED"}},
                                       "update": {"lifecycle_deactivate": {"status": "ENABLED"}}}}
# Apps with both features and an enabled connection in the seeded org.
BOTH = ["Slack", "Google Workspace", "Zoom", "Box", "ServiceNow"]
EVERY_ACTIVE = 'status eq "ACTIVE"'


def grow(emu, count=250):
    """Add generated apps, so the org's list takes more than one page of 200; returns N, the apps in the org."""
    emu.admin("POST", "/_admin/apps/generate", json={"count": count, "seed": 7, "prefix": "Gen"})
    return len(emu.state()["apps"])


def listings(log):
    return [entry for entry in log if entry["method"] == "GET" and entry["path"] == APPS_PATH]


def per_app(log):
    return [entry for entry in log if entry["path"].startswith(APPS_PATH + "/")]


def unsupported_ids(emu):
    return sorted(app_id for app_id, app in emu.state()["apps"].items()
                  if app["connection"]["profile"]["authScheme"] == "UNKNOWN")


def apps_by_status(result):
    out = {}
    for app in result["apps"]:
        out.setdefault(app["status"], []).append(app["app_id"])
    return dict((status, sorted(ids)) for status, ids in out.items())


def variables(apps=None, **extra):
    out = {"app_provisioning_baseline": USER_BASELINE}
    if apps is not None:
        out["app_provisioning_apps"] = apps
    out.update(extra)
    return out


def converge_then_count(emu, role_vars):
    """Run the role twice; return the second run (nothing to change) and its request log."""
    first = role_play(emu, role_vars)
    assert first.rc == 0, first.stdout
    emu.admin("DELETE", "/_admin/requests")
    second = role_play(emu, role_vars)
    assert second.rc == 0, second.stdout
    return second, emu.requests()


def test_labels_cost_one_listing_of_the_org_and_one_request_per_app(emu):
    org_size = grow(emu)
    pages = math.ceil(org_size / 200)
    assert pages == 2
    apps = [{"app_label": label} for label in BOTH]
    run, log = converge_then_count(emu, variables(apps))

    assert len(log) == pages + len(BOTH), [(e["method"], e["path"], e["query"]) for e in log]
    assert {entry["method"] for entry in log} == {"GET"}
    listed = listings(log)
    assert len(listed) == pages
    assert listed[0]["query"].get("limit") == "200" and "q" not in listed[0]["query"]
    assert all("q" not in entry["query"] for entry in log), "no label is looked up on its own"
    ids = [app["app_id"] for app in summary(run)["apps"]]
    assert sorted(entry["path"] for entry in per_app(log)) == sorted(
        "%s/%s/features" % (APPS_PATH, app_id) for app_id in ids)
    assert summary(run)["summary"] == {"apps": 5, "changed": 0, "unchanged": 5, "failed": 0, "unsupported": 0, "consent_required": 0}


def test_connection_settings_add_one_read_per_app(emu):
    org_size = grow(emu)
    apps = [{"app_label": label} for label in BOTH]
    run, log = converge_then_count(emu, variables(apps, app_provisioning_connection={"state": "enabled"}))

    assert len(log) == math.ceil(org_size / 200) + 2 * len(BOTH)
    assert {entry["method"] for entry in log} == {"GET"}
    for app in summary(run)["apps"]:
        paths = [entry["path"] for entry in per_app(log) if entry["path"].split("/")[4] == app["app_id"]]
        assert paths == ["%s/%s/connections/default" % (APPS_PATH, app["app_id"]),
                         "%s/%s/features" % (APPS_PATH, app["app_id"])], "the connection is read first"


def test_apps_by_id_alone_need_no_listing(emu):
    run, log = converge_then_count(emu, variables([{"app_id": SLACK}, {"app_id": ZOOM}]))
    assert listings(log) == []
    assert sorted(entry["path"] for entry in log) == ["%s/%s/features" % (APPS_PATH, app_id) for app_id in
                                                      sorted([SLACK, ZOOM])]


def test_a_filter_over_every_active_app_reports_apps_without_provisioning_as_unsupported(emu, tmp_path):
    state = dict((app_id, app) for app_id, app in emu.state()["apps"].items() if app["status"] == "ACTIVE")
    unsupported = sorted(set(unsupported_ids(emu)) & set(state))
    assert len(unsupported) > len(state) / 2  # most active apps of the seeded org have no provisioning
    role_vars = variables(app_provisioning_filter=EVERY_ACTIVE, app_provisioning_connection={"state": "enabled"},
                          app_provisioning_report_path=str(tmp_path))

    first = role_play(emu, role_vars)
    assert first.rc == 0, first.stdout
    result = summary(first)
    assert result["summary"]["apps"] == len(state)
    assert result["summary"]["failed"] == 0
    assert apps_by_status(result)["unsupported"] == unsupported
    assert all(app["error"] and "provisioning" in app["error"].lower()
               for app in result["apps"] if app["status"] == "unsupported")
    assert not any(app_id in unsupported for app_id, _feature in puts(emu)), "no write to an unsupported app"
    assert emu.state()["apps"][LEGACY_WIKI]["connection"]["status"] == "ENABLED"
    assert held(emu, LEGACY_WIKI, "USER_PROVISIONING")["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert "0 failed, %d without provisioning (unsupported)" % len(unsupported) in first.stdout
    markdown = (tmp_path / "drift-report.md").read_text()
    assert "## Apps without provisioning (unsupported)" in markdown
    assert "## Jenkins" not in markdown and "| Jenkins | 0oajenQ7pX2mK9vB45d7 |" in markdown

    emu.admin("DELETE", "/_admin/requests")
    second = role_play(emu, role_vars)
    assert second.rc == 0, second.stdout
    log = emu.requests()
    supported = len(state) - len(unsupported)
    # one listing page; the connection and the features of each app; only the connection of an unsupported one
    assert len(log) == 1 + 2 * supported + len(unsupported)
    assert listings(log)[0]["query"]["filter"] == EVERY_ACTIVE
    assert summary(second)["summary"] == {"apps": len(state), "changed": 0, "unchanged": supported, "failed": 0,
                                          "unsupported": len(unsupported), "consent_required": 0}


def test_check_mode_audit_of_the_active_apps_fails_only_the_app_whose_connection_is_off(emu, tmp_path):
    emu.admin("POST", "/_admin/apps", {"label": "Legacy Wiki Archive", "name": "legacy_wiki", "status": "INACTIVE"})
    emu.admin("DELETE", "/_admin/requests")
    before = emu.state()["apps"]
    active = sorted(app_id for app_id, app in before.items() if app["status"] == "ACTIVE")
    run = role_play(emu, variables(app_provisioning_filter='name eq "legacy_wiki"',
                                   app_provisioning_report_path=str(tmp_path)), check=True)
    assert run.rc != 0
    assert {entry["method"] for entry in emu.requests()} == {"GET"} and emu.state()["apps"] == before
    result = summary(run)
    assert apps_by_status(result) == {"failed": [LEGACY_WIKI]}, "the inactive wiki is dropped after the listing"
    wiki = [app for app in result["apps"] if app["app_id"] == LEGACY_WIKI][0]
    assert "enable" in wiki["error"]
    listed = listings(emu.requests())
    assert [entry["query"]["filter"] for entry in listed] == ['name eq "legacy_wiki"']
    assert [entry["path"] for entry in per_app(emu.requests())] == ["%s/%s/features" % (APPS_PATH, LEGACY_WIKI)]
    assert sorted(app_id for app_id, app in before.items() if app["name"] == "legacy_wiki") != [LEGACY_WIKI]

    run = role_play(emu, variables(app_provisioning_filter='status eq "ACTIVE"'), check=True)
    result = summary(run)
    assert result["summary"]["apps"] == len(active)
    assert apps_by_status(result)["failed"] == [LEGACY_WIKI], "no false failure across the active apps"
    assert apps_by_status(result)["unsupported"] == sorted(set(unsupported_ids(emu)) & set(active))
    assert "1 of %d apps failed" % len(active) in result_message(run)


def result_message(run):
    failures = [r for r in run.results if r["task"] == "Fail for the apps that failed"]
    return failures[-1]["result"]["msg"] if failures else ""


def test_an_app_listed_and_matched_is_configured_once_with_its_own_settings(emu):
    subsidiaries = sorted(app_id for app_id, app in emu.state()["apps"].items()
                          if app["name"] == "okta_org2org" and app_id != ORG2ORG)
    apps = [{"app_label": "Okta Org2Org", "user_provisioning": {"update": {"profile": {"status": "DISABLED"}}}},
            {"app_label": "Zoom"}]
    run = role_play(emu, variables(apps, app_provisioning_filter='name eq "okta_org2org"'))
    assert run.rc == 0, run.stdout
    log = emu.requests()
    listed = listings(log)
    assert len(listed) == 2, "one listing for the filter, one for the labels"
    assert sorted(entry["query"].get("filter", "") for entry in listed) == ["", 'name eq "okta_org2org"']
    reads = sorted(entry["path"] for entry in log if entry["method"] == "GET" and entry["path"] != APPS_PATH)
    assert reads == sorted("%s/%s/features" % (APPS_PATH, app_id) for app_id in [ORG2ORG, ZOOM] + subsidiaries)
    assert held(emu, ORG2ORG, "USER_PROVISIONING")["update"]["profile"]["status"] == "DISABLED"
    for app_id in subsidiaries:
        assert held(emu, app_id, "USER_PROVISIONING")["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    result = summary(run)
    assert [app["app_id"] for app in result["apps"]] == [ORG2ORG, ZOOM] + [
        app["app_id"] for app in result["apps"][2:]]
    assert [app["source"] for app in result["apps"]] == ["listed", "listed", "filter", "filter"]


def test_labels_that_match_no_app_or_several_fail_that_app_only(emu, tmp_path):
    analytics = sorted(app_id for app_id, app in emu.state()["apps"].items() if app["label"] == "Analytics")
    assert len(analytics) == 2
    apps = [{"app_label": "Analytics"}, {"app_label": "No Such App"}, {"app_label": "Slack"}]
    run = role_play(emu, variables(apps, app_provisioning_report_path=str(tmp_path)))
    assert run.rc != 0
    log = emu.requests()
    assert len(listings(log)) == 1
    assert not [entry for entry in log if any(app_id in entry["path"] for app_id in analytics)]
    assert puts(emu) == [(SLACK, "USER_PROVISIONING")]
    result = summary(run)
    assert result["summary"] == {"apps": 3, "changed": 1, "unchanged": 0, "failed": 2, "unsupported": 0, "consent_required": 0}
    msg = result_message(run)
    assert "2 of 3 apps failed" in msg
    assert "2 apps have the label 'Analytics' (%s); use app_id" % ", ".join(analytics) in msg
    assert "No app has the label 'No Such App'" in msg
    report = json.loads((tmp_path / "drift-report.json").read_text())
    assert [app["status"] for app in report["apps"]] == ["failed", "failed", "changed"]


def test_no_apps_and_no_filter_fails_before_any_request(emu):
    run = role_play(emu, {"app_provisioning_baseline": USER_BASELINE})
    assert run.rc != 0 and emu.requests() == []
    assert "no apps to configure" in run.stdout


def test_a_filter_okta_rejects_fails_the_run_before_any_app(emu):
    before = emu.state()["apps"]
    for okta_filter in ('label eq "Slack"', 'name eq "okta_org2org" and status eq "ACTIVE"'):
        emu.admin("DELETE", "/_admin/requests")
        run = role_play(emu, variables([{"app_id": SLACK}], app_provisioning_filter=okta_filter))
        assert run.rc != 0
        log = emu.requests()
        assert [(entry["path"], entry["query"].get("filter"), entry["status"]) for entry in log] == [
            (APPS_PATH, okta_filter, 400)], "one listing, refused; nothing read or written for any app"
        assert emu.state()["apps"] == before
        listing = [r["result"] for r in run.results if r["task"] == "List the apps the filter matches"]
        assert listing and listing[0]["msg"].startswith(
            "Cannot list the org's apps: Okta rejected the app filter '%s' (400 E0000031: Invalid search criteria). "
            "Okta accepts one expression with the operator eq on id, name, status, credentials.signing.kid or "
            "settings.slo.enabled" % okta_filter), listing


def test_a_filter_over_inactive_apps_with_and_without_include_inactive(emu):
    old = emu.admin("POST", "/_admin/apps", {"label": "Old Org2Org", "name": "okta_org2org", "status": "INACTIVE"})
    old_id = old[0]["id"]
    held_apps = emu.state()["apps"]
    active = sorted(app_id for app_id, app in held_apps.items()
                    if app["name"] == "okta_org2org" and app["status"] == "ACTIVE")
    assert len(active) == 3
    emu.admin("DELETE", "/_admin/requests")
    run = role_play(emu, variables(app_provisioning_filter='name eq "okta_org2org"'))
    assert run.rc == 0, run.stdout
    assert sorted(app["app_id"] for app in summary(run)["apps"]) == active
    log = emu.requests()
    assert [entry["query"] for entry in listings(log)] == [{"limit": "200", "filter": 'name eq "okta_org2org"'}]
    assert not [entry for entry in log if old_id in entry["path"]], "the inactive app is neither read nor written"
    assert set(app_id for app_id, _feature in puts(emu)) <= set(active)

    emu.admin("DELETE", "/_admin/requests")
    run = role_play(emu, variables(app_provisioning_filter='name eq "okta_org2org"',
                                   app_provisioning_include_inactive=True))
    assert run.rc == 0, run.stdout
    assert sorted(app["app_id"] for app in summary(run)["apps"]) == sorted(active + [old_id])
    assert [entry["query"] for entry in listings(emu.requests())] == [
        {"limit": "200", "filter": 'name eq "okta_org2org"'}]
    assert [app_id for app_id, _feature in puts(emu)] == [old_id], "only the inactive app still had to change"
    assert held(emu, old_id, "USER_PROVISIONING")["update"]["lifecycleDeactivate"]["status"] == "ENABLED"


def test_a_connection_token_never_appears_in_the_output(emu):
    token = "wiki-scim-token-5e1d9c-must-not-leak"
    apps = [{"app_label": "Legacy Wiki", "connection": {"state": "enabled", "profile": {
        "auth_scheme": "TOKEN", "base_url": "https://wiki.example.com/scim/v2", "token": token}}},
        {"app_id": SLACK}]
    run = role_play(emu, variables(apps), verbosity=3, diff=True)
    assert run.rc == 0, run.stdout
    sent = [entry for entry in emu.requests() if entry["method"] == "POST"]
    assert len(sent) == 1 and sent[0]["token_sent"] is True, "the token did reach Okta"
    assert token not in run.everything()
    assert summary(run)["summary"]["changed"] == 2
    # Only the token is hidden: every app's name, and the per-app results, stay in the output.
    assert "(item=Legacy Wiki)" in run.stdout and "(item=Slack)" in run.stdout, "an app listed by id shows its label"
    configure = [r for r in run.results if r["task"] == "Configure each app"]
    assert configure and "censored" not in json.dumps([r["result"] for r in configure])
    hidden = [block.split("]", 1)[0] for block in run.stdout.split("TASK [")[1:] if "output has been hidden" in block]
    assert hidden == ["oktaops.okta.app_provisioning : Resolve the connection settings once",
                      "oktaops.okta.app_provisioning : Keep the connection tokens apart"]
