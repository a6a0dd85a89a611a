# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cut Okta's official Management API OpenAPI spec down to what oktaops.okta and its tests use.

A maintainers' tool, run by hand when Okta publishes a new spec; the tests never run it, they read its
output, vendored as tests/spec/okta-management-subset.yaml:

    python3 hacking/cut_okta_spec.py management-oneOfInheritance.yaml tests/spec/okta-management-subset.yaml

with the collection importable (``make link``, then ``PYTHONPATH=.build/collections``): the operations to keep are
the collection's endpoint table and the tests' extras.

The input is ``management-oneOfInheritance.yaml`` from https://github.com/okta/okta-management-openapi-spec
(``dist/<version>/``); that variant writes the polymorphic answers (features, apps) inline as ``oneOf`` with a
``discriminator``. The output keeps the operations in OPERATIONS, with their path-level parameters, and every
component they reference, followed transitively (``$ref``, discriminator mappings, security schemes), so it is a
self-contained OpenAPI 3 document. Mapping keys are sorted and aliases are written out in full, so the same
input always gives the same bytes. A ``$ref`` that does not resolve, or that points outside the document, stops
the cut with an error instead of writing a document that validators would refuse.
"""

from __future__ import annotations

import argparse
import copy
import sys

import yaml

# OPERATIONS: (path, method) of every operation the collection calls (the table in
# plugins/module_utils/_endpoints.py) or its tests check; tests/unit/test_okta_spec.py checks the cut against it.
from ansible_collections.oktaops.okta.tests.utils.okta_spec import OPERATIONS

# Schemas the tests name directly. The operations above reach all of them; naming them here makes a cut of a
# spec that renamed or dropped one fail instead of quietly producing a document the tests cannot use.
REQUIRED_SCHEMAS = (
    "Application", "ApplicationFeature", "CapabilitiesInboundProvisioningObject", "CapabilitiesObject", "Error",
    "ErrorCause", "OpenIdConnectApplication", "ProvisioningConnectionResponse",
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Top-level keys kept, in this order; the rest of the source (tags, x-tagGroups, webhooks...) is not needed.
TOP_LEVEL = ("openapi", "info", "servers", "paths", "components")


class CutError(Exception):
    """The spec cannot be cut: a missing operation or schema, or a reference that does not resolve."""


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def _split_ref(ref, where):
    """("schemas", "Error") for "#/components/schemas/Error"; anything else is an error."""
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise CutError("unsupported reference {0!r} at {1}: only #/components/<kind>/<name> is supported".format(
            ref, where))
    return parts[2], _unescape(parts[3])


def _references(value, where):
    """Yield (reference, where) for every component reference inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = "{0}/{1}".format(where, key)
            if key == "$ref" and isinstance(item, str):
                yield item, here
            elif key == "discriminator" and isinstance(item, dict):
                for target in (item.get("mapping") or {}).values():
                    # a mapping value is a reference or, in OpenAPI 3.0, the bare name of a schema
                    yield (target if target.startswith("#") else "#/components/schemas/" + target), here + "/mapping"
            else:
                yield from _references(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, "{0}/{1}".format(where, index))


# ansible-test's no-smart-quotes sanity test refuses typographic quotes anywhere in a collection; Okta's prose
# uses a few (e.g. "Okta\u2019s default domain"), so strings are written with ASCII ones instead.
ASCII_QUOTES = {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}


def _sorted(value):
    """A copy of ``value`` with every mapping's keys sorted (list order is kept: it can matter) and ASCII quotes."""
    if isinstance(value, dict):
        return dict((_sorted(key), _sorted(value[key])) for key in sorted(value, key=str))
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    if isinstance(value, str):
        return value.translate(ASCII_QUOTES)
    return value


