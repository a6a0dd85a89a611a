# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oktaops.okta.plugins.module_utils import _features as caps
from ansible_collections.oktaops.okta.tests.utils import okta_spec
from ansible_collections.oktaops.okta.plugins.module_utils._feature_body import body_problems
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    FEATURES,
    capabilities_argument_spec,
    diff_view,
    feature_input_problems,
    merge,
    normalise,
    plan_capabilities,
    to_wire,
    feature_unapplied,
)

USER = "USER_PROVISIONING"
INBOUND = "INBOUND_PROVISIONING"

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------------------------------
# Official schema
# ------------------------------------------------------------------------------------------------------------------

FEATURE_SCHEMA = okta_spec.FEATURE_SCHEMA


def _components():
    return okta_spec.components()


@pytest.fixture(scope="module")
def schemas():
    return okta_spec.body_validators()


def _schema_errors(validators, feature, body):
    return sorted(e.message for e in validators[feature].iter_errors(body))


def _resolve(schema, components):
    """Flatten $ref and allOf into one dict (enough for this subset of the spec)."""
    if "$ref" in schema:
        schema = dict(components[schema["$ref"].split("/")[-1]], **dict((k, v) for k, v in schema.items() if k != "$ref"))
        return _resolve(schema, components)
    if "allOf" in schema:
        merged = dict((k, v) for k, v in schema.items() if k != "allOf")
        for part in schema["allOf"]:
            merged.update(_resolve(part, components))
        return merged
    return schema


def _schema_leaves(schema, components, path=()):
    schema = _resolve(schema, components)
    if schema.get("type") == "object":
        leaves = {}
        for key, sub in schema.get("properties", {}).items():
            leaves.update(_schema_leaves(sub, components, path + (key,)))
        return leaves
    return {path: (schema.get("type"), tuple(schema.get("enum") or ()), schema.get("minLength"), schema.get("maxLength"))}


# ------------------------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------------------------

def validate_input(raw_capabilities):
    """Run the real Ansible argument spec validation, as the module would, and return capabilities."""
    result = ArgumentSpecValidator(capabilities_argument_spec()).validate({"capabilities": raw_capabilities})
    assert result.error_messages == []
    assert result._warnings == []
    assert result._deprecations == []
    return result.validated_parameters["capabilities"]


def flat(value, prefix=()):
    """{path tuple: leaf} of a nested dict."""
    out = {}
    for key, item in value.items():
        if isinstance(item, dict):
            out.update(flat(item, prefix + (key,)))
        else:
            out[prefix + (key,)] = item
    return out


def with_alt_spelling(value):
    """The same capabilities as Okta's GET may return them: userNameFormat instead of usernameFormat."""
    if isinstance(value, dict):
        return dict(("userNameFormat" if k == "usernameFormat" else k, with_alt_spelling(v)) for k, v in value.items())
    return value


def iter_spec(options, prefix=()):
    for name, spec in options.items():
        yield prefix + (name,), spec
        if spec.get("options"):
            yield from iter_spec(spec["options"], prefix + (name,))


def full_params():
    """Option value with every leaf set (first choice, True, or a string)."""
    def build(options):
        out = {}
        for name, spec in options.items():
            if spec["type"] == "dict":
                out[name] = build(spec["options"])
            elif spec.get("choices"):
                out[name] = spec["choices"][0]
            elif spec["type"] == "bool":
                out[name] = True
            else:
                out[name] = "x"
        return out
    return build(capabilities_argument_spec()["capabilities"]["options"])


def scribble(value):
    """Change every dict and list inside value, in place."""
    if isinstance(value, dict):
        for item in list(value.values()):
            scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        value.append("scribbled")


