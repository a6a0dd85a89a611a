# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's architecture section stays true as the tree changes.

Every plugin file is placed in it, every path it names exists, the module layer (the module base and the writes
that take it) sits above the rest of module_utils, and nothing below it imports Ansible or the module layer.
"""

from __future__ import annotations

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Module utils that the architecture section puts below the module base: they must not import Ansible.
PURE = ("_app_connection.py", "_apps.py", "_client.py", "_endpoints.py", "_errors.py", "_export.py", "_failures.py",
        "_feature_body.py", "_features.py", "_oauth.py", "_record.py", "_role.py", "_settings.py")
# The module layer: the module utils that take the calling OktaModule, placed together above the others.
MODULE_LAYER = ("_okta_module.py", "_writes.py")


def _section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Architecture\n(.*?)^## ", text, re.S | re.M)
    assert match, "README.md has no '## Architecture' section followed by another section"
    return match.group(1)


def _named_paths(section):
    return set(re.findall(r"((?:plugins|roles|tests|hacking|bench|demo|docs|awx|meta)/[\w./-]*)", section))


def test_every_plugin_file_is_placed():
    section = _section()
    plugin_files = sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "plugins").rglob("*.py") if path.name != "__init__.py")
    assert plugin_files, "no plugin files found"
    missing = [path for path in plugin_files
               if path not in section and not (path.startswith("plugins/modules/") and "plugins/modules/*.py" in section)]
    assert missing == [], "README architecture section does not place: {0}".format(missing)


def test_every_named_path_exists():
    for named in sorted(_named_paths(_section())):
        path = named.rstrip(".")
        if "*" in path:
            assert list(ROOT.glob(path)), "README names {0}, which matches nothing".format(path)
        else:
            assert (ROOT / path).exists(), "README names {0}, which does not exist".format(path)


def test_layers_below_the_module_base_do_not_import_ansible():
    for name in PURE:
        tree = ast.parse((ROOT / "plugins" / "module_utils" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            for module in modules:
                assert not module.startswith("ansible.") and module != "ansible", \
                    "{0} imports {1}, but the README puts it below the module base".format(name, module)


def _module_utils_imports(name):
    tree = ast.parse((ROOT / "plugins" / "module_utils" / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_module_layer_sits_above_the_pure_module_utils():
    lines = [line for line in _section().splitlines() if line.startswith("plugins/module_utils/")]
    order = [line.split()[0].rsplit("/", 1)[-1] for line in lines]
    layer = [order.index(name) for name in MODULE_LAYER]
    assert layer == list(range(min(layer), min(layer) + len(layer))), "the module layer is not one block"
    assert all(order.index(name) > max(layer) for name in PURE if name in order), order
    for name in PURE:
        for module in _module_utils_imports(name):
            assert module.rsplit(".", 1)[-1] + ".py" not in MODULE_LAYER, \
                "{0} imports {1}, which the README puts above it".format(name, module)
