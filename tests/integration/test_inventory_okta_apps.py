# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The okta_apps inventory plugin through the real ansible-inventory and ansible-playbook, against the emulator."""

import json
import math
import os
import subprocess
import sys

import yaml

from conftest import CALLBACKS, COLLECTIONS_PATH, MANAGE_TOKEN

BIN = os.path.dirname(sys.executable)
OIDC_SECRET = "oidcINVENTORYsecret4never5leaks6x7y8z9"
EVIL = "{{ lookup('pipe', 'id') }}"


def inventory_file(emu, tmp_path, name="test.okta_apps.yml", **options):
    config = {"plugin": "oktaops.okta.okta_apps", "org_url": emu.url, "api_token": MANAGE_TOKEN,
              "ca_path": emu.ca_file}
    config.update(options)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config))
    return str(path)


def ansible_inventory(path, *args, env=None):
    full_env = dict((k, v) for k, v in os.environ.items() if not k.startswith("OKTA_"))
    full_env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "ANSIBLE_NOCOLOR": "1",
                     "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    full_env.update(env or {})
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", path] + list(args or ["--list"]),
                          env=full_env, capture_output=True, text=True, timeout=300, check=False)
    return proc


def flat(text):
    """Text with its line breaks and runs of spaces made single spaces: ansible-core 2.16 wraps warnings."""
    return " ".join(text.split())


