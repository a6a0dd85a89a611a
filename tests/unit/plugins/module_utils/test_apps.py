# -*- coding: utf-8 -*-
# Copyright (c) oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for the pure app-listing helpers (module_utils/_apps.py)."""

from __future__ import annotations

import pytest

from ansible_collections.oktaops.okta.plugins.module_utils import _apps

OIDC_APP = {
    "id": "0oaOIDC1", "name": "oidc_client", "label": "Portal", "status": "ACTIVE", "signOnMode": "OPENID_CONNECT",
    "created": "2024-01-01T00:00:00.000Z", "lastUpdated": "2024-02-01T00:00:00.000Z", "features": [],
    "credentials": {"oauthClient": {"client_id": "0oaOIDC1", "client_secret": "SECRET-oidc-xyz"}},
    "settings": {"oauthClient": {"redirect_uris": ["https://portal"]}},
    "_links": {"self": {"href": "https://acme.okta.com/api/v1/apps/0oaOIDC1"}},
}


@pytest.mark.parametrize("user_filter, include_inactive, expected, locally", [
    (None, False, 'status eq "ACTIVE"', False),
    ("", False, 'status eq "ACTIVE"', False),
    ("  ", True, None, False),
    (None, True, None, False),
    # a user filter is sent as it is, never composed; the ACTIVE restriction then happens here
    ('name eq "okta_org2org"', False, 'name eq "okta_org2org"', True),
    ('  name eq "okta_org2org" ', False, 'name eq "okta_org2org"', True),
    ('name eq "okta_org2org"', True, 'name eq "okta_org2org"', False),
    ('status eq "INACTIVE"', False, 'status eq "INACTIVE"', False),
    ('STATUS eq "ACTIVE"', False, 'STATUS eq "ACTIVE"', False),
    # "status eq" inside a quoted value, or a longer property name, does not count as naming status
    ('name eq "status eq x"', False, 'name eq "status eq x"', True),
    ('settings.status eq "x"', False, 'settings.status eq "x"', True),
])
def test_apps_filter_is_never_composed(user_filter, include_inactive, expected, locally):
    sent = _apps.apps_filter(user_filter, include_inactive)
    assert sent == expected
    assert sent is None or " and " not in sent.replace(user_filter or "", "")
    assert _apps.filters_active_locally(user_filter, include_inactive) is locally


def test_list_params():
    assert _apps.list_params() == {"limit": 200, "filter": 'status eq "ACTIVE"'}
    assert _apps.list_params(q="Sla", include_inactive=True) == {"limit": 200, "q": "Sla"}
    assert _apps.list_params(q="Sla") == {"limit": 200, "q": "Sla", "filter": 'status eq "ACTIVE"'}
    assert _apps.list_params(label="Slack", user_filter='name eq "slack"') == {
        "limit": 200, "q": "Slack", "filter": 'name eq "slack"'}


APPS = [{"id": "1", "status": "ACTIVE"}, {"id": "2", "status": "INACTIVE"}, {"id": "3"}, "junk",
        {"id": "4", "status": "ACTIVE"}]


@pytest.mark.parametrize("user_filter, include_inactive, kept", [
    ('name eq "x"', False, ["1", "4"]),  # INACTIVE, no status and not an app: dropped
    ('name eq "x"', True, ["1", "2", "3", "4"]),
    ('status eq "INACTIVE"', False, ["1", "2", "3", "4"]),  # the filter decides; the list is Okta's answer
    (None, False, ["1", "2", "3", "4"]),  # Okta filtered already (status eq "ACTIVE")
])
def test_keep_active(user_filter, include_inactive, kept):
    assert [a["id"] for a in _apps.keep_active(APPS, user_filter, include_inactive) if isinstance(a, dict)] == kept


class _Refusal(object):
    status, error_code, error_summary = 400, "E0000031", "Invalid search criteria."


def test_rejected_filter_message_names_the_filter_okta_and_what_okta_takes():
    msg = _apps.rejected_filter_message('label eq "Slack"', _Refusal(), by_label="q")
    assert msg.startswith("Okta rejected the app filter 'label eq \"Slack\"' (400 E0000031: Invalid search "
                          "criteria). Okta accepts one expression with the operator eq on id, name, status, "
                          "credentials.signing.kid or settings.slo.enabled, such as name eq \"okta_org2org\"")
    assert "(use q for that)" in msg and msg.endswith("run again.")


def test_match_label_is_exact_and_keeps_duplicates():
    apps = [{"id": "1", "label": "Slack"}, {"id": "2", "label": "slack"}, {"id": "3", "label": "Slack Dev"},
            {"id": "4", "label": "Slack"}, "junk"]
    assert [a["id"] for a in _apps.match_label(apps, "Slack")] == ["1", "4"]


