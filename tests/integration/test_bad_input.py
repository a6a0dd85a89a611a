# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input: random arguments for both modules, and org_url edge cases, against the emulator over TLS.

The property test runs the modules in this process (``patch_module_args``, stdout captured), 500 examples
and more, each a real module run that talks to the emulator. Every outcome must be one JSON document, a success
or a failure with a ``msg``; an exception escaping ``main()`` is what a module process would report as a
traceback and "MODULE FAILURE", and fails the test. After the batch, every PUT body the emulator received is
validated against Okta's official schema (the copy vendored in ``tests/spec/``).

Waits are not what this test is about: the backoff base is shortened so a network failure with retries costs
milliseconds, and name resolution is refused for any host but the emulator's, so random org URLs never reach
the outside world (and a test proves that the refused ones never try).
"""

import contextlib
import io
import json
import os
import socket
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import COLLECTIONS_PATH, LEGACY_WIKI, MANAGE_TOKEN, ORG2ORG, READONLY_TOKEN, SLACK, ZOOM
from lib.reliability import add_apps, assert_clean, held, schema_errors

if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)

from ansible_collections.oktaops.okta.tests.utils.module_args import patch_module_args  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.oktaops.okta.tests.utils.okta_spec import body_validators  # noqa: E402

from ansible_collections.oktaops.okta.plugins.module_utils import _client  # noqa: E402
from ansible_collections.oktaops.okta.plugins.module_utils._features import capabilities_argument_spec  # noqa: E402
from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import profile_argument_spec  # noqa: E402
from ansible_collections.oktaops.okta.plugins.modules import (  # noqa: E402
    okta_app_connection,
    okta_app_connection_info,
    okta_app_feature,
    okta_app_feature_info,
)

EXAMPLES = 500
EXTRA_APP = "0oaBadInput1"
MODULES = {"okta_app_feature": okta_app_feature.main, "okta_app_feature_info": okta_app_feature_info.main,
           "okta_app_connection": okta_app_connection.main, "okta_app_connection_info": okta_app_connection_info.main}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Guard(object):
    """Refuses name resolution for any host but loopback, and remembers every host that was asked for."""

    def __init__(self):
        self.asked = []
        self._real = socket.getaddrinfo

    def getaddrinfo(self, host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.asked.append(name)
        if name.strip("[]") not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, "name resolution refused by the test")
        return self._real(host, *args, **kwargs)


@pytest.fixture
def sandbox(emu, monkeypatch):
    """The emulator with a generous rate limit, no OKTA_* variables, fast backoff and guarded name resolution."""
    emu.admin("POST", "/_admin/config", json={"rate_limit": 1000000, "rate_window": 60})
    add_apps(emu, [EXTRA_APP])
    for name in list(os.environ):
        if name.startswith("OKTA_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(_client, "BACKOFF_BASE", 0.001)
    guard = Guard()
    monkeypatch.setattr(socket, "getaddrinfo", guard.getaddrinfo)
    return emu, guard


def run_module(name, args):
    """Run one module's main() in this process; return (parsed JSON result, raw output)."""
    out, err = io.StringIO(), io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            MODULES[name]()
        except SystemExit:
            pass
        # Anything else propagates: in a module process it would be a traceback and "MODULE FAILURE".
    text = out.getvalue() + err.getvalue()
    assert_clean(text, "the module's output")
    try:
        result = json.loads(out.getvalue())
    except ValueError:
        raise AssertionError("the module did not print one JSON document: {0!r}".format(text[:2000]))
    assert isinstance(result, dict)
    return result, text


def assert_clean_outcome(result):
    if result.get("failed"):
        assert isinstance(result.get("msg"), str) and result["msg"].strip(), result
        assert "Traceback" not in result["msg"]
        assert not result.get("changed"), "a failure must not claim a change"
    else:
        assert "msg" not in result or isinstance(result["msg"], str)
        assert isinstance(result.get("changed"), bool), result


