# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's default provisioning connection endpoints against the official spec and SDK.

The answers must validate against ``ProvisioningConnectionResponse`` of the official OpenAPI file (the copy
vendored in ``tests/spec/``), the official Python SDK must read them without error, and the
emulator must behave as the collection's tests assume: lifecycle calls answer 204, the features follow the
connection, the request log never holds a token.
"""

import asyncio
import json
import ssl
import sys

import pytest
import requests

from conftest import COLLECTIONS_PATH

if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)

from ansible_collections.oktaops.okta.tests.utils import okta_spec  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.oktaops.okta.tests.utils.okta_spec import Spec  # noqa: E402  pylint: disable=wrong-import-position

MANAGE = "00oktaops-emulator-manage-token-5f3a9c1e7b"
READONLY = "00oktaops-emulator-readonly-token-8d2b4e6a0c"
SLACK = "0oa1slk7q2HXw9ZbT5d7"
ZSCALER = "0oa4zscR7mN1xKd2B5d7"
ORG2ORG = "0oa5o2oT3bJ8pWe6C5d7"
LEGACY_WIKI = "0oa6wikY4nG7sAf1D5d7"
SECRET = "zs-scim-token-0a1b2c3d4e5f"
CONNECTION = "/api/v1/apps/{appId}/connections/default"


def api(emu, method, path, token=MANAGE, **kw):
    headers = {"Accept": "application/json", "Authorization": "SSWS " + token}
    return requests.request(method, emu.url + path, headers=headers, verify=emu.ca_file, timeout=10, **kw)


def conn_path(app_id, tail=""):
    return "/api/v1/apps/%s/connections/default%s" % (app_id, tail)


def unknown_app(emu):
    app = {"label": "Intranet Links", "name": "bookmark", "signOnMode": "BOOKMARK"}
    return emu.admin("POST", "/_admin/apps", json=app)[0]["id"]


# ---------------------------------------------------------------------------
# official OpenAPI schema
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spec():
    return Spec(okta_spec.document())


def test_spec_get_responses(emu, spec):
    schema = spec.schema("get")
    apps = [SLACK, ZSCALER, ORG2ORG, LEGACY_WIKI, unknown_app(emu)]
    bodies = []
    for app_id in apps:
        resp = api(emu, "GET", conn_path(app_id))
        assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"
        bodies.append(resp.json())
        assert spec.errors(resp.json(), schema) == [], (app_id, resp.text)
        assert set(resp.json()["profile"]) <= {"authScheme", "clientId", "signing"}
    slack, zscaler, org2org, wiki, unknown = bodies
    assert zscaler["authScheme"] == "TOKEN" and zscaler["baseUrl"].startswith("https://")
    assert "authScheme" not in org2org and org2org["profile"]["signing"] == {"rotationMode": "AUTO"}
    assert (wiki["status"], set(wiki["_links"])) == ("DISABLED", {"self", "activate"})
    # a consent app keeps its authorize link once set up, as the spec's Office 365 example (ENABLED) shows
    assert (slack["status"], set(slack["_links"])) == ("ENABLED", {"self", "deactivate", "authorize"})
    assert unknown == {"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"},
                       "_links": {"self": {"href": emu.url + conn_path(apps[-1]), "hints": {"allow": ["GET", "POST"]}}}}


def test_spec_post_requests_and_responses(emu, spec):
    token_body = {"baseUrl": "https://scim.zscalerbeta.net/7654321/890/scim",
                  "profile": {"authScheme": "TOKEN", "token": SECRET}}
    oauth_body = {"profile": {"authScheme": "OAUTH2", "clientId": "0oa2h6su6bVFyJzIf1d7",
                              "signing": {"rotationMode": "MANUAL"}}}
    # what the collection sends is a valid request body for the spec (both oneOf branches are open objects)
    assert spec.errors(token_body, spec.request_schema()) == []
    assert spec.errors(oauth_body, spec.request_schema()) == []
    for app_id, body in ((ZSCALER, token_body), (ORG2ORG, oauth_body)):
        resp = api(emu, "POST", conn_path(app_id), json=body)
        assert resp.status_code == 200, resp.text
        assert spec.errors(resp.json(), spec.schema("post")) == []
    resp = api(emu, "POST", conn_path(LEGACY_WIKI), params={"activate": "true"},
               json={"profile": {"authScheme": "TOKEN", "token": SECRET}})
    assert resp.json()["status"] == "ENABLED"
    assert spec.errors(resp.json(), spec.schema("post")) == []


def test_spec_error_bodies(emu, spec):
    cases = [
        api(emu, "POST", conn_path(SLACK), json={"profile": {"authScheme": "TOKEN", "token": SECRET}}),  # 400
        api(emu, "POST", conn_path(SLACK, "/lifecycle/deactivate"), token=READONLY),  # 403
        api(emu, "GET", conn_path("0oaNOPE0000000000000")),  # 404
    ]
    assert [r.status_code for r in cases] == [400, 403, 404]
    for resp in cases:
        assert spec.errors(resp.json(), {"$ref": "#/components/schemas/Error"}) == [], resp.text
    assert SECRET not in cases[0].text


# ---------------------------------------------------------------------------
# behaviour the collection's tests rely on
# ---------------------------------------------------------------------------


def test_lifecycle_204_and_features_follow(emu):
    feature = "/api/v1/apps/%s/features" % ZSCALER
    resp = api(emu, "POST", conn_path(ZSCALER, "/lifecycle/deactivate"))
    assert (resp.status_code, resp.content) == (204, b"")
    assert "Content-Type" not in resp.headers
    assert api(emu, "GET", conn_path(ZSCALER)).json()["status"] == "DISABLED"
    err = api(emu, "GET", feature)
    assert err.status_code == 400
    assert err.json()["errorCauses"] == [{"errorSummary": "Provisioning is not enabled for the app instance."}]
    assert api(emu, "PUT", feature + "/USER_PROVISIONING", json={}).status_code == 400
    assert api(emu, "POST", conn_path(ZSCALER, "/lifecycle/activate")).status_code == 204
    assert api(emu, "GET", feature).status_code == 200
    assert emu.state()["apps"][ZSCALER]["provisioning"] is True
    assert api(emu, "GET", conn_path(ZSCALER, "/lifecycle/activate")).status_code == 405


def test_unknown_app_refuses_everything_but_the_get(emu):
    app_id = unknown_app(emu)
    assert api(emu, "GET", "/api/v1/apps/%s/features" % app_id).status_code == 400
    for tail in ("/lifecycle/activate", "/lifecycle/deactivate"):
        assert api(emu, "POST", conn_path(app_id, tail)).status_code == 400
    resp = api(emu, "POST", conn_path(app_id), json={"profile": {"authScheme": "TOKEN", "token": SECRET}})
    assert resp.status_code == 400 and "does not support provisioning" in resp.text
    assert emu.state()["apps"][app_id]["connection"]["status"] == "UNKNOWN"


@pytest.mark.parametrize("app_id,body,needle", [
    (ZSCALER, {"profile": {"token": SECRET}}, "profile.authScheme: required"),
    (ZSCALER, {"profile": {"authScheme": "BASIC"}}, "profile.authScheme: 'BASIC'"),
    (ZSCALER, {"profile": {"authScheme": "TOKEN", "token": SECRET, "clientId": "x"}}, "profile.clientId: unknown"),
    (ZSCALER, {"profile": {"authScheme": "OAUTH2"}}, "does not support a OAUTH2 connection"),
    (ORG2ORG, {"profile": {"authScheme": "OAUTH2", "signing": {"rotationMode": "SOMETIMES"}}}, "rotationMode"),
    (ORG2ORG, {"profile": {"authScheme": "OAUTH2", "signing": {}}}, "rotationMode: required"),
    (ORG2ORG, {"profile": {"authScheme": "TOKEN"}}, "profile.token: a token is required"),
    (SLACK, {"profile": {"authScheme": "OAUTH2", "clientId": "0oa1"}}, "profile.clientId: only used by okta_org2org"),
    (ZSCALER, {"baseUrl": 5, "profile": {"authScheme": "TOKEN"}}, "baseUrl: must be a non-empty string"),
    (ZSCALER, ["profile"], "connection: must be an object"),
])
def test_post_validation(emu, app_id, body, needle):
    before = emu.state()["apps"]
    resp = api(emu, "POST", conn_path(app_id), json=body)
    assert resp.status_code == 400, resp.text
    causes = [c["errorSummary"] for c in resp.json()["errorCauses"]]
    assert any(needle in c for c in causes), causes
    assert emu.state()["apps"] == before
    assert api(emu, "POST", conn_path(ZSCALER), params={"activate": "yes"},
               json={"profile": {"authScheme": "TOKEN"}}).status_code == 400


def test_request_log_redacts_the_token_and_counts_it(emu):
    api(emu, "POST", conn_path(ZSCALER), json={"profile": {"authScheme": "TOKEN", "token": SECRET}})
    api(emu, "POST", conn_path(ZSCALER), json={"profile": {"authScheme": "TOKEN"}})
    requests.post(emu.url + conn_path(ZSCALER), data='{"profile": {"token": "%s"' % SECRET, verify=emu.ca_file,
                  headers={"Authorization": "SSWS " + MANAGE, "Content-Type": "application/json"}, timeout=10)
    log = emu.requests()
    assert [e["token_sent"] for e in log] == [True, False, False]
    assert log[0]["body"] == {"profile": {"authScheme": "TOKEN", "token": "<redacted>"}}
    assert log[2]["body"] == "<redacted>" and log[2]["status"] == 400
    state = emu.state()
    assert state["apps"][ZSCALER]["token_sets"] == 1
    assert SECRET not in json.dumps(log) + json.dumps(state)


# ---------------------------------------------------------------------------
# official Python SDK
# ---------------------------------------------------------------------------


@pytest.fixture
def sdk(emu):
    """An official-SDK client against the emulator, verifying TLS with the emulator's CA (see test_emulator_fidelity)."""
    pytest.importorskip("okta", reason="official Okta Python SDK (pip install okta) not installed")
    from okta.client import Client

    class SharedContext(ssl.SSLContext):
        def __deepcopy__(self, memo):
            return self

    ctx = SharedContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(emu.ca_file)
    return Client({"orgUrl": emu.url, "token": MANAGE, "sslContext": ctx, "rateLimit": {"maxRetries": 0}})


