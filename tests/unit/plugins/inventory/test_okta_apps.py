# -*- coding: utf-8 -*-
# Copyright (c) oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for the okta_apps inventory plugin, with HTTP mocked by responses."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import yaml

try:  # ansible-core 2.19+: importing controller code flags the whole process as the controller
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None
WAS_CONTROLLER = getattr(module_utils_internal, "is_controller", None)

from ansible.errors import AnsibleError  # noqa: E402  pylint: disable=wrong-import-position
from ansible.inventory.data import InventoryData  # noqa: E402  pylint: disable=wrong-import-position
from ansible.parsing.dataloader import DataLoader  # noqa: E402  pylint: disable=wrong-import-position
from ansible.plugins.loader import init_plugin_loader, inventory_loader  # noqa: E402  pylint: disable=wrong-import-position


def set_controller(value):
    """Module tests that run after these need module warnings collected, not displayed: restore the flag."""
    if module_utils_internal is not None:
        module_utils_internal.is_controller = value


set_controller(WAS_CONTROLLER)

ORG = "https://acme.okta.com"
TOKEN = "tok-INVENTORY-SECRET-1b2c3d"
APPS = ORG + "/api/v1/apps"
SECRET = "oidc-CLIENT-SECRET-inventory"
EVIL = "{{ lookup('pipe', 'id') }}"


def app(n, label=None, status="ACTIVE", name=None, oidc=False):
    body = {"id": "0oa%04d" % n, "name": name or "app_%d" % n, "label": "App %d" % n if label is None else label,
            "status": status, "signOnMode": "OPENID_CONNECT" if oidc else "SAML_2_0",
            "created": "2024-01-01T00:00:00.000Z", "lastUpdated": "2024-01-02T00:00:00.000Z",
            "features": ["PUSH_NEW_USERS"] if n % 2 else [], "settings": {"x": 1}, "_links": {}}
    if oidc:
        body["credentials"] = {"oauthClient": {"client_id": body["id"], "client_secret": SECRET}}
    return body


def paged(rsps, apps, size=200):
    pages = [apps[i:i + size] for i in range(0, len(apps), size)] or [[]]
    for number, page in enumerate(pages):
        headers = {}
        if number + 1 < len(pages):
            headers["Link"] = '<%s?after=%s&limit=200>; rel="next"' % (APPS, page[-1]["id"])
        match = [responses.matchers.query_param_matcher({"after": pages[number - 1][-1]["id"], "limit": "200"})] \
            if number else []
        rsps.get(APPS, json=page, headers=headers, match=match)


def features_ok(app_id):
    return [{"name": "USER_PROVISIONING", "status": "ENABLED",
             "capabilities": {"create": {"lifecycleCreate": {"status": "ENABLED"}}}}]


def okta_error(code, summary, causes=()):
    return {"errorCode": code, "errorSummary": summary, "errorId": "oaeX",
            "errorCauses": [{"errorSummary": c} for c in causes]}


@pytest.fixture(scope="module", autouse=True)
def plugin_loader():
    """Let ansible's plugin loader find this checkout's plugins (their docs give the options)."""
    import ansible_collections
    import ansible_collections.oktaops.okta as collection

    # The unit tests import the collection as a plain package, before ansible's collection finder exists.
    if getattr(collection, "_collection_meta", None) is None:
        collection._collection_meta = {}
    set_controller(True)
    init_plugin_loader([os.path.dirname(path) for path in ansible_collections.__path__])
    yield
    set_controller(WAS_CONTROLLER)


