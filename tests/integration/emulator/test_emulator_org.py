"""Tests of the emulator's realistic org: the seed's apps, app objects, apps without provisioning, the app
list's filter and paging, generated apps, and the per-token rate-limit buckets. They talk HTTP to it directly."""

import time

import pytest
import requests

from test_emulator_fidelity import MANAGE, READONLY, SEED_APPS, SLACK, ZSCALER, api, feature_path

BEARER = "eyJoktaops-emulator-access-token-c4e1b9"
ORG2ORG = "0oa5o2oT3bJ8pWe6C5d7"
CAUSE_WORDING = ["0oaexpQ7pX2mK9vB45d7", "0oajenQ7pX2mK9vB45d7", "0oacusQ7pX2mK9vB45d7", "0oabenQ7pX2mK9vB45d7",
                 "0oahbkQ7pX2mK9vB45d7", "0oavenQ7pX2mK9vB45d7"]
SUMMARY_WORDING = ["0oatabQ7pX2mK9vB45d7", "0oagwQ7pX2mK9vB4n5d7", "0oatrvQ7pX2mK9vB45d7", "0oatimQ7pX2mK9vB45d7",
                   "0oahlpQ7pX2mK9vB45d7", "0oaanOQ7pX2mK9vB45d7"]
OIDC_SECRET = "oidcSecret-CustomerPortal-x7Qm2Lr9Vt4Bn8Kp3"
CUSTOMER_PORTAL = "0oacusQ7pX2mK9vB45d7"
GITHUB = "0oagheQ7pX2mK9vB45d7"  # the one app with provisioning and no password sync
ATLASSIAN = "0oaatlQ7pX2mK9vB45d7"
INACTIVE = {"0oagraQ7pX2mK9vB45d7", "0oaparQ7pX2mK9vB45d7", "0oastsQ7pX2mK9vB45d7", "0oadbxQ7pX2mK9vB45d7"}
USER = "USER_PROVISIONING"
INBOUND = "INBOUND_PROVISIONING"