@pytest.mark.filterwarnings("ignore:ssl_context is deprecated:DeprecationWarning")
def test_sdk_reads_every_connection(emu, sdk):
    from okta.models import ProvisioningConnectionResponse

    for app_id in (SLACK, ZSCALER, ORG2ORG, LEGACY_WIKI, unknown_app(emu)):
        conn, _resp, err = asyncio.run(sdk.get_default_provisioning_connection_for_application(app_id))
        assert err is None, (app_id, err)
        raw = api(emu, "GET", conn_path(app_id)).json()
        assert conn.status.value == raw["status"]
        assert conn.profile.auth_scheme.value == raw["profile"]["authScheme"]
        assert conn.base_url == raw.get("baseUrl")
        assert ProvisioningConnectionResponse.from_dict(raw) is not None
    conn, _resp, err = asyncio.run(sdk.get_default_provisioning_connection_for_application(ORG2ORG))
    assert conn.profile.signing.rotation_mode.value == "AUTO"


@pytest.mark.filterwarnings("ignore:ssl_context is deprecated:DeprecationWarning")
def test_sdk_lifecycle_calls(emu, sdk):
    _resp, err = asyncio.run(sdk.deactivate_default_provisioning_connection_for_application(ZSCALER))[-2:]
    assert err is None
    assert emu.state()["apps"][ZSCALER]["connection"]["status"] == "DISABLED"
    _resp, err = asyncio.run(sdk.activate_default_provisioning_connection_for_application(ZSCALER))[-2:]
    assert err is None
    assert emu.state()["apps"][ZSCALER]["connection"]["status"] == "ENABLED"