class Run(object):
    def __init__(self, inventory, plugin, warnings):
        self.inventory = inventory
        self.plugin = plugin
        self.warnings = warnings

    def hosts(self, group="okta_apps"):
        return sorted(h.name for h in self.inventory.groups[group].get_hosts())

    def vars(self, host):
        return self.inventory.get_host(host).get_vars()


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    def run(config, name="test.okta_apps.yml", cache=True):
        config = dict(config)
        config.setdefault("plugin", "oktaops.okta.okta_apps")
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config))
        plugin = inventory_loader.get("oktaops.okta.okta_apps")
        warnings = []
        monkeypatch.setattr(plugin.display, "warning", lambda msg, *a, **k: warnings.append(msg))
        assert plugin.verify_file(str(path))
        data = InventoryData()
        plugin.parse(data, DataLoader(), str(path), cache=cache)
        if getattr(plugin, "_cache", None) is not None:
            plugin.update_cache_if_changed()  # as ansible's InventoryManager does after parse()
        return Run(data, plugin, warnings)

    return run


BASE = {"org_url": ORG, "api_token": TOKEN}


def test_verify_file(tmp_path):
    plugin = inventory_loader.get("oktaops.okta.okta_apps")
    for name, ok in [("okta_apps.yml", True), ("okta_apps.yaml", True), ("prod.okta_apps.yml", True),
                     ("prod.okta_apps.yaml", True), ("myokta_apps.yml", False), ("okta_apps.json", False),
                     ("hosts.yml", False)]:
        (tmp_path / name).write_text("plugin: oktaops.okta.okta_apps\n")
        assert plugin.verify_file(str(tmp_path / name)) is ok, name


def test_pages_hosts_and_hostvars(rsps, inventory):
    apps = [app(n, oidc=n % 5 == 0) for n in range(1, 451)]
    paged(rsps, apps)
    run = inventory(BASE)
    assert len(rsps.calls) == 3
    first = dict((k, v[0]) for k, v in parse_qs(urlsplit(rsps.calls[0].request.url).query).items())
    assert first == {"limit": "200", "filter": 'status eq "ACTIVE"'}
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + TOKEN
    assert len(run.hosts()) == 450
    hostvars = run.vars("App_5")
    assert hostvars["okta_app_id"] == "0oa0005" and hostvars["okta_app_label"] == "App 5"
    assert hostvars["okta_app_features"] == ["PUSH_NEW_USERS"]
    assert hostvars["okta_app_sign_on_mode"] == "OPENID_CONNECT"
    assert hostvars["ansible_connection"] == "local"
    assert "okta_provisioning_enabled" not in hostvars
    everything = repr([run.vars(h) for h in run.hosts()])
    assert SECRET not in everything and TOKEN not in everything


def test_duplicate_labels_get_ids_with_one_warning(rsps, inventory):
    paged(rsps, [app(1, "Slack"), app(2, "Slack"), app(3, "Zoom"), app(4, "Slack"), app(5, "A B"), app(6, "A_B")])
    run = inventory(BASE)
    assert run.hosts() == ["0oa0001", "0oa0002", "0oa0004", "0oa0005", "0oa0006", "Zoom"]
    assert len(run.warnings) == 1
    assert "Slack (0oa0001, 0oa0002, 0oa0004)" in run.warnings[0] and "A_B (0oa0005, 0oa0006)" in run.warnings[0]
    assert run.vars("0oa0004")["okta_app_label"] == "Slack"


def test_hostnames_order_and_validation(rsps, inventory):
    paged(rsps, [app(1, "Slack", name="slack"), app(2, "", name="zoomus")])
    run = inventory(dict(BASE, hostnames=["name", "id"]))
    assert run.hosts() == ["slack", "zoomus"]
    run = inventory(dict(BASE, hostnames=["id"]))
    assert run.hosts() == ["0oa0001", "0oa0002"]
    with pytest.raises(AnsibleError, match="hostnames may hold only label, id, name"):
        inventory(dict(BASE, hostnames=["status"]))


def test_unsafe_strings_stay_strings(rsps, inventory):
    paged(rsps, [app(1, EVIL, name=EVIL)])
    run = inventory(dict(BASE, compose={"copied_label": "okta_app_label"},
                         keyed_groups=[{"key": "okta_app_name", "prefix": "n"}]))
    host = run.hosts()[0]
    assert host == "___lookup__pipe____id_____"
    hostvars = run.vars(host)
    assert hostvars["okta_app_label"] == EVIL
    # Used in a template, the value is data: a template in it never runs (lookup('pipe') would run "id").
    from ansible.template import Templar
    templar = Templar(loader=DataLoader(), variables=hostvars)
    for name in ("okta_app_label", "okta_app_name"):
        try:  # ansible-core 2.19+: only trusted text is a template
            from ansible.template import trust_as_template
            expression = trust_as_template("{{ %s }}" % name)
        except ImportError:
            expression = "{{ %s }}" % name
        assert templar.template(expression) == EVIL
    assert hostvars["copied_label"] == EVIL


