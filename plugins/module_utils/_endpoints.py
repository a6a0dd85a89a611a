# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The Okta endpoints the collection calls, in one table.

Pure data and string formatting: nothing of Ansible, nothing of HTTP. Each row holds the method and path template
(as Okta's Management API spec writes them), Okta's ``operationId``, the OAuth scope the call needs, and the wording
a failed call shows: the action (``Cannot read the features of app 0oa1``) and what a 404 means (``app 0oa1 was not
found; check app_id``). Wording templates name the path's placeholders (``{appId}``, ``{featureName}``).

Every caller builds its path, its failure sentence and its scope advice from here; the tests check each row against
Okta's spec (operationId, method, path, scope), and the spec cutter keeps exactly these operations. The token
request of a service app (``/oauth2/v1/token``, in ``_oauth.py``) is part of authenticating, not an API call, and
belongs to Okta's OAuth API rather than to the Management API: it is not in this table.
"""

from __future__ import annotations

import re

from urllib.parse import quote

READ_SCOPE = "okta.apps.read"
MANAGE_SCOPE = "okta.apps.manage"

_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


class Target(object):
    """One endpoint for given values: the concrete ``path``, the ``action`` a failure starts with and the
    ``not_found`` wording of a 404 (None: the generic "not found"). ``OktaModule.call`` takes it as its action.

    A plain class, not a namedtuple: ``namedtuple`` compiles its methods with ``exec`` on every module run."""

    __slots__ = ("endpoint", "path", "action", "not_found")

    def __init__(self, endpoint, path, action, not_found):
        self.endpoint = endpoint
        self.path = path
        self.action = action
        self.not_found = not_found

    def __repr__(self):
        return "Target({0!r}, {1!r})".format(self.endpoint, self.path)


class Endpoint(object):
    """One row of the table; see the module docstring."""

    __slots__ = ("method", "path", "operation_id", "scope", "failure", "not_found", "names", "_pattern")

    def __init__(self, method, path, operation_id, scope, failure, not_found=None):
        self.method = method
        self.path = path
        self.operation_id = operation_id
        self.scope = scope
        self.failure = failure
        self.not_found = not_found
        self.names = tuple(_PLACEHOLDER_RE.findall(path))
        # Compiled on the first match only: a module run that matches no request (every run that succeeds) would
        # otherwise build a regular expression per row on import.
        self._pattern = None

    def __repr__(self):
        return "Endpoint({0} {1})".format(self.method, self.path)

    def _values(self, values):
        if len(values) != len(self.names):
            raise TypeError("{0} takes {1} value(s) ({2}), got {3}".format(
                self, len(self.names), ", ".join(self.names), len(values)))
        return dict(zip(self.names, (str(value) for value in values)))

    def path_for(self, *values):
        """The path with the placeholders filled in order (``LIST_FEATURES.path_for("0oa1")``)."""
        named = self._values(values)
        return _PLACEHOLDER_RE.sub(lambda match: quote(named[match.group(1)], safe=""), self.path)

    def at(self, *values):
        """The :class:`Target` of this endpoint for the placeholders' values, in path order."""
        named = self._values(values)
        return Target(self, self.path_for(*values), self.failure.format(**named),
                      self.not_found.format(**named) if self.not_found else None)

    def matches(self, method, path):
        """Whether a request ``method`` to the concrete ``path`` is a call of this endpoint."""
        if method != self.method or path is None:
            return False
        if self._pattern is None:
            pieces = _PLACEHOLDER_RE.split(self.path)[::2]  # the literal text between the placeholders
            self._pattern = re.compile("^{0}$".format("[^/]+".join(re.escape(piece) for piece in pieces)))
        return self._pattern.match(path) is not None


_APP_NOT_FOUND = "app {appId} was not found; check app_id"

LIST_APPS = Endpoint("GET", "/api/v1/apps", "listApplications", READ_SCOPE,
                     "Cannot list the org's apps")
GET_APP = Endpoint("GET", "/api/v1/apps/{appId}", "getApplication", READ_SCOPE,
                   "Cannot read app {appId}", _APP_NOT_FOUND)
GET_CONNECTION = Endpoint("GET", "/api/v1/apps/{appId}/connections/default",
                          "getDefaultProvisioningConnectionForApplication", READ_SCOPE,
                          "Cannot read the provisioning connection of app {appId}", _APP_NOT_FOUND)
UPDATE_CONNECTION = Endpoint("POST", "/api/v1/apps/{appId}/connections/default",
                             "updateDefaultProvisioningConnectionForApplication", MANAGE_SCOPE,
                             "Cannot update the provisioning connection of app {appId}")
ACTIVATE_CONNECTION = Endpoint("POST", "/api/v1/apps/{appId}/connections/default/lifecycle/activate",
                               "activateDefaultProvisioningConnectionForApplication", MANAGE_SCOPE,
                               "Cannot activate the provisioning connection of app {appId}")
DEACTIVATE_CONNECTION = Endpoint("POST", "/api/v1/apps/{appId}/connections/default/lifecycle/deactivate",
                                 "deactivateDefaultProvisioningConnectionForApplication", MANAGE_SCOPE,
                                 "Cannot deactivate the provisioning connection of app {appId}")
LIST_FEATURES = Endpoint("GET", "/api/v1/apps/{appId}/features", "listFeaturesForApplication", READ_SCOPE,
                         "Cannot read the features of app {appId}", _APP_NOT_FOUND)
UPDATE_FEATURE = Endpoint("PUT", "/api/v1/apps/{appId}/features/{featureName}", "updateFeatureForApplication",
                          MANAGE_SCOPE, "Cannot update {featureName} of app {appId}",
                          "app {appId} was not found, or it does not offer {featureName}; check app_id")

ENDPOINTS = (LIST_APPS, GET_APP, GET_CONNECTION, UPDATE_CONNECTION, ACTIVATE_CONNECTION, DEACTIVATE_CONNECTION,
             LIST_FEATURES, UPDATE_FEATURE)

# The connection's lifecycle calls by the name a connection plan uses for them.
CONNECTION_LIFECYCLE = {"activate": ACTIVATE_CONNECTION, "deactivate": DEACTIVATE_CONNECTION}


def endpoint_for(method, path):
    """The row a request (``method``, concrete ``path``) calls, or None for a request outside the table."""
    return next((endpoint for endpoint in ENDPOINTS if endpoint.matches(method, path)), None)


def scope_for(method, path=None):
    """The OAuth scope a request needs: its row's, or for a request outside the table, by its method."""
    endpoint = endpoint_for(method, path)
    if endpoint is not None:
        return endpoint.scope
    return READ_SCOPE if method in (None, "GET", "HEAD") else MANAGE_SCOPE