# ---------------------------------------------------------------------------
# Office 365 settings, OAuth 2.0 consent, the callback (verifyProvisioningConnectionForApplication)
# ---------------------------------------------------------------------------

O365_SETTINGS = {"adminUsername": "admin@tenant.onmicrosoft.com", "adminPassword": "o365-Adm1n-pass"}


def new_app(emu, name, label, provisioning=False):
    return emu.admin("POST", "/_admin/apps", json={"label": label, "name": name, "provisioning": provisioning})[0]["id"]


def authorize_params(body):
    from urllib.parse import parse_qs, urlsplit
    return {k: v[0] for k, v in parse_qs(urlsplit(body["_links"]["authorize"]["href"]).query).items()}


def callback(emu, name, app_id, **params):
    return api(emu, "POST", "/api/v1/apps/%s/%s/oauth2/callback" % (name, app_id), params=params)


def test_office365_settings_are_required_write_only_and_never_returned(emu, spec):
    app_id = new_app(emu, "office365", "Microsoft Office 365")
    before = api(emu, "GET", conn_path(app_id)).json()
    assert before["status"] == "DISABLED" and "authorize" not in before["_links"]  # never set up: no consent yet
    # settings are required to set up the connection, each of the two fields too
    for body in ({"profile": {"authScheme": "OAUTH2"}},
                 {"profile": {"authScheme": "OAUTH2", "settings": {"adminUsername": "admin@tenant"}}}):
        resp = api(emu, "POST", conn_path(app_id), json=body)
        assert resp.status_code == 400 and "settings" in resp.text, resp.text
    # activating without them is refused, whether by lifecycle or ?activate=true
    assert api(emu, "POST", conn_path(app_id, "/lifecycle/activate")).status_code == 400
    body = {"profile": {"authScheme": "OAUTH2", "settings": O365_SETTINGS}}
    assert spec.errors(body, spec.request_schema()) == []
    resp = api(emu, "POST", conn_path(app_id), json=body)
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert spec.errors(answer, spec.schema("post")) == []
    assert "settings" not in answer["profile"] and "o365-Adm1n-pass" not in resp.text
    assert "admin@tenant.onmicrosoft.com" not in resp.text and "admin@tenant" not in api(emu, "GET", conn_path(app_id)).text
    # the log holds neither field's value
    logged = [e["body"] for e in emu.requests() if e["method"] == "POST" and e["path"] == conn_path(app_id)]
    redacted = {"adminUsername": "<redacted>", "adminPassword": "<redacted>"}
    assert logged[-1] == {"profile": {"authScheme": "OAUTH2", "settings": redacted}}
    assert "o365-Adm1n-pass" not in json.dumps(emu.requests()) and "onmicrosoft" not in json.dumps(logged)
    # written: the connection now waits for consent, with the spec's authorize link
    link = answer["_links"]["authorize"]
    assert link["href"].startswith("https://login.microsoftonline.com/myofficetenant.onmicrosoft.com/oauth2/authorize?")
    assert link["hints"]["allow"] == ["GET"] and link["hints"]["guidance"]
    # a later write may leave the settings out: they are kept
    assert api(emu, "POST", conn_path(app_id), json={"profile": {"authScheme": "OAUTH2"}}).status_code == 200


