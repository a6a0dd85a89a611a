# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role app_provisioning's logic: selection, plan, outcomes, result and report, without Ansible."""

from __future__ import annotations

import datetime

from ansible_collections.oktaops.okta.plugins.module_utils import _role

SLACK, ZOOM, WIKI, ORG2ORG, ORG2ORG_B = "0oaSLACK", "0oaZOOM", "0oaWIKI", "0oaO2O", "0oaO2OB"
LISTING = [
    {"id": SLACK, "label": "Slack", "status": "ACTIVE"},
    {"id": ZOOM, "label": "Zoom", "status": "ACTIVE"},
    {"id": WIKI, "label": "Legacy Wiki", "status": "INACTIVE"},
    {"id": ORG2ORG, "label": "Okta Org2Org", "status": "ACTIVE"},
    {"id": ORG2ORG_B, "label": "Partner Org", "status": "ACTIVE"},
    {"id": "0oaAN1", "label": "Analytics"},
    {"id": "0oaAN2", "label": "Analytics"},
]
MATCHED = [{"id": ORG2ORG, "label": "Okta Org2Org"}, {"id": ORG2ORG_B, "label": "Partner Org"}]
BASELINE = {"user_provisioning": {"create": {"lifecycle_create": {"status": "ENABLED"}},
                                  "update": {"profile": {"status": "ENABLED"},
                                             "lifecycle_deactivate": {"status": "ENABLED"}}},
            "inbound_provisioning": {"import_rules": {"user_create_and_match": {"exact_match_criteria": "EMAIL"}}}}


def items(apps, matched=()):
    return [item for item, _spec in _role.select_apps(apps, {"apps": LISTING}, list(matched))]


# ---------------------------------------------------------------------------------------------------
# Selection


def test_labels_resolve_against_the_listing_and_ids_are_taken_as_given():
    got = items([{"app_label": "Zoom"}, {"app_id": SLACK}, {"app_id": "0oaNOTLISTED"}])
    assert got == [
        {"app": "Zoom", "app_id": ZOOM, "app_label": "Zoom", "source": "listed", "error": None},
        {"app": SLACK, "app_id": SLACK, "app_label": "Slack", "source": "listed", "error": None},
        {"app": "0oaNOTLISTED", "app_id": "0oaNOTLISTED", "app_label": None, "source": "listed", "error": None},
    ]


def test_a_label_not_found_or_ambiguous_fails_that_app_with_the_sentence():
    missing, ambiguous, case = items([{"app_label": "No Such App"}, {"app_label": "Analytics"},
                                      {"app_label": "legacy wiki"}])
    assert missing["app_id"] is None and missing["app"] == "No Such App"
    assert missing["error"].startswith("No app has the label 'No Such App' (labels are matched exactly")
    assert ambiguous["error"] == "2 apps have the label 'Analytics' (0oaAN1, 0oaAN2); use app_id to say which one."
    assert case["error"].endswith("Did you mean 'Legacy Wiki' ({0})?".format(WIKI))


def test_a_skipped_listing_resolves_no_label():
    got = [item for item, _spec in _role.select_apps([{"app_label": "Slack"}], {"skipped": True}, None)]
    assert got[0]["app_id"] is None and got[0]["error"].startswith("No app has the label 'Slack'")


def test_listed_apps_override_filter_matches_and_come_first():
    got = items([{"app_label": "Okta Org2Org"}, {"app_id": SLACK}], matched=MATCHED)
    assert [(i["app_id"], i["source"]) for i in got] == [(ORG2ORG, "listed"), (SLACK, "listed"),
                                                         (ORG2ORG_B, "filter")]
    assert got[2] == {"app": "Partner Org", "app_id": ORG2ORG_B, "app_label": "Partner Org", "source": "filter",
                      "error": None}


# ---------------------------------------------------------------------------------------------------
# Plan


def plan(apps, **kwargs):
    kwargs.setdefault("listing", LISTING)
    return _role.plan(apps, **kwargs)