def all_apps(emu, **params):
    params.setdefault("limit", "200")
    resp = api(emu, "GET", "/api/v1/apps", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_seed_looks_like_a_real_org(emu):
    apps = all_apps(emu)
    assert len(apps) == SEED_APPS == len(emu.state()["apps"])
    without = [a for a in apps if a["features"] == []]
    assert len(without) >= 0.6 * len(apps)
    assert {a["signOnMode"] for a in without} >= {"SAML_2_0", "OPENID_CONNECT", "AUTO_LOGIN", "BROWSER_PLUGIN",
                                                  "BOOKMARK"}
    assert {a["id"] for a in apps if a["status"] == "INACTIVE"} == INACTIVE  # listed by default, as Okta does
    labels = [a["label"] for a in apps]
    assert labels.count("Analytics") == 2
    assert sum(1 for a in apps if a["name"] == "okta_org2org") == 3
    state = emu.state()["apps"]
    user_only = sorted(i for i, a in state.items() if list(a["features"]) == [USER])
    assert user_only == sorted([ZSCALER, ATLASSIAN, GITHUB])
    no_password = [i for i, a in state.items()
                   if USER in a["features"] and "password" not in a["features"][USER]["capabilities"]["update"]]
    assert no_password == [GITHUB]
    for app_id in CAUSE_WORDING + SUMMARY_WORDING:
        assert state[app_id]["features"] == {} and state[app_id]["connection"]["status"] == "UNKNOWN"


def test_app_objects_are_shaped_like_okta(emu):
    app = api(emu, "GET", "/api/v1/apps/" + CUSTOMER_PORTAL).json()
    assert app["signOnMode"] == "OPENID_CONNECT" and app["name"] == "oidc_client" and app["features"] == []
    assert app["credentials"]["oauthClient"]["client_id"] == CUSTOMER_PORTAL
    assert app["credentials"]["oauthClient"]["client_secret"] == OIDC_SECRET
    assert app["settings"]["oauthClient"]["redirect_uris"]
    for key in ("visibility", "accessibility", "credentials", "settings", "_links", "created", "lastUpdated"):
        assert key in app
    saml = api(emu, "GET", "/api/v1/apps/" + ZSCALER).json()
    assert saml["features"] == ["PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES"]
    assert saml["settings"]["signOn"]["ssoAcsUrl"].startswith("https://")
    assert saml["credentials"]["signing"]["kid"]
    assert api(emu, "GET", "/api/v1/apps/0oahbkQ7pX2mK9vB45d7").json()["settings"]["app"]["url"].startswith("https")


def test_every_app_validates_against_the_official_schema(emu):
    from test_emulator_fidelity import Spec, okta_spec

    spec = Spec(okta_spec.document())
    emu.admin("POST", "/_admin/apps/generate", json={"count": 60, "seed": 3, "prefix": "Schema"})
    apps = all_apps(emu)
    assert len(apps) == 95
    assert spec.errors(apps, spec.response_schema("/api/v1/apps", "get")) == []


@pytest.mark.parametrize("app_id", CAUSE_WORDING[:3] + SUMMARY_WORDING[:3])
def test_apps_without_provisioning_refuse_the_features(emu, app_id):
    summary_wording = app_id in SUMMARY_WORDING
    # The list and the PUT document this 400; one feature's GET does not (it is refused, see test_emulator_strict).
    requests_made = [api(emu, "GET", feature_path(app_id)),
                     api(emu, "PUT", feature_path(app_id, USER), json={"profile": {"status": "ENABLED"}})]
    for resp in requests_made:
        assert resp.status_code == 400, resp.text
        body = resp.json()
        assert body["errorCode"] == "E0000001"
        if summary_wording:
            assert body["errorSummary"] == "Api validation failed: Provisioning is not supported for this application"
            assert body["errorCauses"] == []
        else:
            assert body["errorSummary"] == "Api validation failed: feature"
            assert body["errorCauses"] == [{"errorSummary": "Provisioning is not supported."}]
    conn = api(emu, "GET", "/api/v1/apps/%s/connections/default" % app_id).json()
    assert conn["status"] == "UNKNOWN" and conn["profile"] == {"authScheme": "UNKNOWN"}
    assert emu.state()["apps"][app_id]["features"] == {}
    for name in (USER, INBOUND):
        resp = api(emu, "GET", feature_path(app_id, name))
        assert resp.status_code == 404 and "rovisioning" not in resp.text, resp.text
    assert [e["status"] for e in emu.requests()] == [400, 400, 200, 404, 404]


def test_user_provisioning_only_app(emu):
    feats = api(emu, "GET", feature_path(ATLASSIAN)).json()
    assert [f["name"] for f in feats] == [USER]
    resp = api(emu, "GET", feature_path(ATLASSIAN, INBOUND))
    assert resp.status_code == 404 and resp.json()["errorCode"] == "E0000007"


def test_no_password_sync_ignores_the_password_block(emu):
    before = api(emu, "GET", feature_path(GITHUB, USER)).json()["capabilities"]
    assert "password" not in before["update"]
    body = {"update": {"password": {"status": "ENABLED", "seed": "OKTA", "change": "CHANGE"},
                       "lifecycleDeactivate": {"status": "ENABLED"}}}
    resp = api(emu, "PUT", feature_path(GITHUB, USER), json=body)
    assert resp.status_code == 200, resp.text
    caps = resp.json()["capabilities"]
    assert "password" not in caps["update"] and caps["update"]["lifecycleDeactivate"] == {"status": "ENABLED"}
    held = emu.state()["apps"][GITHUB]["features"][USER]["capabilities"]
    assert held == caps and held["update"]["profile"] == {"status": "ENABLED"}
    assert emu.requests()[-1]["body"] == body  # the request did carry the block


def test_provisioning_supported_but_disabled_says_not_enabled(emu):
    resp = api(emu, "GET", feature_path("0oa6wikY4nG7sAf1D5d7"))
    assert resp.status_code == 400
    assert resp.json()["errorCauses"] == [{"errorSummary": "Provisioning is not enabled for the app instance."}]


@pytest.mark.parametrize("expression, expected", [
    ('status eq "INACTIVE"', INACTIVE),
    ('name eq "okta_org2org"', {ORG2ORG, "0oao2eQ7pX2mK9vB45d7", "0oao2aQ7pX2mK9vB45d7"}),
    ('id eq "%s"' % SLACK, {SLACK}),
    ('name eq "nothing"', set()),
])
def test_filter(emu, expression, expected):
    assert {a["id"] for a in all_apps(emu, filter=expression)} == expected
    assert emu.requests()[-1]["query"]["filter"] == expression


def test_q_with_one_filter_expression(emu):
    apps = all_apps(emu, q="S", filter='status eq "ACTIVE"')
    assert apps and all(a["status"] == "ACTIVE" for a in apps)
    assert all(a["label"].lower().startswith("s") or a["name"].startswith("s") for a in apps)


# Okta takes one `eq` expression on id, status, name, credentials.signing.kid or settings.slo.enabled, nothing else
@pytest.mark.parametrize("expression, problem", [
    ('status eq "ACTIVE" and name eq "okta_org2org"', "only one expression"),
    ('(name eq "okta_org2org") and status eq "ACTIVE"', "only one expression"),
    ('id eq "%s" or id eq "%s"' % (SLACK, ZSCALER), "only one expression"),
    ('(status eq "ACTIVE")', "only one expression"),
    ('label eq "Slack"', "filtering on 'label' is not supported"),
    ('profile.name eq "x"', "filtering on 'profile.name' is not supported"),
    ('status sw "ACT"', "operator 'sw' is not supported"),
    ('status ne "ACTIVE"', "operator 'ne' is not supported"),
    ('status EQ "ACTIVE"', "operator 'EQ' is not supported"),
    ('status eq ACTIVE', "expected <property> eq"),
    ('settings.slo.enabled eq "true"', "takes true or false"),
    ('name eq true', "takes a quoted value"),
    ('status eq "ACTIVE" name eq "x"', "expected <property> eq"),
    ('status = "ACTIVE"', "operator '=' is not supported"),
    ('', "expected <property> eq"),
])
def test_bad_filter(emu, expression, problem):
    resp = api(emu, "GET", "/api/v1/apps", params={"filter": expression})
    assert resp.status_code == 400
    assert resp.json() == {"errorCode": "E0000031", "errorSummary": "Invalid search criteria.",
                           "errorLink": "E0000031", "errorId": resp.json()["errorId"], "errorCauses": []}
    assert problem in emu.requests()[-1]["refusal"]


def test_next_link_keeps_q_filter_and_limit(emu):
    url = emu.url + "/api/v1/apps?filter=status%20eq%20%22ACTIVE%22&q=S&limit=2"
    seen = []
    with requests.Session() as session:
        session.trust_env = False
        while url:
            resp = api(emu, "GET", url, session=session)
            seen += resp.json()
            url = resp.links.get("next", {}).get("url")
            if url:
                assert "limit=2" in url and "q=S" in url and "filter=status%20eq%20%22ACTIVE%22" in url
    expected = {a["id"] for a in all_apps(emu, q="S") if a["status"] == "ACTIVE"}
    assert [a["id"] for a in seen] == sorted(expected) and len(expected) > 2


def test_generate_thousands_of_apps_quickly_and_deterministically(emu):
    started = time.monotonic()
    out = emu.admin("POST", "/_admin/apps/generate", json={"count": 5000, "seed": 1, "prefix": "Gen"})
    assert time.monotonic() - started < 2.0
    assert out["count"] == 5000 and len(set(out["ids"])) == 5000
    assert out["provisioning"]["none"] > 2500  # mostly without provisioning
    assert len(emu.state()["apps"]) == SEED_APPS + 5000
    page = api(emu, "GET", "/api/v1/apps", params={"limit": "200"})
    assert len(page.json()) == 200 and "next" in page.links  # Okta's maximum page
    emu.reset()
    again = emu.admin("POST", "/_admin/apps/generate", json={"count": 5000, "seed": 1, "prefix": "Gen"})
    assert again["ids"] == out["ids"]
    other = emu.admin("POST", "/_admin/apps/generate", json={"count": 3, "seed": 2, "prefix": "Other"})
    assert not set(other["ids"]) & set(out["ids"])
    labels = [a["label"] for a in all_apps(emu, q="Other")]
    assert sorted(labels) == ["Other 00000", "Other 00001", "Other 00002"]
    for bad in ({"count": 0}, {"count": "5"}, {"count": 5, "prefix": ""}, {"count": 5, "nope": 1}):
        assert requests.post(emu.url + "/_admin/apps/generate", json=bad, verify=emu.ca_file,
                             timeout=10).status_code == 400


def _aligned(window):
    if window - (time.time() % window) < 2:
        time.sleep(window - (time.time() % window) + 0.05)


def test_buckets_per_token_and_org(emu):
    window = 10
    _aligned(window)
    emu.admin("POST", "/_admin/config", json={"rate_limit": 2, "rate_limit_org": 3, "app_rate_limit": 4,
                                              "rate_window": window, "rate_buckets": "okta"})
    first = [api(emu, "GET", feature_path(SLACK, USER)), api(emu, "GET", "/api/v1/apps")]
    assert [r.status_code for r in first] == [200, 200]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in first] == ["1", "0"]
    assert first[0].headers["X-Rate-Limit-Limit"] == "2"
    assert api(emu, "GET", "/api/v1/apps").status_code == 429  # this token's share is spent
    # another token has its own share, but the org has only one request left in the apps bucket
    other = api(emu, "GET", "/api/v1/apps", token=READONLY)
    assert other.status_code == 200 and other.headers["X-Rate-Limit-Remaining"] == "0"
    assert other.headers["X-Rate-Limit-Limit"] == "3"  # the org limit is what binds now
    assert api(emu, "GET", "/api/v1/apps", token=BEARER, scheme="Bearer").status_code == 429
    # the one-app bucket is separate and larger
    one = api(emu, "GET", "/api/v1/apps/" + SLACK)
    assert one.status_code == 200
    assert (one.headers["X-Rate-Limit-Limit"], one.headers["X-Rate-Limit-Remaining"]) == ("4", "3")
    log = emu.requests()
    assert [(e["bucket"], e["status"]) for e in log] == [
        ("apps", 200), ("apps", 200), ("apps", 429), ("apps", 200), ("apps", 429), ("app", 200)]
    limits = emu.admin("GET", "/_admin/limits")
    assert limits["apps"]["org_used"] == 3 and limits["apps"]["tokens"] == 2
    assert (limits["app"]["token_limit"], limits["app"]["org_limit"]) == (4, 8)
    assert MANAGE not in str(limits) and limits["mode"] == "okta"


