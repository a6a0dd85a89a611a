# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The vendored Okta spec (tests/spec/) is what the spec-based tests need, self-contained, with its licence."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import ENDPOINTS, Endpoint, endpoint_for
from ansible_collections.oktaops.okta.tests.utils import okta_spec

SPEC_DIR = os.path.dirname(okta_spec.SPEC_PATH)


def _refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            elif key == "discriminator":
                yield from (item.get("mapping") or {}).values()
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_the_spec_is_in_the_checkout_not_beside_it():
    path = okta_spec.spec_path()
    assert os.path.isfile(path)
    assert os.path.commonpath([os.path.realpath(path), os.path.realpath(okta_spec.REPO_ROOT)]) == \
        os.path.realpath(okta_spec.REPO_ROOT)
    # nothing the tests or the collection run reads the maintainers' copy beside the checkout
    beside = re.compile(r"""\.\./shared|/work/shared|["']shared["']\s*,\s*["']okta["']""")
    for top in ("tests", "plugins", "roles"):
        for root, _dirs, files in os.walk(os.path.join(okta_spec.REPO_ROOT, top)):
            for name in files:
                path = os.path.join(root, name)
                if name.endswith((".py", ".yml", ".yaml", ".json")) and not os.path.samefile(path, __file__):
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        assert not beside.search(handle.read()), path


def test_licence_and_provenance():
    doc = okta_spec.document()
    assert doc["openapi"].startswith("3.0.")
    assert doc["info"]["license"]["name"] == "Apache-2.0"
    with open(okta_spec.SPEC_PATH, encoding="utf-8") as handle:
        header = handle.read(1000)
    assert "version {0}".format(doc["info"]["version"]) in header and "hacking/cut_okta_spec.py" in header
    with open(os.path.join(SPEC_DIR, "LICENSE-APACHE-2.0"), encoding="utf-8") as handle:
        licence = handle.read()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    with open(os.path.join(SPEC_DIR, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    assert "version {0}".format(doc["info"]["version"]) in readme and "hacking/cut_okta_spec.py" in readme


def test_holds_the_operations_the_collection_uses():
    paths = okta_spec.document()["paths"]
    held = set((path, method) for path, item in paths.items() for method in item if method != "parameters")
    assert held == set(okta_spec.OPERATIONS)
    assert len(okta_spec.OPERATIONS) == len(held)
    apps = dict((p.get("name"), p) for p in paths["/api/v1/apps"]["get"]["parameters"] if "name" in p)
    assert {"q", "after", "limit", "filter"} <= set(apps)


def test_every_reference_resolves_and_every_component_is_used():
    """Self-contained, and nothing beyond what the operations reach."""
    doc = okta_spec.document()
    components = doc["components"]
    reached = set()
    pending = list(_refs(doc["paths"]))
    for operations in doc["paths"].values():
        for operation in operations.values():
            for requirement in operation.get("security", []) if isinstance(operation, dict) else []:
                pending.extend("#/components/securitySchemes/" + name for name in requirement)
    while pending:
        ref = pending.pop()
        assert ref.startswith("#/components/") and ref.count("/") == 3, ref
        kind, name = ref.split("/")[2:]
        assert name in components.get(kind, {}), "{0} does not resolve".format(ref)
        if (kind, name) not in reached:
            reached.add((kind, name))
            pending.extend(_refs(components[kind][name]))
    held = set((kind, name) for kind, names in components.items() for name in names)
    assert held == reached


def test_holds_the_schemas_the_tests_name():
    schemas = okta_spec.components()
    for name in ("CapabilitiesObject", "CapabilitiesInboundProvisioningObject", "ProvisioningConnectionResponse",
                 "Error", "ErrorCause", "ImportUsernameObject", "Org2OrgProvisioningOAuthSigningSettings"):
        assert name in schemas, name
    # GET /api/v1/apps/{appId} answers one of the sign-on-mode variants, chosen by signOnMode
    answer = okta_spec.document()["paths"]["/api/v1/apps/{appId}"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert schema["discriminator"]["propertyName"] == "signOnMode"
    assert schema["discriminator"]["mapping"]["OPENID_CONNECT"] == "#/components/schemas/OpenIdConnectApplication"
    oidc = schemas["OpenIdConnectApplication"]
    credentials = [part for part in oidc["allOf"] if "properties" in part][0]["properties"]["credentials"]
    assert credentials == {"$ref": "#/components/schemas/OAuthApplicationCredentials"}
    oauth = [part for part in schemas["OAuthApplicationCredentials"]["allOf"] if "properties" in part]
    assert oauth[0]["properties"]["oauthClient"] == {"$ref": "#/components/schemas/ApplicationCredentialsOAuthClient"}


def test_enum_values_are_unique():
    """OpenAPI requires it; the cut repairs the one repeated value of Okta's spec."""
    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "enum" and isinstance(item, list):
                    assert len(item) == len(set(map(repr, item))), item
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(okta_spec.document())


def test_body_validators_check_the_put_bodies():
    validators = okta_spec.body_validators()
    assert set(validators) == {"USER_PROVISIONING", "INBOUND_PROVISIONING"}
    assert not list(validators["USER_PROVISIONING"].iter_errors({"create": {"lifecycleCreate": {"status": "ENABLED"}}}))
    assert list(validators["USER_PROVISIONING"].iter_errors({"create": {"lifecycleCreate": {"status": "ON"}}}))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: "{0} {1}".format(endpoint.method, endpoint.path))
def test_every_endpoint_is_okta_s_operation(endpoint):
    """Each row of the table is an operation of Okta's spec: its path, method, operationId and OAuth scope."""
    operation = okta_spec.document()["paths"][endpoint.path][endpoint.method.lower()]
    assert operation["operationId"] == endpoint.operation_id
    scopes = [scope for requirement in operation["security"] for scope in requirement.get("oauth2", [])]
    assert scopes == [endpoint.scope]
    assert set(endpoint.names) == set(re.findall(r"\{(\w+)\}", endpoint.path))
    parameters = operation.get("parameters", []) + okta_spec.document()["paths"][endpoint.path].get("parameters", [])
    declared = set()
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = okta_spec.document()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter.get("in") == "path":
            declared.add(parameter["name"])
    assert declared == set(endpoint.names)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: "{0} {1}".format(endpoint.method, endpoint.path))
def test_every_endpoint_words_its_failures(endpoint):
    values = ["v{0}".format(index) for index in range(len(endpoint.names))]
    target = endpoint.at(*values)
    assert endpoint_for(endpoint.method, target.path) is endpoint
    assert target.action.startswith("Cannot ") and all(value in target.action for value in values)
    assert "{" not in target.action and "{" not in (target.not_found or "")
    assert target.not_found is None or "check app_id" in target.not_found


def test_an_endpoint_takes_one_value_per_placeholder():
    endpoint = Endpoint("GET", "/api/v1/apps/{appId}/features/{featureName}", "op", "okta.apps.read", "Cannot {appId}")
    assert endpoint.path_for("0oa1", "USER_PROVISIONING") == "/api/v1/apps/0oa1/features/USER_PROVISIONING"
    assert endpoint.path_for("a/b", "c?d") == "/api/v1/apps/a%2Fb/features/c%3Fd"
    with pytest.raises(TypeError):
        endpoint.path_for("0oa1")
    assert not endpoint.matches("GET", "/api/v1/apps/0oa1/features")
    assert not endpoint.matches("PUT", "/api/v1/apps/0oa1/features/USER_PROVISIONING")
    assert endpoint_for("GET", "/oauth2/v1/token") is None
