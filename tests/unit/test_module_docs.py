# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation blocks the modules repeat are generated: every module must be what make module-docs writes."""

from __future__ import annotations

import ast
import os
import re

import pytest
import yaml

from ansible_collections.oktaops.okta.hacking import module_docs as gen
from ansible_collections.oktaops.okta.plugins.module_utils._features import feature_argument_spec

FIX = "run make module-docs (hacking/module_docs.py) and commit the modules it rewrites"


def _texts():
    return dict((path, gen._read(path)) for path in gen._module_files())


def _path(name):
    return os.path.join(gen.MODULES, name)


def _doc(text, variable):
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == variable:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no " + variable)


def test_every_module_is_what_the_generator_writes():
    stale = [os.path.basename(path) for path, (text, new) in gen.regenerate_all().items() if new != text]
    assert not stale, "out of date: {0}; {1}".format(", ".join(stale), FIX)


def test_every_generated_block_says_it_is_generated_and_from_where():
    texts = _texts()
    count = 0
    for text in texts.values():
        for match in gen._GENERATED.finditer(text):
            count += 1
            first = text[match.start():].split("\n", 1)[0]
            assert re.search(r"# BEGIN generated: \w+ \(from \S+\.py.*; make module-docs, do not edit by hand\)$", first), first
    # connection options, both capability blocks, the feature and connection objects, app_id (5), authorize_url,
    # the connection and features samples of okta_app_provisioning_info
    assert count >= 12


@pytest.mark.parametrize("option,feature", [("user_provisioning", "USER_PROVISIONING"),
                                            ("inbound_provisioning", "INBOUND_PROVISIONING")])
def test_generated_capabilities_hold_the_module_spec(option, feature):
    def shape(options, key):
        return dict((name, (spec.get("type", "str"), sorted(spec.get("choices") or []), sorted(spec.get("aliases") or []),
                            shape(spec.get(key) or {}, key)))
                    for name, spec in options.items())

    doc = _doc(gen._read(_path("okta_app_provisioning.py")), "DOCUMENTATION")["options"][option]["suboptions"]
    assert shape(doc, "suboptions") == shape(feature_argument_spec(feature)["options"], "options")


def test_connection_options_under_connection_reference_their_own_path():
    text = gen._read(_path("okta_app_provisioning.py"))
    block = re.search(r"# BEGIN generated: connection_options.*?# END generated: connection_options", text, re.S).group(0)
    assert "O(connection.profile.token)" in block and "O(connection.update_credentials" in block
    assert not re.search(r"O\((profile|state|update_credentials)\b", block)
    assert "version_added" not in block
    conn = _doc(gen._read(_path("okta_app_connection.py")), "DOCUMENTATION")["options"]
    prov = _doc(text, "DOCUMENTATION")["options"]["connection"]["suboptions"]
    assert set(prov) == set(conn) - {"app_id", "app_label"}


def test_a_hand_edit_of_a_copy_is_detected_and_undone():
    texts = _texts()
    path = _path("okta_app_feature_info.py")
    original = texts[path]
    texts[path] = original.replace("description: Okta's description of the feature.", "description: Edited.", 1)
    assert texts[path] != original
    assert gen.regenerate(path, texts) == original


def test_an_edit_of_the_source_reaches_every_copy():
    texts = _texts()
    source = _path("okta_app_feature.py")
    texts[source] = texts[source].replace("description: The feature name.", "description: The feature's name.", 1)
    out = gen.regenerate(_path("okta_app_feature_info.py"), texts)
    assert "description: The feature's name." in out


def test_a_capability_without_a_description_fails():
    texts = _texts()
    source = _path("okta_app_feature.py")
    texts[source] = re.sub(r"\n *description: Whether passwords are pushed\.", "", texts[source], count=1)
    with pytest.raises(ValueError, match="description"):
        gen.regenerate(_path("okta_app_provisioning.py"), texts)


def test_a_generated_block_without_a_source_fails():
    texts = _texts()
    path = _path("okta_app_connection_info.py")
    texts[path] = texts[path].replace("# BEGIN generated: connection_object", "# BEGIN generated: connection_objekt", 1) \
        .replace("# END generated: connection_object", "# END generated: connection_objekt", 1)
    with pytest.raises(ValueError, match="connection_objekt"):
        gen.regenerate(path, texts)


def test_check_mode_names_the_stale_module_and_the_fix(tmp_path, monkeypatch, capsys):
    for path, text in _texts().items():
        (tmp_path / os.path.basename(path)).write_text(text)
    target = tmp_path / "okta_app_connection_info.py"
    target.write_text(target.read_text().replace("type: str\n      sample: TOKEN", "type: str\n      sample: OAUTH2", 1))
    monkeypatch.setattr(gen, "MODULES", str(tmp_path))
    assert gen.main(["--check"]) == 1
    assert "okta_app_connection_info.py" in capsys.readouterr().err
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    assert "sample: TOKEN" in target.read_text()