# ------------------------------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------------------------------

def _repeat(char, size):
    return char * size


HUGE = st.builds(_repeat, st.characters(blacklist_categories=("Cs",)), st.integers(1000, 70000))


TEXT = st.one_of(
    st.text(max_size=40),  # unicode of every kind (no lone surrogates: JSON cannot carry them)
    st.just(""),
    st.just("   "),
    HUGE,
    st.sampled_from(["ENABLED", "DISABLED", "enabled", "EMAIL", "CUSTOM", "USERNAME", "null", "None", "yes", "0",
                     "{{ x }}", "Ünïcødé 名前 🔥", "a\x00b", "line\nbreak", "0 2 * * *", "Europe/Berlin"]),
)
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=False, allow_infinity=False), TEXT,
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
)
UNKNOWN_KEY = st.one_of(st.text(min_size=1, max_size=20),
                        st.sampled_from(["status ", "Status", "extra", "_links", "capabilities", "lifecyclecreate"]))


def _leaf(spec):
    """A well-typed value for a leaf option (an enum value, a bool, or some text)."""
    if spec.get("choices"):
        return st.sampled_from(spec["choices"])
    if spec.get("type") == "bool":
        return st.booleans()
    return st.text(min_size=1, max_size=30)


@st.composite
def option_dict(draw, options, damage=True):
    """A value for a dict option: known keys (snake_case or alias) and, with ``damage``, unknown keys and wrong
    types or enums at every level."""
    out = {}
    for name, spec in options.items():
        if not draw(st.booleans()):
            continue
        key = draw(st.sampled_from([name] + list(spec.get("aliases") or [])))
        if damage and draw(st.integers(0, 9)) == 0:
            out[key] = draw(JUNK)  # wrong type or wrong enum
        elif spec.get("type") == "dict":
            out[key] = draw(option_dict(spec["options"], damage))
        else:
            out[key] = draw(_leaf(spec))
    if damage and draw(st.integers(0, 7)) == 0:
        out[draw(UNKNOWN_KEY)] = draw(JUNK)
    return out


CAPS_OPTIONS = capabilities_argument_spec()["capabilities"]["options"]
PROFILE_OPTIONS = profile_argument_spec()["options"]
BLOCKS = {"USER_PROVISIONING": ("create", "update"), "INBOUND_PROVISIONING": ("import_settings", "import_rules")}
KNOWN_APPS = [SLACK, ZOOM, ORG2ORG, LEGACY_WIKI, EXTRA_APP, "0oaDoesNotExist1"]


def valid_capabilities(feature):
    """Capabilities for ``feature`` in the shape the argument spec accepts (they may still name no setting, or
    leave a schedule without its expression: the module must refuse those itself)."""
    return option_dict(dict((name, CAPS_OPTIONS[name]) for name in BLOCKS[feature]), damage=False)


def app_ids():
    return st.one_of(st.sampled_from(KNOWN_APPS), TEXT, JUNK)


@st.composite
def plausible_args(draw, emu):
    """What a careful user would write: every option well typed, the capabilities those of the feature."""
    module = draw(st.sampled_from(sorted(MODULES)))
    feature = draw(st.sampled_from(sorted(BLOCKS)))
    args = dict(org_url=emu.url, api_token=MANAGE_TOKEN, ca_path=emu.ca_file, feature=feature)
    if draw(st.integers(0, 4)):
        args["app_id"] = draw(st.sampled_from(KNOWN_APPS))
    else:
        args["app_label"] = draw(st.sampled_from(["Slack", "Zoom", "Slack Sandbox", "Okta Org2Org", "Nope"]))
    if module == "okta_app_feature":
        args["capabilities"] = draw(valid_capabilities(feature))
    elif module.startswith("okta_app_connection") or draw(st.booleans()):
        del args["feature"]
    if module == "okta_app_connection":
        args.update(connection_options(draw, damage=False))
    return module, args