@pytest.mark.parametrize("name", ["google", "office365", "slack", "zoomus"])
def test_consent_flow(emu, spec, name):
    app_id = new_app(emu, name, "Consent " + name)
    profile = {"authScheme": "OAUTH2"}
    if name == "office365":
        profile["settings"] = O365_SETTINGS
    # activating with the profile write is refused as a whole while consent is missing: nothing is stored
    refused = api(emu, "POST", conn_path(app_id), params={"activate": "true"}, json={"profile": profile})
    assert refused.status_code == 400 and "consent" in refused.text
    assert "authorize" not in api(emu, "GET", conn_path(app_id)).json()["_links"]
    written = api(emu, "POST", conn_path(app_id), json={"profile": profile}).json()
    assert written["status"] == "DISABLED" and "authorize" in written["_links"]
    assert spec.errors(written, spec.schema("post")) == []
    state = authorize_params(written)["state"]
    # the same link on every read and after another write, until consent is given
    again = api(emu, "POST", conn_path(app_id), json={"profile": profile}).json()
    assert again["_links"]["authorize"] == written["_links"]["authorize"]
    assert api(emu, "POST", conn_path(app_id, "/lifecycle/activate")).status_code == 400
    assert api(emu, "GET", "/api/v1/apps/%s/features" % app_id).status_code == 400
    # the callback checks the app name, the app, the code and the state
    other = "zoomus" if name != "zoomus" else "slack"
    assert callback(emu, other, app_id, code="c0de", state=state).status_code == 404
    assert callback(emu, "boxnet", app_id, code="c0de", state=state).status_code == 404
    assert callback(emu, name, "0oaNOPE0000000000000", code="c0de", state=state).status_code == 404
    assert callback(emu, name, app_id, code="c0de", state="wrong").status_code == 400
    assert callback(emu, name, app_id, state=state).status_code == 400
    assert callback(emu, name, app_id, code="c0de", state=state, extra="1").status_code == 400
    assert api(emu, "GET", conn_path(app_id)).json()["status"] == "DISABLED"
    done = callback(emu, name, app_id, code="c0de", state=state)
    assert (done.status_code, done.content) == (204, b"")
    # consent given: the verification enables the connection; the link stays, as in the spec's example
    conn = api(emu, "GET", conn_path(app_id)).json()
    assert conn["status"] == "ENABLED" and "authorize" in conn["_links"]
    assert spec.errors(conn, spec.schema("get")) == []
    assert callback(emu, name, app_id, code="c0de", state=state).status_code == 400  # used once
    # after consent, deactivating and activating work
    assert api(emu, "POST", conn_path(app_id, "/lifecycle/deactivate")).status_code == 204
    assert api(emu, "POST", conn_path(app_id, "/lifecycle/activate")).status_code == 204


