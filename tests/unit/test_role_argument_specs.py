# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's capability options are generated from the module's table: the file must be what make role-specs writes."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.oktaops.okta.hacking import role_argument_specs as gen
from ansible_collections.oktaops.okta.plugins.module_utils._features import feature_argument_spec


def _shape(options):
    """name -> (type, choices, nested shape), aliases left out (the role takes snake_case names only)."""
    return dict((name, (spec.get("type", "str"), sorted(spec.get("choices") or []), _shape(spec.get("options") or {})))
                for name, spec in options.items())


def _text():
    with open(gen.SPECS) as handle:
        return handle.read()


def test_argument_specs_file_is_up_to_date():
    text = _text()
    assert gen.regenerate(text) == text, "roles/app_provisioning/meta/argument_specs.yml is out of date: make role-specs"


def test_generated_blocks_hold_the_module_spec_for_apps_and_baseline():
    options = yaml.safe_load(_text())["argument_specs"]["main"]["options"]
    for name, feature in gen.BLOCKS.items():
        wanted = _shape(feature_argument_spec(feature)["options"])
        assert _shape(options["app_provisioning_apps"]["options"][name]["options"]) == wanted
        assert _shape(options["app_provisioning_baseline"]["options"][name]["options"]) == wanted


def test_a_hand_edit_is_detected():
    text = _text()
    edited = text.replace("choices: [OKTA, RANDOM]", "choices: [OKTA, RANDOM, SECRET]", 1)
    assert edited != text
    assert gen.regenerate(edited) == text


@pytest.mark.parametrize("old,new,named", [
    ("# BEGIN generated: inbound_provisioning", "# BEGIN something else", "inbound_provisioning"),
    ("      app_provisioning_filter: &app_provisioning_filter\n", "      app_provisioning_filtr:\n",
     "app_provisioning_filter"),
])
def test_a_missing_block_or_shared_option_fails(old, new, named):
    text = _text().replace(old, new, 1)
    try:
        gen.regenerate(text)
    except ValueError as exc:
        assert named in str(exc)
    else:
        raise AssertionError("a missing generated block or shared option must fail")


def test_the_export_entry_takes_the_main_selection_and_connection_options_and_its_path():
    specs = yaml.safe_load(_text())["argument_specs"]
    export = specs["export"]["options"]
    assert set(export) == set(gen.SHARED) | {"app_provisioning_export_path"}
    for name in gen.SHARED:
        assert export[name] == specs["main"]["options"][name]
    assert export["app_provisioning_export_path"]["required"] is True
