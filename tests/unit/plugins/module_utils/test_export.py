# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The export's pure logic: options from Okta's objects, the baseline inference, the per-app differences, the
selection and the file."""

from __future__ import annotations

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.oktaops.okta.plugins.module_utils import _export as export
from ansible_collections.oktaops.okta.plugins.module_utils._features import from_wire, to_wire

OAUTH = {"status": "ENABLED", "profile": {"authScheme": "OAUTH2"}}


def user(create="ENABLED", profile="ENABLED", deactivate="ENABLED"):
    return {"create": {"lifecycle_create": {"status": create}},
            "update": {"profile": {"status": profile}, "lifecycle_deactivate": {"status": deactivate}}}


def app(features=None, state="enabled", scheme="OAUTH2", **profile):
    options = {"connection": {"state": state, "profile": dict(auth_scheme=scheme, **profile)}}
    options.update(features or {})
    return options


# ---------------------------------------------------------------------------------------------------------------
# One app's options
# ---------------------------------------------------------------------------------------------------------------

def test_connection_options_hold_what_okta_returns_and_never_a_token():
    token = {"status": "ENABLED", "authScheme": "TOKEN", "baseUrl": "https://scim.example.com",
             "profile": {"authScheme": "TOKEN", "token": "secret-value"}}
    assert export.connection_options(token) == {
        "state": "enabled", "profile": {"auth_scheme": "TOKEN", "base_url": "https://scim.example.com"}}
    org2org = {"status": "DISABLED", "profile": {"authScheme": "OAUTH2", "clientId": "0oa2", "signing": {"rotationMode": "AUTO"}}}
    assert export.connection_options(org2org) == {
        "state": "disabled", "profile": {"auth_scheme": "OAUTH2", "client_id": "0oa2", "signing": {"rotation_mode": "AUTO"}}}
    assert export.connection_options({"status": "DISABLED", "profile": {"authScheme": "BASIC"}}) == {"state": "disabled"}


def test_secret_free_drops_every_credential_key_and_keeps_the_rest():
    connection = {"status": "ENABLED", "profile": {"authScheme": "TOKEN", "token": "t", "settings": {
        "adminUsername": "admin", "adminPassword": "p"}, "clientSecret": "s", "private_key": "k"}, "_links": {}}
    assert export.secret_free(connection) == {"status": "ENABLED", "profile": {
        "authScheme": "TOKEN", "settings": {}}, "_links": {}}
    assert connection["profile"]["token"] == "t", "the input is not changed"


def test_write_only_settings_by_app_type_then_scheme():
    token = {"connection": {"state": "enabled", "profile": {"auth_scheme": "TOKEN"}}}
    oauth = {"connection": {"state": "disabled", "profile": {"auth_scheme": "OAUTH2"}}}
    assert export.write_only_settings(token) == ["token"]
    assert export.write_only_settings(oauth) == []
    assert export.write_only_settings(oauth, "office365") == ["settings.admin_username", "settings.admin_password"]
    assert export.write_only_settings({}, "okta_org2org") == []


def test_provisioning_options_from_okta_features():
    features = [
        {"name": "INBOUND_PROVISIONING", "status": "ENABLED", "capabilities": {
            "importSettings": {"username": {"userNameFormat": "EMAIL"},
                               "schedule": {"status": "DISABLED", "fullImport": None}},
            "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "EMAIL", "allowPartialMatch": False}},
            "unknownBlock": {"x": 1}}},
        {"name": "USER_PROVISIONING", "capabilities": {"create": {"lifecycleCreate": {"status": "ENABLED"}}}},
        {"name": "SOMETHING_ELSE", "capabilities": {"create": {}}},
    ]
    options = export.provisioning_options(OAUTH, features)
    assert list(options) == ["connection", "user_provisioning", "inbound_provisioning"]
    assert options["inbound_provisioning"] == {
        "import_settings": {"username": {"username_format": "EMAIL"}, "schedule": {"status": "DISABLED"}},
        "import_rules": {"user_create_and_match": {"exact_match_criteria": "EMAIL", "allow_partial_match": False}}}
    assert options["user_provisioning"] == {"create": {"lifecycle_create": {"status": "ENABLED"}}}
    assert export.provisioning_options(OAUTH, [{"name": "USER_PROVISIONING", "capabilities": {}}]) == {
        "connection": {"state": "enabled", "profile": {"auth_scheme": "OAUTH2"}}}, "no empty settings"


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "create": st.fixed_dictionaries({"lifecycleCreate": st.fixed_dictionaries({"status": st.sampled_from(["ENABLED", "DISABLED"])})}),
    "update": st.fixed_dictionaries({}, optional={
        "profile": st.fixed_dictionaries({"status": st.sampled_from(["ENABLED", "DISABLED"])}),
        "password": st.fixed_dictionaries({}, optional={
            "status": st.sampled_from(["ENABLED", "DISABLED"]), "seed": st.sampled_from(["OKTA", "RANDOM"])})}),
}))
def test_from_wire_is_the_inverse_of_to_wire(capabilities):
    assert to_wire(from_wire("USER_PROVISIONING", capabilities)) == export_normalised(capabilities)


def export_normalised(capabilities):
    from ansible_collections.oktaops.okta.plugins.module_utils._features import normalise
    return normalise(capabilities)


# ---------------------------------------------------------------------------------------------------------------
# The baseline inference
# ---------------------------------------------------------------------------------------------------------------

def test_exactly_half_stays_per_app_more_than_half_moves_to_the_baseline():
    apps = [
        app({"user_provisioning": user(profile="ENABLED", deactivate="ENABLED")}),
        app({"user_provisioning": user(profile="ENABLED", deactivate="ENABLED")}),
        app({"user_provisioning": user(profile="DISABLED", deactivate="ENABLED")}),
        app({"user_provisioning": user(profile="DISABLED", deactivate="DISABLED")}),
    ]
    baseline = export.infer_baseline(apps)
    profile = ("user_provisioning", "update", "profile", "status")
    deactivate = ("user_provisioning", "update", "lifecycle_deactivate", "status")
    assert profile not in baseline, "2 of 4 is exactly half: not more than half"
    assert baseline[deactivate] == "ENABLED", "3 of 4 is more than half"
    entries = [export.app_entry("0oa%d" % index, options, baseline) for index, options in enumerate(apps)]
    assert [entry["user_provisioning"]["update"]["profile"]["status"] for entry in entries] == \
        ["ENABLED", "ENABLED", "DISABLED", "DISABLED"], "each app keeps its own value of a half-shared setting"
    assert entries[3]["user_provisioning"]["update"]["lifecycle_deactivate"] == {"status": "DISABLED"}
    assert "lifecycle_deactivate" not in entries[0]["user_provisioning"]["update"]
    assert "create" not in entries[0]["user_provisioning"], "shared by all: only in the baseline"


def test_a_setting_an_app_lacks_stays_with_the_apps_that_have_it():
    password = {"status": "DISABLED", "seed": "RANDOM"}
    with_password = user()
    with_password["update"]["password"] = password
    apps = [app({"user_provisioning": copy.deepcopy(with_password)}) for dummy in range(3)]
    apps.append(app({"user_provisioning": user()}))  # no password sync: the role could not take the setting away
    baseline = export.infer_baseline(apps)
    assert not any("password" in path for path in baseline)
    assert export.app_entry("0oa0", apps[0], baseline)["user_provisioning"] == {"update": {"password": password}}
    assert "user_provisioning" not in export.app_entry("0oa3", apps[3], baseline)


def test_an_app_without_a_baseline_feature_names_its_features_and_an_app_that_is_off_none():
    inbound = {"import_settings": {"username": {"username_format": "EMAIL"}}}
    apps = [app({"user_provisioning": user(), "inbound_provisioning": inbound}) for dummy in range(3)]
    apps.append(app({"user_provisioning": user()}, scheme="TOKEN", base_url="https://scim.example.com"))
    apps.append(app(state="disabled"))
    baseline = export.infer_baseline(apps)
    assert baseline[("inbound_provisioning", "import_settings", "username", "username_format")] == "EMAIL"
    assert baseline[("connection", "state")] == "enabled"
    assert "features" not in export.app_entry("0oa0", apps[0], baseline)
    user_only = export.app_entry("0oa3", apps[3], baseline)
    assert user_only == {"app_id": "0oa3", "connection": {"profile": {"auth_scheme": "TOKEN",
                                                                      "base_url": "https://scim.example.com"}},
                         "features": ["USER_PROVISIONING"]}
    assert export.app_entry("0oa4", apps[4], baseline) == {"app_id": "0oa4", "connection": {"state": "disabled"},
                                                           "features": []}


def applied(baseline, entry):
    """What the role's main entry point applies to an app: its settings merged over the baseline, leaf by leaf,
    only the features it names when it names them ([] is none)."""
    nested = export.nest(baseline)
    out = {}
    for part in ("connection", "user_provisioning", "inbound_provisioning"):
        merged = dict(export.leaves({part: nested.get(part, {})}))
        merged.update(export.leaves({part: entry.get(part, {})}))
        feature = dict(export.FEATURE_OPTIONS).get(part)
        if feature and "features" in entry and feature not in entry["features"]:
            continue
        out.update(merged)
    return out


leaf_values = st.sampled_from(["ENABLED", "DISABLED"])
feature_settings = st.fixed_dictionaries({}, optional={
    "create": st.fixed_dictionaries({"lifecycle_create": st.fixed_dictionaries({"status": leaf_values})}),
    "update": st.fixed_dictionaries({}, optional={"profile": st.fixed_dictionaries({"status": leaf_values}),
                                                  "password": st.fixed_dictionaries({"status": leaf_values})}),
})
inbound_settings = st.fixed_dictionaries({}, optional={
    "import_rules": st.fixed_dictionaries({"user_create_and_match": st.fixed_dictionaries(
        {}, optional={"allow_partial_match": st.booleans(), "exact_match_criteria": st.sampled_from(["EMAIL", "USERNAME"])})}),
})
an_app = st.builds(
    lambda state, scheme, url, user_settings, inbound: app(
        dict(((key, value) for key, value in (("user_provisioning", user_settings), ("inbound_provisioning", inbound))
              if value and state == "enabled")),
        state=state, scheme=scheme, **({"base_url": url} if url and scheme == "TOKEN" else {})),
    st.sampled_from(["enabled", "disabled"]), st.sampled_from(["OAUTH2", "TOKEN"]),
    st.sampled_from([None, "https://a.example.com", "https://b.example.com"]),
    feature_settings, inbound_settings)


@settings(max_examples=200, deadline=None)
@given(st.lists(an_app, min_size=1, max_size=7))
def test_the_role_applies_exactly_each_apps_settings(apps):
    """The law of the export: baseline plus each app's entry, merged as the role merges them, is the app itself."""
    baseline = export.infer_baseline(apps)
    for index, options in enumerate(apps):
        entry = export.app_entry("0oa%d" % index, options, baseline)
        assert applied(baseline, entry) == export.leaves(options)
        for path, count in ((path, sum(1 for other in apps if export.leaves(other).get(path) == value))
                            for path, value in baseline.items()):
            assert 2 * count > len(apps)