def listed(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json_of(proc.stdout)


def json_of(stdout):
    """The JSON document ansible-inventory printed (at -vvvv, after its version and config lines)."""
    return json.loads(stdout if stdout.startswith("{") else stdout[stdout.index("\n{") + 1:])


def plain(value):
    """ansible-inventory --list of ansible-core 2.19 writes untrusted strings as {"__ansible_unsafe": ...}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def api_requests(emu):
    return [r for r in emu.requests() if r["path"].startswith("/api/v1/")]


def test_pages_hosts_provisioning_and_cache(emu, tmp_path):
    emu.admin("POST", "/_admin/apps/generate", {"count": 420, "seed": 11, "prefix": "Gen"})
    held = emu.state()["apps"]
    active = sorted(i for i, a in held.items() if a["status"] == "ACTIVE")
    assert len(active) > 400
    emu.admin("DELETE", "/_admin/requests")

    data = listed(ansible_inventory(inventory_file(emu, tmp_path)))
    hostvars = plain(data["_meta"]["hostvars"])
    assert sorted(v["okta_app_id"] for v in hostvars.values()) == active
    assert sorted(data["okta_apps"]["hosts"]) == sorted(hostvars)
    sent = api_requests(emu)
    assert len(sent) == math.ceil(len(active) / 200) == 3
    assert all(r["path"] == "/api/v1/apps" and r["query"]["limit"] == "200" for r in sent)
    assert all(v["ansible_connection"] == "local" for v in hostvars.values())

    # with_provisioning: exactly one features request per app, and apps without provisioning are not errors
    emu.admin("DELETE", "/_admin/requests")
    cache_dir = tmp_path / "cache"
    path = inventory_file(emu, tmp_path, with_provisioning=True, strict=True, cache=True,
                          cache_plugin="ansible.builtin.jsonfile", cache_connection=str(cache_dir), cache_timeout=600)
    proc = ansible_inventory(path)
    hostvars = plain(listed(proc)["_meta"]["hostvars"])
    sent = api_requests(emu)
    features = sorted(r["path"].split("/")[4] for r in sent if r["path"].endswith("/features"))
    assert features == active
    assert len(sent) == 3 + len(active)
    by_id = dict((v["okta_app_id"], v) for v in hostvars.values())
    for app_id in active:
        app = held[app_id]
        assert by_id[app_id]["okta_provisioning_enabled"] is bool(app["provisioning"]), app
        if app["provisioning"]:
            assert set(by_id[app_id]["okta_features"]) == set(app["features"])
    assert any(v["okta_provisioning_supported"] is False for v in by_id.values())
    assert "WARNING" not in proc.stderr or "Failed to parse" not in flat(proc.stderr)

    # cached: a second run within cache_timeout makes no request at all
    emu.admin("DELETE", "/_admin/requests")
    again = plain(listed(ansible_inventory(path))["_meta"]["hostvars"])
    assert again == hostvars
    assert emu.requests() == []
    stored = "".join(p.read_text() for p in cache_dir.iterdir())
    assert MANAGE_TOKEN not in stored and active[0] in stored


def test_unsafe_labels_duplicates_and_secrets(emu, tmp_path):
    added = emu.admin("POST", "/_admin/apps", [
        {"label": EVIL, "name": "evil"},
        {"label": "Secret Portal", "signOnMode": "OPENID_CONNECT", "client_secret": OIDC_SECRET},
    ])
    evil_id, portal_id = added[0]["id"], added[1]["id"]
    path = inventory_file(emu, tmp_path, keyed_groups=[{"key": "okta_app_name", "prefix": "okta_name"}],
                          compose={"label_copy": "okta_app_label"})
    proc = ansible_inventory(path, "--list", "-vvvv")
    data = listed(proc)
    hostvars = plain(data["_meta"]["hostvars"])
    evil = hostvars["___lookup__pipe____id_____"]
    assert evil["okta_app_label"] == EVIL and evil["label_copy"] == EVIL and evil["okta_app_id"] == evil_id
    assert "uid=" not in proc.stdout + proc.stderr
    # duplicate labels ("Analytics" twice in the seed): each host is named by its id, one warning says so
    analytics = sorted(name for name, v in hostvars.items() if v["okta_app_label"] == "Analytics")
    assert analytics == sorted(v["okta_app_id"] for v in hostvars.values() if v["okta_app_label"] == "Analytics")
    assert len(analytics) == 2 and flat(proc.stderr).count("named by its id") == 1
    assert "okta_name_okta_org2org" in data
    graph = ansible_inventory(path, "--graph", "-vvvv")
    host = ansible_inventory(path, "--host", "Secret_Portal", "-vvvv")
    assert plain(json_of(host.stdout))["okta_app_id"] == portal_id
    for output in (proc.stdout + proc.stderr, graph.stdout + graph.stderr, host.stdout + host.stderr):
        assert OIDC_SECRET not in output and MANAGE_TOKEN not in output


def test_a_playbook_on_the_inventory_hosts(emu, tmp_path):
    path = inventory_file(emu, tmp_path, filter='name eq "okta_org2org"',
                          keyed_groups=[{"key": "okta_app_name", "prefix": "okta_name"}])
    held = emu.state()["apps"]
    org2org = sorted(i for i, a in held.items() if a["name"] == "okta_org2org" and a["status"] == "ACTIVE")
    assert len(org2org) == 3
    play = [{"name": "Provisioning on every Org2Org app", "hosts": "okta_name_okta_org2org", "gather_facts": False,
             "module_defaults": {"group/oktaops.okta.okta": {"org_url": emu.url, "api_token": MANAGE_TOKEN,
                                                             "ca_path": emu.ca_file}},
             "tasks": [{"name": "Deactivate accounts when users leave",
                        "oktaops.okta.okta_app_feature": {
                            "app_id": "{{ okta_app_id }}", "feature": "USER_PROVISIONING",
                            "capabilities": {"update": {"lifecycle_deactivate": {"status": "ENABLED"}}}}}]}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    results_file = tmp_path / "results.jsonl"
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("OKTA_"))
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "record_results",
                "OKTAOPS_RESULTS_FILE": str(results_file), "ANSIBLE_PYTHON_INTERPRETER": sys.executable})
    result = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", path, "--forks", "3",
                             str(tmp_path / "play.yml")], env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    result.results = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()]
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(r["result"].get("app_id") for r in result.results) == org2org
    held = emu.state()["apps"]
    for app_id in org2org:
        caps = held[app_id]["features"]["USER_PROVISIONING"]["capabilities"]
        assert caps["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    puts = sorted(r["path"].split("/")[4] for r in emu.requests() if r["method"] == "PUT")
    assert puts == org2org


def test_bad_settings_fail_clearly(emu, tmp_path):
    proc = ansible_inventory(inventory_file(emu, tmp_path, hostnames=["status"]))
    assert proc.returncode != 0 and "hostnames may hold only label, id, name" in flat(proc.stderr)
    proc = ansible_inventory(inventory_file(emu, tmp_path, api_token="wrong-token-x"))
    assert proc.returncode != 0 and "rejected the credentials" in flat(proc.stderr)
    assert "wrong-token-x" not in proc.stdout + proc.stderr
    emu.admin("DELETE", "/_admin/requests")
    proc = ansible_inventory(inventory_file(emu, tmp_path, filter='name eq "x" and status eq "ACTIVE"'))
    assert proc.returncode != 0
    assert ("Cannot list the org's apps: Okta rejected the app filter 'name eq \"x\" and status eq \"ACTIVE\"' "
            "(400 E0000031: Invalid search criteria). Okta accepts one expression with the operator eq on id, name, "
            "status, credentials.signing.kid or settings.slo.enabled") in flat(proc.stderr), proc.stderr
    assert "(use q for that)" in flat(proc.stderr)
    sent = [(r["query"]["filter"], r["status"]) for r in emu.requests()]
    assert sent == [('name eq "x" and status eq "ACTIVE"', 400)]
    assert "Traceback" not in proc.stderr


def test_a_filter_is_sent_as_it_is_and_inactive_apps_make_no_host(emu, tmp_path):
    old = emu.admin("POST", "/_admin/apps", {"label": "Old Org2Org", "name": "okta_org2org", "status": "INACTIVE"})
    held = emu.state()["apps"]
    matched = sorted(i for i, a in held.items() if a["name"] == "okta_org2org")
    active = sorted(i for i in matched if held[i]["status"] == "ACTIVE")
    assert old[0]["id"] in matched and old[0]["id"] not in active and len(active) == 3
    for include_inactive, expected in ((False, active), (True, matched)):
        emu.admin("DELETE", "/_admin/requests")
        path = inventory_file(emu, tmp_path, filter='name eq "okta_org2org"', include_inactive=include_inactive,
                              with_provisioning=True, hostnames=["id"])
        data = listed(ansible_inventory(path))
        assert sorted(data["okta_apps"]["hosts"]) == expected
        log = emu.requests()
        assert [r["query"] for r in log if r["path"] == "/api/v1/apps"] == [
            {"limit": "200", "filter": 'name eq "okta_org2org"'}]
        features = sorted(r["path"].split("/")[4] for r in log if r["path"].endswith("/features"))
        assert features == expected, "no features read for an app that makes no host"
