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
ORG_URL_ENV = ["OKTA_ORG_URL", "OKTA_CLIENT_ORGURL"]
READ_SCOPE = "okta.apps.read"
MANAGE_SCOPE = "okta.apps.manage"
PROVISIONING_CAUSE = "provisioning is not enabled"
_APP_ID_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")


def okta_argument_spec():
    """The connection options every module of the collection takes."""
    return dict(
        org_url=dict(type="str", fallback=(env_fallback, ORG_URL_ENV)),
        api_token=dict(type="str", no_log=True),
        access_token=dict(type="str", no_log=True),
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


def describe_failure(action, exc, not_found=None):
    """One sentence a person can act on: what failed, what Okta said, what to do."""
    label = "{0}: ".format(action)
    code = " {0}".format(exc.error_code) if exc.error_code else ""
    summary = ": {0}".format(exc.error_summary) if exc.error_summary else ""
    okta_said = "({0}{1}{2})".format(exc.status, code, summary)
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


class OktaModule(AnsibleModule):
    """AnsibleModule with the collection's connection options and an Okta client."""

    def __init__(self, argument_spec=None, with_app=True, **kwargs):
        spec = okta_argument_spec()
        if with_app:
            spec.update(app_argument_spec())
            for key, rules in APP_OPTIONS_RULES.items():
                kwargs[key] = list(kwargs.get(key, [])) + rules
        spec.update(argument_spec or {})
        super(OktaModule, self).__init__(argument_spec=spec, **kwargs)
        if REQUESTS_IMPORT_ERROR:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.client = self._build_client()

    def _credentials(self):
        api_token = self.params.get("api_token")
        access_token = self.params.get("access_token")
        if api_token and access_token:
            self.fail_json(msg="Give either api_token or access_token, not both.")
        if api_token or access_token:
            return api_token, access_token
        found = dict(api_token=None, access_token=None)
        for option, variable in TOKEN_ENV:
            value = os.environ.get(variable)
            if value:
                self.no_log_values.add(value)
                found[option] = value
                return found["api_token"], found["access_token"]
        self.fail_json(msg="No Okta credentials: set api_token or access_token, or one of the environment "
                           "variables {0}.".format(", ".join(variable for _option, variable in TOKEN_ENV)))

    def _build_client(self):
        org_url = self.params.get("org_url")
        if not org_url:
            self.fail_json(msg="org_url is required: set org_url or one of the environment variables {0} "
                               "to the org's base URL, such as https://acme.okta.com.".format(", ".join(ORG_URL_ENV)))
        if self.params["timeout"] <= 0:
            self.fail_json(msg="timeout must be a positive number of seconds, got {0}.".format(self.params["timeout"]))
        if self.params["retries"] < 0:
            self.fail_json(msg="retries must be 0 (no retries) or more, got {0}.".format(self.params["retries"]))
        api_token, access_token = self._credentials()
        try:
            return OktaClient(
                org_url,
                api_token=api_token,
                access_token=access_token,
                validate_certs=self.params["validate_certs"],
                ca_path=self.params["ca_path"],
                timeout=self.params["timeout"],
                retries=self.params["retries"],
                on_retry=self.warn,
            )
        except OktaError as exc:
            self.fail_json(msg="Invalid connection settings: {0}.".format(exc.reason))

    def fail_okta(self, action, exc, not_found=None, **result):
        """Fail the task for an OktaError: a sentence plus Okta's structured error keys."""
        fields = exc.fields()
        fields.update(result)
        self.fail_json(msg=describe_failure(action, exc, not_found=not_found), **fields)

    def resolve_app_id(self):
        """The app's id: ``app_id`` as given (no request), or the one app whose label is ``app_label``."""
        app_id = self.params.get("app_id")
        if app_id is not None:
            if not _APP_ID_RE.match(app_id):
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
