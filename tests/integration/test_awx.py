# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX / Tower support: the credential type, an ansible-runner job against the emulator, ansible-builder."""

import os
import re
import shutil
import subprocess
import sys

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
import pytest
import yaml

from conftest import COLLECTIONS_PATH, MANAGE_TOKEN, REPO_ROOT, SLACK

CREDENTIAL_TYPE = os.path.join(REPO_ROOT, "awx", "credential_type_okta.yml")
BIN = os.path.dirname(sys.executable)


def load_credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def variables_the_modules_read():
    """Every environment variable the modules read, from the names _settings.py itself uses."""
    sys.path.insert(0, COLLECTIONS_PATH)
    from ansible_collections.oktaops.okta.plugins.module_utils import _settings

    names = set(_settings.ORG_URL_ENV)
    names.update(variable for _option, variable in _settings.TOKEN_ENV)
    for family in _settings.OAUTH_ENV:
        for value in family.values():
            names.update([value] if isinstance(value, str) else value)
    return names


def inject(credential_type, inputs):
    """The environment AWX gives a job for a credential of this type: each env injector rendered with Jinja2."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    values = dict((field["id"], "") for field in credential_type["inputs"]["fields"])
    values.update(inputs)
    return dict((name, env.from_string(template).render(**values))
                for name, template in credential_type["injectors"]["env"].items())


# ---------------------------------------------------------------------------------------------------
# The credential type
# ---------------------------------------------------------------------------------------------------

def test_every_injected_variable_is_one_the_modules_read():
    injected = set(load_credential_type()["injectors"]["env"])
    read = variables_the_modules_read()
    assert injected, "the credential type injects nothing"
    assert injected <= read, "injected but never read by the modules: %s" % sorted(injected - read)
    assert "OKTA_ORG_URL" in injected and "OKTA_API_TOKEN" in injected


def test_credential_type_inputs_and_injectors_agree():
    credential_type = load_credential_type()
    fields = dict((field["id"], field) for field in credential_type["inputs"]["fields"])
    assert set(credential_type["inputs"]["required"]) <= set(fields)
    used = set()
    for template in credential_type["injectors"]["env"].values():
        used.update(re.findall(r"{{\s*(\w+)\s*}}", template))
    assert used == set(fields), "every input is injected and every injector uses a declared input"
    for field in fields.values():
        assert field["type"] == "string" and field.get("label")
    secrets = set(name for name, field in fields.items() if field.get("secret"))
    assert secrets == {"api_token", "private_key"}
    # Nothing else the credential holds is secret: every secret input is also marked no_log in the modules.
    sys.path.insert(0, COLLECTIONS_PATH)
    from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import okta_argument_spec
    spec = okta_argument_spec()
    for name in secrets:
        assert spec[name].get("no_log") is True, name


# ---------------------------------------------------------------------------------------------------
# A job through ansible-runner (the engine AWX jobs run on), credentials only in the injected environment
# ---------------------------------------------------------------------------------------------------

JOB_PLAYBOOK = """\
- name: Provisioning baseline (an AWX job template)
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Deactivate Slack accounts when users leave
      oktaops.okta.okta_app_feature:
        app_id: {app_id}
        feature: USER_PROVISIONING
        capabilities:
          update:
            lifecycle_deactivate:
              status: ENABLED
