# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""How a failure is told: Okta's error answers turned into :class:`OktaError`, and the sentence a failed task shows.

Pure code: nothing of Ansible; of HTTP only the ``requests`` response or exception it is handed. The client
(``_client.py``) imports it when an exchange fails, the module layer (``_okta_module.py``) and the inventory plugin
when they fail a task or a source: a run whose calls all succeed never compiles it (AnsiballZ compiles every
imported module_utils file from source on each run; see the performance guide).
"""

from __future__ import annotations

import re

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import READ_SCOPE, scope_for
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError


# -- an exchange that failed --------------------------------------------------------------------------------------

def error_from_answer(resp, method, short_path, attempts):
    """The OktaError for an error answer (not 2xx): Okta's error object, an OAuth error, or whatever else answered."""
    request_id = resp.headers.get("X-Okta-Request-Id")
    payload = None
    try:
        payload = resp.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and ("errorCode" in payload or "errorSummary" in payload):
        causes = [c.get("errorSummary") for c in payload.get("errorCauses") or [] if isinstance(c, dict)]
        summary = payload.get("errorSummary")
        code = payload.get("errorCode")
        reason = "Okta answered {0} {1}: {2}".format(resp.status_code, code or "", summary or "")
        if causes:
            reason = "{0} ({1})".format(reason, "; ".join(c for c in causes if c))
        return OktaError(reason, status=resp.status_code, error_code=code, error_summary=summary,
                         error_causes=causes, error_id=payload.get("errorId"), request_id=request_id,
                         method=method, path=short_path, attempts=attempts)
    if isinstance(payload, dict) and "error" in payload:
        summary = payload.get("error_description")
        reason = "Okta answered {0} {1}: {2}".format(resp.status_code, payload.get("error"), summary or "")
        return OktaError(reason, status=resp.status_code, error_code=payload.get("error"),
                         error_summary=summary, request_id=request_id, method=method, path=short_path,
                         attempts=attempts)
    reason = "Okta answered {0} {1} with a body that is not an Okta error ({2}); a proxy or load balancer " \
             "may have answered instead of Okta".format(resp.status_code, resp.reason or "", content_kind(resp))
    return OktaError(reason, status=resp.status_code, request_id=request_id, method=method, path=short_path,
                     attempts=attempts)


def not_json_failure(resp, method, short_path):
    """The OktaError for a successful status whose body is not JSON."""
    return OktaError(
        "Okta answered {0} {1} with a body that is not JSON ({2}); a proxy or captive portal "
        "may be in the way".format(resp.status_code, resp.reason or "", content_kind(resp)),
        kind="invalid_response", status=resp.status_code, request_id=resp.headers.get("X-Okta-Request-Id"),
        method=method, path=short_path)


def tls_failure(exc, base_url, ca_path, method, short_path, attempts):
    """The OktaError for a failed TLS handshake (``requests.exceptions.SSLError``) with ``base_url``."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        where = "the CA bundle in ca_path ({0})".format(ca_path) if ca_path else "the system CA bundle"
        reason = ("TLS certificate verification failed for {0}: its certificate is not trusted by {1}. "
                  "If the org sits behind a TLS-inspecting proxy, set ca_path to a PEM bundle with that "
                  "proxy's CA; do not turn validate_certs off against a real org".format(base_url, where))
    else:
        reason = "the TLS handshake with {0} failed ({1})".format(base_url, short_exception(exc))
    return OktaError(reason, kind="tls", method=method, path=short_path, attempts=attempts)


def short_exception(exc):
    """The innermost reason of a ``requests`` exception, at most 300 characters."""
    text = str(exc)
    # urllib3 wraps the interesting part deep inside; keep the innermost reason short.
    match = re.search(r"\(Caused by [A-Za-z]+\((.*)\)\)$", text)
    if match:
        text = match.group(1)
    return text[:300]


def content_kind(resp):
    """``text/html, 512 bytes``: what answered, for a body that is not what Okta sends."""
    ctype = (resp.headers.get("Content-Type") or "no content type").split(";")[0]
    return "{0}, {1} bytes".format(ctype, len(resp.content or b""))


# -- the sentence a failed task shows -----------------------------------------------------------------------------

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
