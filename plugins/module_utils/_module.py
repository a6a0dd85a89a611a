# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The module layer shared by every module of the collection.

``OktaModule`` owns the common connection options, builds the :class:`OktaClient`, resolves the app
(``app_id`` or ``app_label``) and is the only place that turns an :class:`OktaError` into
``fail_json``.
"""

from __future__ import annotations

import os
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.oktaops.okta.plugins.module_utils._client import (
    REQUESTS_IMPORT_ERROR,
    OktaClient,
    OktaError,
)

# Environment variables read when no credential option is given, first found wins.
TOKEN_ENV = (
    ("api_token", "OKTA_API_TOKEN"),
    ("api_token", "OKTA_CLIENT_TOKEN"),
    ("access_token", "OKTA_ACCESS_TOKEN"),
)
# OAuth 2.0 service-app credentials, read only when no credential option is given and none of TOKEN_ENV is
# set. One family at a time: the first family with either of its two credential variables set is used.
OAUTH_ENV = (
    dict(client_id="OKTA_API_CLIENT_ID", private_key="OKTA_API_PRIVATE_KEY",
         private_key_id=("OKTA_API_PRIVATE_KEY_ID",), scopes="OKTA_API_SCOPES"),
    dict(client_id="OKTA_CLIENT_CLIENTID", private_key="OKTA_CLIENT_PRIVATEKEY",
         private_key_id=("OKTA_CLIENT_PRIVATEKEYID", "OKTA_CLIENT_KID"), scopes="OKTA_CLIENT_SCOPES"),
)
CREDENTIAL_OPTIONS = ("api_token", "access_token", "client_id", "private_key")
OAUTH_ONLY_OPTIONS = ("private_key_id", "scopes")
ORG_URL_ENV = ["OKTA_ORG_URL", "OKTA_CLIENT_ORGURL"]
READ_SCOPE = "okta.apps.read"
MANAGE_SCOPE = "okta.apps.manage"
PROVISIONING_CAUSE = "provisioning is not enabled"
_APP_ID_RE = re.compile(r"[A-Za-z0-9]{1,64}")


def okta_argument_spec():
    """The connection options every module of the collection takes."""
    return dict(
        org_url=dict(type="str", fallback=(env_fallback, ORG_URL_ENV)),
        api_token=dict(type="str", no_log=True),
        access_token=dict(type="str", no_log=True),
        client_id=dict(type="str"),
        private_key=dict(type="str", no_log=True),
        private_key_id=dict(type="str", no_log=False),
        scopes=dict(type="list", elements="str"),
        dpop=dict(type="bool", default=False),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
    )


def app_argument_spec():
    """``app_id`` or ``app_label``: exactly one of them."""
    return dict(
        app_id=dict(type="str"),
        app_label=dict(type="str"),
    )


APP_OPTIONS_RULES = dict(
    mutually_exclusive=[("app_id", "app_label")],
    required_one_of=[("app_id", "app_label")],
)


def scope_for(method):
    return READ_SCOPE if method in (None, "GET", "HEAD") else MANAGE_SCOPE


def describe_failure(action, exc, not_found=None, scopes=None):
    """One sentence a person can act on: what failed, what Okta said, what to do.

    ``scopes`` are the scopes of the OAuth access token in use (None for an API token or access_token).
    """
    label = "{0}: ".format(action)
    code = " {0}".format(exc.error_code) if exc.error_code else ""
    summary = ": {0}".format(exc.error_summary) if exc.error_summary else ""
    okta_said = "({0}{1}{2})".format(exc.status, code, summary)
    if scopes is not None and exc.kind == "http" and exc.status == 401:
        return ("{0}Okta rejected the service app's access token {1}. Check that the service app is active and "
                "that its token is not revoked, then run again.".format(label, okta_said))
    if scopes is not None and exc.kind == "http" and exc.status == 403:
        scope = scope_for(exc.method)
        if scope not in scopes:
            return ("{0}the access token lacks the {1} scope {2}; it was issued for {3}. Add {1} to scopes (and "
                    "grant it to the service app).".format(label, scope, okta_said, " ".join(scopes)))
        return ("{0}the service app is not allowed to do this {1} although its token has the {2} scope. Assign the "
                "service app an admin role that may {3} apps.".format(
                    label, okta_said, scope, "read" if scope == READ_SCOPE else "manage"))
    if exc.kind == "http" and exc.status == 401:
        return ("{0}Okta rejected the credentials {1}. The API token or access token is invalid, expired or "
                "revoked; create a new one and pass it as api_token (or OKTA_API_TOKEN) or access_token "
                "(or OKTA_ACCESS_TOKEN).".format(label, okta_said))
    if exc.kind == "http" and exc.status == 403:
        scope = scope_for(exc.method)
        return ("{0}the credentials are not allowed to do this {1}. This call needs the {2} scope: grant it to "
                "the service app, or use an API token of an administrator whose role may {3} apps."
                .format(label, okta_said, scope, "read" if scope == READ_SCOPE else "manage"))
    if exc.kind == "http" and exc.status == 404:
        return "{0}{1} {2}.".format(label, not_found or "not found", okta_said)
    if exc.kind == "http" and exc.status == 429:
        return ("{0}{1}. Okta's rate limit for /api/v1/apps stayed exhausted; raise retries, run fewer forks "
                "at once, or ask Okta for a higher limit.".format(label, exc.reason))
    return "{0}{1}.".format(label, exc.reason.rstrip("."))


def is_provisioning_disabled(exc):
    return exc.kind == "http" and exc.status == 400 and exc.error_code == "E0000001" and \
        exc.has_cause(PROVISIONING_CAUSE)


def set_aside_non_dicts(spec, params, prefix=""):
    """Check, in place, the value of every dict option with suboptions: a string is parsed as ansible-core
    would (JSON or key=value); any other value that is not a dict or None is replaced by {}. Return a sentence
    for each one replaced."""
    problems = []
    for name, option in spec.items():
        if option.get("type") != "dict" or not option.get("options"):
            continue
        for key in [name] + list(option.get("aliases") or []):
            value = params.get(key)
            if isinstance(value, str):
                try:
                    value = params[key] = check_type_dict(value)
                except TypeError:
                    value = "text that is neither JSON nor key=value pairs"
            if isinstance(value, dict):
                problems.extend(set_aside_non_dicts(option["options"], value, "{0}{1}.".format(prefix, key)))
            elif value is not None:
                problems.append("{0}{1} must be a dictionary, got {2}".format(
                    prefix, key, value if isinstance(value, str) else type(value).__name__))
                params[key] = {}
    return problems


class OktaModule(AnsibleModule):
    """AnsibleModule with the collection's connection options and an Okta client."""

    def __init__(self, argument_spec=None, with_app=True, writes=False, **kwargs):
        # writes: the module changes things, so an OAuth token is requested with okta.apps.manage too.
        self.default_scopes = [READ_SCOPE, MANAGE_SCOPE] if writes else [READ_SCOPE]
        self.oauth = None
        spec = okta_argument_spec()
        if with_app:
            spec.update(app_argument_spec())
            for key, rules in APP_OPTIONS_RULES.items():
                kwargs[key] = list(kwargs.get(key, [])) + rules
        spec.update(argument_spec or {})
        self._misshapen = []
        super(OktaModule, self).__init__(argument_spec=spec, **kwargs)
        if self._misshapen:
            self.fail_json(msg="Invalid arguments: {0}.".format("; ".join(self._misshapen)))
        if REQUESTS_IMPORT_ERROR:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.client = self._build_client()

    def _load_params(self):
        # ansible-core's validation raises a TypeError (a traceback, "MODULE FAILURE") when an option of type
        # dict with suboptions is given a number, a bool or a list, and when it is given text that is not a
        # dictionary it stops collecting no_log values, so the failure echoes api_token. Set such values aside
        # as {} here, before validation, and fail with a sentence once the module is set up.
        super(OktaModule, self)._load_params()
        self._misshapen = set_aside_non_dicts(self.argument_spec, self.params)

    def _credentials(self):
        """(api_token, access_token, oauth settings or None): exactly one method, checked before any request.

        Credential options beat the environment as a whole: if any of them is set, no credential is read
        from the environment. Otherwise TOKEN_ENV is searched first, then the OAUTH_ENV families.
        """
        given = [name for name in CREDENTIAL_OPTIONS if self.params.get(name)]
        if given:
            return self._credentials_from_options(given)
        for option, variable in TOKEN_ENV:
            value = os.environ.get(variable)
            if value:
                self.no_log_values.add(value)
                ignored = [family[key] for family in OAUTH_ENV for key in ("client_id", "private_key")
                           if os.environ.get(family[key])]
                if ignored:
                    self.warn("Authenticating with {0}; {1} {2} ignored because the API token variables come first. "
                              "Unset {0} to use the service app.".format(
                                  variable, ", ".join(ignored), "is" if len(ignored) == 1 else "are"))
                return (value, None, None) if option == "api_token" else (None, value, None)
        for family in OAUTH_ENV:
            client_id = os.environ.get(family["client_id"])
            private_key = os.environ.get(family["private_key"])
            if not client_id and not private_key:
                continue
            if private_key:
                self.no_log_values.add(private_key)
            if not client_id or not private_key:
                self.fail_json(msg="{0} is set but {1} is not: OAuth authentication needs both the service app's "
                                   "client ID and its private key.".format(
                                       family["client_id"] if client_id else family["private_key"],
                                       family["private_key"] if client_id else family["client_id"]))
            key_id = self.params.get("private_key_id")
            for variable in family["private_key_id"]:
                key_id = key_id or os.environ.get(variable)
            scopes = self.params.get("scopes")
            if scopes is None and os.environ.get(family["scopes"]):
                scopes = os.environ[family["scopes"]].replace(",", " ").split()
            return None, None, dict(client_id=client_id, private_key=private_key, private_key_id=key_id,
                                    scopes=scopes)
        self.fail_json(msg="No Okta credentials: set api_token, access_token, or client_id and private_key, or the "
                           "environment variables (first found wins) {0}, or {1}.".format(
                               ", ".join(variable for _option, variable in TOKEN_ENV),
                               " or ".join("{0} with {1}".format(f["client_id"], f["private_key"]) for f in OAUTH_ENV)))

    def _credentials_from_options(self, given):
        methods = []
        for name in ("api_token", "access_token"):
            if name in given:
                methods.append(name)
        if "client_id" in given or "private_key" in given:
            methods.append("client_id and private_key")
        if len(methods) > 1:
            if methods == ["api_token", "access_token"]:
                self.fail_json(msg="Give either api_token or access_token, not both.")
            self.fail_json(msg="Give one authentication method, not {0}: api_token, access_token, or client_id with "
                               "private_key (an OAuth 2.0 service app).".format(" and ".join(methods)))
        if methods[0] != "client_id and private_key":
            extra = [name for name in OAUTH_ONLY_OPTIONS if self.params.get(name)]
            if self.params.get("dpop"):
                extra.append("dpop")
            if extra:
                self.fail_json(msg="{0} apply only to client_id and private_key authentication, not to {1}; remove "
                                   "them or switch to the service app.".format(", ".join(extra), methods[0]))
            return self.params.get("api_token"), self.params.get("access_token"), None
        if not self.params.get("private_key"):
            self.fail_json(msg="client_id needs private_key: give the service app's private key (a PEM string, the "
                               "path of a PEM file, or a private JWK as JSON) in private_key.")
        if not self.params.get("client_id"):
            self.fail_json(msg="private_key needs client_id: give the client ID of the Okta API service app whose "
                               "public key matches private_key.")
        return None, None, dict(client_id=self.params["client_id"], private_key=self.params["private_key"],
                                private_key_id=self.params.get("private_key_id"), scopes=self.params.get("scopes"))

    def _authenticator(self, oauth):
        # Imported here, not at the top: a run with an API token never loads the OAuth code (performance.rst).
        from ansible_collections.oktaops.okta.plugins.module_utils._oauth import (
            OAuthAuthenticator,
            import_error as oauth_import_error,
        )
        missing = oauth_import_error()
        if missing:
            self.fail_json(msg=missing_required_lib("{0} (needed for client_id and private_key authentication)".format(
                missing[0])), exception=missing[1])
        scopes = oauth["scopes"] if oauth["scopes"] else self.default_scopes
        try:
            return OAuthAuthenticator(oauth["client_id"], oauth["private_key"], scopes,
                                      private_key_id=oauth["private_key_id"], dpop=self.params["dpop"],
                                      on_secret=self.no_log_values.add)
        except OktaError as exc:
            self.fail_json(msg="Invalid OAuth settings: {0}.".format(exc.reason))

    def _build_client(self):
        org_url = self.params.get("org_url")
        if not org_url:
            self.fail_json(msg="org_url is required: set org_url or one of the environment variables {0} "
                               "to the org's base URL, such as https://acme.okta.com.".format(", ".join(ORG_URL_ENV)))
        userinfo = org_url.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[0]
        if userinfo:
            # Refused by the client, but the task's echoed arguments must not show the password.
            self.no_log_values.update(part for part in (userinfo, userinfo.partition(":")[2]) if part)
        if self.params["timeout"] <= 0:
            self.fail_json(msg="timeout must be a positive number of seconds, got {0}.".format(self.params["timeout"]))
        if self.params["retries"] < 0:
            self.fail_json(msg="retries must be 0 (no retries) or more, got {0}.".format(self.params["retries"]))
        api_token, access_token, oauth = self._credentials()
        auth = self._authenticator(oauth) if oauth else None
        try:
            client = OktaClient(
                org_url,
                api_token=api_token,
                access_token=access_token,
                validate_certs=self.params["validate_certs"],
                ca_path=self.params["ca_path"],
                timeout=self.params["timeout"],
                retries=self.params["retries"],
                on_retry=self.warn,
                auth=auth,
            )
        except OktaError as exc:
            self.fail_json(msg="Invalid connection settings: {0}.".format(exc.reason))
        if auth is not None:
            # One token per module run, fetched up front so a credential problem fails with its own message.
            self.oauth = auth
            try:
                auth.fetch_token(client)
            except OktaError as exc:
                self.fail_json(msg="Cannot get an access token for the service app {0}: {1}.".format(
                    auth.client_id, exc.reason.rstrip(".")), **exc.fields())
        return client

    def fail_okta(self, action, exc, not_found=None, **result):
        """Fail the task for an OktaError: a sentence plus Okta's structured error keys."""
        fields = exc.fields()
        fields.update(result)
        scopes = self.oauth.granted_scopes if self.oauth is not None else None
        self.fail_json(msg=describe_failure(action, exc, not_found=not_found, scopes=scopes), **fields)

    def resolve_app_id(self):
        """The app's id: ``app_id`` as given (no request), or the one app whose label is ``app_label``."""
        app_id = self.params.get("app_id")
        if app_id is not None:
            if not _APP_ID_RE.fullmatch(app_id):
                self.fail_json(msg="app_id '{0}' is not an Okta app id (letters and digits only, such as "
                                   "0oa1abcdEFGH2345ijk6).".format(app_id[:80]))
            return app_id
        label = self.params["app_label"]
        if not label or not label.strip():
            self.fail_json(msg="app_label is empty; give the app's label as shown in the Admin Console.")
        try:
            apps = self.client.find_apps_by_label(label)
        except OktaError as exc:
            self.fail_okta("Cannot look up the app labelled '{0}'".format(label), exc)
        if not apps:
            self.fail_json(msg="No app has the label '{0}' (labels are matched exactly, including case); "
                               "check app_label or use app_id.".format(label))
        if len(apps) > 1:
            ids = sorted(app.get("id") for app in apps)
            self.fail_json(msg="{0} apps have the label '{1}' ({2}); use app_id to say which one.".format(
                len(apps), label, ", ".join(ids)), app_ids=ids)
        return apps[0].get("id")