def connection_options(draw, damage):
    """state, profile and update_token of okta_app_connection, each present or not."""
    args = {}
    if draw(st.booleans()):
        args["state"] = draw(st.one_of(st.sampled_from(["enabled", "disabled"]), *([JUNK] if damage else [])))
    if draw(st.booleans()):
        args["profile"] = draw(st.one_of(option_dict(PROFILE_OPTIONS, damage), *([JUNK] if damage else [])))
    if draw(st.integers(0, 3)) == 0:
        args["update_token"] = draw(st.one_of(st.sampled_from(["always", "on_create"]), *([JUNK] if damage else [])))
    return args


@st.composite
def one_mistake(draw, emu):
    """Plausible arguments with one thing wrong: an option replaced by junk, an unknown key at some depth,
    the other feature's block, or one conflicting option."""
    module, args = draw(plausible_args(emu))
    mistake = draw(st.integers(0, 5))
    if mistake == 0:
        args[draw(st.sampled_from(sorted(args)))] = draw(JUNK)
    elif mistake == 1:
        args[draw(UNKNOWN_KEY)] = draw(JUNK)
    elif mistake == 2 and isinstance(args.get("capabilities") or args.get("profile"), dict):
        target = args.get("capabilities") or args["profile"]
        while True:  # walk down a random path and add an unknown key there
            inner = [key for key, value in target.items() if isinstance(value, dict)]
            if not inner or not draw(st.booleans()):
                break
            target = target[draw(st.sampled_from(inner))]
        target[draw(UNKNOWN_KEY)] = draw(JUNK)
    elif mistake == 3 and "capabilities" in args:
        other = [feature for feature in BLOCKS if feature != args["feature"]][0]
        args["capabilities"].update(draw(valid_capabilities(other)))
    elif mistake == 4:
        args.update(draw(st.sampled_from([dict(app_label="Slack", app_id=SLACK), dict(access_token="eyJx"),
                                          dict(client_id="0oaclient"), dict(dpop=True), dict(scopes=["okta.apps.read"]),
                                          dict(timeout=-5), dict(retries=-1), dict(validate_certs="maybe")])))
    else:
        args[draw(st.sampled_from(["app_id", "app_label", "org_url", "api_token"]))] = draw(TEXT)
    return module, args


@st.composite
def chaos_args(draw, emu):
    """Arguments for one module run with every kind of damage mixed in."""
    module = draw(st.sampled_from(sorted(MODULES)))
    args = {}
    port = emu.url.rsplit(":", 1)[1]
    args["org_url"] = draw(st.one_of(
        st.just(emu.url), st.just(emu.url + "/"),
        st.sampled_from([emu.url + "/api/v1", "127.0.0.1:" + port, "http://example.com", "https://acme-admin.okta.com",
                         "https://user:pw@127.0.0.1:" + port, "ftp://127.0.0.1", "https://127.0.0.1:99999", "",
                         "https://acme.okta.com"]),
        TEXT))
    credential = draw(st.integers(0, 9))
    if credential <= 5:
        args["api_token"] = MANAGE_TOKEN
    elif credential == 6:
        args["api_token"] = READONLY_TOKEN
    elif credential == 7:
        args["api_token"] = draw(TEXT)
    elif credential == 8:
        args["api_token"], args["access_token"] = MANAGE_TOKEN, draw(TEXT)  # conflicting
    if draw(st.integers(0, 4)) == 0:
        args["ca_path"] = draw(st.one_of(st.just("/nonexistent/ca.pem"), TEXT))
    else:
        args["ca_path"] = emu.ca_file
    for option, values in (("timeout", st.one_of(st.sampled_from([5, 10.5, "10"]), JUNK)),
                           ("retries", st.one_of(st.sampled_from([0, 1, 2]), JUNK)),
                           ("validate_certs", st.one_of(st.booleans(), JUNK))):
        if draw(st.integers(0, 5)) == 0:
            args[option] = draw(values)
    which = draw(st.integers(0, 9))
    if which <= 5:
        args["app_id"] = draw(app_ids())
    elif which <= 7:
        args["app_label"] = draw(st.one_of(st.sampled_from(["Slack", "Zoom", "Slack Sandbox", "slack", "Nope"]), TEXT))
    elif which == 8:
        args["app_id"], args["app_label"] = SLACK, "Slack"  # conflicting
    feature = draw(st.one_of(st.sampled_from(sorted(BLOCKS)), TEXT, JUNK))
    if module == "okta_app_feature":
        if draw(st.integers(0, 9)):
            args["feature"] = feature
        if draw(st.integers(0, 12)):
            args["capabilities"] = draw(st.one_of(option_dict(CAPS_OPTIONS), option_dict(CAPS_OPTIONS),
                                                  option_dict(CAPS_OPTIONS), JUNK))
    elif module == "okta_app_connection":
        args.update(connection_options(draw, damage=True))
    elif draw(st.booleans()):
        args["feature"] = feature
    if draw(st.integers(0, 9)) == 0:
        args[draw(UNKNOWN_KEY)] = draw(JUNK)
    return module, args


