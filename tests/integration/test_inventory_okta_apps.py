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

from conftest import CALLBACKS, COLLECTIONS_PATH, MANAGE_TOKEN, READONLY_TOKEN

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


AUDIT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "docs", "examples", "okta_apps_audit")
REJECTED = "Cannot list the org's apps: Okta rejected the credentials (401 E0000011: Invalid token provided)."
WRONG_TOKEN = "wrong-token-x"


def audit(emu, token, config=None, cwd=None, extra=()):
    """docs/examples/okta_apps_audit/audit.yml over its inventory, as the guide runs it (credentials injected)."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("OKTA_", "ANSIBLE_")) and k != "REQUESTS_CA_BUNDLE")
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_CONFIG": config or os.path.join(AUDIT_DIR, "ansible.cfg"),
                "OKTA_ORG_URL": emu.url, "OKTA_API_TOKEN": token, "REQUESTS_CA_BUNDLE": emu.ca_file})
    return subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(AUDIT_DIR, "org.okta_apps.yml"),
                           *extra, os.path.join(AUDIT_DIR, "audit.yml")], env=env, capture_output=True, text=True,
                          timeout=600, check=False, cwd=cwd)


def test_a_wrong_token_fails_ansible_inventory_with_the_documented_settings(emu, tmp_path):
    path = inventory_file(emu, tmp_path, api_token=WRONG_TOKEN)
    static = tmp_path / "static.ini"
    static.write_text("[web]\nweb1 ansible_connection=local\n")
    # Ansible's default: a warning and an empty inventory, exit 0. This is why the guide documents the settings.
    quiet = ansible_inventory(path, "--graph", env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "0"})
    assert quiet.returncode == 0 and "@ungrouped" in quiet.stdout
    assert REJECTED in flat(quiet.stderr)
    # unparsed_is_failed: fails when no source at all could be read...
    only = ansible_inventory(path, "--graph", env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1",
                                                   "ANSIBLE_INVENTORY_ENABLED": "oktaops.okta.okta_apps"})
    assert only.returncode != 0 and REJECTED in flat(only.stderr), only.stderr
    # ...but not when another source could: any_unparsed_is_failed does.
    both = ["--graph", "-i", str(static)]
    mixed = ansible_inventory(path, *both, env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    assert mixed.returncode == 0
    strict = ansible_inventory(path, *both, env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1",
                                                 "ANSIBLE_INVENTORY_ENABLED": "oktaops.okta.okta_apps,ini"})
    assert strict.returncode != 0 and REJECTED in flat(strict.stderr), strict.stderr
    # with enable_plugins, the plugin's failure is the only one shown, not the yaml and ini parsers' own
    # (ansible-core 2.18 and later print those parsers' reasons among the warnings; 2.16 and 2.17 only list them)
    assert "Plugin configuration YAML file" not in strict.stderr
    for proc in (quiet, only, mixed, strict):
        assert WRONG_TOKEN not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert all(r["path"] == "/api/v1/apps" and r["status"] == 401 for r in api_requests(emu))


def test_the_documented_audit_fails_on_a_wrong_token_and_on_an_empty_inventory(emu, tmp_path):
    emu.admin("DELETE", "/_admin/requests")
    # As documented: the example's ansible.cfg makes the unreadable inventory fail the run before any play.
    failed = audit(emu, WRONG_TOKEN)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert REJECTED in flat(failed.stderr) and "PLAY [" not in failed.stdout
    # Without those settings, the audit's first play still fails, and says why.
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    unset = audit(emu, WRONG_TOKEN, config=str(tmp_path / "ansible.cfg"))
    assert unset.returncode == 2, unset.stdout + unset.stderr
    said = flat(unset.stdout + unset.stderr)
    assert "The okta_apps inventory is empty or could not be read, so no app was audited." in said
    assert REJECTED in flat(unset.stderr)
    for proc in (failed, unset):
        assert WRONG_TOKEN not in proc.stdout + proc.stderr
    sent = api_requests(emu)
    assert len(sent) == 2 and all(r["method"] == "GET" and r["status"] == 401 for r in sent)


def test_the_documented_audit_reads_only_and_runs_in_the_playbook_python(emu, tmp_path):
    held = emu.state()["apps"]
    active = sorted(i for i, a in held.items() if a["status"] == "ACTIVE")
    with_user = sorted(i for i in active if held[i]["provisioning"] and "USER_PROVISIONING" in held[i]["features"])
    assert with_user
    emu.admin("DELETE", "/_admin/requests")
    # No ANSIBLE_PYTHON_INTERPRETER: the hosts get the Python that runs ansible-playbook (which has requests),
    # not whatever interpreter discovery finds.
    proc = audit(emu, READONLY_TOKEN, extra=("--diff",))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Module result deserialization failed" not in proc.stdout + proc.stderr
    assert "{0} apps to audit.".format(len(active)) in proc.stdout
    sent = api_requests(emu)
    assert all(r["method"] == "GET" for r in sent)
    # the list, one features read per app (with_provisioning), and one read by each audited feature task
    assert len(sent) == 1 + len(active) + len(with_user), [r["path"] for r in sent]
    assert flat(proc.stdout).count("changed: [") + flat(proc.stdout).count("ok: [") == len(with_user) + 1
    assert emu.state()["apps"] == held


def test_local_hosts_interpreter_and_what_overrides_it(emu, tmp_path):
    """The plugin's default interpreter is a variable of the group okta_apps; group_vars and host_vars files
    beside the inventory, compose, and the python_interpreter option each win over it."""
    other = tmp_path / "other-python"
    other.symlink_to(sys.executable)
    compose = {"ansible_python_interpreter": "'{0}' if okta_app_label == 'Zoom' else omit".format(other)}
    path = inventory_file(emu, tmp_path, q="Z", compose=compose)  # Zoom and Zscaler
    play = [{"name": "Interpreters", "hosts": "okta_apps", "gather_facts": False,
             "tasks": [{"name": "The Python that runs the modules",
                        "ansible.builtin.setup": {"gather_subset": ["!all", "!min", "python"]}},
                       {"name": "Show it", "ansible.builtin.debug": {
                           "msg": "{{ inventory_hostname }} RAN {{ ansible_facts.python.executable }}"}}]}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("OKTA_", "ANSIBLE_")))
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "ANSIBLE_NOCOLOR": "1"})

    def ran():
        proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", path, str(tmp_path / "play.yml")],
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return dict(line.split('"msg": "', 1)[1].rstrip('"').split(" RAN ") for line in proc.stdout.splitlines()
                    if " RAN " in line and '"msg"' in line)

    first = ran()
    assert first["Zoom"] == str(other)
    # ansible_playbook_python: the interpreter of ansible-playbook (this one, maybe through another symlink)
    assert first["Zscaler"] != str(other) and os.path.realpath(first["Zscaler"]) == os.path.realpath(sys.executable)
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "okta_apps.yml").write_text("ansible_python_interpreter: {0}\n".format(other))
    assert ran() == {"Zoom": str(other), "Zscaler": str(other)}
    (tmp_path / "group_vars" / "okta_apps.yml").unlink()
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "Zscaler.yml").write_text("ansible_python_interpreter: {0}\n".format(other))
    assert ran() == {"Zoom": str(other), "Zscaler": str(other)}
    (tmp_path / "host_vars" / "Zscaler.yml").unlink()
    path = inventory_file(emu, tmp_path, q="Z", python_interpreter=str(other))
    assert ran() == {"Zoom": str(other), "Zscaler": str(other)}


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
