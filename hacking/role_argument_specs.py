# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the capability options of roles/app_provisioning/meta/argument_specs.yml from the module's table.

The names, types and choices come from the table in plugins/module_utils/_features.py (the one that yields the
argument spec of okta_app_feature and okta_app_provisioning); the descriptions from okta_app_feature's
DOCUMENTATION, which ansible-test validate-modules holds to that same spec. The role takes snake_case names only
(no aliases), so the baseline and the apps always merge on the same keys.

Each generated block sits between a BEGIN and an END marker line in the YAML file::

    # BEGIN generated: user_provisioning (make role-specs; do not edit by hand)
    ...
    # END generated: user_provisioning

The entry point ``export`` (tasks_from: export) is generated too: it takes the main entry point's selection and
connection options as they are (YAML aliases of anchors this script sets on the main entry point's options), plus
its own ``app_provisioning_export_path``.

``make role-specs`` rewrites the blocks; tests/unit/test_role_argument_specs.py fails when the file differs from
what this script would write. Run from the repository root, with the collection importable (make link).
"""

from __future__ import annotations

import ast
import os
import re
import sys
import textwrap

import yaml

from ansible_collections.oktaops.okta.plugins.module_utils._features import FEATURE_BLOCKS, feature_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, "roles", "app_provisioning", "meta", "argument_specs.yml")
FEATURE_MODULE = os.path.join(ROOT, "plugins", "modules", "okta_app_feature.py")
# Role option -> feature whose capabilities it holds.
BLOCKS = {"user_provisioning": "USER_PROVISIONING", "inbound_provisioning": "INBOUND_PROVISIONING"}
# The main entry point's options the export entry point takes as they are: the selection and the connection settings.
SHARED = ("app_provisioning_apps", "app_provisioning_filter", "app_provisioning_include_inactive",
          "app_provisioning_org_url", "app_provisioning_api_token", "app_provisioning_access_token",
          "app_provisioning_validate_certs", "app_provisioning_ca_path", "app_provisioning_timeout",
          "app_provisioning_retries", "app_provisioning_auth_options", "app_provisioning_no_log")
EXPORT = "export"
EXPORT_ENTRY = """\
export:
  short_description: Export an org's provisioning as a vars file the main entry point applies with no change
  description:
    - Reads the apps of O(app_provisioning_apps) and O(app_provisioning_filter) (one listing of the org, one listing
      of the filter, and M(oktaops.okta.okta_app_provisioning_info) for each app, two requests for an app whose
      connection is enabled and one for any other) and writes O(app_provisioning_export_path).
    - The file holds C(app_provisioning_connection) and C(app_provisioning_baseline) with every setting that more than
      half of the exported apps share, and C(app_provisioning_apps) with each app by C(app_id) (its label in a
      comment) and only what differs. Given to the main entry point as it is (C(-e @file)), it changes nothing.
    - Apps whose type offers no provisioning are listed in a comment. Write-only settings (a connection's token) are
      never exported; a comment names the apps whose connection takes one.
    - The file is deterministic (apps by label then id, a fixed key order, no timestamp), so it can live in git and
      its diff is the org's drift. It is written in check mode too.
  author:
    - oktaops.okta maintainers (@oktaops)
  options:
{shared}
    app_provisioning_export_path:
      description:
        - The file to write on the controller, such as V(provisioning.yml). Replaced when the org changed.
      type: path
      required: true
"""
WIDTH = 120
_MARKER = re.compile(r"^(?P<indent> *)# BEGIN generated: (?P<name>\w+)(?: .*)?$\n(?P<body>.*?)^(?P=indent)# END generated: "
                     r"(?P=name)$", re.M | re.S)


def module_docs():
    """The ``capabilities`` suboptions of okta_app_feature's DOCUMENTATION."""
    with open(FEATURE_MODULE) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)["options"]["capabilities"]["suboptions"]
    raise ValueError("okta_app_feature has no DOCUMENTATION")


_OPTION_REF = re.compile(r"O\(capabilities\.(?:\w+\.)*(\w+)\)")


def _description(doc):
    """The module's description items, worded for the role: no feature notes, no references to the module's
    options (the same block serves the apps and the baseline, so a sibling setting is named, not linked)."""
    text = doc.get("description") or []
    items = [text] if isinstance(text, str) else list(text)
    items = [item.replace(" (V(USER_PROVISIONING) only)", "").replace(" (V(INBOUND_PROVISIONING) only)", "")
             for item in items]
    return [_OPTION_REF.sub(r"C(\1)", item) for item in items]


def _render(options, docs, indent):
    pad = " " * indent
    lines = []
    for name, spec in options.items():
        doc = docs.get(name) or {}
        lines.append("{0}{1}:".format(pad, name))
        lines.append("{0}  description:".format(pad))
        for item in _description(doc):
            wrapped = textwrap.wrap(item, WIDTH - indent - 6, break_long_words=False, break_on_hyphens=False)
            lines.append("{0}    - {1}".format(pad, wrapped[0]))
            lines.extend("{0}      {1}".format(pad, more) for more in wrapped[1:])
        lines.append("{0}  type: {1}".format(pad, spec["type"]))
        if spec.get("choices"):
            lines.append("{0}  choices: [{1}]".format(pad, ", ".join(spec["choices"])))
        if spec.get("options"):
            lines.append("{0}  options:".format(pad))
            lines.extend(_render(spec["options"], doc.get("suboptions") or {}, indent + 4))
    return lines


def block(name, indent):
    """The generated ``options:`` of role option ``name`` at ``indent`` spaces."""
    spec = feature_argument_spec(BLOCKS[name])
    assert set(spec["options"]) == set(FEATURE_BLOCKS[BLOCKS[name]])
    lines = ["{0}options:".format(" " * indent)] + _render(spec["options"], module_docs(), indent + 2)
    return "\n".join(lines) + "\n"


def export_block(indent):
    """The ``export`` entry point at ``indent`` spaces: the shared options as aliases, then its own."""
    shared = "\n".join("    {0}: *{0}".format(name) for name in SHARED)
    return "".join((" " * indent + line).rstrip() + "\n" for line in EXPORT_ENTRY.format(shared=shared).split("\n")[:-1])


def anchored(text):
    """``text`` with an anchor named after each shared option of the main entry point (added when missing)."""
    for name in SHARED:
        pattern = re.compile(r"^(      {0}:)(?: &\w+)?$".format(name), re.M)
        if len(pattern.findall(text)) != 1:
            raise ValueError("{0}: the main entry point has no option {1} to share with export".format(SPECS, name))
        text = pattern.sub(r"\1 &{0}".format(name), text)
    return text


def regenerate(text):
    """``text`` (the YAML file) with every generated block rewritten; fails if a block is missing."""
    seen = set()

    def replace(match):
        name, indent = match.group("name"), match.group("indent")
        seen.add(name)
        body = export_block(len(indent)) if name == EXPORT else block(name, len(indent))
        return "{0}# BEGIN generated: {1} (make role-specs; do not edit by hand)\n{2}{0}# END generated: {1}".format(
            indent, name, body)

    out = _MARKER.sub(replace, anchored(text))
    missing = (set(BLOCKS) | {EXPORT}) - seen
    if missing:
        raise ValueError("{0} has no generated block for {1}".format(SPECS, ", ".join(sorted(missing))))
    return out


def main(argv):
    with open(SPECS) as handle:
        text = handle.read()
    new = regenerate(text)
    if "--check" in argv:
        if new != text:
            sys.stderr.write("{0} is out of date: run make role-specs\n".format(SPECS))
            return 1
        return 0
    if new != text:
        with open(SPECS, "w") as handle:
            handle.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
