# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app_provisioning role through ansible-playbook against the emulator over TLS.

Each test checks what the emulator received (request log) and holds (state), not only what the role says.
"""

import datetime
import json
import os
import re
import sys

import yaml

from conftest import COLLECTIONS_PATH, LEGACY_WIKI, MANAGE_TOKEN, ORG2ORG, REPO_ROOT, SLACK, ZOOM, run_playbook

ROLE = "oktaops.okta.app_provisioning"
ROLE_DIR = os.path.join(REPO_ROOT, "roles", "app_provisioning")

BASELINE = {
    "user_provisioning": {
        "create": {"lifecycle_create": {"status": "ENABLED"}},
        "update": {"lifecycle_deactivate": {"status": "ENABLED"}, "profile": {"status": "ENABLED"}},
    },
}
APPS = [
    {"app_id": SLACK},
    # Zoom keeps profile pushes off: the app's own setting wins over the baseline's, leaf by leaf.
    {"app_label": "Zoom", "user_provisioning": {"update": {"profile": {"status": "DISABLED"}}}},
    {"app_id": ORG2ORG, "inbound_provisioning": {
        "import_settings": {"schedule": {"status": "ENABLED",
                                         "full_import": {"expression": "0 3 * * *", "timezone": "UTC"}}}}},
]


def role_play(emulator, role_vars, check=False, token_var=True, extra_env=None, verbosity=0, diff=False):
    variables = {"app_provisioning_org_url": emulator.url, "app_provisioning_ca_path": emulator.ca_file}
    if token_var:
        variables["app_provisioning_api_token"] = MANAGE_TOKEN
    variables.update(role_vars)
    return run_playbook(emulator, [], check=check, diff=diff, token=None, extra_env=extra_env, verbosity=verbosity,
                        play_extra={"module_defaults": {}, "vars": variables, "roles": [ROLE]})


def held(emu, app_id, feature):
    return emu.state()["apps"][app_id]["features"][feature]["capabilities"]


def puts(emu):
    return [(r["path"].split("/")[4], r["path"].rsplit("/", 1)[-1]) for r in emu.requests() if r["method"] == "PUT"]


def result_of(run, task_name):
    found = [r for r in run.results if r["task"] == task_name]
    assert found, "no result for task %r in %s" % (task_name, [r["task"] for r in run.results])
    return found[-1]


def summary(run):
    return result_of(run, "Summarise the run")["result"]["ansible_facts"]["app_provisioning_result"]


def role_vars(apps, **extra):
    variables = {"app_provisioning_apps": apps, "app_provisioning_baseline": BASELINE}
    variables.update(extra)
    return variables


def changed_tasks(run):
    return [r["task"] for r in run.results if r["status"] == "changed"]


def test_first_run_changes_second_run_changes_nothing(emu):
    first = role_play(emu, role_vars(APPS))
    assert first.rc == 0, first.stdout + first.stderr
    assert sorted(puts(emu)) == sorted([(SLACK, "USER_PROVISIONING"), (ZOOM, "USER_PROVISIONING"),
                                        (ORG2ORG, "USER_PROVISIONING"), (ORG2ORG, "INBOUND_PROVISIONING")])
    slack, zoom = held(emu, SLACK, "USER_PROVISIONING"), held(emu, ZOOM, "USER_PROVISIONING")
    assert slack["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert slack["update"]["profile"]["status"] == "ENABLED"
    assert zoom["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    assert zoom["update"]["profile"]["status"] == "DISABLED", "the app's own setting overrides the baseline's"
    schedule = held(emu, ORG2ORG, "INBOUND_PROVISIONING")["importSettings"]["schedule"]
    assert schedule["fullImport"] == {"expression": "0 3 * * *", "timezone": "UTC"}
    assert schedule["incrementalImport"], "a setting no one named is left as it was"
    assert summary(first)["summary"] == {"apps": 3, "changed": 3, "unchanged": 0, "failed": 0, "unsupported": 0, "consent_required": 0}
    assert "3 apps seen, 3 changed, 0 unchanged, 0 failed" in first.stdout
    state_after_first = emu.state()["apps"]
    emu.admin("DELETE", "/_admin/requests")

    second = role_play(emu, role_vars(APPS))
    assert second.rc == 0, second.stdout
    assert puts(emu) == [], "a converged org gets no writes"
    assert [r["method"] for r in emu.requests()] and {r["method"] for r in emu.requests()} == {"GET"}
    assert changed_tasks(second) == []
    assert summary(second)["summary"] == {"apps": 3, "changed": 0, "unchanged": 3, "failed": 0, "unsupported": 0, "consent_required": 0}
    assert emu.state()["apps"] == state_after_first


def test_check_mode_is_a_read_only_drift_audit(emu, tmp_path):
    before = emu.state()["apps"]
    report_dir = tmp_path / "report"
    run = role_play(emu, role_vars(APPS, app_provisioning_report_path=str(report_dir)), check=True)
    assert run.rc == 0, run.stdout
    assert puts(emu) == [] and {r["method"] for r in emu.requests()} == {"GET"}
    assert emu.state()["apps"] == before
    assert "Drift audit (check mode): 3 apps seen, 3 would change" in run.stdout

    report = json.loads((report_dir / "drift-report.json").read_text())
    assert report["check_mode"] is True
    assert report["summary"] == {"apps": 3, "changed": 3, "unchanged": 0, "failed": 0, "unsupported": 0, "consent_required": 0}
    zoom = [app for app in report["apps"] if app["app_id"] == ZOOM][0]
    assert zoom["app_label"] == "Zoom" and zoom["status"] == "changed"
    rows = dict((row["setting"], row) for row in zoom["features"][0]["settings"])
    assert rows["update.profile.status"] == {"setting": "update.profile.status", "current": "ENABLED",
                                             "desired": "DISABLED", "in_sync": False}
    assert rows["update.lifecycleDeactivate.status"]["in_sync"] is False
    assert rows["create.lifecycleCreate.status"]["in_sync"] is True
    assert sorted(zoom["features"][0]["changed_settings"]) == ["update.lifecycleDeactivate.status",
                                                               "update.profile.status"]
    # Every leaf Okta holds is in the report, with the value Okta holds now.
    held_zoom = held(emu, ZOOM, "USER_PROVISIONING")
    for setting, row in rows.items():
        value = held_zoom
        for key in setting.split("."):
            value = value[key]
        assert row["current"] == value

    markdown = (report_dir / "drift-report.md").read_text()
    assert "## Zoom (%s): changed" % ZOOM in markdown
    assert '| `update.profile.status` | "ENABLED" | "DISABLED" | **no** |' in markdown
    assert "### INBOUND_PROVISIONING: changed" in markdown


def test_a_converged_org_shows_changed_0_in_check_mode_and_a_real_run_with_the_report_written(emu, tmp_path):
    """The drift report is output, not a change to Okta: its tasks never count as changed nor print a diff."""
    variables = role_vars(APPS, app_provisioning_report_path=str(tmp_path))
    first = role_play(emu, variables)
    assert first.rc == 0, first.stdout
    for check in (True, False):
        for name in ("drift-report.json", "drift-report.md"):
            (tmp_path / name).unlink()
        emu.admin("DELETE", "/_admin/requests")
        started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        run = role_play(emu, variables, check=check, diff=True)
        assert run.rc == 0, run.stdout
        assert puts(emu) == []
        recap = re.findall(r"^localhost\s*:\s*ok=\d+\s+changed=(\d+)", run.stdout, re.M)
        assert recap == ["0"], run.stdout
        assert changed_tasks(run) == []
        assert "drift-report" not in run.stdout, "the report tasks print no diff"
        report = json.loads((tmp_path / "drift-report.json").read_text())
        assert list(report)[:3] == ["generated_at", "org_url", "mode"]
        assert report["mode"] == ("check" if check else "apply") and report["check_mode"] is check
        assert report["org_url"] == emu.url
        made = datetime.datetime.strptime(report["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        assert started <= made <= datetime.datetime.now(datetime.timezone.utc)
        assert report["summary"]["unchanged"] == 3
        markdown = (tmp_path / "drift-report.md").read_text()
        assert "Made %s (UTC) for %s, in %s mode." % (report["generated_at"], emu.url, report["mode"]) in markdown


def test_a_bad_app_in_the_middle_is_reported_while_the_others_converge(emu, tmp_path):
    apps = [{"app_id": SLACK}, {"app_id": LEGACY_WIKI}, {"app_label": "No Such App"}, {"app_label": "Zoom"}]
    run = role_play(emu, role_vars(apps, app_provisioning_report_path=str(tmp_path)))
    assert run.rc != 0
    assert sorted(puts(emu)) == [(SLACK, "USER_PROVISIONING"), (ZOOM, "USER_PROVISIONING")]
    assert held(emu, SLACK, "USER_PROVISIONING")["update"]["profile"]["status"] == "ENABLED"
    assert held(emu, ZOOM, "USER_PROVISIONING")["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    assert summary(run)["summary"] == {"apps": 4, "changed": 2, "unchanged": 0, "failed": 2, "unsupported": 0, "consent_required": 0}
    failure = result_of(run, "Fail for the apps that failed")
    assert failure["status"] == "failed"
    msg = failure["result"]["msg"]
    assert "2 of 4 apps failed" in msg
    assert "[%s]" % LEGACY_WIKI in msg and "provisioning is not enabled" in msg
    assert "[No Such App]" in msg and "No app has the label 'No Such App'" in msg
    report = json.loads((tmp_path / "drift-report.json").read_text())
    assert [app["status"] for app in report["apps"]] == ["changed", "failed", "failed", "changed"]
    assert report["apps"][1]["features"][0]["status"] == "failed"


def test_argument_specs_reject_a_misspelt_enum_before_any_request(emu):
    apps = [{"app_id": SLACK, "user_provisioning": {"update": {"profile": {"status": "ENABLD"}}}}]
    run = role_play(emu, role_vars(apps))
    assert run.rc != 0
    assert emu.requests() == []
    assert "ENABLD" in run.stdout and "app_provisioning_apps" in run.stdout
    assert "Validating arguments against arg spec" in run.stdout


def test_argument_specs_reject_app_id_and_app_label_together(emu):
    run = role_play(emu, role_vars([{"app_id": SLACK, "app_label": "Slack"}]))
    assert run.rc != 0 and emu.requests() == []
    assert "mutually exclusive" in run.stdout


def test_a_misspelt_role_variable_fails_before_any_request(emu):
    run = role_play(emu, role_vars(APPS, app_provisioning_report_pth="/tmp/nowhere"))
    assert run.rc != 0 and emu.requests() == []
    assert "unknown role variable(s) app_provisioning_report_pth" in run.stdout


def test_credentials_from_the_environment_only_and_never_printed(emu):
    env = {"OKTA_ORG_URL": emu.url, "OKTA_API_TOKEN": MANAGE_TOKEN}
    run = run_playbook(emu, [], token=None, extra_env=env, verbosity=3, play_extra={
        "module_defaults": {}, "roles": [ROLE],
        "vars": dict(role_vars(APPS[:1]), app_provisioning_ca_path=emu.ca_file)})
    assert run.rc == 0, run.stdout
    assert puts(emu) == [(SLACK, "USER_PROVISIONING")]
    assert {r["auth_scheme"] for r in emu.requests()} == {"SSWS"}
    assert MANAGE_TOKEN not in run.everything()
    # app_provisioning_no_log defaults to true: the task holding the connection settings prints nothing.
    assert "censored" in json.dumps(result_of(run, "Resolve the connection settings once")["result"])


def test_no_log_toggle_can_be_turned_off_for_debugging(emu):
    shown = role_play(emu, role_vars(APPS[:1], app_provisioning_no_log=False))
    assert shown.rc == 0, shown.stdout
    resolved = result_of(shown, "Resolve the connection settings once")["result"]
    assert resolved["ansible_facts"]["app_provisioning__okta"]["org_url"] == emu.url


# ---------------------------------------------------------------------------------------------------
# The role's argument spec and the module's capabilities option describe the same settings
# ---------------------------------------------------------------------------------------------------

def _shape(options):
    """name -> (type, choices, nested shape) of an argument spec's options (aliases left out: the role takes
    snake_case names only, so the baseline and the apps merge on the same keys)."""
    return dict((name, (spec.get("type", "str"), sorted(spec.get("choices") or []),
                        _shape(spec.get("options") or {})))
                for name, spec in options.items())


def test_role_argument_spec_mirrors_the_module_capabilities():
    sys.path.insert(0, COLLECTIONS_PATH)
    from ansible_collections.oktaops.okta.plugins.module_utils._features import (
        FEATURE_BLOCKS,
        capabilities_argument_spec,
    )
    from ansible_collections.oktaops.okta.plugins.module_utils._role import ROLE_FEATURES
    with open(os.path.join(ROLE_DIR, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    module = _shape(capabilities_argument_spec()["capabilities"]["options"])
    features = dict(ROLE_FEATURES)
    app_options = options["app_provisioning_apps"]["options"]
    baseline_options = options["app_provisioning_baseline"]["options"]
    assert sorted(features.values()) == sorted(FEATURE_BLOCKS)
    for key, feature in features.items():
        wanted = dict((block, module[block]) for block in FEATURE_BLOCKS[feature])
        assert _shape(app_options[key]["options"]) == wanted, key
        assert _shape(baseline_options[key]["options"]) == wanted, key
    assert sorted(app_options["features"]["choices"]) == sorted(FEATURE_BLOCKS)


def test_every_role_variable_is_documented_and_known():
    with open(os.path.join(ROLE_DIR, "meta", "argument_specs.yml")) as handle:
        # every entry point's options: main, and export (tasks_from: export)
        documented = set(name for entry in yaml.safe_load(handle)["argument_specs"].values() for name in entry["options"])
    with open(os.path.join(ROLE_DIR, "vars", "main.yml")) as handle:
        known = set(yaml.safe_load(handle)["app_provisioning__known_variables"])
    with open(os.path.join(ROLE_DIR, "defaults", "main.yml")) as handle:
        defaults = set(yaml.safe_load(handle))
    assert defaults <= documented
    assert documented <= known
    assert known - documented == {"app_provisioning_result", "app_provisioning_app"}


def test_connection_is_enabled_before_the_features(emu, tmp_path):
    """Legacy Wiki's provisioning connection is disabled: check mode says it would enable it (and sends no
    write), a real run enables it before applying the features, and a second run changes nothing."""
    apps = [{"app_id": SLACK}, {"app_id": LEGACY_WIKI}]
    variables = role_vars(apps, app_provisioning_connection={"state": "enabled"},
                          app_provisioning_report_path=str(tmp_path))
    assert emu.state()["apps"][LEGACY_WIKI]["connection"]["status"] == "DISABLED"

    audit = role_play(emu, variables, check=True)
    assert audit.rc == 0, audit.stdout
    assert [r["method"] for r in emu.requests()].count("GET") == len(emu.requests())  # reads only
    assert emu.state()["apps"][LEGACY_WIKI]["connection"]["status"] == "DISABLED"
    wiki = [a for a in summary(audit)["apps"] if a["app_id"] == LEGACY_WIKI][0]
    assert wiki["status"] == "changed"
    connection = [f for f in wiki["features"] if f["feature"] == "PROVISIONING_CONNECTION"][0]
    assert {"setting": "status", "current": "DISABLED", "desired": "ENABLED", "in_sync": False} in connection["settings"]
    assert "PROVISIONING_CONNECTION" in (tmp_path / "drift-report.md").read_text()
    emu.admin("DELETE", "/_admin/requests")

    real = role_play(emu, variables)
    assert real.rc == 0, real.stdout
    log = [(r["method"], r["path"]) for r in emu.requests()]
    activate = log.index(("POST", "/api/v1/apps/%s/connections/default/lifecycle/activate" % LEGACY_WIKI))
    put = log.index(("PUT", "/api/v1/apps/%s/features/USER_PROVISIONING" % LEGACY_WIKI))
    assert activate < put
    assert emu.state()["apps"][LEGACY_WIKI]["connection"]["status"] == "ENABLED"
    assert held(emu, LEGACY_WIKI, "USER_PROVISIONING")["create"]["lifecycleCreate"]["status"] == "ENABLED"

    again = role_play(emu, variables)
    assert again.rc == 0 and summary(again)["summary"]["changed"] == 0, again.stdout


O365_USER = "o365-admin@role-test.example"
O365_PASSWORD = "O365-r0le-Pa55word-4d1f"


def test_a_consent_app_is_consent_required_not_failed_and_the_reports_carry_its_url(emu, tmp_path):
    """Slack's connection, never set up, waits for an administrator's consent once its profile is written; Office
    365's is set up with its administrator's credentials in the same write. Both are reported as consent_required
    with the URL to consent at, the other app converges, the run does not fail, and no credential is printed."""
    def new_app(name, label):
        return emu.admin("POST", "/_admin/apps", json={"label": label, "name": name, "provisioning": False})[0]["id"]

    slack_eu, office = new_app("slack", "Slack EU"), new_app("office365", "Office 365 EU")
    apps = [{"app_id": slack_eu, "connection": {"state": "enabled", "profile": {"auth_scheme": "OAUTH2"}}},
            {"app_id": office, "connection": {"state": "enabled", "profile": {
                "auth_scheme": "OAUTH2", "settings": {"admin_username": O365_USER, "admin_password": O365_PASSWORD}}}},
            {"app_id": SLACK}]
    run = role_play(emu, role_vars(apps, app_provisioning_report_path=str(tmp_path)), verbosity=3)
    assert run.rc == 0, run.everything()
    got = summary(run)
    assert got["summary"] == {"apps": 3, "changed": 1, "unchanged": 0, "failed": 0, "unsupported": 0,
                              "consent_required": 2}
    by_id = dict((app["app_id"], app) for app in got["apps"])
    for app_id in (slack_eu, office):
        assert by_id[app_id]["status"] == "consent_required"
        assert by_id[app_id]["authorize_url"].startswith("https://"), by_id[app_id]
        # the profile was written, the connection stays off and the features were not touched
        assert emu.state()["apps"][app_id]["connection"]["status"] == "DISABLED"
    assert by_id[SLACK]["status"] == "changed" and "authorize_url" not in by_id[SLACK]
    assert sorted(puts(emu)) == [(SLACK, "USER_PROVISIONING")]
    # Office 365's administrator reached Okta in the one write of its profile, and is printed nowhere
    posts = [r for r in emu.requests() if r["method"] == "POST" and office in r["path"]]
    assert len(posts) == 1 and posts[0]["path"].endswith("/connections/default")
    report_json = json.loads((tmp_path / "drift-report.json").read_text())
    report_md = (tmp_path / "drift-report.md").read_text()
    for app_id in (slack_eu, office):
        url = by_id[app_id]["authorize_url"]
        assert [a["authorize_url"] for a in report_json["apps"] if a["app_id"] == app_id] == [url]
        assert url in report_md
    text = run.everything() + report_md + json.dumps(report_json)
    assert O365_PASSWORD not in text and O365_USER not in text