def test_project_app_keeps_only_the_documented_keys():
    projected = _apps.project_app(OIDC_APP)
    assert sorted(projected) == sorted(_apps.APP_FIELDS)
    assert "SECRET-oidc-xyz" not in repr(projected)
    assert projected["signOnMode"] == "OPENID_CONNECT" and projected["features"] == []
    assert _apps.project_app({"id": "0oa1", "features": None, "status": 3}) == {
        "id": "0oa1", "label": None, "name": None, "status": "3", "signOnMode": None, "created": None,
        "lastUpdated": None, "features": []}
    assert _apps.project_apps([OIDC_APP, None, "x"]) == [projected]


@pytest.mark.parametrize("value, expected", [
    ("Slack", "Slack"),
    ("Google Workspace", "Google_Workspace"),
    ("{{ lookup('pipe', 'id') }}", "___lookup__pipe____id_____"),
    ("a:b,c[1]", "a_b_c_1_"),
    ("-dash", "_-dash"),
    (u"Caf\u00e9", "Caf_"),
    ("v1.2_x-y", "v1.2_x-y"),
])
def test_safe_hostname(value, expected):
    assert _apps.safe_hostname(value) == expected


def test_choose_hostnames_default_and_duplicates():
    apps = [{"id": "0oa1", "label": "Slack"}, {"id": "0oa2", "label": "Slack"}, {"id": "0oa3", "label": "Zoom"},
            {"id": "0oa4", "label": "A B"}, {"id": "0oa5", "label": "A_B"}, {"id": "0oa6", "label": ""}]
    names, clashes = _apps.choose_hostnames(apps)
    assert names == {"0oa1": "0oa1", "0oa2": "0oa2", "0oa3": "Zoom", "0oa4": "0oa4", "0oa5": "0oa5", "0oa6": "0oa6"}
    assert clashes == {"Slack": ["0oa1", "0oa2"], "A_B": ["0oa4", "0oa5"]}
    assert len(set(names.values())) == len(apps)


def test_choose_hostnames_order():
    apps = [{"id": "0oa1", "label": "Slack", "name": "slack"}, {"id": "0oa2", "label": "Zoom", "name": None}]
    assert _apps.choose_hostnames(apps, ["name", "label"])[0] == {"0oa1": "slack", "0oa2": "Zoom"}
    assert _apps.choose_hostnames(apps, ["id"])[0] == {"0oa1": "0oa1", "0oa2": "0oa2"}
    with pytest.raises(ValueError, match="hostnames"):
        _apps.choose_hostnames(apps, ["label", "status"])


def test_choose_hostnames_a_label_equal_to_another_id_stays_unique():
    apps = [{"id": "0oa1", "label": "0oa2"}, {"id": "0oa2", "label": None}]
    names, clashes = _apps.choose_hostnames(apps)
    assert names == {"0oa1": "0oa1", "0oa2": "0oa2"} and clashes == {"0oa2": ["0oa1", "0oa2"]}


def test_app_hostvars():
    hostvars = _apps.app_hostvars(_apps.project_app(dict(OIDC_APP, features=["PUSH_NEW_USERS"])))
    assert hostvars == {"okta_app_id": "0oaOIDC1", "okta_app_label": "Portal", "okta_app_name": "oidc_client",
                        "okta_app_status": "ACTIVE", "okta_app_sign_on_mode": "OPENID_CONNECT",
                        "okta_app_features": ["PUSH_NEW_USERS"]}


def test_provisioning_hostvars():
    features = [{"name": "USER_PROVISIONING", "status": "ENABLED", "capabilities": {"create": {"x": 1}}},
                {"name": "INBOUND_PROVISIONING", "status": "ENABLED", "capabilities": None}, {"no": "name"}]
    assert _apps.provisioning_hostvars(features) == {
        "okta_provisioning_supported": True, "okta_provisioning_enabled": True,
        "okta_features": {"USER_PROVISIONING": {"create": {"x": 1}}, "INBOUND_PROVISIONING": {}}}
    assert _apps.provisioning_hostvars(problem="unsupported") == {
        "okta_provisioning_supported": False, "okta_provisioning_enabled": False, "okta_features": {}}
    assert _apps.provisioning_hostvars(problem="disabled") == {
        "okta_provisioning_supported": True, "okta_provisioning_enabled": False, "okta_features": {}}
    assert _apps.provisioning_hostvars([{"name": "USER_PROVISIONING", "status": "DISABLED"}])[
        "okta_provisioning_enabled"] is False