def test_filter_q_include_inactive(rsps, inventory):
    paged(rsps, [app(1, status="INACTIVE")])
    run = inventory(dict(BASE, filter='name eq "okta_org2org"', q="App", include_inactive=False,
                         use_local_connection=False))
    query = dict((k, v[0]) for k, v in parse_qs(urlsplit(rsps.calls[0].request.url).query).items())
    assert query == {"limit": "200", "q": "App", "filter": '(name eq "okta_org2org") and status eq "ACTIVE"'}
    assert "ansible_connection" not in run.vars("App_1")
    inventory(dict(BASE, filter='status eq "INACTIVE"'))
    query = dict((k, v[0]) for k, v in parse_qs(urlsplit(rsps.calls[1].request.url).query).items())
    assert query == {"limit": "200", "filter": 'status eq "INACTIVE"'}


def test_with_provisioning(rsps, inventory):
    paged(rsps, [app(1), app(2), app(3, oidc=True)])
    rsps.get(APPS + "/0oa0001/features", json=features_ok("0oa0001"))
    rsps.get(APPS + "/0oa0002/features", status=400, json=okta_error(
        "E0000001", "Api validation failed: feature", ["Provisioning is not enabled for the app instance."]))
    rsps.get(APPS + "/0oa0003/features", status=400, json=okta_error(
        "E0000001", "Api validation failed: Provisioning is not supported for this application"))
    run = inventory(dict(BASE, with_provisioning=True))
    assert len(rsps.calls) == 4
    one, two, three = run.vars("App_1"), run.vars("App_2"), run.vars("App_3")
    assert (one["okta_provisioning_supported"], one["okta_provisioning_enabled"]) == (True, True)
    assert one["okta_features"] == {"USER_PROVISIONING": {"create": {"lifecycleCreate": {"status": "ENABLED"}}}}
    assert (two["okta_provisioning_supported"], two["okta_provisioning_enabled"], two["okta_features"]) == \
        (True, False, {})
    assert (three["okta_provisioning_supported"], three["okta_provisioning_enabled"]) == (False, False)
    assert run.warnings == []


def test_provisioning_failure_strict_and_not(rsps, inventory):
    paged(rsps, [app(1, "Slack"), app(2)])
    rsps.get(APPS + "/0oa0001/features", status=403, json=okta_error("E0000006", "You do not have permission"))
    rsps.get(APPS + "/0oa0002/features", json=features_ok("0oa0002"))
    with pytest.raises(AnsibleError, match=r"app 'Slack' \(0oa0001\)"):
        inventory(dict(BASE, with_provisioning=True, strict=True))
    # strict left unset fails too: a failed read is never passed off as an app without provisioning
    with pytest.raises(AnsibleError, match=r"app 'Slack' \(0oa0001\)"):
        inventory(dict(BASE, with_provisioning=True))
    run = inventory(dict(BASE, with_provisioning=True, strict=False))
    assert len(run.warnings) == 1 and "app 'Slack' (0oa0001)" in run.warnings[0]
    assert "okta_provisioning_enabled" not in run.vars("Slack")
    assert run.vars("App_2")["okta_provisioning_enabled"] is True


def test_compose_errors_follow_ansibles_usual_strict(rsps, inventory):
    paged(rsps, [app(1, "Slack")])
    compose = {"broken": "okta_no_such_variable.attribute"}
    run = inventory(dict(BASE, compose=compose))  # unset: skipped, as in every constructed inventory
    assert "broken" not in run.vars("Slack") and run.vars("Slack")["okta_app_label"] == "Slack"
    paged(rsps, [app(1, "Slack")])
    with pytest.raises(AnsibleError):
        inventory(dict(BASE, compose=compose, strict=True))


