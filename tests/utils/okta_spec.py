# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The official Okta OpenAPI spec for the tests: where it is, its schemas, validators of PUT bodies, and
:class:`Spec`, which checks the emulator's answers against the spec's response schemas.

The spec is vendored in the checkout, in tests/spec/okta-management-subset.yaml (a cut-down copy of Okta's
Management API spec, see tests/spec/README.md), so every clone runs the schema checks: nothing here returns
None or skips, and a missing copy is an error.
"""

from __future__ import annotations

import copy
import functools
import os

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import ENDPOINTS

# Operations the tests check although the collection does not call them: the connection's JWKS (the emulator's
# connection model) and one feature's GET (the emulator serves it, and its fidelity tests check the answer against
# the spec; the collection reads the features list instead, whose refusals Okta documents).
TEST_ONLY_OPERATIONS = (("/api/v1/apps/{appId}/connections/default/jwks", "get"),
                        ("/api/v1/apps/{appId}/features/{featureName}", "get"))
# (path, method) of every operation the vendored spec holds: the endpoints of plugins/module_utils/_endpoints.py
# and the ones above. hacking/cut_okta_spec.py cuts Okta's spec down to these; tests/unit/test_okta_spec.py checks
# that the vendored copy holds exactly these.
OPERATIONS = tuple(sorted(set((endpoint.path, endpoint.method.lower()) for endpoint in ENDPOINTS)
                          | set(TEST_ONLY_OPERATIONS)))

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC_PATH = os.path.join(REPO_ROOT, "tests", "spec", "okta-management-subset.yaml")
FEATURE_SCHEMA = {"USER_PROVISIONING": "CapabilitiesObject", "INBOUND_PROVISIONING": "CapabilitiesInboundProvisioningObject"}


def spec_path():
    """The vendored spec's path."""
    return SPEC_PATH


@functools.lru_cache(maxsize=None)
def document():
    """The whole spec as a dict (shared between callers: copy what you change)."""
    import yaml

    with open(SPEC_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def components():
    """``components.schemas`` of the spec."""
    return document()["components"]["schemas"]


@functools.lru_cache(maxsize=None)
def body_validators():
    """{feature: jsonschema validator} for the PUT body of each feature.

    The capability schemas use no OpenAPI-only keyword, so a JSON Schema draft 4 validator (the draft
    OpenAPI 3.0 builds on) checks them exactly.
    """
    schemas = components()
    from jsonschema import Draft4Validator

    root = {"components": {"schemas": schemas}}
    validators = {}
    for feature, name in FEATURE_SCHEMA.items():
        schema = dict(root, **{"$ref": "#/components/schemas/" + name})
        Draft4Validator.check_schema(schema)
        validators[feature] = Draft4Validator(schema)
    return validators


# Closed (additionalProperties: false) in the tests' copy of the schemas, so that a misspelled or invented key in an
# emulator answer is caught; Okta's spec leaves them open. The connection's response profile stays open: the spec's
# own Org2Org example returns profile.clientId, which the schema omits.
CLOSED_SCHEMAS = (
    "CapabilitiesObject", "CapabilitiesCreateObject", "CapabilitiesUpdateObject",
    "LifecycleCreateSettingObject", "LifecycleDeactivateSettingObject", "ProfileSettingObject",
    "PasswordSettingObject", "CapabilitiesInboundProvisioningObject", "CapabilitiesImportSettingsObject",
    "CapabilitiesImportRulesObject", "CapabilitiesImportRulesUserCreateAndMatchObject",
    "ImportScheduleObject", "ImportScheduleSettings", "ImportUsernameObject",
    "ProvisioningConnectionResponse", "Org2OrgProvisioningOAuthSigningSettings",
    "Error", "ErrorCause",
)
CONNECTION_PATH = "/api/v1/apps/{appId}/connections/default"


class Spec:
    """The spec's request and response schemas, and the errors of an instance against one (OpenAPI 3.0).

    ``doc`` is the spec as :func:`document` returns it; the schemas in ``CLOSED_SCHEMAS`` are closed in a copy.
    """

    def __init__(self, doc):
        from openapi_schema_validator import OAS30Validator

        self.validator = OAS30Validator
        self.doc = doc
        self.components = copy.deepcopy(doc["components"])
        for name in CLOSED_SCHEMAS:
            self.components["schemas"][name]["additionalProperties"] = False

    def response_schema(self, path, method, status="200"):
        """The JSON schema of the answer ``status`` to ``method`` on ``path`` (a path of the spec)."""
        return self.doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]

    def schema(self, method, status="200", path=CONNECTION_PATH):
        """:meth:`response_schema`, the provisioning connection's by default."""
        return self.response_schema(path, method, status)

    def request_schema(self, path=CONNECTION_PATH, method="post"):
        """The JSON schema of the request body of ``method`` on ``path``, the provisioning connection's by default."""
        return self.doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]

    def error_schema(self):
        """Okta's error object."""
        return {"$ref": "#/components/schemas/Error"}

    def errors(self, instance, schema):
        """Every error of ``instance`` against ``schema`` as "path: message", sorted ([] when it validates)."""
        root = dict(schema)
        root["components"] = self.components
        return sorted("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
                      for e in self.validator(root).iter_errors(instance))
