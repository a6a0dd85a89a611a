# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's export entry point (tasks_from: export) against the emulator: an org with varied settings is exported,
the file is applied by the main entry point with no change (check mode and a real run, on the request log and the
emulator's state), a second export is byte-identical, and the export's requests are counted on the request log.
"""

import math

import yaml

from test_role_app_provisioning import ROLE, result_of, role_play, summary

from conftest import MANAGE_TOKEN, ORG2ORG, SLACK, ZOOM, run_playbook

APPS_PATH = "/api/v1/apps"
ZSCALER = "0oa4zscR7mN1xKd2B5d7"
BOX = "0oaboxQ7pX2mK9vB45d7"
LEGACY_WIKI = "0oa6wikY4nG7sAf1D5d7"
GITHUB = "0oagheQ7pX2mK9vB45d7"
ATLASSIAN = "0oaatlQ7pX2mK9vB45d7"
SLACK_SANDBOX = "0oa1slkSbx4RmV8nQ5d7"
JENKINS = "0oajenQ7pX2mK9vB45d7"
FILTER = 'name eq "okta_org2org"'
# Listed by label: apps with both features, USER_PROVISIONING only (Zscaler, Atlassian, GitHub without password
# sync), a disabled connection (Legacy Wiki) and an app without provisioning (Jenkins). The filter adds the three
# Okta Org2Org apps.
LABELS = ["Slack", "Slack Sandbox", "Zoom", "Box", "Zscaler", "Atlassian Cloud", "GitHub Enterprise", "Legacy Wiki",
          "Jenkins", "Google Workspace", "ServiceNow"]


def vary(emu):
    """Give the org varied settings with real module runs: a baseline most apps share, and apps that differ."""
    common = {"create": {"lifecycle_create": {"status": "ENABLED"}},
              "update": {"lifecycle_deactivate": {"status": "ENABLED"}}}
    tasks = [{"name": "common settings", "oktaops.okta.okta_app_provisioning": {
        "app_id": "{{ item }}", "user_provisioning": common},
        "loop": [SLACK, SLACK_SANDBOX, ZOOM, BOX, ZSCALER, ATLASSIAN, ORG2ORG, "0oa2goo3WkP6tJr8Y5d7",
                 "0oasnwQ7pX2mK9vB45d7"]}]
    tasks += [
        {"name": "Zoom keeps profile pushes off and deactivation off",
         "oktaops.okta.okta_app_provisioning": {"app_id": ZOOM, "user_provisioning": {
             "update": {"profile": {"status": "DISABLED"}, "lifecycle_deactivate": {"status": "DISABLED"}}}}},
        {"name": "Box imports nightly",
         "oktaops.okta.okta_app_provisioning": {"app_id": BOX, "inbound_provisioning": {
             "import_settings": {"schedule": {"status": "ENABLED",
                                              "full_import": {"expression": "0 2 * * *", "timezone": "Europe/Berlin"}}}}}},
        {"name": "Okta Org2Org matches by username with a custom expression",
         "oktaops.okta.okta_app_provisioning": {"app_id": ORG2ORG, "inbound_provisioning": {
             "import_settings": {"username": {"username_format": "CUSTOM",
                                              "username_expression": "source.login"}},
             "import_rules": {"user_create_and_match": {"exact_match_criteria": "USERNAME",
                                                        "auto_confirm_exact_match": True}}}}},
        {"name": "Slack Sandbox's connection is off",
         "oktaops.okta.okta_app_connection": {"app_id": SLACK_SANDBOX, "state": "disabled"}},
    ]
    run = run_playbook(emu, tasks)
    assert run.rc == 0, run.stdout


def export(emu, path, check=False, **extra):
    variables = {"app_provisioning_apps": [{"app_label": label} for label in LABELS],
                 "app_provisioning_filter": FILTER, "app_provisioning_export_path": str(path)}
    variables.update(extra)
    return role_play_export(emu, variables, check=check)


def role_play_export(emu, variables, check=False, verbosity=0):
    all_vars = {"app_provisioning_org_url": emu.url, "app_provisioning_ca_path": emu.ca_file,
                "app_provisioning_api_token": MANAGE_TOKEN}
    all_vars.update(variables)
    play = {"module_defaults": {}, "vars": all_vars,
            "tasks": [{"name": "Export", "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "export"}}]}
    return run_playbook(emu, [], check=check, token=None, verbosity=verbosity, play_extra=play)


def apply_file(emu, path, check=False):
    with open(str(path)) as handle:
        variables = yaml.safe_load(handle)
    return role_play(emu, variables, check=check)


def apps_state(emu):
    return dict((app_id, (app["connection"], app["features"])) for app_id, app in emu.state()["apps"].items())


def test_an_org_exported_then_applied_changes_nothing(emu, tmp_path):
    vary(emu)
    org = len(emu.state()["apps"])
    before = apps_state(emu)
    emu.admin("DELETE", "/_admin/requests")

    target = tmp_path / "provisioning.yml"
    run = export(emu, target)
    assert run.rc == 0, run.stdout + run.stderr
    log = emu.requests()
    assert {entry["method"] for entry in log} == {"GET"}
    listings = [entry for entry in log if entry["path"] == APPS_PATH]
    filtered = [entry for entry in listings if "filter" in entry["query"]]
    assert len(filtered) == 1 and filtered[0]["query"]["filter"] == FILTER
    assert len(listings) - len(filtered) == math.ceil(org / 200)
    # two requests per app whose connection is enabled, one per other app
    state = emu.state()["apps"]
    selected = set(app_id for app_id, app in state.items() if app["label"] in LABELS or app["name"] == "okta_org2org")
    expected = dict((app_id, 2 if state[app_id]["connection"]["status"] == "ENABLED" else 1) for app_id in selected)
    reads = [entry["path"] for entry in log if entry["path"] != APPS_PATH]
    assert sorted(set(path.split("/")[4] for path in reads)) == sorted(selected)
    for app_id, count in expected.items():
        assert len([path for path in reads if path.split("/")[4] == app_id]) == count, app_id
    assert len(log) == len(listings) + sum(expected.values())
    assert "with {0} requests".format(len(log)) in run.stdout

    text = target.read_text()
    data = yaml.safe_load(text)
    assert set(data) == {"app_provisioning_connection", "app_provisioning_baseline", "app_provisioning_apps"}
    ids = [app["app_id"] for app in data["app_provisioning_apps"]]
    assert JENKINS not in ids and "#   Jenkins ({0})".format(JENKINS) in text
    assert "\n  - app_id: {0}  # Zoom\n".format(ZOOM) in text
    labels = dict((app_id, state[app_id]["label"]) for app_id in ids)
    assert [labels[i] for i in ids] == sorted(labels[i] for i in ids), "apps sorted by label"
    # more than half of the apps share these; the apps that differ keep their own value
    assert data["app_provisioning_baseline"]["user_provisioning"]["create"] == {"lifecycle_create": {"status": "ENABLED"}}
    assert data["app_provisioning_connection"]["state"] == "enabled"
    by_id = dict((app["app_id"], app) for app in data["app_provisioning_apps"])
    assert by_id[ZOOM]["user_provisioning"]["update"]["lifecycle_deactivate"] == {"status": "DISABLED"}
    assert by_id[SLACK_SANDBOX]["connection"] == {"state": "disabled"}
    assert by_id[SLACK_SANDBOX]["features"] == []
    assert by_id[ZSCALER]["features"] == ["USER_PROVISIONING"]
    assert "Zscaler ({0}): token".format(ZSCALER) in text
    assert MANAGE_TOKEN not in run.everything()

    # Applied by the main entry point as it is: check mode reports nothing to change, a real run writes nothing.
    emu.admin("DELETE", "/_admin/requests")
    audit = apply_file(emu, target, check=True)
    assert audit.rc == 0, audit.stdout
    assert summary(audit)["summary"]["changed"] == 0 and summary(audit)["summary"]["failed"] == 0
    assert summary(audit)["summary"]["apps"] == len(ids)
    enforce = apply_file(emu, target)
    assert enforce.rc == 0, enforce.stdout
    assert summary(enforce)["summary"] == {"apps": len(ids), "changed": 0, "unchanged": len(ids), "failed": 0,
                                           "unsupported": 0, "consent_required": 0}
    assert {entry["method"] for entry in emu.requests()} == {"GET"}, "no write"
    assert apps_state(emu) == before

    # Exported again: the same bytes, and the file task reports no change.
    again = export(emu, target)
    assert again.rc == 0, again.stdout
    assert target.read_text() == text
    assert result_of(again, "Write the export")["status"] == "ok"


def test_the_export_names_the_apps_it_cannot_resolve_and_writes_nothing(emu, tmp_path):
    target = tmp_path / "provisioning.yml"
    run = role_play_export(emu, {"app_provisioning_apps": [{"app_label": "Analytics"}, {"app_label": "slack"}],
                                 "app_provisioning_export_path": str(target)})
    assert run.rc != 0
    assert "2 apps have the label 'Analytics'" in run.stdout and "No app has the label 'slack'" in run.stdout
    assert not target.exists()
    assert [entry["path"] for entry in emu.requests()] == [APPS_PATH], "one listing, no app read"


def test_no_secret_in_the_export_at_any_verbosity_and_check_mode_writes_the_file(emu, tmp_path):
    target = tmp_path / "provisioning.yml"
    run = role_play_export(emu, {"app_provisioning_apps": [{"app_id": ZSCALER}, {"app_id": LEGACY_WIKI},
                                                           {"app_id": GITHUB}],
                                 "app_provisioning_export_path": str(target)}, check=True, verbosity=4)
    assert run.rc == 0, run.stdout
    assert {entry["method"] for entry in emu.requests()} == {"GET"}
    assert len(emu.requests()) == 1 + 2 + 1 + 2, "one listing; Legacy Wiki's connection is off: one read"
    text = target.read_text()
    assert "token:" not in text and MANAGE_TOKEN not in run.everything()
    assert "Legacy Wiki ({0}): token; its connection is off".format(LEGACY_WIKI) in text