@st.composite
def module_args(draw, emu):
    # Half the runs are plausible, so enough of them get as far as a PUT whose body the schema can judge.
    module, args = draw(st.one_of(plausible_args(emu), plausible_args(emu), one_mistake(emu), chaos_args(emu)))
    if draw(st.integers(0, 5)) == 0:
        args["_ansible_check_mode"] = True
    if draw(st.booleans()):
        args["_ansible_diff"] = True
    return module, args


# ------------------------------------------------------------------------------------------------------------------
# The property test
# ------------------------------------------------------------------------------------------------------------------

def test_random_arguments_give_a_result_or_a_clean_failure(sandbox):
    emu, guard = sandbox
    seen = dict(runs=0, failed=0, changed=0, ok=0)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(st.data())
    def check(data):
        module, args = data.draw(module_args(emu))
        result, _text = run_module(module, args)
        assert_clean_outcome(result)
        seen["runs"] += 1
        seen["failed" if result.get("failed") else "changed" if result.get("changed") else "ok"] += 1

    check()
    assert seen["runs"] >= EXAMPLES, seen
    # A property test that only ever fails its input would prove little: some runs must get through.
    assert seen["ok"] + seen["changed"] > 0 and seen["failed"] > 0, seen
    refused = [host for host in guard.asked if host.strip("[]") not in LOOPBACK]
    assert not [host for host in refused if "-admin" in host], "an -admin org_url must be refused before any lookup"

    log = emu.requests()
    puts = [entry for entry in log if entry["method"] == "PUT"]
    # The emulator validates strictly; the modules must never send it a body it rejects as invalid.
    assert not [entry for entry in puts if entry["status"] == 400], [e["body"] for e in puts if e["status"] == 400][:3]
    print("\nbad input: {0} runs ({1} ok, {2} changed, {3} failed cleanly); {4} requests, {5} PUTs".format(
        seen["runs"], seen["ok"], seen["changed"], seen["failed"], len(log), len(puts)))
    validators = body_validators()
    assert puts, "no run got as far as a PUT, so the schema check below would prove nothing"
    problems = [(entry["path"], schema_errors(validators, entry)) for entry in puts]
    assert not [problem for problem in problems if problem[1]], [p for p in problems if p[1]][:3]


# ------------------------------------------------------------------------------------------------------------------
# org_url edge cases: normalised safely, or refused before any connection
# ------------------------------------------------------------------------------------------------------------------