# ---------------------------------------------------------------------------------------------------------------
# Selection and the file
# ---------------------------------------------------------------------------------------------------------------

ORG = [
    {"id": "0oa1", "label": "Slack", "name": "slack", "status": "ACTIVE"},
    {"id": "0oa2", "label": "Analytics", "name": "a", "status": "ACTIVE"},
    {"id": "0oa3", "label": "Analytics", "name": "b", "status": "ACTIVE"},
    {"id": "0oa4", "label": "Box", "name": "boxnet", "status": "INACTIVE"},
    {"id": "0oa5", "label": "Acme", "name": "okta_org2org", "status": "ACTIVE"},
]


def test_select_resolves_labels_and_ids_and_words_the_problems():
    answer = export.select([{"app_label": "Slack"}, {"app_id": "0oa4"}, {"app_label": "Analytics"},
                            {"app_label": "slack"}, {"app_id": "0oa9"}], ORG)
    assert [app["id"] for app in answer["apps"]] == ["0oa4", "0oa1"], "sorted by label"
    assert answer["problems"] == [
        "2 apps have the label 'Analytics' (0oa2, 0oa3); use app_id to say which one.",
        "No app has the label 'slack' (labels are matched exactly, including case); check app_label or use app_id."
        " Did you mean 'Slack' (0oa1)?",
        "No app has the id '0oa9'; check app_id.",
    ]
    assert answer["requests"] == 1


