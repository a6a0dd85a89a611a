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

from ansible_collections.oktaops.okta.plugins.module_utils._client import REQUESTS_IMPORT_ERROR
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import MANAGE_SCOPE, READ_SCOPE, Target
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._settings import (
    ORG_URL_ENV,
    MissingLibrary,
    build_client,
)

_APP_ID_RE = re.compile(r"[A-Za-z0-9]{1,64}")


def okta_argument_spec():
    """The connection options every module of the collection takes."""
    return dict(
        org_url=dict(type="str", fallback=(env_fallback, list(ORG_URL_ENV))),
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
            self.fail_json(msg="Invalid arguments: {0}.".format("; ".join(self._misshapen)), problems=self._misshapen)
        if REQUESTS_IMPORT_ERROR:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.client = self._build_client()
        self.oauth = self.client.auth

    def _load_params(self):
        # ansible-core's validation raises a TypeError (a traceback, "MODULE FAILURE") when an option of type
        # dict with suboptions is given a number, a bool or a list, and when it is given text that is not a
        # dictionary it stops collecting no_log values, so the failure echoes api_token. Set such values aside
        # as {} here, before validation, and fail with a sentence once the module is set up.
        # _load_params is private, but AnsibleModule has no public hook between loading the arguments and
        # validating them (both happen inside __init__); tests/unit/plugins/modules/test_okta_app_feature.py
        # (test_non_dict_capabilities_fail_cleanly) guards this on every supported ansible-core.
        super(OktaModule, self)._load_params()
        self._misshapen = set_aside_non_dicts(self.argument_spec, self.params)

    def _build_client(self):
        try:
            return build_client(self.params, os.environ, on_retry=self.warn, on_secret=self.no_log_values.add,
                                default_scopes=self.default_scopes)
        except MissingLibrary as exc:
            self.fail_json(msg=missing_required_lib(exc.library), exception=exc.traceback)
        except OktaError as exc:
            fields = exc.fields() if exc.kind != "config" else {}
            self.fail_json(msg=exc.reason, **fields)

    def call(self, action, fn, *args, not_found=None, hints=None, result=None):
        """Run ``fn(*args)`` (an Okta call) and return its result; fail the task if it raises OktaError.

        ``action`` is the :class:`Target` of the endpoint called (``_endpoints.LIST_FEATURES.at(app_id)``), whose
        wording the failure uses, or the failure's opening words. The failure reads "<action>: <what happened and
        what to do>." with Okta's structured error keys and the keys of ``result`` beside ``msg``. ``not_found``
        words a 404 (default: the endpoint's wording); ``hints`` maps a test of the error (``exc -> bool``) to the
        wording for a condition it recognises, such as ``provisioning_hints()`` (a string, or ``exc -> str`` for
        wording that quotes the failure).
        """
        try:
            return fn(*args)
        except OktaError as exc:
            self.fail_okta(action, exc, not_found=not_found, hints=hints, result=result)

    def fail_okta(self, action, exc, not_found=None, hints=None, result=None):
        """Fail the task for an OktaError (see :meth:`call`), for an error a read handed back as an answer."""
        if isinstance(action, Target):
            not_found = not_found or action.not_found
            action = action.action
        fields = exc.fields()
        fields.update(result or {})
        hint = next((wording for matches, wording in (hints or {}).items() if matches(exc)), None)
        if callable(hint):  # wording that needs the failure itself
            hint = hint(exc)
        scopes = self.oauth.granted_scopes if self.oauth is not None else None
        # Imported on failure only (see _failures.py).
        from ansible_collections.oktaops.okta.plugins.module_utils._failures import describe_failure

        self.fail_json(msg=describe_failure(action, exc, not_found=not_found, scopes=scopes, hint=hint), **fields)

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
        # Imported here: a task given app_id (the common case in loops) does not compile the app list's code on each
        # run (AnsiballZ compiles every imported module_utils file from source; see the performance guide).
        from ansible_collections.oktaops.okta.plugins.module_utils._apps import (
            APPS_PATH,
            label_params,
            match_label,
            resolve_label,
        )

        apps = self.call("Cannot look up the app labelled '{0}'".format(label), self.client.get_all, APPS_PATH,
                         label_params(label))
        app_id, problem = resolve_label(apps, label)
        if problem is not None:
            ids = sorted(str(app.get("id")) for app in match_label(apps, label))
            self.fail_json(msg=problem, **(dict(app_ids=ids) if ids else {}))
        return app_id