def _repair(value, where, repairs):
    """Drop repeated values of every ``enum`` list in place (OpenAPI requires them unique; the meaning is the same).

    Okta's 2026.06.3 spec lists AES256_CBC twice in SamlAssertionEncryption, which OpenAPI validators refuse.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            here = "{0}/{1}".format(where, key)
            if key == "enum" and isinstance(item, list):
                unique = []
                for entry in item:
                    if entry not in unique:
                        unique.append(entry)
                if len(unique) != len(item):
                    repairs.append("{0}: dropped repeated values of {1}".format(here, item))
                    value[key] = unique
            else:
                _repair(item, here, repairs)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _repair(item, "{0}/{1}".format(where, index), repairs)


def cut(spec, operations=OPERATIONS, required_schemas=REQUIRED_SCHEMAS, repairs=None):
    """The cut-down document (a new dict) of the parsed ``spec``; each repair made is appended to ``repairs``."""
    paths = {}
    for path, method in operations:
        item = (spec.get("paths") or {}).get(path)
        if not isinstance(item, dict) or method not in item:
            raise CutError("the spec has no operation {0} {1}".format(method.upper(), path))
        kept = paths.setdefault(path, dict((k, copy.deepcopy(v)) for k, v in item.items() if k not in HTTP_METHODS))
        kept[method] = copy.deepcopy(item[method])

    source = spec.get("components") or {}
    components = {}
    pending = [(ref, "#/paths") for ref in ("#/components/schemas/" + name for name in required_schemas)]
    pending.extend(_references(paths, "#/paths"))
    for path, method in operations:
        for requirement in paths[path][method].get("security") or []:
            pending.extend(("#/components/securitySchemes/" + scheme, "#/paths/{0}/{1}/security".format(path, method))
                           for scheme in requirement)
    while pending:
        ref, where = pending.pop()
        kind, name = _split_ref(ref, where)
        if name in components.get(kind, {}):
            continue
        if name not in source.get(kind, {}):
            raise CutError("{0} at {1} does not resolve: the spec has no components.{2}.{3}".format(
                ref, where, kind, name))
        value = copy.deepcopy(source[kind][name])
        components.setdefault(kind, {})[name] = value
        pending.extend(_references(value, "#/components/{0}/{1}".format(kind, name)))

    _repair(paths, "#/paths", repairs if repairs is not None else [])
    _repair(components, "#/components", repairs if repairs is not None else [])
    document = {"openapi": spec.get("openapi"), "info": spec.get("info"), "servers": spec.get("servers"),
                "paths": paths, "components": components}
    return dict((key, _sorted(document[key])) for key in TOP_LEVEL if document[key] is not None)


class _Dumper(yaml.SafeDumper):
    """Writes every shared node in full: anchors and aliases would make the output depend on walk order."""

    def ignore_aliases(self, data):
        return True


def render(document, source_name):
    info = document.get("info") or {}
    licence = (info.get("license") or {}).get("name", "unknown")
    title, version = info.get("title", "Okta API spec"), info.get("version", "unknown")
    header = [
        "# yamllint disable",
        "# (generated: Okta's long description lines are kept as they are)",
        "# Cut-down copy of the {0}, version {1} ({2}),".format(title, version, source_name),
        "# from https://github.com/okta/okta-management-openapi-spec, published by Okta under {0}; see".format(
            licence),
        "# LICENSE-APACHE-2.0 and README.md beside this file. Changed from the original: only the operations and",
        "# components oktaops.okta uses are kept, keys are sorted, repeated enum values are dropped, typographic",
        "# quotes are written as ASCII ones. Generated by hacking/cut_okta_spec.py; do not edit.",
    ]
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True,
                     width=110, explicit_start=True)
    return "\n".join(header) + "\n" + body


def _load(path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the full spec is 3.5 MB: the C loader is much faster
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # nosec B506 - a safe loader


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("spec", help="the official spec, e.g. dist/<version>/management-oneOfInheritance.yaml")
    parser.add_argument("output", help="where to write the cut-down spec (- for stdout)")
    args = parser.parse_args(argv)
    try:
        spec = _load(args.spec)
        if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3."):
            raise CutError("{0} is not an OpenAPI 3 document".format(args.spec))
        repairs = []
        text = render(cut(spec, repairs=repairs), args.spec.replace("\\", "/").rsplit("/", 1)[-1])
    except (OSError, yaml.YAMLError, CutError) as exc:
        parser.exit(1, "cut_okta_spec.py: error: {0}\n".format(exc))
    for repair in repairs:
        sys.stderr.write("cut_okta_spec.py: repaired {0}\n".format(repair))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
