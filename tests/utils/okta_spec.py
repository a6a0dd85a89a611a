# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The official Okta OpenAPI spec for the tests: where it is, its schemas, and validators of PUT bodies.

The spec lives beside the checkout, in ../shared/okta/; a user's clone may not have it, so every caller
skips its schema checks with SKIP_REASON when ``components()`` is None.
"""

from __future__ import annotations

import functools
import os

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC_RELATIVE = os.path.join("..", "shared", "okta", "app-features-subset.yaml")
SKIP_REASON = "official Okta spec not found at ../shared/okta/app-features-subset.yaml; schema checks skipped"
FEATURE_SCHEMA = {"USER_PROVISIONING": "CapabilitiesObject", "INBOUND_PROVISIONING": "CapabilitiesInboundProvisioningObject"}


def spec_path():
    """The spec's path, or None. The checkout may be reached through a symlink: try the real path too."""
    for root in (os.path.realpath(REPO_ROOT), REPO_ROOT):
        candidate = os.path.normpath(os.path.join(root, SPEC_RELATIVE))
        if os.path.isfile(candidate):
            return candidate
    return None


@functools.lru_cache(maxsize=None)
def document():
    """The whole spec as a dict, or None where it is absent."""
    path = spec_path()
    if path is None:
        return None
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def components():
    """``components.schemas`` of the spec, or None where it is absent."""
    doc = document()
    return None if doc is None else doc["components"]["schemas"]


@functools.lru_cache(maxsize=None)
def body_validators():
    """{feature: jsonschema validator} for the PUT body of each feature, or None where the spec is absent.

    The capability schemas use no OpenAPI-only keyword, so a JSON Schema draft 4 validator (the draft
    OpenAPI 3.0 builds on) checks them exactly.
    """
    schemas = components()
    if schemas is None:
        return None
    from jsonschema import Draft4Validator

    root = {"components": {"schemas": schemas}}
    validators = {}
    for feature, name in FEATURE_SCHEMA.items():
        schema = dict(root, **{"$ref": "#/components/schemas/" + name})
        Draft4Validator.check_schema(schema)
        validators[feature] = Draft4Validator(schema)
    return validators