def test_select_keeps_active_filter_matches_unless_inactive_ones_are_wanted_and_each_app_once():
    filtered = [ORG[3], ORG[4], ORG[0]]
    assert [app["id"] for app in export.select([{"app_id": "0oa1"}], ORG, filtered)["apps"]] == ["0oa5", "0oa1"]
    with_inactive = export.select([], None, filtered, include_inactive=True)
    assert [app["id"] for app in with_inactive["apps"]] == ["0oa5", "0oa4", "0oa1"]
    assert with_inactive["requests"] == 1
    # a filter that names status decides it, as okta_app_info and the main entry point do
    by_status = export.select([], None, filtered, filter_expression='status eq "INACTIVE"')
    assert [app["id"] for app in by_status["apps"]] == ["0oa5", "0oa4", "0oa1"]


def test_listing_requests_are_pages_of_200():
    assert [export.listing_requests([{}] * n) for n in (0, 1, 200, 201, 401)] == [1, 1, 1, 2, 3]


def reads():
    zoom = app({"user_provisioning": user(profile="DISABLED")})
    slack = app({"user_provisioning": user()})
    zscaler = app({"user_provisioning": user()}, scheme="TOKEN", base_url="https://scim.example.com")
    wiki = app(state="disabled", scheme="TOKEN", base_url="https://wiki.example.com")
    return [
        {"app_id": "0oaZ", "provisioning_supported": True, "provisioning_enabled": True, "options": zoom},
        {"app_id": "0oaJ", "provisioning_supported": False, "provisioning_enabled": False, "options": {}},
        {"app_id": "0oaS", "provisioning_supported": True, "provisioning_enabled": True, "options": slack},
        {"app_id": "0oaX", "provisioning_supported": True, "provisioning_enabled": True, "options": zscaler},
        {"app_id": "0oaW", "provisioning_supported": True, "provisioning_enabled": False, "options": wiki},
    ]


