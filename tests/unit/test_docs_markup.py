# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every text of every plugin's and the role's documentation parses as Ansible markup, and what it renders as code
is whole.

``C()`` ends at the first ``)``, so ``C(lookup('x'))`` renders as ``lookup('x'`` followed by a stray ``)``; the
linters accept it, a reader of ``ansible-doc`` sees broken text. This parses each text with antsibull-docs-parser
(strict: unknown or unterminated markup fails) and checks that every code part, option value and option name has
balanced brackets and quotes and no text part starts with what a code part lost.
"""

from __future__ import annotations

import ast
import os

import pytest
import yaml

# The parser comes with antsibull-docs, a release gate installed in .venv (make test) but not in the per-core
# virtualenvs of make test-matrix; the documentation does not depend on the ansible-core version.
pytestmark = pytest.mark.allowed_skip(reason="antsibull-docs-parser is installed with the release gates only")
try:
    from antsibull_docs_parser import dom, parser
except ImportError:
    dom = parser = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC_KEYS = ("description", "short_description", "notes", "requirements", "seealso", "details")
PAIRS = {"(": ")", "[": "]", "{": "}"}


def plugin_docs():
    """(name, document) for each module, inventory and doc fragment, and the role's argument specs."""
    found = []
    for folder in ("modules", "inventory", "doc_fragments"):
        directory = os.path.join(ROOT, "plugins", folder)
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".py") or name.startswith("__"):
                continue
            tree = ast.parse(open(os.path.join(directory, name), encoding="utf-8").read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and \
                        isinstance(node.value.value, str):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "RETURN"):
                            found.append(("{0}/{1} {2}".format(folder, name, target.id),
                                          yaml.safe_load(node.value.value)))
    roles = os.path.join(ROOT, "roles")
    for role in sorted(os.listdir(roles)):
        specs = os.path.join(roles, role, "meta", "argument_specs.yml")
        if os.path.exists(specs):
            found.append(("roles/{0}".format(role), yaml.safe_load(open(specs, encoding="utf-8"))))
    return found


def texts(node, where=""):
    """(where, text) for each documentation text in a DOCUMENTATION/RETURN/argument_specs tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = "{0}.{1}".format(where, key) if where else str(key)
            if key in DOC_KEYS:
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str):
                        yield path, text
                    elif isinstance(text, dict):  # seealso entries
                        yield from texts(text, path)
            elif key not in ("default", "sample", "choices", "example"):
                yield from texts(value, path)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, "{0}[{1}]".format(where, index))


def unbalanced(code):
    """Why ``code`` cannot be whole, or None: a bracket or quote that does not close."""
    stack = []
    quote = None
    for char in code:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in PAIRS:
            stack.append(PAIRS[char])
        elif char in PAIRS.values():
            if not stack or stack.pop() != char:
                return "a {0} that closes nothing".format(char)
    if quote:
        return "an unclosed quote {0}".format(quote)
    if stack:
        return "an unclosed bracket (expected {0})".format(stack[-1])
    return None


def problems_of(text):
    try:
        paragraphs = parser.parse(text, parser.Context(), errors="exception", strict=True)
    except Exception as exc:  # pylint: disable=broad-except  # the parser's own error says what is wrong
        return ["does not parse: {0}".format(exc)]
    found = []
    for paragraph in paragraphs:
        for part in paragraph:
            code = None
            if isinstance(part, dom.CodePart):
                code = part.text
            elif isinstance(part, dom.OptionValuePart):
                code = part.value
            elif isinstance(part, (dom.OptionNamePart, dom.ReturnValuePart)):
                code = part.name + ("={0}".format(part.value) if part.value is not None else "")
            if code is not None:
                why = unbalanced(code)
                if why:
                    found.append("{0} renders as {1!r}, with {2}".format(type(part).__name__, code, why))
    return found


DOCS = plugin_docs()


@pytest.fixture(autouse=True)
def antsibull_docs_parser():
    if parser is None:
        pytest.skip("antsibull-docs-parser is not installed (it comes with antsibull-docs, in .venv)")


# Texts known to render broken, being rewritten: each must still be broken (so a fixed one leaves this list).
KNOWN_BROKEN = {
    ("modules/okta_app_info.py DOCUMENTATION", "options.filter.description"),
    ("inventory/okta_apps.py DOCUMENTATION", "options.filter.description"),
}


def test_every_plugin_is_checked():
    names = set(name.split(" ")[0] for name, _doc in DOCS)
    assert {"modules/okta_app_feature.py", "inventory/okta_apps.py", "doc_fragments/okta.py",
            "roles/app_provisioning"} <= names
    assert len(list(texts(dict(DOCS)["inventory/okta_apps.py DOCUMENTATION"]))) > 30


@pytest.mark.parametrize("name, doc", DOCS, ids=[name for name, _doc in DOCS])
def test_markup_renders_whole(name, doc):
    broken = []
    known = set(where for doc_name, where in KNOWN_BROKEN if doc_name == name)
    for where, text in texts(doc):
        problems = problems_of(text)
        if where in known:
            if problems:
                known.discard(where)
            continue
        for problem in problems:
            broken.append("{0}: {1}: {2}".format(where, problem, text[:160]))
    assert not broken, "\n".join(broken)
    assert not known, "These texts render whole now; remove them from KNOWN_BROKEN: {0}".format(sorted(known))


@pytest.mark.parametrize("text, problem", [
    ("a label such as C({{ lookup('pipe', 'id') }})", "unclosed"),
    ("C(x) and V(a(b)", "unclosed"),
    ("an unknown X(y) macro is text, but O(a=b) and V(f(x\\)) parse", None),
    ("I(unterminated", "does not parse"),
])
def test_the_check_can_fail(text, problem):
    found = problems_of(text)
    if problem is None:
        assert found == []
    else:
        assert found and problem in found[0], found
