# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the documentation blocks the modules repeat, from the one place each is written.

Ansible merges documentation fragments only at the top level of ``options``, and RETURN has no fragments, so a
block repeated inside DOCUMENTATION or RETURN (the connection options under O(connection), the feature object, the
common return keys) is written once and copied here. Two kinds of source:

* a marked block in one module's YAML, the hand-written original::

      # BEGIN source: feature_object
      ...
      # END source: feature_object

  copied into every other module between::

      # BEGIN generated: feature_object (from okta_app_feature.py; make module-docs, do not edit by hand)
      ...
      # END generated: feature_object

  re-indented to the indentation of the marker. A copy placed under an option (``connection_options`` under
  O(connection) of okta_app_provisioning) has its option references rewritten (``O(profile.token)`` becomes
  ``O(connection.profile.token)``) and its ``version_added`` lines dropped (the module is newer than them), as
  :data:`PLACED` says;

* the capability sub-options of a feature (``user_provisioning_capabilities``, ``inbound_provisioning_capabilities``):
  the names, types, choices and aliases from the table in plugins/module_utils/_features.py (the one that yields the
  argument spec), the descriptions from okta_app_feature's DOCUMENTATION ``capabilities`` sub-options, without the
  feature notes and with ``O(capabilities.`` references rewritten to the option holding them.

YAML comments inside DOCUMENTATION and RETURN are ignored by ansible-doc. ``make module-docs`` rewrites the blocks;
tests/unit/test_module_docs.py fails when a module differs from what this script would write. Run from the repository
root, with the collection importable (make link).
"""

from __future__ import annotations

import glob
import os
import re
import sys
import textwrap

import yaml

from ansible_collections.oktaops.okta.plugins.module_utils._features import FEATURE_BLOCKS, feature_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = os.path.join(ROOT, "plugins", "modules")
FEATURE_MODULE = "okta_app_feature.py"
# Generated capability blocks -> the feature whose blocks they hold.
CAPABILITIES = {
    "user_provisioning_capabilities": "USER_PROVISIONING",
    "inbound_provisioning_capabilities": "INBOUND_PROVISIONING",
}
# (block, target module) -> the option the copy sits under: references to the block's top-level options gain it.
PLACED = {
    ("connection_options", "okta_app_provisioning.py"): "connection",
}
WIDTH = 120
_SOURCE = re.compile(r"^(?P<indent> *)# BEGIN source: (?P<name>\w+)$\n(?P<body>.*?)^(?P=indent)# END source: (?P=name)$",
                     re.M | re.S)
_GENERATED = re.compile(r"^(?P<indent> *)# BEGIN generated: (?P<name>\w+)(?: .*)?$\n(?P<body>.*?)"
                        r"^(?P=indent)# END generated: (?P=name)$", re.M | re.S)
_DOC = re.compile(r'^DOCUMENTATION = r"""\n(?P<doc>.*?)^"""$', re.M | re.S)


def _module_files():
    return sorted(glob.glob(os.path.join(MODULES, "*.py")))


def _read(path):
    with open(path) as handle:
        return handle.read()


def sources(texts):
    """name -> (module file name, body dedented to column 0) of every marked source block; a name is unique."""
    found = {}
    for path, text in texts.items():
        for match in _SOURCE.finditer(text):
            name = match.group("name")
            if name in found or name in CAPABILITIES:
                raise ValueError("the source block {0} is defined more than once ({1})".format(name, path))
            width = len(match.group("indent"))
            found[name] = (os.path.basename(path), "".join(line[width:] if line.strip() else "\n"
                                                           for line in match.group("body").splitlines(True)))
    return found


def _placed(body, option):
    """``body`` (a block of options) as it reads under ``option``: references to its top-level options gain
    ``option.``, and ``version_added`` lines go."""
    top = min(len(line) - len(line.lstrip()) for line in body.splitlines() if line.strip())
    names = re.findall(r"^ {%d}(\w+):" % top, body, re.M)
    reference = re.compile(r"O\(({0})([.=)])".format("|".join(names)))
    lines = [line for line in body.splitlines(True) if not re.match(r" *version_added:", line)]
    return reference.sub(r"O({0}.\1\2".format(option), "".join(lines))


_ITEM = re.compile(r"^(?P<pad> *)- (?P<text>.*)$")


def _rewrap(body):
    """``body`` with each list item (a description sentence, the only lists written on lines of their own) refilled to
    :data:`WIDTH` columns, as the longer option references of a placed copy need."""
    lines = body.splitlines(True)
    out = []
    i = 0
    while i < len(lines):
        match = _ITEM.match(lines[i].rstrip("\n"))
        if not match:
            out.append(lines[i])
            i += 1
            continue
        pad = match.group("pad")
        words = [match.group("text")]
        i += 1
        while i < len(lines) and lines[i].startswith(pad + "  ") and not lines[i][len(pad) + 2:].startswith((" ", "-")) \
                and ":" not in lines[i].split()[0]:
            words.append(lines[i].strip())
            i += 1
        wrapped = textwrap.wrap(" ".join(words), WIDTH - len(pad) - 2, break_long_words=False, break_on_hyphens=False)
        out.append("{0}- {1}\n".format(pad, wrapped[0]))
        out.extend("{0}  {1}\n".format(pad, more) for more in wrapped[1:])
    return "".join(out)


def _feature_docs(texts):
    """The ``capabilities`` sub-options of okta_app_feature's DOCUMENTATION."""
    path = os.path.join(MODULES, FEATURE_MODULE)
    match = _DOC.search(texts[path])
    if not match:
        raise ValueError("{0} has no DOCUMENTATION".format(FEATURE_MODULE))
    return yaml.safe_load(match.group("doc"))["options"]["capabilities"]["suboptions"]


_NOTE = re.compile(r" \(V\((?:USER|INBOUND)_PROVISIONING\) only\)")


def _render_description(doc, root, pad):
    text = doc.get("description")
    if not text:
        raise ValueError("{0}: a capability option has no description".format(FEATURE_MODULE))

    def word(item):
        return _NOTE.sub("", item).replace("O(capabilities.", "O({0}.".format(root))

    if isinstance(text, str):
        return ["{0}description: {1}".format(pad, word(text))]
    lines = ["{0}description:".format(pad)]
    for item in text:
        wrapped = textwrap.wrap(word(item), WIDTH - len(pad) - 4, break_long_words=False, break_on_hyphens=False)
        lines.append("{0}  - {1}".format(pad, wrapped[0]))
        lines.extend("{0}    {1}".format(pad, more) for more in wrapped[1:])
    return lines


def _render_options(options, docs, root, indent):
    pad = " " * indent
    lines = []
    for name, spec in options.items():
        if name not in docs:
            raise ValueError("{0} documents no capability option {1}".format(FEATURE_MODULE, name))
        doc = docs[name]
        lines.append("{0}{1}:".format(pad, name))
        lines.extend(_render_description(doc, root, pad + "  "))
        lines.append("{0}  type: {1}".format(pad, spec["type"]))
        if spec.get("choices"):
            lines.append("{0}  choices: [{1}]".format(pad, ", ".join(doc.get("choices") or spec["choices"])))
        if spec.get("aliases"):
            lines.append("{0}  aliases: [{1}]".format(pad, ", ".join(spec["aliases"])))
        if spec.get("options"):
            lines.append("{0}  suboptions:".format(pad))
            lines.extend(_render_options(spec["options"], doc.get("suboptions") or {}, root, indent + 4))
    return lines


def capability_block(name, texts, indent):
    """The generated sub-options of ``user_provisioning`` or ``inbound_provisioning`` at ``indent`` spaces."""
    feature = CAPABILITIES[name]
    spec = feature_argument_spec(feature)
    assert set(spec["options"]) == set(FEATURE_BLOCKS[feature])
    root = name[:-len("_capabilities")]
    return "\n".join(_render_options(spec["options"], _feature_docs(texts), root, indent)) + "\n"


def regenerate(path, texts, found=None):
    """The text of module ``path`` (``texts`` holds every module's text) with each generated block rewritten."""
    found = sources(texts) if found is None else found
    module = os.path.basename(path)

    def replace(match):
        name, indent = match.group("name"), match.group("indent")
        if name in CAPABILITIES:
            origin = "_features.py and {0}".format(FEATURE_MODULE)
            body = capability_block(name, texts, len(indent))
        elif name in found:
            origin, body = found[name]
            body = "".join(indent + line if line.strip() else line for line in body.splitlines(True))
            if (name, module) in PLACED:
                body = _rewrap(_placed(body, PLACED[(name, module)]))
        else:
            raise ValueError("{0}: no source block {1} for the generated block (mark it with # BEGIN source: {1} "
                             "in the module that holds the original)".format(module, name))
        return "{0}# BEGIN generated: {1} (from {2}; make module-docs, do not edit by hand)\n{3}{0}# END generated: " \
               "{1}".format(indent, name, origin, body)

    return _GENERATED.sub(replace, texts[path])


def regenerate_all():
    """{path: (current text, text this script writes)} for every module."""
    texts = dict((path, _read(path)) for path in _module_files())
    found = sources(texts)
    return dict((path, (text, regenerate(path, texts, found))) for path, text in texts.items())


def main(argv):
    stale = []
    for path, (text, new) in sorted(regenerate_all().items()):
        if new == text:
            continue
        stale.append(os.path.relpath(path, ROOT))
        if "--check" not in argv:
            with open(path, "w") as handle:
                handle.write(new)
    if stale and "--check" in argv:
        sys.stderr.write("out of date (run make module-docs): {0}\n".format(", ".join(stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
