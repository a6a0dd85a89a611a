# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The one exception of the collection, :class:`OktaError`, and the sentence a failed task shows for it.

Pure code: nothing of Ansible, nothing of HTTP. The client raises OktaError; the module layer turns it into
``fail_json`` with :func:`describe_failure`.
"""

from __future__ import annotations

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import READ_SCOPE, scope_for


class OktaError(Exception):
    """Any failure talking to Okta.

    ``kind`` says what happened: ``http`` (Okta answered with an error status), ``network``
    (connection failed or dropped), ``timeout``, ``tls`` (certificate verification failed),
    ``invalid_response`` (a body that is not the JSON Okta sends) or ``config`` (the client was
    given settings it cannot use; nothing was sent).
    """

    def __init__(self, reason, kind="http", status=None, error_code=None, error_summary=None,
                 error_causes=None, error_id=None, request_id=None, method=None, path=None, attempts=None):
        super(OktaError, self).__init__(reason)
        self.reason = reason
        self.kind = kind
        self.status = status
        self.error_code = error_code
        self.error_summary = error_summary
        self.error_causes = error_causes or []
        self.error_id = error_id
        self.request_id = request_id
        self.method = method
        self.path = path
        self.attempts = attempts

    def fields(self):
        """The structured keys a failed task returns beside ``msg``."""
        return dict(
            status=self.status,
            error_code=self.error_code,
            error_summary=self.error_summary,
            error_causes=list(self.error_causes),
            error_id=self.error_id,
            request_id=self.request_id,
        )

    def has_cause(self, text):
        text = text.lower()
        return any(text in (cause or "").lower() for cause in self.error_causes)


def describe_failure(action, exc, not_found=None, scopes=None, hint=None):
    """One sentence a person can act on: what failed, what Okta said, what to do.

    ``not_found`` words a 404 ("app 0oa1 was not found; check app_id"). ``hint`` is the caller's wording for a
    condition it recognised in ``exc`` (such as provisioning switched off): it replaces Okta's reason, or, when it
    holds ``{failure}``, is written around the usual description. ``scopes`` are the scopes of the OAuth access
    token in use (None for an API token or access_token). A 403 names the scope the failed request's endpoint
    needs (the table in ``_endpoints.py``).
    """
    label = "{0}: ".format(action)
    if hint:
        if "{failure}" in hint:
            return label + hint.format(failure=describe_failure(action, exc, not_found, scopes)[len(label):])
        return "{0}{1}.".format(label, hint.rstrip("."))
    code = " {0}".format(exc.error_code) if exc.error_code else ""
    summary = ": {0}".format(exc.error_summary) if exc.error_summary else ""
    okta_said = "({0}{1}{2})".format(exc.status, code, summary)
    if scopes is not None and exc.kind == "http" and exc.status == 401:
        return ("{0}Okta rejected the service app's access token {1}. Check that the service app is active and "
                "that its token is not revoked, then run again.".format(label, okta_said))
    if scopes is not None and exc.kind == "http" and exc.status == 403:
        scope = scope_for(exc.method, exc.path)
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
        scope = scope_for(exc.method, exc.path)
        return ("{0}the credentials are not allowed to do this {1}. This call needs the {2} scope: grant it to "
                "the service app, or use an API token of an administrator whose role may {3} apps."
                .format(label, okta_said, scope, "read" if scope == READ_SCOPE else "manage"))
    if exc.kind == "http" and exc.status == 404:
        return "{0}{1} {2}.".format(label, not_found or "not found", okta_said)
    if exc.kind == "http" and exc.status == 429:
        return ("{0}{1}. Okta's rate limit for /api/v1/apps stayed exhausted; raise retries, run fewer forks "
                "at once, or ask Okta for a higher limit.".format(label, exc.reason))
    return "{0}{1}.".format(label, exc.reason.rstrip("."))