def test_rate_limit_waits_like_the_modules(rsps, inventory, monkeypatch):
    import functools
    from ansible_collections.oktaops.okta.plugins.module_utils import _settings
    slept = []
    monkeypatch.setattr(_settings, "OktaClient", functools.partial(_settings.OktaClient, sleep=slept.append))
    rsps.get(APPS, status=429, json=okta_error("E0000047", "API call exceeded rate limit due to too many requests."),
             headers={"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Remaining": "0",
                      "X-Rate-Limit-Reset": "1700000010", "Date": "Tue, 14 Nov 2023 22:13:20 GMT"})
    rsps.get(APPS, json=[app(1)])
    run = inventory(BASE)
    assert run.hosts() == ["App_1"] and len(rsps.calls) == 2
    assert len(slept) == 1 and 10.1 <= slept[0] <= 11.0
    assert "429" in run.warnings[0]


def test_cache_second_run_makes_no_request(rsps, inventory, tmp_path):
    paged(rsps, [app(1, EVIL), app(2)])
    rsps.get(APPS + "/0oa0001/features", json=features_ok("0oa0001"))
    rsps.get(APPS + "/0oa0002/features", json=features_ok("0oa0002"))
    cache_dir = tmp_path / "cache"
    config = dict(BASE, with_provisioning=True, cache=True, cache_plugin="ansible.builtin.jsonfile",
                  cache_connection=str(cache_dir), cache_timeout=600)
    first = inventory(config)
    assert len(rsps.calls) == 3
    second = inventory(config)
    assert len(rsps.calls) == 3
    assert second.hosts() == first.hosts()
    assert second.vars("App_2")["okta_features"] == first.vars("App_2")["okta_features"]
    assert second.vars("___lookup__pipe____id_____")["okta_app_label"] == EVIL
    stored = "".join(p.read_text() for p in cache_dir.iterdir())
    assert TOKEN not in stored and SECRET not in stored and "0oa0002" in stored
    # other query options: the cache is not used; --flush-cache (cache=False): not read either
    inventory(dict(config, include_inactive=True))
    assert len(rsps.calls) == 6
    inventory(config, cache=False)
    assert len(rsps.calls) == 9


def test_credentials_from_environment(rsps, inventory, monkeypatch):
    monkeypatch.setenv("OKTA_ORG_URL", ORG)
    monkeypatch.setenv("OKTA_CLIENT_TOKEN", TOKEN)
    paged(rsps, [app(1)])
    run = inventory({})
    assert run.hosts() == ["App_1"]
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + TOKEN


def test_templated_options(rsps, inventory, monkeypatch):
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    paged(rsps, [app(1)])
    inventory({"org_url": "{{ 'acme.okta.com' }}", "api_token": "{{ lookup('ansible.builtin.env', 'MY_TOKEN') }}"})
    assert rsps.calls[0].request.headers["Authorization"] == "SSWS " + TOKEN
    assert rsps.calls[0].request.url.startswith(APPS)


@pytest.mark.parametrize("config, words", [
    ({"api_token": TOKEN}, "org_url is required"),
    ({"org_url": ORG}, "No Okta credentials"),
    ({"org_url": ORG, "api_token": TOKEN, "access_token": "x"}, "Give either api_token or access_token"),
    ({"org_url": ORG, "api_token": TOKEN, "dpop": True}, "dpop apply only"),
    ({"org_url": ORG, "client_id": "0oaC"}, "client_id needs private_key"),
    ({"org_url": "http://acme.okta.com", "api_token": TOKEN}, "Invalid connection settings"),
])
def test_bad_settings_fail_clearly_without_a_request(rsps, inventory, config, words):
    with pytest.raises(AnsibleError, match=words) as caught:
        inventory(config)
    assert TOKEN not in str(caught.value)
    assert len(rsps.calls) == 0


