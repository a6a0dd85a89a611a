# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""HTTP client for the Okta Management API.

Pure code: it knows nothing of Ansible. It authenticates, verifies TLS, retries rate limits and
transient failures, follows pagination and turns every failure into one typed exception,
:class:`OktaError`. The module layer turns that exception into ``fail_json``.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import platform
import random
import re
import sys
import time
import traceback

from urllib.parse import urlsplit, urlunsplit

try:
    import requests
except ImportError:  # pragma: no cover - reported by the module layer
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._version import COLLECTION_VERSION

# sys.version_info, not platform.python_version(): that parses sys.version with a regex on every module run.
USER_AGENT = "oktaops.okta/{0} python/{1}.{2}.{3} {4}/{5}".format(
    COLLECTION_VERSION, sys.version_info[0], sys.version_info[1], sys.version_info[2], platform.system(),
    platform.release()
)

RETRY_STATUSES = (500, 502, 503, 504)
MAX_RATE_LIMIT_WAIT = 120.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
LOOPBACK_NAMES = ("localhost",)

# Compiled (and cached by re) on the first list read, not on every module run.
_LINK_PATTERN = r'<([^>]+)>\s*;\s*([^,]*)'


class OktaResponse(object):
    """A successful answer: status, headers and the decoded JSON body."""

    def __init__(self, status, headers, body, request_id):
        self.status = status
        self.headers = headers
        self.body = body
        self.request_id = request_id


def normalise_org_url(org_url):
    """Return ``https://host[:port]`` for a usable org URL, or raise OktaError(kind='config').

    A bare host name gets ``https://``; a trailing slash is dropped. Plain ``http://`` is allowed for
    loopback hosts only (a local emulator or tunnel); anything else must use TLS. Admin hosts
    (``acme-admin.okta.com``) are refused with the URL to use instead.
    """
    if not org_url or not org_url.strip():
        raise OktaError("org_url is empty", kind="config")
    raw = org_url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        raise OktaError("org_url '{0}' is not a URL; give the org's base URL, such as https://acme.okta.com".format(
            org_url[:100]), kind="config")
    if "@" in parts.netloc:
        # Checked first, so no message below ever repeats a password given in the URL.
        raise OktaError("org_url must not contain credentials", kind="config")
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise OktaError("org_url must start with https:// (got scheme '{0}')".format(parts.scheme[:20]), kind="config")
    try:
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise OktaError("org_url '{0}' has an invalid port".format(org_url), kind="config")
    if not host:
        raise OktaError("org_url '{0}' has no host name".format(org_url), kind="config")
    if not _valid_host(host):
        raise OktaError("org_url '{0}' does not hold a valid host name".format(org_url[:100]), kind="config")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OktaError(
            "org_url must be the base URL of the Okta org, such as https://acme.okta.com, without a path "
            "or query (got '{0}')".format(urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))),
            kind="config")
    first_label = host.split(".")[0]
    if first_label.endswith("-admin"):
        fixed = host.replace(first_label, first_label[:-len("-admin")], 1)
        raise OktaError(
            "org_url points at the Admin Console host '{0}'; the API lives on the org host: use "
            "https://{1}{2}".format(host, fixed, ":{0}".format(port) if port else ""),
            kind="config")
    if scheme == "http" and not is_loopback(host):
        raise OktaError(
            "org_url must use https://; plain http:// is accepted only for loopback hosts "
            "(127.0.0.0/8, ::1, localhost), and '{0}' is not one".format(host),
            kind="config")
    netloc = host if ":" not in host else "[{0}]".format(host)
    if port:
        netloc = "{0}:{1}".format(netloc, port)
    return "{0}://{1}".format(scheme, netloc)


