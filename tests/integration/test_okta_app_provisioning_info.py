# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_app_provisioning_info through ansible-playbook against the emulator: the requests it makes (on the request
log), and the round trip: its options given back to okta_app_provisioning change nothing and write nothing."""

from conftest import LEGACY_WIKI, MANAGE_TOKEN, ORG2ORG, SLACK, run_playbook

ZSCALER = "0oa4zscR7mN1xKd2B5d7"
GITHUB = "0oagheQ7pX2mK9vB45d7"
JENKINS = "0oajenQ7pX2mK9vB45d7"
BOX = "0oaboxQ7pX2mK9vB45d7"
APPS = [SLACK, ZSCALER, ORG2ORG, GITHUB, LEGACY_WIKI, JENKINS, BOX]


def read(emu, app_ids):
    tasks = [{"name": "read", "oktaops.okta.okta_app_provisioning_info": {"app_id": app_id}} for app_id in app_ids]
    run = run_playbook(emu, tasks, check=True)
    assert run.rc == 0, run.stdout
    return [run[index] for index in range(len(app_ids))]


def test_requests_two_for_an_enabled_connection_one_otherwise(emu):
    emu.admin("DELETE", "/_admin/requests")
    results = read(emu, APPS)
    log = emu.requests()
    assert {entry["method"] for entry in log} == {"GET"}
    state = emu.state()["apps"]
    for app_id, result in zip(APPS, results):
        paths = [entry["path"] for entry in log if entry["path"].split("/")[4] == app_id]
        enabled = state[app_id]["connection"]["status"] == "ENABLED"
        wanted = ["/api/v1/apps/%s/connections/default" % app_id]
        if enabled:
            wanted.append("/api/v1/apps/%s/features" % app_id)
        assert paths == wanted, app_id
        assert result["provisioning_enabled"] is enabled
    by_id = dict(zip(APPS, results))
    assert by_id[JENKINS]["provisioning_supported"] is False and by_id[JENKINS]["options"] == {}
    assert by_id[LEGACY_WIKI]["options"] == {"connection": {"state": "disabled", "profile": {
        "auth_scheme": "TOKEN", "base_url": "https://wiki.example.com/scim/v1"}}}
    assert "user_provisioning" in by_id[GITHUB]["options"] and "inbound_provisioning" not in by_id[GITHUB]["options"]
    assert by_id[ORG2ORG]["options"]["connection"]["profile"]["signing"] == {"rotation_mode": "AUTO"}


def test_the_options_given_back_change_nothing(emu):
    # vary one app first, so the round trip is not only of seeded defaults
    varied = run_playbook(emu, [{"name": "vary", "oktaops.okta.okta_app_provisioning": {"app_id": BOX, "inbound_provisioning": {
        "import_settings": {"schedule": {"status": "ENABLED", "full_import": {"expression": "0 2 * * *",
                                                                              "timezone": "Europe/Berlin"}}}}}}])
    assert varied.rc == 0, varied.stdout
    results = read(emu, APPS)
    before = emu.state()["apps"]
    tasks = [{"name": "apply %s" % result["app_id"],
              "oktaops.okta.okta_app_provisioning": dict(app_id=result["app_id"], **result["options"])}
             for result in results if result["provisioning_supported"]]
    assert len(tasks) == len(APPS) - 1
    emu.admin("DELETE", "/_admin/requests")
    for check in (True, False):
        run = run_playbook(emu, tasks, check=check, diff=True)
        assert run.rc == 0, run.stdout
        assert [run.status(index) for index in range(len(tasks))] == ["ok"] * len(tasks)
        assert all(run[index]["changed_settings"] == [] for index in range(len(tasks)))
    assert {entry["method"] for entry in emu.requests()} == {"GET"}, "no write"
    assert emu.state()["apps"] == before
    assert MANAGE_TOKEN not in run.everything()