def test_per_app_settings_merge_over_the_baseline_leaf_by_leaf():
    (work,), _tokens = plan([{"app_id": ZOOM, "user_provisioning": {"update": {"profile": {"status": "DISABLED"}}}}],
                            baseline=BASELINE)
    assert work["features"]["USER_PROVISIONING"] == {
        "create": {"lifecycle_create": {"status": "ENABLED"}},
        "update": {"profile": {"status": "DISABLED"}, "lifecycle_deactivate": {"status": "ENABLED"}}}
    assert work["features"]["INBOUND_PROVISIONING"] == BASELINE["inbound_provisioning"]
    assert work["configure"] is True
    assert BASELINE["user_provisioning"]["update"]["profile"]["status"] == "ENABLED", "inputs are not changed"


def test_null_settings_are_left_out_and_a_null_unsets_a_baseline_leaf():
    own = {"update": {"profile": None, "password": {"seed": None}}}
    (work,), _tokens = plan([{"app_id": ZOOM, "user_provisioning": own}], baseline=BASELINE)
    assert work["features"]["USER_PROVISIONING"]["update"] == {"lifecycle_deactivate": {"status": "ENABLED"},
                                                               "password": {}}


def test_the_connection_merges_leaf_by_leaf_without_nulls():
    role_conn = {"state": "enabled", "update_token": None,
                 "profile": {"auth_scheme": "TOKEN", "base_url": "https://x.example.com/scim"}}
    (own, other), _tokens = plan([{"app_id": WIKI, "connection": {"profile": {"base_url": "https://wiki/scim"}}},
                                  {"app_id": SLACK}], connection=role_conn)
    assert own["connection"] == {
        "state": "enabled", "profile": {"auth_scheme": "TOKEN", "base_url": "https://wiki/scim"}}
    assert other["connection"] == {
        "state": "enabled", "profile": {"auth_scheme": "TOKEN", "base_url": "https://x.example.com/scim"}}


def test_tokens_are_kept_apart_in_the_plan_order():
    apps = [{"app_id": WIKI, "connection": {"profile": {"token": "wiki-secret"}}}, {"app_id": SLACK},
            {"app_id": ZOOM, "connection": {"state": "enabled"}}]
    work, tokens = plan(apps, connection={"profile": {"token": "role-secret"}})
    assert "secret" not in repr(work)
    assert [item["connection"] for item in work] == [{"profile": {}}, {"profile": {}},
                                                     {"state": "enabled", "profile": {}}]
    assert tokens == [{"profile": {"token": "wiki-secret"}}, {"profile": {"token": "role-secret"}},
                      {"profile": {"token": "role-secret"}}]
    assert _role.tokens(apps, {"apps": LISTING}, None, connection={"profile": {"token": "role-secret"}}) == tokens
    assert all(item["configure"] for item in work), "an app whose only setting is its token is still configured"
    assert plan([{"app_id": SLACK}])[1] == [{}]


def test_features_narrow_what_an_app_gets():
    (narrow, every, empty), _tokens = plan([{"app_id": SLACK, "features": ["USER_PROVISIONING"]},
                                            {"app_id": ZOOM, "features": []}, {"app_id": WIKI, "features": []}],
                                           baseline={"user_provisioning": BASELINE["user_provisioning"],
                                                     "inbound_provisioning": {}})
    assert list(narrow["features"]) == ["USER_PROVISIONING"]
    # an empty list applies no feature (an exported app whose connection is off); the app is not configured
    assert every["features"] == {} and every["configure"] is False
    (only_inbound,), _tokens = plan([{"app_id": SLACK, "features": ["INBOUND_PROVISIONING"]}],
                                    baseline={"user_provisioning": BASELINE["user_provisioning"]})
    assert only_inbound["features"] == {} and only_inbound["configure"] is False


def test_filter_matches_get_the_baseline_and_unresolved_labels_are_not_configured():
    work, _tokens = plan([{"app_label": "Nope"}], matched=MATCHED, baseline=BASELINE,
                         connection={"state": "enabled"})
    assert work[0]["configure"] is False and work[0]["error"]
    assert [item["source"] for item in work[1:]] == ["filter", "filter"]
    assert work[1]["features"] == {"USER_PROVISIONING": BASELINE["user_provisioning"],
                                   "INBOUND_PROVISIONING": BASELINE["inbound_provisioning"]}
    assert work[1]["connection"] == {"state": "enabled"} and work[1]["configure"] is True


# ---------------------------------------------------------------------------------------------------
# Outcomes