def _valid_host(host):
    """An IP address, or a DNS name that IDNA can encode (labels of 1 to 63 characters, 253 in all)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        encoded = host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return False
    return len(encoded) <= 253 and re.match(r"^[A-Za-z0-9_.-]+$", encoded) is not None


def is_loopback(host):
    host = host.lower().strip("[]")
    if host in LOOPBACK_NAMES or host == "::1":
        return True
    octets = host.split(".")
    return len(octets) == 4 and octets[0] == "127" and all(o.isdigit() and 0 <= int(o) <= 255 for o in octets)


def parse_links(header):
    """Map ``rel`` to URL for an RFC 8288 ``Link`` header."""
    links = {}
    for url, params in re.findall(_LINK_PATTERN, header or ""):
        for param in params.split(";"):
            name, _sep, value = param.strip().partition("=")
            if name.strip().lower() == "rel":
                for rel in value.strip().strip('"').split():
                    links[rel] = url
    return links


def _http_date(value):
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() if parsed else None


def _int_header(headers, name):
    try:
        return int(str(headers.get(name)).split(",", maxsplit=1)[0].strip())
    except (TypeError, ValueError):
        return None


def _keep_authorization(request):
    """requests' ``auth`` hook of the client's session: the request keeps the Authorization header it was given."""
    return request


class OktaClient(object):
    """A small client for the Okta Management API on one ``requests.Session``.

    ``on_retry`` is called with a sentence for every retry (the module layer turns it into a
    warning). ``sleep``, ``clock`` and ``rand`` are injectable so waits can be tested without time
    passing.
    """

    def __init__(self, org_url, api_token=None, access_token=None, validate_certs=True, ca_path=None,
                 timeout=30, retries=5, on_retry=None, sleep=time.sleep, clock=time.time, rand=random.random,
                 session=None, auth=None):
        if requests is None:
            raise OktaError("the Python library 'requests' is required", kind="config")
        # auth: an authenticator (module_utils/_oauth.py) asked for the Authorization (and DPoP) headers
        # before every attempt, so each retry carries a fresh DPoP proof.
        self.auth = auth
        if auth is not None and (api_token or access_token):
            raise OktaError("give either a token or an authenticator, not both", kind="config")
        if auth is None and bool(api_token) == bool(access_token):
            raise OktaError("exactly one of api_token and access_token must be given", kind="config")
        self.base_url = normalise_org_url(org_url)
        self._authorization = None
        if auth is None:
            token = (api_token or access_token).strip()
            if not token or any(ch.isspace() or ord(ch) < 32 or ord(ch) > 126 for ch in token):
                raise OktaError("the {0} is empty or contains spaces, control characters or non-ASCII characters".format(
                    "api_token" if api_token else "access_token"), kind="config")
            self._authorization = "{0} {1}".format("SSWS" if api_token else "Bearer", token)
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if validate_certs and ca_path and not os.path.exists(ca_path):
            # requests would raise a bare OSError for it on the first request.
            raise OktaError("ca_path '{0}' does not exist; give the path of a PEM file (or a directory of them) "
                            "holding the CA that signed the org's certificate".format(ca_path), kind="config")
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.on_retry = on_retry or (lambda message: None)
        self.sleep = sleep
        self.clock = clock
        self.rand = rand
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        # requests reads ~/.netrc for every request sent without ``auth``, and a netrc entry for the org's host
        # would replace the token's Authorization header with Basic credentials. The client sets the header
        # itself (_prepare), so the session's auth hook leaves the request as it is, and netrc is never read.
        self.session.auth = _keep_authorization
        self.requests_sent = 0
        self._pause_until = None
        self._sending = False

    # -- low level -----------------------------------------------------------------------------

    def url_for(self, path):
        if path.startswith("https://") or path.startswith("http://"):
            return path
        return self.base_url + path

    def request(self, method, path, params=None, body=None):
        """Send one API call with the API credentials; return an OktaResponse or raise OktaError."""
        url = self.url_for(path)
        resp = self.send(method, url, params=params, json_body=body)
        return self._success(resp, method, urlsplit(url).path)

    def send(self, method, url, params=None, json_body=None, form=None, headers=None, authorize=True,
             read_error=None, challenge=None):
        """Send one HTTP request with retries; return the successful (2xx) ``requests`` response or raise OktaError.

        The one retry loop of the collection: it waits out a used-up rate-limit window, retries 429 (until
        Okta's reset) and server errors and network failures (with backoff) up to ``retries`` times, and counts
        every exchange in ``requests_sent``.

        * ``json_body`` is sent as JSON, ``form`` as ``application/x-www-form-urlencoded``; ``form`` and
          ``headers`` may be callables, called again for every attempt (a signed assertion or a DPoP proof is
          good for one request only).
        * ``authorize`` adds the API's Authorization header (the token, or the authenticator's headers).
        * ``read_error(resp, attempts)`` turns an error answer into an OktaError (default: Okta's error object).
        * ``challenge(resp)`` is True when the answer asks for a DPoP nonce: the request is then sent once more.

        A request sent while another is being prepared (the OAuth token fetched for an API call) spends the
        outer call's budget: it makes one attempt, and a failure worth retrying retries the outer call.
        """
        short_path = urlsplit(url).path
        if read_error is None:
            def read_error(resp, attempts):
                return self._http_error(resp, method, short_path, attempts)
        if challenge is None and self.auth is not None:
            challenge = self.auth.nonce_challenge
        nested = self._sending
        self._sending = True
        try:
            attempts = 0
            retry_for = None
            nonce_retried = False
            while True:
                attempts += 1
                try:
                    send_headers, data = self._prepare(method, url, json_body, form, headers, authorize)
                    if retry_for is not None:
                        send_headers["X-Okta-Retry-Count"] = str(attempts - 1)
                        if retry_for:
                            send_headers["X-Okta-Retry-For"] = retry_for
                    failure, wait, resp = self._attempt(method, url, short_path, params, data, send_headers,
                                                        attempts, read_error)
                except _RetryOuter as inner:
                    failure, wait, resp = inner.failure, inner.wait, None
                if failure is None:
                    self._note_rate_limit(resp)
                    return resp
                if challenge is not None and not nonce_retried and challenge(resp):
                    # DPoP: Okta asked for its nonce (400/401 use_dpop_nonce); answer once, with a fresh proof.
                    nonce_retried = True
                    continue
                if nested and wait is not None:
                    raise _RetryOuter(failure, wait)
                if wait is None or attempts > self.retries:
                    if attempts > 1 and failure.kind != "config":
                        failure.reason = "{0} (gave up after {1} attempts)".format(failure.reason, attempts)
                    raise failure
                retry_for = failure.request_id or ""
                self.on_retry(
                    "{0} {1}: {2}; retrying in {3:.1f} s (retry {4} of {5})".format(
                        failure.method or method, failure.path or short_path, failure.reason, wait, attempts, self.retries))
                self.sleep(wait)
        finally:
            self._sending = nested

    def _prepare(self, method, url, json_body, form, headers, authorize):
        """The headers and body of one attempt."""
        self._respect_pause()
        send_headers = dict(headers() if callable(headers) else headers or {})
        if authorize:
            if self.auth is None:
                send_headers["Authorization"] = self._authorization
            else:
                send_headers.update(self.auth.headers(self, method, url))
        data = None
        if json_body is not None:
            send_headers["Content-Type"] = "application/json"
            data = json.dumps(json_body, separators=(",", ":"))
        elif form is not None:
            send_headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = form() if callable(form) else form
        return send_headers, data

    def _attempt(self, method, url, short_path, params, data, headers, attempts, read_error):
        """One HTTP exchange. Returns (failure or None, seconds to wait before a retry or None, response)."""
        try:
            self.requests_sent += 1
            resp = self.session.request(method, url, params=params, data=data, headers=headers,
                                        timeout=self.timeout, verify=self.verify, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            return self._tls_error(exc, method, short_path, attempts), None, None
        except requests.exceptions.Timeout:
            failure = OktaError(
                "no answer from Okta within the timeout of {0} s".format(self.timeout),
                kind="timeout", method=method, path=short_path, attempts=attempts)
            return failure, self.backoff(attempts), None
        except requests.exceptions.ConnectionError as exc:
            from ansible_collections.oktaops.okta.plugins.module_utils._failures import short_exception

            failure = OktaError(
                "the connection to {0} failed or was dropped ({1})".format(self.base_url, short_exception(exc)),
                kind="network", method=method, path=short_path, attempts=attempts)
            return failure, self.backoff(attempts), None
        except (requests.exceptions.RequestException, ValueError) as exc:
            # The text of these (InvalidHeader, a header or URL that cannot be encoded and the like) can quote
            # request headers: name the class only.
            failure = OktaError("the request could not be sent ({0})".format(type(exc).__name__),
                                kind="network", method=method, path=short_path, attempts=attempts)
            return failure, None, None
        if 200 <= resp.status_code < 300:
            return None, None, resp
        failure = read_error(resp, attempts)
        if resp.status_code == 429:
            self._pause_until = None
            return failure, self.rate_limit_wait(resp), resp
        if resp.status_code in RETRY_STATUSES:
            return failure, self.backoff(attempts), resp
        return failure, None, resp

    def _success(self, resp, method, short_path):
        request_id = resp.headers.get("X-Okta-Request-Id")
        body = None
        if resp.status_code != 204 and resp.content:
            try:
                body = resp.json()
            except ValueError:
                from ansible_collections.oktaops.okta.plugins.module_utils._failures import not_json_failure

                raise not_json_failure(resp, method, short_path)
        return OktaResponse(resp.status_code, resp.headers, body, request_id)

    def _http_error(self, resp, method, short_path, attempts):
        # Imported on failure only: a run whose calls succeed does not compile the failure wording (AnsiballZ
        # compiles every imported module_utils file from source on each run; see the performance guide).
        from ansible_collections.oktaops.okta.plugins.module_utils._failures import error_from_answer

        return error_from_answer(resp, method, short_path, attempts)

    def _tls_error(self, exc, method, short_path, attempts):
        from ansible_collections.oktaops.okta.plugins.module_utils._failures import tls_failure

        return tls_failure(exc, self.base_url, self.ca_path, method, short_path, attempts)

    # -- waiting -------------------------------------------------------------------------------

    def _server_seconds_until_reset(self, resp):
        """Seconds until X-Rate-Limit-Reset, measured on the server's own clock (its Date header)."""
        reset = _int_header(resp.headers, "X-Rate-Limit-Reset")
        if reset is None:
            return None
        now = _http_date(resp.headers.get("Date"))
        if now is None:
            now = self.clock()
        return max(0.0, reset - now)

    def rate_limit_wait(self, resp):
        """Seconds to wait after a 429: until X-Rate-Limit-Reset on Okta's clock, plus jitter."""
        limit = _int_header(resp.headers, "X-Rate-Limit-Limit")
        remaining = _int_header(resp.headers, "X-Rate-Limit-Remaining")
        until_reset = self._server_seconds_until_reset(resp)
        if until_reset is None or (limit == 0 and remaining == 0):
            # No reset given, or a concurrent-request limit: that clears as soon as any request ends.
            return self.backoff(1)
        # Date has whole-second precision: up to one second of jitter covers it and spreads the
        # callers that all wake at the reset.
        return min(MAX_RATE_LIMIT_WAIT, until_reset + 0.1 + 0.9 * self.rand())

    def backoff(self, attempts):
        """Seconds to wait before retry number ``attempts`` after a server error or network failure."""
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempts - 1)))
        return ceiling * (0.5 + 0.5 * self.rand())

    def _note_rate_limit(self, resp):
        """After the last request of a window, wait for the reset instead of spending a request on a 429."""
        if _int_header(resp.headers, "X-Rate-Limit-Remaining") == 0 and _int_header(resp.headers, "X-Rate-Limit-Limit"):
            until_reset = self._server_seconds_until_reset(resp)
            if until_reset is not None:
                self._pause_until = self.clock() + min(MAX_RATE_LIMIT_WAIT, until_reset + 0.1 + 0.9 * self.rand())
                return
        self._pause_until = None

    def _respect_pause(self):
        if self._pause_until is None:
            return
        wait = self._pause_until - self.clock()
        self._pause_until = None
        if wait > 0:
            self.on_retry("the rate-limit window is used up (X-Rate-Limit-Remaining: 0); waiting "
                          "{0:.1f} s for it to reset before the next request".format(wait))
            self.sleep(wait)

    # -- API -----------------------------------------------------------------------------------

    def get_all(self, path, params=None):
        """GET a list endpoint and follow every ``rel="next"`` link; return all items."""
        items = []
        resp = self.request("GET", path, params=params)
        while True:
            if not isinstance(resp.body, list):
                raise OktaError("Okta answered GET {0} with {1} where a list was expected".format(
                    path, type(resp.body).__name__), kind="invalid_response", status=resp.status,
                    request_id=resp.request_id, method="GET", path=path)
            items.extend(resp.body)
            next_url = parse_links(resp.headers.get("Link")).get("next")
            if not next_url:
                return items
            link, base = urlsplit(next_url), urlsplit(self.base_url)
            if (link.scheme.lower(), link.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
                raise OktaError("Okta's next-page link points at another origin ({0}://{1}); refusing to send "
                                "the token there".format(link.scheme, link.netloc), kind="invalid_response",
                                method="GET", path=path)
            resp = self.request("GET", next_url)

    def get_json(self, path):
        return self.request("GET", path).body

    def put_json(self, path, body):
        return self.request("PUT", path, body=body).body

    def post_json(self, path, body=None, params=None):
        return self.request("POST", path, params=params, body=body).body


class _RetryOuter(Exception):
    """A request made while preparing another failed in a way worth retrying: the outer call retries."""

    def __init__(self, failure, wait):
        super(_RetryOuter, self).__init__(failure.reason)
        self.failure = failure
        self.wait = wait