SELECTION = {"apps": [{"id": "0oaZ", "label": "Zoom"}, {"id": "0oaJ", "label": "Jenkins"},
                      {"id": "0oaS", "label": "Slack"}, {"id": "0oaX", "label": "Zscaler\n# injected"},
                      {"id": "0oaW", "label": "Legacy Wiki"}], "problems": [], "requests": 1}


def test_the_file_is_deterministic_and_applies_as_it_is():
    first = export.export_file(reads(), SELECTION, 'name eq "x"')
    second = export.export_file(list(reversed(reads())), SELECTION, 'name eq "x"')
    assert first["content"] == second["content"]
    assert first["requests"] == 1 + 2 + 1 + 2 + 2 + 1
    assert (first["apps"], first["unsupported"]) == (4, 1)
    text = first["content"]
    data = yaml.safe_load(text)
    assert [entry["app_id"] for entry in data["app_provisioning_apps"]] == ["0oaW", "0oaS", "0oaZ", "0oaX"]
    assert data["app_provisioning_connection"] == {"state": "enabled"}
    # profile pushes: Slack and Zscaler of 4 apps, exactly half, so each keeps its own
    assert data["app_provisioning_baseline"] == {"user_provisioning": {
        "create": {"lifecycle_create": {"status": "ENABLED"}}, "update": {"lifecycle_deactivate": {"status": "ENABLED"}}}}
    assert "  - app_id: 0oaX  # Zscaler # injected\n" in text, "a label cannot break out of its comment"
    assert "#   Jenkins (0oaJ)" in text and "0oaJ" not in [e["app_id"] for e in data["app_provisioning_apps"]]
    assert "#   Legacy Wiki (0oaW): token; its connection is off" in text
    assert "#   Zscaler # injected (0oaX): token" in text
    assert "token:" not in text and "Selection: the filter name eq \"x\" (active apps only)" in text
    assert text.startswith("---\n") and text.endswith("\n") and "\t" not in text


def test_an_export_of_apps_without_provisioning_only():
    only = [{"app_id": "0oaJ", "provisioning_supported": False, "options": {}}]
    data = yaml.safe_load(export.export_file(only, SELECTION)["content"])
    assert data == {"app_provisioning_connection": {}, "app_provisioning_baseline": {}, "app_provisioning_apps": []}


def test_the_file_is_written_from_ansible_s_own_string_types_too():
    """ansible-core 2.16 and 2.17 hand a filter AnsibleUnsafeText keys and values, which YAML's safe dumper refuses
    (and whose str() keeps its type)."""
    class Text(str):
        def __str__(self):  # pylint: disable=invalid-str-returned  # as AnsibleUnsafeText: str() keeps the type
            return self

    class Mapping(dict):
        pass

    data = Mapping({Text("state"): Text("enabled"), Text("profile"): Mapping({Text("auth_scheme"): Text("TOKEN")}),
                    Text("apps"): [Mapping({Text("app_id"): Text("0oa1"), Text("n"): 3, Text("on"): True})]})
    assert export._dump(data) == export._dump({"state": "enabled", "profile": {"auth_scheme": "TOKEN"},
                                               "apps": [{"app_id": "0oa1", "n": 3, "on": True}]})
