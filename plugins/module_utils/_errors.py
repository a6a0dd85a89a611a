# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The one exception of the collection, :class:`OktaError`.

Pure code: nothing of Ansible, nothing of HTTP. The client raises OktaError; the module layer turns it into
``fail_json`` with the sentence of ``_failures.describe_failure``. This file stays this small because every module
run compiles it, failing or not.
"""

from __future__ import annotations


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
