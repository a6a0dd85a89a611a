# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filters of the role ``oktaops.okta.app_provisioning``: selection, plan, outcomes and drift report.

Each filter is documented in the YAML file of its name beside this one (``ansible-doc -t filter
oktaops.okta.app_provisioning_plan``). The logic is in ``plugins/module_utils/_role.py``; this file only checks the
types of what it is given and hands it over.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.oktaops.okta.plugins.module_utils import _role
from ansible_collections.oktaops.okta.plugins.module_utils._settings import ORG_URL_ENV


def _require(name, value, kinds, what):
    if value is not None and not isinstance(value, kinds):
        raise AnsibleFilterError("{0}: {1} must be {2}, not {3}.".format(name, what[0], what[1], type(value).__name__))
    return value


def _apps(name, apps):
    return _require(name, apps, (list, tuple), ("the input", "a list of apps (app_provisioning_apps)")) or []


def _listing(name, option, value):
    return _require(name, value, (dict, list, tuple), (option, "the registered result of okta_app_info or a list "
                                                               "of apps"))


def _dict(name, option, value):
    return _require(name, value, dict, (option, "a dictionary")) or {}


def app_provisioning_select(apps, listing=None, matched=None):
    """The apps a run configures, without their settings."""
    name = "app_provisioning_select"
    return [item for item, _spec in _role.select_apps(_apps(name, apps), _listing(name, "listing", listing),
                                                      _listing(name, "matched", matched))]


def app_provisioning_plan(apps, listing=None, matched=None, baseline=None, connection=None):
    """The work of a run: every app to configure with its settings, connection tokens left out."""
    name = "app_provisioning_plan"
    return _role.plan(_apps(name, apps), _listing(name, "listing", listing), _listing(name, "matched", matched),
                      _dict(name, "baseline", baseline), _dict(name, "connection", connection))[0]


def app_provisioning_tokens(apps, listing=None, matched=None, connection=None):
    """The connection tokens of the plan, in its order."""
    name = "app_provisioning_tokens"
    return _role.tokens(_apps(name, apps), _listing(name, "listing", listing), _listing(name, "matched", matched),
                        _dict(name, "connection", connection))


def app_provisioning_result(work, runs=None, check_mode=False):
    """app_provisioning_result: each app's outcome and the summary."""
    name = "app_provisioning_result"
    _require(name, work, (list, tuple), ("the input", "the plan (a list)"))
    if isinstance(runs, dict):
        runs = runs.get("results")
    _require(name, runs, (list, tuple), ("runs", "the registered result of the per-app loop"))
    return _role.result(work or [], runs or [], check_mode=check_mode)


def app_provisioning_report(result, org_url=None, generated_at=None):
    """The drift report's data: the result with when, for which org and in which mode."""
    name = "app_provisioning_report"
    _dict(name, "the input", result)
    if not org_url:
        org_url = next((os.environ[var] for var in ORG_URL_ENV if os.environ.get(var)), None)
    return _role.report(result, org_url=org_url, generated_at=generated_at)


class FilterModule(object):
    def filters(self):
        return {
            "app_provisioning_select": app_provisioning_select,
            "app_provisioning_plan": app_provisioning_plan,
            "app_provisioning_tokens": app_provisioning_tokens,
            "app_provisioning_result": app_provisioning_result,
            "app_provisioning_report": app_provisioning_report,
        }