def item(**kwargs):
    out = {"app": "Slack", "app_id": SLACK, "app_label": "Slack", "source": "listed", "error": None,
           "connection": {}, "features": {"USER_PROVISIONING": {"update": {"profile": {"status": "ENABLED"}}}},
           "configure": True}
    out.update(kwargs)
    return out


BEFORE = {"create": {"lifecycleCreate": {"status": "ENABLED"}}, "update": {"profile": {"status": "DISABLED"}}}
AFTER = {"create": {"lifecycleCreate": {"status": "ENABLED"}}, "update": {"profile": {"status": "ENABLED"}}}


def test_changed_with_settings_rows_current_desired_in_sync():
    run = {"changed": True, "app_id": SLACK, "changed_settings": ["USER_PROVISIONING.update.profile.status"],
           "diff": {"before": {"USER_PROVISIONING": BEFORE}, "after": {"USER_PROVISIONING": AFTER}}}
    got = _role.outcome(item(), run)
    assert got == {"app": "Slack", "app_id": SLACK, "app_label": "Slack", "source": "listed", "status": "changed",
                   "error": None, "features": [{
                       "feature": "USER_PROVISIONING", "status": "changed",
                       "changed_settings": ["update.profile.status"], "error": None,
                       "settings": [
                           {"setting": "create.lifecycleCreate.status", "current": "ENABLED", "desired": "ENABLED",
                            "in_sync": True},
                           {"setting": "update.profile.status", "current": "DISABLED", "desired": "ENABLED",
                            "in_sync": False}]}]}


def test_unchanged():
    run = {"changed": False, "changed_settings": [],
           "diff": {"before": {"USER_PROVISIONING": AFTER}, "after": {"USER_PROVISIONING": AFTER}}}
    got = _role.outcome(item(), run)
    assert got["status"] == "unchanged" and got["error"] is None
    assert got["features"][0]["status"] == "unchanged"
    assert all(row["in_sync"] for row in got["features"][0]["settings"])


def test_unsupported_is_not_a_failure_and_has_no_parts():
    run = {"failed": False, "provisioning_supported": False, "msg": "this app's type offers no provisioning"}
    got = _role.outcome(item(), run)
    assert (got["status"], got["error"], got["features"]) == ("unsupported", run["msg"], [])


def test_failed_task_and_unresolved_label():
    got = _role.outcome(item(), {"failed": True, "msg": "provisioning is not enabled for this app"})
    assert got["status"] == "failed" and got["error"] == "provisioning is not enabled for this app"
    assert [(f["status"], f["error"], f["settings"]) for f in got["features"]] == [
        ("failed", "provisioning is not enabled for this app", [])]
    unresolved = _role.outcome(item(app_id=None, error="No app has the label 'X'.", configure=False),
                               {"skipped": True})
    assert (unresolved["status"], unresolved["error"], unresolved["features"]) == (
        "failed", "No app has the label 'X'.", [])


def test_consent_required_carries_the_authorize_url_and_is_not_failed():
    url = "https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1&state=x"
    run = {"failed": False, "consent_required": True, "provisioning_supported": True, "authorize_url": url,
           "msg": "The provisioning connection waits for an administrator's consent at %s." % url}
    got = _role.outcome(item(connection={"state": "enabled"}), run)
    assert got["status"] == "consent_required"
    assert got["authorize_url"] == url and got["error"] == run["msg"] and got["features"] == []
    assert "authorize_url" not in _role.outcome(item(), {"changed": False}), "only consent outcomes carry it"
    result = _role.result([item(), item(app="Zoom")], [run, {"changed": True}])
    assert result["summary"] == {"apps": 2, "changed": 1, "unchanged": 0, "unsupported": 0, "failed": 0,
                                 "consent_required": 1}