""".format(app_id=SLACK)


def run_job(private_data_dir, env):
    import ansible_runner

    return ansible_runner.run(private_data_dir=private_data_dir, playbook="site.yml", envvars=env, quiet=True,
                              inventory="localhost ansible_connection=local ansible_python_interpreter=%s"
                                        % sys.executable)


def test_an_ansible_runner_job_with_injected_credentials(emu, tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("OKTA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "site.yml").write_text(JOB_PLAYBOOK)
    env = inject(load_credential_type(), {"org_url": emu.url, "api_token": MANAGE_TOKEN})
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH,
        # The execution environment's trust store; not a credential.
        "REQUESTS_CA_BUNDLE": emu.ca_file,
        "ANSIBLE_NOCOLOR": "1",
    })
    assert MANAGE_TOKEN not in JOB_PLAYBOOK and emu.url not in JOB_PLAYBOOK

    first = run_job(str(tmp_path), env)
    assert first.status == "successful", first.stdout.read()
    assert first.stats["changed"] == {"localhost": 1}
    ok = [event for event in first.events if event["event"] == "runner_on_ok"]
    assert [event["event_data"]["res"]["changed"] for event in ok] == [True]
    assert [(r["method"], r["auth_scheme"]) for r in emu.requests()] == [("GET", "SSWS"), ("PUT", "SSWS")]
    held = emu.state()["apps"][SLACK]["features"]["USER_PROVISIONING"]["capabilities"]
    assert held["update"]["lifecycleDeactivate"]["status"] == "ENABLED"

    second = run_job(str(tmp_path), env)
    assert second.status == "successful", second.stdout.read()
    assert second.stats["changed"] == {}
    ok = [event for event in second.events if event["event"] == "runner_on_ok"]
    assert [event["event_data"]["res"]["changed"] for event in ok] == [False]
    assert [r["method"] for r in emu.requests()] == ["GET", "PUT", "GET"]

    # The job's output (every event and the stdout AWX shows) never holds the token. Runner's own copy of the
    # job's environment (artifacts/<id>/command and env/) is not job output.
    for run in (first, second):
        assert MANAGE_TOKEN not in run.stdout.read()
        for event in run.events:
            assert MANAGE_TOKEN not in repr(event)


# ---------------------------------------------------------------------------------------------------
# An inventory source "Sourced from a Project": ansible-inventory with only the injected environment
# ---------------------------------------------------------------------------------------------------

def test_an_inventory_source_with_injected_credentials(emu, tmp_path):
    import json

    # AWX applies a credential type's env injectors to inventory updates, never its extra vars: the file
    # names the plugin and nothing else.
    source = tmp_path / "okta.okta_apps.yml"
    source.write_text("plugin: oktaops.okta.okta_apps\nkeyed_groups:\n  - key: okta_app_name\n    prefix: okta_name\n")
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("OKTA_"))
    env.update(inject(load_credential_type(), {"org_url": emu.url, "api_token": MANAGE_TOKEN}))
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "REQUESTS_CA_BUNDLE": emu.ca_file,
                "ANSIBLE_NOCOLOR": "1", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"], env=env,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert SLACK in json.dumps(data["_meta"]["hostvars"]) and "okta_name_okta_org2org" in data
    active = [app_id for app_id, app in emu.state()["apps"].items() if app["status"] == "ACTIVE"]
    assert len(data["okta_apps"]["hosts"]) == len(active)
    sent = emu.requests()
    assert [(r["path"], r["auth_scheme"]) for r in sent] == [("/api/v1/apps", "SSWS")] * len(sent) and sent
    assert MANAGE_TOKEN not in proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------------------
# Execution environments: ansible-builder
# ---------------------------------------------------------------------------------------------------

def requirement_names(path):
    with open(path) as handle:
        lines = [line.split("#")[0].strip() for line in handle]
    return set(re.split(r"[<>=!~;\[ ]", line)[0].lower() for line in lines if line)


def test_ee_requirements_cover_the_runtime_requirements():
    runtime = requirement_names(os.path.join(REPO_ROOT, "requirements.txt"))
    assert runtime <= requirement_names(os.path.join(REPO_ROOT, "meta", "ee-requirements.txt"))


def test_ansible_builder_introspects_the_collection():
    proc = subprocess.run([os.path.join(BIN, "ansible-builder"), "introspect", "--sanitize", COLLECTIONS_PATH],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(proc.stdout)
    python = "\n".join(data["python"]) if isinstance(data["python"], list) else str(data["python"])
    for name in requirement_names(os.path.join(REPO_ROOT, "meta", "ee-requirements.txt")):
        assert re.search(r"(?im)^%s\b.*# from collection oktaops\.okta" % re.escape(name), python), python


def test_ansible_builder_create(tmp_path):
    # The definition's paths are relative to the collection root: give ansible-builder the file there.
    shutil.copytree(os.path.join(REPO_ROOT, "meta"), str(tmp_path / "meta"))
    shutil.copy(os.path.join(REPO_ROOT, "meta", "execution-environment.yml"), str(tmp_path / "execution-environment.yml"))
    proc = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "--file", "execution-environment.yml",
                           "--context", "context", "--output-filename", "Containerfile"],
                          cwd=str(tmp_path), capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert "FROM" in containerfile
    copied = (context / "_build" / "requirements.txt").read_text()
    assert "requests" in copied and "cryptography" in copied


@pytest.fixture(autouse=True)
def _no_stray_okta_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("OKTA_"):
            monkeypatch.delenv(name)