def test_shared_bucket_mode_is_one_bucket_for_every_request_and_token(emu):
    window = 10
    _aligned(window)
    emu.admin("POST", "/_admin/config", json={"rate_limit": 3, "rate_window": window, "rate_buckets": "shared"})
    answers = [api(emu, "GET", "/api/v1/apps/" + SLACK), api(emu, "GET", feature_path(SLACK), token=READONLY),
               api(emu, "GET", "/api/v1/apps"), api(emu, "GET", "/api/v1/apps/" + SLACK, token=READONLY)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in answers] == ["2", "1", "0", "0"]
    assert {e["bucket"] for e in emu.requests()} == {"shared"}
    assert requests.post(emu.url + "/_admin/config", json={"rate_buckets": "nope"}, verify=emu.ca_file,
                         timeout=10).status_code == 400


def test_okta_buckets_are_the_default_without_flags(tmp_path):
    import sys

    from test_emulator_fidelity import EMULATOR_DIR, EMULATOR_SEED

    sys.path.insert(0, EMULATOR_DIR)
    try:
        from okta_emulator import OktaEmulator
    finally:
        sys.path.pop(0)
    _aligned(60)
    emu = OktaEmulator(EMULATOR_SEED, tls=False, rate_limit=2).start()
    try:
        with requests.Session() as session:
            session.trust_env = False
            session.headers["Authorization"] = "SSWS " + MANAGE
            one = session.get(emu.url + "/api/v1/apps/" + SLACK, timeout=5)
            assert one.headers["X-Rate-Limit-Limit"] == "10" and emu.state.config["rate_buckets"] == "okta"
            assert [session.get(emu.url + "/api/v1/apps", timeout=5).status_code for _i in range(3)] == [200, 200, 429]
    finally:
        emu.stop()


def test_bucket_defaults_follow_rate_limit(emu):
    window = 10
    _aligned(window)
    emu.admin("POST", "/_admin/config", json={"rate_limit": 3, "rate_window": window, "rate_buckets": "okta"})
    one = api(emu, "GET", "/api/v1/apps/" + SLACK)
    assert one.headers["X-Rate-Limit-Limit"] == "15"  # 5 x rate_limit
    limits = emu.admin("GET", "/_admin/limits")
    assert (limits["apps"]["token_limit"], limits["apps"]["org_limit"]) == (3, 6)
    for bad in ({"rate_limit_org": -1}, {"app_rate_limit": "x"}, {"app_rate_limit_org": True}):
        assert requests.post(emu.url + "/_admin/config", json=bad, verify=emu.ca_file,
                             timeout=10).status_code == 400
    emu.admin("POST", "/_admin/config", json={"app_rate_limit": None})