def snake_to_camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# Bodies from Okta's documentation (UpdateAppFeatureRequestEx, UpdateInboundProvisioningFeatureRequestEx and the
# responses), pasted as they are.
DOCS_USER_BODY = {
    "create": {"lifecycleCreate": {"status": "ENABLED"}},
    "update": {"lifecycleDeactivate": {"status": "ENABLED"},
               "profile": {"status": "ENABLED"},
               "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}},
}
DOCS_USER_CURRENT = {
    "create": {"lifecycleCreate": {"status": "DISABLED"}},
    "update": {"profile": {"status": "DISABLED"}, "lifecycleDeactivate": {"status": "DISABLED"},
               "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}},
}
DOCS_INBOUND_BODY = {
    "importSettings": {"username": {"userNameFormat": "EMAIL"},
                       "schedule": {"status": "DISABLED", "fullImport": None, "incrementalImport": None}},
    "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "EMAIL", "allowPartialMatch": False,
                                           "autoConfirmPartialMatch": False, "autoConfirmExactMatch": False,
                                           "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
}
DOCS_INBOUND_CURRENT = {
    "importSettings": {"username": {"userNameFormat": "EMAIL"},
                       "schedule": {"status": "ENABLED",
                                    "fullImport": {"expression": "0 0 * * 0", "timezone": "America/New_York"},
                                    "incrementalImport": {"expression": "0 */3 * * *", "timezone": "America/New_York"}}},
    "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "EMAIL", "allowPartialMatch": False,
                                           "autoConfirmPartialMatch": False, "autoConfirmExactMatch": False,
                                           "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
}


# ------------------------------------------------------------------------------------------------------------------
# Argument spec
# ------------------------------------------------------------------------------------------------------------------

def test_features():
    assert FEATURES == ("USER_PROVISIONING", "INBOUND_PROVISIONING")


def test_argument_spec_top_level():
    spec = capabilities_argument_spec()
    assert list(spec) == ["capabilities"]
    top = spec["capabilities"]
    assert top["type"] == "dict" and top["required"] is True
    assert sorted(top["options"]) == ["create", "import_rules", "import_settings", "update"]


def test_argument_spec_has_no_defaults_and_no_required_leaves():
    for path, spec in iter_spec(capabilities_argument_spec()["capabilities"]["options"]):
        assert "default" not in spec, path
        assert not spec.get("required"), path
        assert spec["type"] in ("dict", "str", "bool"), path


def test_argument_spec_aliases_are_okta_spelling():
    for path, spec in iter_spec(capabilities_argument_spec()["capabilities"]["options"]):
        name = path[-1]
        aliases = spec.get("aliases", [])
        assert name not in aliases
        if name == "username_expression":
            assert aliases == ["userNameExpression"]
        elif name == "username_format":
            assert sorted(aliases) == ["userNameFormat", "usernameFormat"]
        elif "_" in name:
            assert aliases == [snake_to_camel(name)], path
        else:
            assert aliases == [], path
    options = capabilities_argument_spec()["capabilities"]["options"]
    assert options["create"]["options"]["lifecycle_create"]["aliases"] == ["lifecycleCreate"]
    assert options["import_settings"]["aliases"] == ["importSettings"]
    assert options["import_rules"]["options"]["user_create_and_match"]["aliases"] == ["userCreateAndMatch"]
    assert options["import_settings"]["options"]["schedule"]["options"]["full_import"]["aliases"] == ["fullImport"]


def test_argument_spec_choices_and_no_log():
    expected_choices = {
        "status": ["DISABLED", "ENABLED"],
        "seed": ["OKTA", "RANDOM"],
        "change": ["CHANGE", "KEEP_EXISTING"],
        "exact_match_criteria": ["EMAIL", "USERNAME"],
        "username_format": ["EMAIL", "CUSTOM"],
    }
    secretish = re.compile(r"pass|secret|token|key", re.I)
    for path, spec in iter_spec(capabilities_argument_spec()["capabilities"]["options"]):
        name = path[-1]
        if name in expected_choices:
            assert spec["choices"] == expected_choices[name], path
        else:
            assert "choices" not in spec, path
        if spec["type"] == "bool":
            assert name in ("allow_partial_match", "auto_confirm_partial_match", "auto_confirm_exact_match",
                            "auto_confirm_new_users", "auto_activate_new_users")
        if secretish.search(name) or any(secretish.search(a) for a in spec.get("aliases", [])):
            assert spec.get("no_log") is False, path
    password = capabilities_argument_spec()["capabilities"]["options"]["update"]["options"]["password"]
    assert password["no_log"] is False


def test_argument_spec_is_a_fresh_copy():
    spec = capabilities_argument_spec()
    spec["capabilities"]["options"].clear()
    assert capabilities_argument_spec()["capabilities"]["options"]


def test_every_leaf_maps_to_the_official_schema(schemas):
    """Wire names, types and enums of the spec agree with Okta's schema, and every schema leaf is covered."""
    components = _components()
    wire = to_wire(full_params())
    ours = flat(wire)
    official = {}
    for feature, name in FEATURE_SCHEMA.items():
        official.update(_schema_leaves({"$ref": "#/components/schemas/" + name}, components))
    assert sorted(ours) == sorted(official)
    options = capabilities_argument_spec()["capabilities"]["options"]
    for path, value in ours.items():
        kind = official[path][0]
        assert kind == ("boolean" if isinstance(value, bool) else "string"), path
    enums = dict((path[-1], list(v[1])) for path, v in official.items() if v[1])
    for path, spec in iter_spec(options):
        if spec.get("choices"):
            camel = spec.get("aliases", [path[-1]])[0]
            assert sorted(spec["choices"]) == sorted(enums[camel]), path


def test_spec_uses_no_openapi_only_keywords():
    """The schema checks use a JSON Schema validator; that is exact only while these keywords are absent."""
    components = _components()
    seen = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "$ref":
                    name = item.split("/")[-1]
                    if name not in seen:
                        seen.add(name)
                        walk(components[name])
                else:
                    assert key not in ("nullable", "discriminator", "readOnly", "writeOnly", "oneOf", "anyOf", "not")
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in FEATURE_SCHEMA.values():
        walk({"$ref": "#/components/schemas/" + name})
    assert "ImportScheduleSettings" in seen


# ------------------------------------------------------------------------------------------------------------------
# Examples: documentation bodies through the real argument spec
# ------------------------------------------------------------------------------------------------------------------

def test_docs_user_body_pasted_in_camel_case():
    params = validate_input(copy.deepcopy(DOCS_USER_BODY))
    assert feature_input_problems(USER, params) == []
    desired = to_wire(params)
    assert desired == DOCS_USER_BODY

    result = plan_capabilities(DOCS_USER_CURRENT, desired)
    assert result.changed is True
    assert result.changed_settings == [
        "create.lifecycleCreate.status",
        "update.lifecycleDeactivate.status",
        "update.password.change",
        "update.password.status",
        "update.profile.status",
    ]
    assert result.body == result.after == DOCS_USER_BODY
    assert body_problems(USER, result.body) == []
    assert plan_capabilities(result.after, desired).changed is False
    assert feature_unapplied(desired, result.after) == []


def test_snake_case_input_gives_the_same_desired_state():
    snake = {
        "create": {"lifecycle_create": {"status": "ENABLED"}},
        "update": {"lifecycle_deactivate": {"status": "ENABLED"}, "profile": {"status": "ENABLED"},
                   "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}},
    }
    assert to_wire(validate_input(snake)) == DOCS_USER_BODY


def test_docs_inbound_body_pasted_with_user_name_format_and_null_imports():
    params = validate_input(copy.deepcopy(DOCS_INBOUND_BODY))
    assert feature_input_problems(INBOUND, params) == []
    desired = to_wire(params)
    assert desired == {
        "importSettings": {"username": {"usernameFormat": "EMAIL"}, "schedule": {"status": "DISABLED"}},
        "importRules": DOCS_INBOUND_BODY["importRules"],
    }

    result = plan_capabilities(DOCS_INBOUND_CURRENT, desired)
    assert result.changed is True
    assert result.changed_settings == ["importSettings.schedule.status"]
    # a null import in the input is unmanaged, not a removal: Okta's imports stay in the body
    schedule = result.body["importSettings"]["schedule"]
    assert schedule["fullImport"] == {"expression": "0 0 * * 0", "timezone": "America/New_York"}
    assert schedule["incrementalImport"] == {"expression": "0 */3 * * *", "timezone": "America/New_York"}
    assert schedule["status"] == "DISABLED"
    assert result.body["importSettings"]["username"] == {"usernameFormat": "EMAIL"}
    assert "userNameFormat" not in repr(result.body)
    assert body_problems(INBOUND, result.body) == []


def test_body_never_carries_feature_level_keys():
    current = dict(DOCS_USER_CURRENT, name=USER, status="ENABLED", description="x", _links={"self": {"href": "h"}})
    result = plan_capabilities(current, {"update": {"profile": {"status": "ENABLED"}}})
    assert set(result.body) == {"create", "update"}


def test_user_name_format_current_equals_username_format_desired():
    current = {"importSettings": {"username": {"userNameFormat": "CUSTOM", "userNameExpression": "user.login"}},
               "importRules": {}}
    desired = to_wire(validate_input({"import_settings": {"username": {"username_format": "CUSTOM"}}}))
    assert desired == {"importSettings": {"username": {"usernameFormat": "CUSTOM"}}}
    result = plan_capabilities(current, desired)
    assert result.changed is False
    assert result.changed_settings == []
    assert result.body is None


def test_user_name_format_difference_is_a_change_written_in_schema_spelling():
    current = {"importSettings": {"username": {"userNameFormat": "EMAIL"}}}
    result = plan_capabilities(current, {"importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "u.x"}}})
    assert result.changed_settings == ["importSettings.username.userNameExpression", "importSettings.username.usernameFormat"]
    assert result.body == {"importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "u.x"}}}


def test_null_schedule_import_equals_absent_one():
    current = {"importSettings": {"schedule": {"status": "DISABLED", "fullImport": None, "incrementalImport": None}}}
    desired = to_wire(validate_input({"importSettings": {"schedule": {"status": "DISABLED"}}}))
    result = plan_capabilities(current, desired)
    assert result.changed is False
    assert result.before == {"importSettings": {"schedule": {"status": "DISABLED"}}}
    assert plan_capabilities({"importSettings": {"schedule": {"status": "DISABLED"}}}, {"importSettings": {"schedule": {"fullImport": None}}}).changed is False


def test_none_leaves_equal_absent_ones():
    assert plan_capabilities({"update": {"password": {"seed": None}}}, {"update": {"password": {"seed": None}}}).changed is False
    assert plan_capabilities({}, {"update": {"password": {}}}).changed is False


def test_only_the_timezone_of_an_existing_import():
    params = validate_input({"import_settings": {"schedule": {"full_import": {"timezone": "Europe/Paris"}}}})
    assert feature_input_problems(INBOUND, params) == []
    result = plan_capabilities(DOCS_INBOUND_CURRENT, to_wire(params))
    assert result.changed_settings == ["importSettings.schedule.fullImport.timezone"]
    assert result.body["importSettings"]["schedule"]["fullImport"] == {"expression": "0 0 * * 0", "timezone": "Europe/Paris"}
    assert body_problems(INBOUND, result.body) == []


def test_plan_unchanged_has_no_body_and_same_diff():
    result = plan_capabilities(DOCS_USER_CURRENT, {"update": {"profile": {"status": "DISABLED"}}})
    assert result.changed is False
    assert result.body is None
    assert diff_view(result) == {"before": normalise(DOCS_USER_CURRENT), "after": normalise(DOCS_USER_CURRENT)}


def test_diff_view_is_a_copy():
    result = plan_capabilities(DOCS_USER_CURRENT, {"update": {"profile": {"status": "ENABLED"}}})
    view = diff_view(result)
    assert set(view) == {"before", "after"}
    assert view["before"]["update"]["profile"] == {"status": "DISABLED"}
    assert view["after"]["update"]["profile"] == {"status": "ENABLED"}
    view["after"]["update"]["profile"]["status"] = "X"
    assert result.after["update"]["profile"]["status"] == "ENABLED"


def test_booleans_are_compared_strictly():
    current = {"importRules": {"userCreateAndMatch": {"allowPartialMatch": 0}}}
    assert plan_capabilities(current, {"importRules": {"userCreateAndMatch": {"allowPartialMatch": False}}}).changed is True


# ------------------------------------------------------------------------------------------------------------------
# normalise / merge
# ------------------------------------------------------------------------------------------------------------------

def test_normalise_basics():
    assert normalise(None) == {}
    assert normalise({}) == {}
    assert normalise("nonsense") == {}
    source = {"importSettings": {"username": {"userNameFormat": "EMAIL", "userNameExpression": None},
                                 "schedule": {"fullImport": None, "incrementalImport": {}}},
              "importRules": {"userCreateAndMatch": {"allowPartialMatch": False}}}
    before = copy.deepcopy(source)
    assert normalise(source) == {"importSettings": {"username": {"usernameFormat": "EMAIL"}},
                                 "importRules": {"userCreateAndMatch": {"allowPartialMatch": False}}}
    assert source == before


def test_normalise_both_spellings_keeps_username_format():
    assert normalise({"importSettings": {"username": {"userNameFormat": "EMAIL", "usernameFormat": "CUSTOM"}}}) == \
        {"importSettings": {"username": {"usernameFormat": "CUSTOM"}}}
    assert normalise({"importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameFormat": "EMAIL"}}}) == \
        {"importSettings": {"username": {"usernameFormat": "CUSTOM"}}}
    assert normalise({"importSettings": {"username": {"usernameFormat": None, "userNameFormat": "EMAIL"}}}) == \
        {"importSettings": {"username": {"usernameFormat": "EMAIL"}}}


def test_normalise_result_shares_nothing_with_input():
    source = {"update": {"password": {"seed": "OKTA"}}, "extra": [1, 2]}
    out = normalise(source)
    out["update"]["password"]["seed"] = "RANDOM"
    out["extra"].append(3)
    assert source == {"update": {"password": {"seed": "OKTA"}}, "extra": [1, 2]}


def test_merge_example():
    current = {"update": {"password": {"status": "ENABLED", "seed": "OKTA"}, "profile": {"status": "DISABLED"}}}
    desired = {"update": {"password": {"seed": "RANDOM"}}}
    snapshot = copy.deepcopy((current, desired))
    merged = merge(current, desired)
    assert merged == {"update": {"password": {"status": "ENABLED", "seed": "RANDOM"}, "profile": {"status": "DISABLED"}}}
    assert (current, desired) == snapshot
    merged["update"]["profile"]["status"] = "ENABLED"
    assert current["update"]["profile"]["status"] == "DISABLED"


def test_merge_normalises_both_sides():
    current = {"importSettings": {"username": {"usernameFormat": "EMAIL"},
                                  "schedule": {"status": "ENABLED", "fullImport": {"expression": "0 0 * * *"}}}}
    desired = {"importSettings": {"username": {"userNameFormat": "CUSTOM", "userNameExpression": None},
                                  "schedule": {"fullImport": None, "incrementalImport": {}}}}
    assert merge(current, desired) == {"importSettings": {"username": {"usernameFormat": "CUSTOM"},
                                                          "schedule": {"status": "ENABLED", "fullImport": {"expression": "0 0 * * *"}}}}
    result = plan_capabilities(with_alt_spelling(current), desired)
    assert result.changed_settings == ["importSettings.username.usernameFormat"]
    assert result.body == merge(current, desired)


# ------------------------------------------------------------------------------------------------------------------
# feature_input_problems
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("feature, raw, expected", [
    (USER, {"import_rules": {"user_create_and_match": {"allow_partial_match": True}}},
     ["capabilities.import_rules (importRules) does not belong to USER_PROVISIONING; it is an INBOUND_PROVISIONING block"]),
    (USER, {"update": {"profile": {"status": "ENABLED"}}, "importSettings": {}},
     ["capabilities.import_settings (importSettings) does not belong to USER_PROVISIONING; it is an INBOUND_PROVISIONING block"]),
    (INBOUND, {"create": {"lifecycleCreate": {"status": "ENABLED"}}, "importRules": {"userCreateAndMatch": {"autoActivateNewUsers": True}}},
     ["capabilities.create does not belong to INBOUND_PROVISIONING; it is a USER_PROVISIONING block"]),
    (INBOUND, {"update": {"password": {"seed": "OKTA"}}},
     ["capabilities.update does not belong to INBOUND_PROVISIONING; it is a USER_PROVISIONING block"]),
    (USER, {}, ["capabilities sets no value; name at least one setting to manage"]),
    (USER, {"update": {"password": {}}, "create": None}, ["capabilities sets no value; name at least one setting to manage"]),
    (INBOUND, {"importSettings": {"schedule": {"fullImport": None}}}, ["capabilities sets no value; name at least one setting to manage"]),
    (INBOUND, {"import_settings": {"schedule": {"full_import": {"expression": "", "timezone": "UTC"}}}},
     ["capabilities.import_settings.schedule.full_import.expression (importSettings.schedule.fullImport.expression) must not be empty"]),
    (INBOUND, {"import_settings": {"schedule": {"incremental_import": {"expression": "0 * * * *", "timezone": ""}}}},
     ["capabilities.import_settings.schedule.incremental_import.timezone (importSettings.schedule.incrementalImport.timezone) must not be empty"]),
    (INBOUND, {"import_settings": {"schedule": {"incrementalImport": {"timezone": "   "}}}},
     ["capabilities.import_settings.schedule.incremental_import.timezone (importSettings.schedule.incrementalImport.timezone) must not be empty"]),
    (INBOUND, {"import_settings": {"username": {"username_format": "CUSTOM", "userNameExpression": ""}}},
     ["capabilities.import_settings.username.username_expression (importSettings.username.userNameExpression) must not be empty"]),
    (INBOUND, {"import_settings": {"schedule": {"full_import": {"timezone": "A" * 65}}}},
     ["capabilities.import_settings.schedule.full_import.timezone (importSettings.schedule.fullImport.timezone) "
      "is 65 characters long; Okta allows at most 64"]),
])
def test_input_problems(feature, raw, expected):
    assert feature_input_problems(feature, validate_input(raw)) == expected


def test_input_problems_accepts_a_64_character_timezone():
    params = validate_input({"import_settings": {"schedule": {"full_import": {"expression": "0 0 * * *", "timezone": "A" * 64}}}})
    assert feature_input_problems(INBOUND, params) == []


def test_input_problems_checks_unvalidated_values_too():
    problems = feature_input_problems(USER, {"update": {"password": {"seed": "bogus"}, "profile": "ENABLED"}})
    assert problems == [
        "capabilities.update.profile must be a dictionary, got 'ENABLED'",
        "capabilities.update.password.seed must be one of OKTA, RANDOM, got 'bogus'",
    ]
    assert feature_input_problems(INBOUND, {"import_rules": {"user_create_and_match": {"allow_partial_match": "yes"}}}) == [
        "capabilities.import_rules.user_create_and_match.allow_partial_match "
        "(importRules.userCreateAndMatch.allowPartialMatch) must be a boolean, got 'yes'"]


def test_input_problems_unknown_feature_and_none():
    assert feature_input_problems("GROUP_PUSH", {"update": {"profile": {"status": "ENABLED"}}}) == [
        "feature must be one of USER_PROVISIONING, INBOUND_PROVISIONING, got 'GROUP_PUSH'"]
    assert feature_input_problems(USER, None) == ["capabilities sets no value; name at least one setting to manage"]


# ------------------------------------------------------------------------------------------------------------------
# body_problems
# ------------------------------------------------------------------------------------------------------------------

BODY_CASES = [
    # the user set only the timezone of an import Okta does not have
    (INBOUND, DOCS_INBOUND_BODY, {"importSettings": {"schedule": {"incrementalImport": {"timezone": "UTC"}}}},
     ["importSettings.schedule.incrementalImport would be sent without expression, which Okta's schema requires: "
      "Okta's current settings have none to keep, so set capabilities.import_settings.schedule.incremental_import.expression as well"]),
    # username expression on an app with no username settings
    (INBOUND, {"importSettings": {"schedule": {"status": "DISABLED"}}, "importRules": {"userCreateAndMatch": {"allowPartialMatch": True}}},
     {"importSettings": {"username": {"userNameExpression": "user.login"}}},
     ["importSettings.username would be sent without usernameFormat, which Okta's schema requires: "
      "Okta's current settings have none to keep, so set capabilities.import_settings.username.username_format as well"]),
    # required top-level blocks
    (INBOUND, {}, {"importRules": {"userCreateAndMatch": {"allowPartialMatch": True}}},
     ["the INBOUND_PROVISIONING body would be sent without importSettings, which Okta's schema requires: "
      "Okta's current settings have none to keep, so set at least one value under capabilities.import_settings"]),
    (INBOUND, {"importSettings": {"username": {"userNameFormat": "EMAIL"}}}, {"importSettings": {"schedule": {"status": "ENABLED"}}},
     ["the INBOUND_PROVISIONING body would be sent without importRules, which Okta's schema requires: "
      "Okta's current settings have none to keep, so set at least one value under capabilities.import_rules"]),
    # bad values coming from the current settings
    (USER, {"update": {"password": {"seed": "SOMETHING_NEW"}}}, {"update": {"profile": {"status": "ENABLED"}}},
     ["update.password.seed is 'SOMETHING_NEW'; Okta's schema allows OKTA, RANDOM"]),
    (INBOUND, dict(DOCS_INBOUND_CURRENT, importSettings={"schedule": {"fullImport": {"expression": "x", "timezone": ""}}}),
     {"importRules": {"userCreateAndMatch": {"allowPartialMatch": True}}},
     ["importSettings.schedule.fullImport.timezone is 0 characters long; Okta's schema allows 1 to 64"]),
    (USER, {"update": "ENABLED"}, {"create": {"lifecycleCreate": {"status": "ENABLED"}}},
     ["update must be an object, got 'ENABLED'"]),
]


@pytest.mark.parametrize("feature, current, desired, expected", BODY_CASES)
def test_body_problems(feature, current, desired, expected):
    result = plan_capabilities(current, desired)
    assert result.changed is True
    assert body_problems(feature, result.body) == expected


@pytest.mark.parametrize("feature, current, desired, expected", BODY_CASES)
def test_body_problems_are_real_schema_errors(schemas, feature, current, desired, expected):
    assert _schema_errors(schemas, feature, plan_capabilities(current, desired).body)


def test_body_problems_clean_and_degenerate_bodies(schemas):
    assert body_problems(USER, {}) == []
    assert body_problems(USER, normalise(DOCS_USER_BODY)) == []
    assert body_problems(INBOUND, normalise(DOCS_INBOUND_CURRENT)) == []
    assert _schema_errors(schemas, INBOUND, normalise(DOCS_INBOUND_CURRENT)) == []
    # an un-normalised body is checked as it stands: nulls and userNameFormat are not schema-valid
    raw = copy.deepcopy(DOCS_INBOUND_BODY)
    problems = body_problems(INBOUND, raw)
    assert "importSettings.schedule.fullImport must be an object, got None" in problems
    assert any(p.startswith("importSettings.username would be sent without usernameFormat") for p in problems)
    assert _schema_errors(schemas, INBOUND, raw)
    assert body_problems(USER, None) == ["the USER_PROVISIONING body must be an object, got None"]
    assert body_problems("X", {}) == ["feature must be one of USER_PROVISIONING, INBOUND_PROVISIONING, got 'X'"]


# ------------------------------------------------------------------------------------------------------------------
# feature_unapplied
# ------------------------------------------------------------------------------------------------------------------

def test_unapplied():
    desired = {"importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "user.login"},
                                  "schedule": {"status": "ENABLED"}}}
    returned = {"importSettings": {"username": {"userNameFormat": "CUSTOM", "userNameExpression": "user.login"},
                                   "schedule": {"status": "ENABLED", "fullImport": None}},
                "importRules": {"userCreateAndMatch": {"allowPartialMatch": True}}}
    assert feature_unapplied(desired, returned) == []
    returned["importSettings"]["username"]["userNameFormat"] = "EMAIL"
    returned["importSettings"]["schedule"]["status"] = "DISABLED"
    assert feature_unapplied(desired, returned) == ["importSettings.schedule.status", "importSettings.username.usernameFormat"]
    assert feature_unapplied(desired, None) == [
        "importSettings.schedule.status", "importSettings.username.userNameExpression", "importSettings.username.usernameFormat"]
    assert feature_unapplied({}, None) == []


# ------------------------------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------------------------------

STATUS = st.sampled_from(["DISABLED", "ENABLED"])
TEXT = st.text(max_size=30)
UNKNOWN = st.one_of(st.booleans(), st.integers(), st.text(max_size=5))


def optional(**properties):
    return st.fixed_dictionaries({}, optional=properties)


STATUS_OBJECT = optional(status=STATUS)
SCHEDULE_IMPORT = st.fixed_dictionaries({"expression": TEXT}, optional={"timezone": st.text(min_size=1, max_size=64)})

USER_CURRENT = optional(
    create=optional(lifecycleCreate=STATUS_OBJECT),
    update=optional(
        lifecycleDeactivate=STATUS_OBJECT,
        profile=STATUS_OBJECT,
        password=optional(status=STATUS, seed=st.sampled_from(["OKTA", "RANDOM"]), change=st.sampled_from(["CHANGE", "KEEP_EXISTING"])),
    ),
    futureSetting=UNKNOWN,  # the schema allows additional properties; they must survive the merge
)

USERNAME = st.fixed_dictionaries({"usernameFormat": st.sampled_from(["EMAIL", "CUSTOM"])}, optional={"userNameExpression": TEXT})
SCHEDULE = optional(status=STATUS, fullImport=SCHEDULE_IMPORT, incrementalImport=SCHEDULE_IMPORT)
MATCH_RULES = {
    "exactMatchCriteria": st.sampled_from(["EMAIL", "USERNAME"]),
    "allowPartialMatch": st.booleans(),
    "autoConfirmPartialMatch": st.booleans(),
    "autoConfirmExactMatch": st.booleans(),
    "autoConfirmNewUsers": st.booleans(),
    "autoActivateNewUsers": st.booleans(),
}

INBOUND_CURRENT = st.one_of(
    # anything the schema allows
    st.fixed_dictionaries(
        {
            "importSettings": optional(username=USERNAME, schedule=SCHEDULE),
            "importRules": optional(userCreateAndMatch=optional(futureSetting=UNKNOWN, **MATCH_RULES)),
        },
        optional={"futureSetting": UNKNOWN},
    ),
    # what an app with inbound provisioning typically holds: username settings and match rules present
    st.fixed_dictionaries({
        "importSettings": st.fixed_dictionaries({"username": USERNAME}, optional={"schedule": SCHEDULE}),
        "importRules": st.fixed_dictionaries({"userCreateAndMatch": st.fixed_dictionaries(
            {"exactMatchCriteria": MATCH_RULES["exactMatchCriteria"]},
            optional=dict((k, v) for k, v in MATCH_RULES.items() if k != "exactMatchCriteria"))}),
    }),
)

VALID_CURRENT = {USER: USER_CURRENT, INBOUND: INBOUND_CURRENT}


@st.composite
def as_okta_returns(draw, strategy):
    """A valid current value, possibly rendered as Okta's GET may return it (userNameFormat, null imports)."""
    value = draw(strategy)
    if draw(st.booleans()):
        value = with_alt_spelling(value)
    schedule = value.get("importSettings", {}).get("schedule")
    if schedule is not None:
        for key in ("fullImport", "incrementalImport"):
            if key not in schedule and draw(st.booleans()):
                schedule[key] = None
    return value


NON_BLANK = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())
TIMEZONE = st.text(min_size=1, max_size=64).filter(lambda s: s.strip())


def leaf_strategy(name, spec):
    if spec.get("choices"):
        return st.sampled_from(spec["choices"])
    if spec["type"] == "bool":
        return st.booleans()
    if name == "timezone":
        return TIMEZONE
    return NON_BLANK


@st.composite
def raw_options(draw, options, only=None):
    """What a user may write: any subset of options, any accepted spelling, sometimes an explicit null."""
    out = {}
    for name, spec in options.items():
        if only is not None and name not in only:
            continue
        # Ansible rejects an explicit null for an option with choices, so only offer null elsewhere
        states = ["absent", "set", "set", "set"] if spec.get("choices") else ["absent", "set", "set", "set", "null"]
        state = draw(st.sampled_from(states))
        if state == "absent":
            continue
        key = draw(st.sampled_from([name] + spec.get("aliases", [])))
        if state == "null":
            out[key] = None
        elif spec["type"] == "dict":
            out[key] = draw(raw_options(spec["options"]))
        else:
            out[key] = draw(leaf_strategy(name, spec))
    return out


@st.composite
def feature_case(draw):
    """(feature, current, desired) with current valid under the schema and desired built through Ansible."""
    feature = draw(st.sampled_from(FEATURES))
    current = draw(as_okta_returns(VALID_CURRENT[feature]))
    raw = draw(raw_options(capabilities_argument_spec()["capabilities"]["options"], only=caps.FEATURE_BLOCKS[feature]))
    params = validate_input(raw)
    problems = feature_input_problems(feature, params)
    desired = to_wire(params)
    assert problems == ([] if desired else ["capabilities sets no value; name at least one setting to manage"])
    # keep some cases without any desired leaf, but mostly exercise real changes
    assume(desired or draw(st.sampled_from(range(10))) == 5)
    return feature, current, desired


# ------------------------------------------------------------------------------------------------------------------
# Laws
# ------------------------------------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(feature_case())
def test_law_idempotence(case):
    feature, current, desired = case
    after = plan_capabilities(current, desired).after
    again = plan_capabilities(after, desired)
    assert again.changed is False and again.changed_settings == [] and again.body is None
    assert plan_capabilities(with_alt_spelling(after), desired).changed is False
    assert feature_unapplied(desired, with_alt_spelling(after)) == []


@PROPERTY_SETTINGS
@given(feature_case())
def test_law_unnamed_leaves_unchanged_and_desired_leaves_present(case):
    feature, current, desired = case
    result = plan_capabilities(current, desired)
    before, after, wanted = flat(normalise(current)), flat(result.after), flat(desired)
    for path, value in before.items():
        if path not in wanted:
            assert after[path] == value, path
    for path, value in wanted.items():
        assert after[path] == value, path
    assert set(after) == set(before) | set(wanted)
    assert result.before == normalise(current)


@PROPERTY_SETTINGS
@given(feature_case())
def test_law_changed_iff_desired_not_subset_of_current(case):
    feature, current, desired = case
    result = plan_capabilities(current, desired)
    held = flat(normalise(current))
    subset = all(path in held and held[path] == value and type(held[path]) is type(value) for path, value in flat(desired).items())
    assert result.changed is (not subset)
    assert result.changed_settings == sorted(".".join(p) for p, v in flat(desired).items() if not (p in held and held[p] == v))
    assert (result.body is None) is (not result.changed)
    if result.changed:
        assert result.body == result.after
    assert diff_view(result) == {"before": result.before, "after": result.after}


@PROPERTY_SETTINGS
@given(feature_case())
def test_law_body_problems_match_the_official_schema(schemas, case):
    feature, current, desired = case
    body = plan_capabilities(current, desired).after
    problems = body_problems(feature, body)
    errors = _schema_errors(schemas, feature, body)
    if not problems:
        assert errors == []
    else:
        assert errors, problems  # no false alarms: every reported problem is a real schema violation


@PROPERTY_SETTINGS
@given(feature_case())
def test_law_no_input_is_mutated(case):
    feature, current, desired = case
    snapshot = copy.deepcopy((current, desired))
    merged = merge(current, desired)
    assert (current, desired) == snapshot
    result = plan_capabilities(current, desired)
    feature_unapplied(desired, current)
    body_problems(feature, result.after)
    normalise(current)
    assert (current, desired) == snapshot
    # and the results share nothing with the inputs
    for value in (merged, result.after, result.before, diff_view(result)["after"]):
        scribble(value)
    assert (current, desired) == snapshot


@PROPERTY_SETTINGS
@given(st.sampled_from(FEATURES).flatmap(lambda f: VALID_CURRENT[f].map(lambda c: (f, c))))
def test_strategy_currents_are_valid_under_the_schema(schemas, case):
    feature, current = case
    assert _schema_errors(schemas, feature, current) == []
    assert body_problems(feature, normalise(current)) == [] or _schema_errors(schemas, feature, normalise(current))


# ---------------------------------------------------------------------------------------------------------------
# provisioning_problem: every wording Okta uses, matched in one place
# ---------------------------------------------------------------------------------------------------------------

from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError  # noqa: E402
from ansible_collections.oktaops.okta.plugins.module_utils._feature_body import okta_spelling  # noqa: E402
from ansible_collections.oktaops.okta.plugins.module_utils._features import (  # noqa: E402
    FeaturesRead,
    provisioning_problem,
)


def _validation_error(summary, causes=(), status=400, code="E0000001"):
    return OktaError("x", status=status, error_code=code, error_summary=summary, error_causes=list(causes))


@pytest.mark.parametrize("summary,causes,expected", [
    ("Api validation failed: feature", ["Provisioning is not enabled for the app instance."], "disabled"),
    ("Api validation failed: feature", ["PROVISIONING IS NOT ENABLED for the app instance."], "disabled"),
    ("Api validation failed: feature", ["Provisioning is not supported."], "unsupported"),
    ("Api validation failed: Provisioning is not supported for this application", [], "unsupported"),
    ("Api validation failed: Provisioning is not supported for this application",
     ["Provisioning is not supported."], "unsupported"),
    ("api validation failed: provisioning is not supported for this application", [], "unsupported"),
    ("Api validation failed: feature", ["Some other rule."], None),
    ("Api validation failed: capabilities", [], None),
], ids=["disabled", "disabled-case", "unsupported-cause", "unsupported-summary", "unsupported-both",
        "unsupported-lower", "other-cause", "no-cause"])
def test_provisioning_problem_recognises_each_wording(summary, causes, expected):
    assert provisioning_problem(_validation_error(summary, causes)) == expected


@pytest.mark.parametrize("error", [
    _validation_error("Provisioning is not supported for this application", code="E0000003"),
    _validation_error("Provisioning is not supported for this application", status=403),
    OktaError("Provisioning is not supported", kind="network"),
])
def test_provisioning_problem_needs_a_400_e0000001(error):
    assert provisioning_problem(error) is None


def test_features_read_finds_by_name():
    read = FeaturesRead([{"name": "USER_PROVISIONING"}, "junk"])
    assert read.find("USER_PROVISIONING") == {"name": "USER_PROVISIONING"}
    assert read.find("INBOUND_PROVISIONING") is None and read.problem is None


def test_okta_spelling_follows_okta_answer():
    caps = {"importSettings": {"username": {"usernameFormat": "EMAIL"}}}
    like = {"importSettings": {"username": {"userNameFormat": "CUSTOM"}}}
    assert okta_spelling(caps, like) == {"importSettings": {"username": {"userNameFormat": "EMAIL"}}}
    assert okta_spelling(caps, {}) is caps


# ---------------------------------------------------------------------------------------------------------------
# plan_feature: one feature planned from a features read, shared by okta_app_feature and okta_app_provisioning
# ---------------------------------------------------------------------------------------------------------------

def _read(*features):
    return caps.FeaturesRead(list(features))


def test_plan_feature_plans_an_offered_feature():
    current = {"name": "USER_PROVISIONING", "capabilities": {"update": {"profile": {"status": "DISABLED"}}}}
    planned = caps.plan_feature(_read(current), "USER_PROVISIONING", {"update": {"profile": {"status": "ENABLED"}}},
                                "USER_PROVISIONING of app 0oa1")
    assert planned.problem is None and planned.current is current
    assert planned.outcome.changed and planned.outcome.changed_settings == ["update.profile.status"]


def test_plan_feature_names_a_feature_the_app_does_not_offer():
    planned = caps.plan_feature(_read({"name": "USER_PROVISIONING", "capabilities": {}}), "INBOUND_PROVISIONING",
                                {"importRules": {}}, "INBOUND_PROVISIONING of app 0oa1")
    assert planned.outcome is None
    assert planned.problem == ("Cannot configure INBOUND_PROVISIONING of app 0oa1: this app does not offer "
                               "INBOUND_PROVISIONING (it offers USER_PROVISIONING).")


def test_plan_feature_refuses_an_answer_that_is_not_a_feature():
    planned = caps.plan_feature(_read({"name": "USER_PROVISIONING", "capabilities": ["not", "a", "dict"]}),
                                "USER_PROVISIONING", {"update": {}}, "USER_PROVISIONING of app 0oa1")
    assert planned.outcome is None
    assert planned.problem == "Cannot read USER_PROVISIONING of app 0oa1: Okta's answer is not a feature object."


def test_plan_feature_refuses_a_body_okta_would_reject_under_the_given_option_name():
    desired = {"importRules": {"userCreateAndMatch": {"allowPartialMatch": False}}}
    planned = caps.plan_feature(_read({"name": "INBOUND_PROVISIONING", "capabilities": None}),
                                "INBOUND_PROVISIONING", desired, "INBOUND_PROVISIONING of app 0oa1",
                                root="inbound_provisioning")
    assert planned.outcome.changed
    assert planned.problem.startswith("Cannot update INBOUND_PROVISIONING of app 0oa1: the settings would be "
                                      "incomplete: the INBOUND_PROVISIONING body would be sent without importSettings")
    assert "inbound_provisioning.import_settings" in planned.problem