def test_seeded_consent_apps_hold_their_consent(emu):
    for app_id in (SLACK,):
        conn = api(emu, "GET", conn_path(app_id)).json()
        assert conn["status"] == "ENABLED" and "authorize" in conn["_links"]
        assert api(emu, "POST", conn_path(app_id, "/lifecycle/deactivate")).status_code == 204
        assert api(emu, "POST", conn_path(app_id, "/lifecycle/activate")).status_code == 204


@pytest.mark.parametrize("method,tail,kw", [
    ("GET", "", {"params": {"expand": "all"}}),
    ("POST", "", {"params": {"activate": "true", "force": "1"}, "json": {"profile": {"authScheme": "TOKEN"}}}),
    ("POST", "/lifecycle/deactivate", {"params": {"force": "true"}}),
    ("POST", "/lifecycle/deactivate", {"json": {"profile": {"authScheme": "TOKEN"}}}),
])
def test_undocumented_query_parameters_and_bodies_are_refused(emu, method, tail, kw):
    before = emu.state()["apps"][ZSCALER]
    resp = api(emu, method, conn_path(ZSCALER, tail), **kw)
    assert resp.status_code == 400, resp.text
    assert emu.state()["apps"][ZSCALER] == before


def test_base_url_only_for_the_types_that_take_it(emu):
    resp = api(emu, "POST", conn_path(SLACK), json={"baseUrl": "https://x.example.com", "profile": {"authScheme": "OAUTH2"}})
    assert resp.status_code == 400
    # zscalerbyz takes it (the spec), and okta_org2org (the spec's own TOKEN example answers with one)
    assert api(emu, "POST", conn_path(ZSCALER), json={"baseUrl": "https://scim.zscalerbeta.net/1/2/scim",
                                                      "profile": {"authScheme": "TOKEN"}}).status_code == 200