def test_changed_settings_are_split_per_part_and_unknown_parts_say_why():
    run = {"changed": True, "changed_settings": ["connection.status", "connection.profile.baseUrl",
                                                 "USER_PROVISIONING.update.profile.status",
                                                 "INBOUND_PROVISIONING.importRules.x"],
           "diff": {"before": {"connection": {"status": "DISABLED"},
                               "USER_PROVISIONING": "<known after the connection is enabled>"},
                    "after": {"connection": {"status": "ENABLED"},
                              "USER_PROVISIONING": "<known after the connection is enabled>"}}}
    got = _role.outcome(item(connection={"state": "enabled"}), run)
    conn, feature = got["features"]
    assert conn["feature"] == "PROVISIONING_CONNECTION"
    assert conn["changed_settings"] == ["status", "profile.baseUrl"]
    assert conn["settings"] == [{"setting": "status", "current": "DISABLED", "desired": "ENABLED", "in_sync": False}]
    assert feature["changed_settings"] == ["update.profile.status"]
    assert _role.changed_settings_of(run["changed_settings"], "INBOUND_PROVISIONING") == ["importRules.x"]
    assert _role.changed_settings_of(["USER_PROVISIONING_X.a"], "USER_PROVISIONING") == []
    unknown = _role.outcome(item(connection={"state": "enabled"}), dict(run, changed_settings=["connection.status"]))
    assert unknown["features"][1]["status"] == "unknown"
    assert unknown["features"][1]["error"] == "<known after the connection is enabled>"


def test_results_match_items_by_loop_index_else_position():
    work = [item(app="A"), item(app="B")]
    runs = [{"app_provisioning__index": 1, "changed": True}, {"app_provisioning__index": 0, "changed": False}]
    assert [app["status"] for app in _role.outcomes(work, runs)] == ["unchanged", "changed"]
    assert [app["status"] for app in _role.outcomes(work, [{"changed": True}])] == ["changed", "unchanged"]


def test_result_summary_counts_every_status():
    work = [item(), item(), item(error="No app.", app_id=None), item(), item()]
    runs = [{"changed": True}, {"changed": False}, {"skipped": True}, {"provisioning_supported": False},
            {"consent_required": True, "authorize_url": "https://x"}]
    got = _role.result(work, runs, check_mode=True)
    assert got["check_mode"] is True
    assert got["summary"] == {"apps": 5, "changed": 1, "unchanged": 1, "unsupported": 1, "failed": 1,
                              "consent_required": 1}
    assert list(got) == ["check_mode", "summary", "apps"]


# ---------------------------------------------------------------------------------------------------
# Report


def test_report_says_when_for_which_org_and_in_which_mode():
    result = _role.result([item()], [{"changed": True}], check_mode=True)
    report = _role.report(result, org_url="https://acme.okta.com/", generated_at="2026-01-31T08:15:00Z")
    assert list(report)[:3] == ["generated_at", "org_url", "mode"]
    assert (report["generated_at"], report["org_url"], report["mode"]) == ("2026-01-31T08:15:00Z",
                                                                           "https://acme.okta.com", "check")
    assert report["summary"] == result["summary"] and report["apps"] == result["apps"]
    assert _role.report(dict(result, check_mode=False))["mode"] == "apply"
    assert _role.report(result)["org_url"] is None


def test_utc_timestamp():
    berlin = datetime.timezone(datetime.timedelta(hours=1))
    assert _role.utc_timestamp(datetime.datetime(2026, 1, 31, 9, 15, 7, 999, tzinfo=berlin)) == "2026-01-31T08:15:07Z"
    assert _role.utc_timestamp().endswith("Z")


def test_office365_admin_credentials_are_kept_apart_like_the_token():
    """The admin user name and password of an Office 365 connection are write-only: the plan shows neither."""
    role_conn = {"state": "enabled", "profile": {"auth_scheme": "OAUTH2",
                                                 "settings": {"admin_username": "admin@o365-secret",
                                                              "admin_password": "pw-secret"}}}
    apps = [{"app_id": SLACK, "connection": {"profile": {"settings": {"admin_password": "own-pw-secret"}}}},
            {"app_id": ZOOM}]
    work, tokens = plan(apps, connection=role_conn)
    assert "secret" not in repr(work)
    assert work[0]["connection"] == {"state": "enabled", "profile": {"auth_scheme": "OAUTH2", "settings": {}}}
    assert tokens == [
        {"profile": {"settings": {"admin_username": "admin@o365-secret", "admin_password": "own-pw-secret"}}},
        {"profile": {"settings": {"admin_username": "admin@o365-secret", "admin_password": "pw-secret"}}},
    ]
    # merged back as the role's task does (combine, recursive), each app gets its full connection
    assert _role.merge(work[0]["connection"], tokens[0])["profile"]["settings"] == {
        "admin_username": "admin@o365-secret", "admin_password": "own-pw-secret"}