def test_rejected_filter_and_auth_failure(rsps, inventory):
    rsps.get(APPS, status=400, json=okta_error("E0000031", "Invalid search criteria."))
    with pytest.raises(AnsibleError, match=r"Okta rejected the app filter '\(label eq \"x\"\) and status eq"):
        inventory(dict(BASE, filter='label eq "x"'))
    rsps.replace(responses.GET, APPS, status=401, json=okta_error("E0000011", "Invalid token provided"))
    with pytest.raises(AnsibleError, match="rejected the credentials") as caught:
        inventory(BASE)
    assert TOKEN not in str(caught.value)


def test_json_serialisable_for_ansible_inventory(rsps, inventory):
    paged(rsps, [app(1, EVIL)])
    run = inventory(BASE)
    assert EVIL in json.dumps(run.vars(run.hosts()[0]))


def group_vars(run, group="okta_apps"):
    return run.inventory.groups[group].get_vars()


def test_local_hosts_get_the_playbook_python_as_a_group_variable(rsps, inventory):
    paged(rsps, [app(1), app(2)])
    run = inventory(BASE)
    # A group variable (the lowest precedence), so group_vars/host_vars files, compose and -e win over it.
    assert group_vars(run) == {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    assert "ansible_python_interpreter" not in run.vars("App_1")
    paged(rsps, [app(1)])
    run = inventory(dict(BASE, python_interpreter="/opt/okta/bin/python3"))
    assert group_vars(run) == {"ansible_python_interpreter": "/opt/okta/bin/python3"}
    paged(rsps, [app(1)])
    assert group_vars(inventory(dict(BASE, python_interpreter=""))) == {}
    paged(rsps, [app(1)])
    run = inventory(dict(BASE, use_local_connection=False))
    assert group_vars(run) == {} and "ansible_connection" not in run.vars("App_1")


def test_compose_sets_a_host_interpreter_over_the_group_one(rsps, inventory):
    paged(rsps, [app(1)])
    run = inventory(dict(BASE, compose={"ansible_python_interpreter": "'/usr/local/bin/python3'"}))
    assert run.vars("App_1")["ansible_python_interpreter"] == "/usr/local/bin/python3"
    assert run.inventory.get_host("App_1").get_magic_vars()["group_names"] == ["okta_apps"]


SERVICE_APP = {"org_url": ORG, "client_id": "0oaSvc1a2b3c4d5e6f7"}


@pytest.fixture(scope="module")
def service_key():
    pytest.importorskip("jwt")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.mark.parametrize("granted, status, words", [
    ("okta.apps.manage", 403, "Cannot list the org's apps: the access token lacks the okta.apps.read scope (403 "
                              "E0000006: You do not have permission to perform the requested action); it was issued "
                              "for okta.apps.manage. Add okta.apps.read to scopes"),
    ("okta.apps.read", 403, "Cannot list the org's apps: the service app is not allowed to do this (403 E0000006: You "
                            "do not have permission to perform the requested action) although its token has the "
                            "okta.apps.read scope. Assign the service app an admin role that may read apps."),
    ("okta.apps.read", 401, "Cannot list the org's apps: Okta rejected the service app's access token (401 "
                            "E0000011: Invalid token provided)."),
])
def test_service_app_failures_are_worded_as_in_the_modules(rsps, inventory, service_key, granted, status, words):
    rsps.post(ORG + "/oauth2/v1/token", json={"token_type": "Bearer", "access_token": "at-SECRET-inventory-1",
                                              "expires_in": 3600, "scope": granted})
    summary = "Invalid token provided" if status == 401 else \
        "You do not have permission to perform the requested action"
    rsps.get(APPS, status=status, json=okta_error("E0000011" if status == 401 else "E0000006", summary))
    with pytest.raises(AnsibleError) as caught:
        inventory(dict(SERVICE_APP, private_key=service_key))
    assert words in " ".join(str(caught.value).split())
    assert "at-SECRET-inventory-1" not in str(caught.value) and "PRIVATE KEY" not in str(caught.value)