def _org_url_cases(emu):
    port = emu.url.rsplit(":", 1)[1]
    return [
        # (org_url, expected: "works" or words of the refusal)
        (emu.url + "/", "works"),
        ("  " + emu.url + "  ", "works"),
        ("127.0.0.1:" + port, "works"),  # no scheme: https:// is assumed, never http://
        ("HTTPS://127.0.0.1:" + port, "works"),
        (emu.url + "/api/v1", "without a path"),
        (emu.url + "/?x=1", "without a path"),
        ("http://example.com", "plain http:// is accepted only for loopback hosts"),
        ("http://10.1.2.3:" + port, "plain http:// is accepted only for loopback hosts"),
        ("https://acme-admin.okta.com", "use https://acme.okta.com"),
        ("acme-admin.okta.com/", "use https://acme.okta.com"),
        ("https://admin:secret-pw@127.0.0.1:" + port, "must not contain credentials"),
        ("ftp://127.0.0.1:" + port, "must start with https://"),
        ("https://127.0.0.1:99999", "invalid port"),
        ("https://", "no host name"),
        ("[", "is not a URL"),
        ("https://" + "a" * 64 + ".okta.com", "valid host name"),
        ("https://acme okta.com", "valid host name"),
    ]


def test_org_url_edge_cases_are_normalised_or_refused_before_any_connection(sandbox):
    emu, guard = sandbox
    for org_url, expected in _org_url_cases(emu):
        emu.admin("DELETE", "/_admin/requests")
        guard.asked[:] = []
        result, text = run_module("okta_app_feature_info", dict(
            org_url=org_url, api_token=MANAGE_TOKEN, ca_path=emu.ca_file, app_id=SLACK, feature="USER_PROVISIONING"))
        log = emu.requests()
        if expected == "works":
            assert not result.get("failed"), (org_url, result.get("msg"))
            assert result["features"][0]["name"] == "USER_PROVISIONING"
            assert [(e["method"], e["path"]) for e in log] == [("GET", "/api/v1/apps/%s/features" % SLACK)], org_url
        else:
            assert result.get("failed"), org_url
            assert result["msg"].startswith("Invalid connection settings"), result["msg"]
            assert expected in result["msg"], (org_url, result["msg"])
            assert log == [], "a refused org_url must not reach the server"
            assert guard.asked == [], "a refused org_url must not even be looked up: {0}".format(guard.asked)
            assert "secret-pw" not in text, "the password in the URL leaked"


def test_conflicting_and_misplaced_options_fail_before_any_request(sandbox):
    emu, _guard = sandbox
    before = held(emu.state(), SLACK)
    cases = [
        (dict(app_id=SLACK, app_label="Slack"), "mutually exclusive"),
        (dict(api_token=MANAGE_TOKEN, access_token="eyJsomething"), "not both"),
        (dict(feature="USER_PROVISIONING", capabilities={"import_rules": {"user_create_and_match": {
            "allow_partial_match": True}}}), "INBOUND_PROVISIONING"),
        (dict(capabilities={}), ""),
        (dict(timeout=0), "timeout must be a positive number"),
        (dict(retries=-1), "retries must be 0"),
        (dict(app_id="0oa/../../users"), "is not an Okta app id"),
        (dict(api_token="00tökén"), "non-ASCII"),
        (dict(ca_path="/nonexistent/ca.pem"), "ca_path '/nonexistent/ca.pem' does not exist"),
        (dict(capabilities={"update": True}), "capabilities.update must be a dictionary, got bool"),
        (dict(capabilities={"update": {"profile": "not a dict"}}), "capabilities.update.profile must be a dictionary"),
    ]
    for extra, words in cases:
        emu.admin("DELETE", "/_admin/requests")
        args = dict(org_url=emu.url, api_token=MANAGE_TOKEN, ca_path=emu.ca_file, app_id=SLACK,
                    feature="USER_PROVISIONING", capabilities={"update": {"profile": {"status": "ENABLED"}}})
        args.update(extra)
        if "app_label" in extra and "app_id" not in extra:
            args.pop("app_id")
        result, _text = run_module("okta_app_feature", args)
        assert result.get("failed"), (extra, result)
        assert words in result["msg"], (extra, result["msg"])
        assert emu.requests() == [], (extra, "no request may be made for input that cannot work")
    assert held(emu.state(), SLACK) == before
