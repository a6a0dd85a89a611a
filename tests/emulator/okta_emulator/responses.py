# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers: Okta error bodies, the response object the routes return, ids and timestamps."""

from __future__ import annotations

import secrets
import string
import time

SCOPE_READ = "okta.apps.read"
SCOPE_MANAGE = "okta.apps.manage"
HARD_MAX_PAGE = 200
DEFAULT_PAGE = 20
MAX_LOG_ENTRIES = 200_000
ALNUM = string.ascii_letters + string.digits

ERRORS = {
    400: ("E0000001", "Api validation failed"),
    401: ("E0000011", "Invalid token provided"),
    403: ("E0000006", "You do not have permission to perform the requested action"),
    404: ("E0000007", "Not found: Resource not found"),
    405: ("E0000022", "The endpoint does not support the provided HTTP method"),
    429: ("E0000047", "API call exceeded rate limit due to too many requests."),
    500: ("E0000009", "Internal Server Error"),
    502: ("E0000009", "Internal Server Error: Bad Gateway"),
    503: ("E0000009", "Internal Server Error: Service Unavailable"),
    504: ("E0000009", "Internal Server Error: Gateway Timeout"),
}


def _rand(n):
    return "".join(secrets.choice(ALNUM) for _i in range(n))


def _iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".000Z"


def error_body(code, summary, causes=()):
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + _rand(22),
        "errorCauses": [{"errorSummary": c} for c in causes],
    }


def status_error_body(status):
    code, summary = ERRORS.get(status, ("E0000009" if status >= 500 else "E0000001",
                                        "Internal Server Error" if status >= 500 else "Api validation failed"))
    return error_body(code, summary)


class _Response:
    __slots__ = ("status", "body", "headers", "content_type", "rate", "fault", "drop", "delay", "refusal")

    def __init__(self, status=200, body=None, headers=None, content_type="application/json", rate=True):
        self.status = status
        self.body = body  # bytes, or JSON-able object
        self.headers = list(headers or [])
        self.content_type = content_type
        self.rate = rate  # add rate headers (tuple) or True to compute
        self.fault = None
        self.drop = False
        self.delay = 0.0
        self.refusal = None  # why the emulator refused the request, for the request log (never sent)


def _json_response(status, obj, headers=None):
    return _Response(status, obj, headers)


def _err(status, code, summary, causes=()):
    return _Response(status, error_body(code, summary, causes))


def refused(status, code, summary, why, causes=()):
    """An Okta error answer whose reason ``why`` goes to the request log's ``refusal`` (Okta's body carries only
    ``causes``)."""
    resp = _err(status, code, summary, causes)
    resp.refusal = why
    return resp


def not_allowed(allow):
    """405 for a known path asked with another method, with the ``Allow`` header."""
    resp = _err(405, *ERRORS[405])
    resp.headers.append(("Allow", allow))
    return resp


_HTML_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
