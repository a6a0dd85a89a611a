# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Requests per task: Okta's rate limit on /api/v1/apps makes the request count the cost that matters.

Each test runs one task through ansible-playbook and counts what the emulator logged:

- okta_app_feature: 1 request with nothing to change, 2 with a change, 1 in check mode;
- okta_app_feature_info: 1 request, with or without ``feature`` (the features list either way);
- okta_app_provisioning: 1 request with nothing to change (2 with ``connection``), one write per change, only the
  reads in check mode;
- ``app_label``: one more request per page of label matches, asked with the largest page size (``limit=200``);
- okta_app_info with a ``filter``: one request per page of the apps the filter matches, inactive ones included
  (Okta takes one filter expression, so the inactive apps are dropped after the listing).

The benchmark (``make bench``, docs/docsite/rst/performance.rst) publishes the same figures.
"""

import math

import pytest

from conftest import SLACK, ZOOM

FEATURE = "oktaops.okta.okta_app_feature"
INFO = "oktaops.okta.okta_app_feature_info"
USER = "USER_PROVISIONING"
FEATURE_PATH = "/api/v1/apps/{0}/features/{1}"
FEATURES_PATH = "/api/v1/apps/{0}/features"
PAGED_LABEL = "Paged Payroll"
PAGE_SIZE = 2


def held(emu, app_id, feature=USER):
    return emu.state()["apps"][app_id]["features"][feature]["capabilities"]


def logged(emu):
    return [(entry["method"], entry["path"], entry["status"]) for entry in emu.requests()]


def same_as_held(emu, app_id):
    """A capabilities option that asks for what the app already has: nothing to change."""
    return {"update": {"profile": {"status": held(emu, app_id)["update"]["profile"]["status"]}}}


def a_change(emu, app_id):
    """A capabilities option that differs from what the app has."""
    status = held(emu, app_id)["update"]["profile"]["status"]
    return {"update": {"profile": {"status": "DISABLED" if status == "ENABLED" else "ENABLED"}}}


def add_paged_apps(emu, matches):
    """``matches`` apps whose labels start with PAGED_LABEL; the first is exactly PAGED_LABEL."""
    apps = [{"label": PAGED_LABEL if number == 0 else "{0} {1:02d}".format(PAGED_LABEL, number)}
            for number in range(matches)]
    emu.admin("POST", "/_admin/apps", json=apps)
    emu.admin("POST", "/_admin/config", json={"max_page_size": PAGE_SIZE})
    emu.admin("DELETE", "/_admin/requests")
    return [app_id for app_id, app in emu.state()["apps"].items() if app["label"] == PAGED_LABEL][0]


def assert_label_lookup(requests, label, pages):
    """The first ``pages`` requests are the paged lookup: q=label, limit=200, then the next links."""
    lookup = requests[:pages]
    assert [entry["path"] for entry in lookup] == ["/api/v1/apps"] * pages
    assert lookup[0]["query"] == {"q": label, "limit": "200"}, "the lookup must ask for the largest page"
    afters = [entry["query"].get("after") for entry in lookup[1:]]
    assert all(afters) and len(set(afters)) == len(afters), "each further page follows Okta's next link"
    assert all(entry["method"] == "GET" and entry["status"] == 200 for entry in lookup)


def test_feature_with_nothing_to_change_makes_one_request(emu, play):
    before = held(emu, SLACK)
    run = play([{FEATURE: {"app_id": SLACK, "feature": USER, "capabilities": same_as_held(emu, SLACK)}}])
    assert run.rc == 0, run.stdout
    assert run.status(0) == "ok"
    assert logged(emu) == [("GET", FEATURES_PATH.format(SLACK), 200)]
    assert held(emu, SLACK) == before


def test_feature_with_a_change_makes_two_requests(emu, play):
    change = a_change(emu, SLACK)
    run = play([{FEATURE: {"app_id": SLACK, "feature": USER, "capabilities": change}}])
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    assert logged(emu) == [("GET", FEATURES_PATH.format(SLACK), 200), ("PUT", FEATURE_PATH.format(SLACK, USER), 200)]
    assert held(emu, SLACK)["update"]["profile"] == change["update"]["profile"]


def test_feature_in_check_mode_with_a_change_makes_one_request(emu, play):
    before = held(emu, SLACK)
    run = play([{FEATURE: {"app_id": SLACK, "feature": USER, "capabilities": a_change(emu, SLACK)}}],
               check=True, diff=True)
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    assert logged(emu) == [("GET", FEATURES_PATH.format(SLACK), 200)]
    assert held(emu, SLACK) == before


@pytest.mark.parametrize("feature", [USER, None], ids=["one-feature", "every-feature"])
def test_info_makes_one_request(emu, play, feature):
    args = {"app_id": ZOOM}
    if feature:
        args["feature"] = feature
    run = play([{INFO: args}])
    assert run.rc == 0, run.stdout
    assert logged(emu) == [("GET", FEATURES_PATH.format(ZOOM), 200)]  # the list, also for one feature
    names = [returned["name"] for returned in run[0]["features"]]
    assert names == ([feature] if feature else [USER, "INBOUND_PROVISIONING"])


def test_info_by_label_adds_one_request_when_the_matches_fit_one_page(emu, play):
    # "Slack" is a prefix of "Slack Sandbox" too: two matches, one page of up to 200.
    run = play([{INFO: {"app_label": "Slack", "feature": USER}}])
    assert run.rc == 0, run.stdout
    assert run[0]["app_id"] == SLACK
    requests = emu.requests()
    assert len(requests) == 2
    assert_label_lookup(requests, "Slack", 1)
    assert (requests[1]["method"], requests[1]["path"]) == ("GET", FEATURES_PATH.format(SLACK))


@pytest.mark.parametrize("matches", [PAGE_SIZE, 2 * PAGE_SIZE + 1], ids=["one-page", "three-pages"])
def test_info_by_label_adds_one_request_per_page_of_matches(emu, play, matches):
    app_id = add_paged_apps(emu, matches)
    pages = -(-matches // PAGE_SIZE)
    run = play([{INFO: {"app_label": PAGED_LABEL, "feature": USER}}])
    assert run.rc == 0, run.stdout
    assert run[0]["app_id"] == app_id
    requests = emu.requests()
    assert len(requests) == pages + 1
    assert_label_lookup(requests, PAGED_LABEL, pages)
    assert (requests[-1]["method"], requests[-1]["path"]) == ("GET", FEATURES_PATH.format(app_id))


def test_feature_by_label_adds_the_lookup_pages_and_nothing_else(emu, play):
    app_id = add_paged_apps(emu, 2 * PAGE_SIZE + 1)
    change = a_change(emu, app_id)
    run = play([{FEATURE: {"app_label": PAGED_LABEL, "feature": USER, "capabilities": change}}])
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    requests = emu.requests()
    assert_label_lookup(requests, PAGED_LABEL, 3)
    assert [(entry["method"], entry["path"]) for entry in requests[3:]] == [
        ("GET", FEATURES_PATH.format(app_id)), ("PUT", FEATURE_PATH.format(app_id, USER))]
    assert held(emu, app_id)["update"]["profile"] == change["update"]["profile"]


PROVISIONING = "oktaops.okta.okta_app_provisioning"
CONNECTION_PATH = "/api/v1/apps/{0}/connections/default"


@pytest.mark.parametrize("with_connection", [False, True], ids=["features", "features-and-connection"])
def test_provisioning_with_nothing_to_change_makes_one_request_two_with_connection(emu, play, with_connection):
    args = {"app_id": SLACK, "user_provisioning": same_as_held(emu, SLACK)}
    if with_connection:
        args["connection"] = {"state": "enabled"}
    before = emu.state()["apps"][SLACK]
    run = play([{PROVISIONING: args}])
    assert run.rc == 0, run.stdout
    assert run.status(0) == "ok"
    expected = [("GET", FEATURES_PATH.format(SLACK), 200)]
    if with_connection:
        expected.insert(0, ("GET", CONNECTION_PATH.format(SLACK), 200))
    assert logged(emu) == expected
    assert emu.state()["apps"][SLACK] == before


@pytest.mark.parametrize("check", [False, True], ids=["real", "check-mode"])
def test_provisioning_with_a_change_adds_one_write_and_check_mode_only_reads(emu, play, check):
    change = a_change(emu, SLACK)
    run = play([{PROVISIONING: {"app_id": SLACK, "user_provisioning": change}}], check=check)
    assert run.rc == 0, run.stdout
    assert run.status(0) == "changed"
    expected = [("GET", FEATURES_PATH.format(SLACK), 200)]
    if not check:
        expected.append(("PUT", FEATURE_PATH.format(SLACK, USER), 200))
    assert logged(emu) == expected


def test_provisioning_by_label_adds_the_lookup_pages_and_nothing_else(emu, play):
    app_id = add_paged_apps(emu, 2 * PAGE_SIZE + 1)
    run = play([{PROVISIONING: {"app_label": PAGED_LABEL, "user_provisioning": same_as_held(emu, app_id)}}])
    assert run.rc == 0, run.stdout
    requests = emu.requests()
    assert_label_lookup(requests, PAGED_LABEL, 3)
    assert [(entry["method"], entry["path"]) for entry in requests[3:]] == [("GET", FEATURES_PATH.format(app_id))]


@pytest.mark.parametrize("include_inactive", [False, True])
def test_app_info_with_a_filter_pages_through_the_inactive_matches_too(emu, play, include_inactive):
    apps = [{"label": "Counted %d" % number, "name": "counted_app", "status": "INACTIVE" if number % 2 else "ACTIVE"}
            for number in range(5)]
    emu.admin("POST", "/_admin/apps", json=apps)
    emu.admin("POST", "/_admin/config", json={"max_page_size": PAGE_SIZE})
    emu.admin("DELETE", "/_admin/requests")
    run = play([{"oktaops.okta.okta_app_info": {"filter": 'name eq "counted_app"',
                                                "include_inactive": include_inactive}}])
    assert run.rc == 0, run.stdout
    log = emu.requests()
    assert len(log) == math.ceil(len(apps) / PAGE_SIZE) == 3, "every page of the matches, inactive ones too"
    assert [entry["query"].get("filter") for entry in log] == ['name eq "counted_app"'] * 3
    assert all(entry["status"] == 200 for entry in log)
    expected = sorted(app["label"] for app in apps if include_inactive or app["status"] == "ACTIVE")
    assert sorted(app["label"] for app in run[0]["apps"]) == expected
