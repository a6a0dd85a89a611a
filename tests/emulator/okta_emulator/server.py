# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP layer (request handler, threaded TLS server), the public ``OktaEmulator`` class and the CLI."""

from __future__ import annotations

import argparse
import collections
import email.utils
import http.server
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
from urllib.parse import parse_qsl, urlsplit

from . import admin
from .apps import list_apps, render_app
from .connections import REDACTED, handle_connection, redact_connection_body
from .features import FEATURE_NAMES, deep_merge, normalise_capabilities, validate_capabilities, without_password
from .limits import bucket_for, fault_response, match_fault
from .oauth import TOKEN_PATH, _oauth_error
from .responses import (ERRORS, SCOPE_MANAGE, SCOPE_READ, _err, _iso, _json_response, _rand, _Response, error_body,
                        not_allowed, refused)
from .state import EmulatorState


__all__ = ["OktaEmulator", "main"]


# The routes: method(s), path pattern, handler (a method of _Handler taking the call and the pattern's groups),
# the query parameters it takes, and the ones Okta documents that the emulator does not emulate. A path that
# matches with another method answers 405; a query parameter outside both lists answers 400; None leaves the
# query to the handler (the provisioning connection endpoints check their own).
Route = collections.namedtuple("Route", "methods pattern handler params not_emulated")
_CONNECTION_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default$")
_CONNECTION_LIFECYCLE_RE = re.compile(r"^/api/v1/apps/([^/]+)/connections/default/lifecycle/(activate|deactivate)$")
_CALLBACK_RE = re.compile(r"^/api/v1/apps/([^/]+)/([^/]+)/oauth2/callback$")

API_ROUTES = (
    Route(("GET",), re.compile(r"^/api/v1/apps$"), "_list_apps", ("q", "filter", "limit", "after"),
          ("useOptimization", "alwaysIncludeVpnSettings", "expand", "includeNonDeleted")),
    Route(("GET",), re.compile(r"^/api/v1/apps/([^/]+)$"), "_get_app", (), ("expand",)),
    Route(("GET", "POST"), _CONNECTION_RE, "_connection_route", None, ()),
    Route(("POST",), _CONNECTION_LIFECYCLE_RE, "_connection_route", None, ()),
    Route(("POST",), _CALLBACK_RE, "_connection_route", None, ()),
    Route(("GET",), re.compile(r"^/api/v1/apps/([^/]+)/features$"), "_list_features", (), ()),
    Route(("GET", "PUT"), re.compile(r"^/api/v1/apps/([^/]+)/features/([^/]+)$"), "_feature", (), ()),
)
OAUTH_ROUTES = (
    Route(("POST",), re.compile("^%s$" % re.escape(TOKEN_PATH)), "_token", (), ()),
)

# What a route handler gets besides the pattern's groups.
Call = collections.namedtuple("Call", "state method path query body body_ok raw base headers ignore_put")


def find_route(routes, method, path):
    """``(route, groups)`` for ``method path``; ``(route, None)`` when only the method is wrong; ``(None, None)``."""
    wrong_method = None
    for route in routes:
        m = route.pattern.match(path)
        if m is None:
            continue
        if method in route.methods:
            return route, m.groups()
        wrong_method = wrong_method or route
    return wrong_method, None


def query_problem(route, pairs):
    """Why the query ``pairs`` do not suit ``route`` (a sentence), or None."""
    if route.params is None:
        return None
    seen = set()
    for name, _value in pairs:
        if name in seen:
            return "query parameter '%s' is given more than once" % name[:40]
        seen.add(name)
        if name in route.not_emulated:
            return "query parameter '%s' is documented by Okta but not emulated" % name
        if name not in route.params:
            allowed = ", ".join(route.params + route.not_emulated) or "none"
            return "unknown query parameter '%s'; this endpoint takes: %s" % (name[:40], allowed)
    return None


def body_problem(method, raw, content_type):
    """``(status, why)`` when a request's body does not suit Okta's media type (``application/json`` only, and
    no body on a GET), or None."""
    if not raw:
        return None
    if method == "GET":
        return 400, "a GET takes no request body"
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        return 415, "the request body must be application/json, not %s" % (media[:60] or "unlabelled")
    return None


_AUTH_RE = re.compile(r"^\s*(SSWS|Bearer|DPoP)\s*(\S*)\s*$", re.IGNORECASE)
_LOGGED_HEADERS = ("X-Okta-Retry-For", "X-Okta-Retry-Count", "Accept", "Content-Type")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "okta-emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    # -- plumbing ---------------------------------------------------------
    @property
    def emu(self):
        return self.server.emulator

    def log_message(self, fmt, *args):  # noqa: D401 - quiet unless verbose
        if self.emu.verbose:
            sys.stderr.write("okta-emulator: %s - %s\n" % (self.address_string(), fmt % args))

    def version_string(self):
        return self.server_version

    def date_time_string(self, timestamp=None):
        if timestamp is None:
            timestamp = self.emu.state.now()
        return email.utils.formatdate(timestamp, usegmt=True)

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _base(self):
        host = self.headers.get("Host")
        if host:
            return "%s://%s" % (self.emu.scheme, host)
        return self.emu.url

    def _write(self, resp, extra_headers=()):
        body = resp.body
        if body is None:
            payload = b""
        elif isinstance(body, (bytes, bytearray)):
            payload = bytes(body)
        else:
            payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(resp.status)
        headers = [("Content-Type", resp.content_type)] if resp.content_type else []
        headers += list(extra_headers) + resp.headers
        seen = {}
        for key, value in headers:  # later entries override earlier ones (except Link)
            if key.lower() == "link":
                continue
            seen[key.lower()] = (key, value)
        for key, value in seen.values():
            self.send_header(key, str(value))
        for key, value in headers:
            if key.lower() == "link":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    # -- dispatch ---------------------------------------------------------
    def do_GET(self):
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_GET  # the route tables say which methods a path takes

    def _dispatch(self):
        split = urlsplit(self.path)
        path = split.path
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if path.startswith("/_admin"):
            self._admin(path, raw)
        elif path.startswith("/oauth2/"):
            self._oauth(path, split.query, raw)
        elif path == "/api" or path.startswith("/api/"):
            self._api(path, split.query, raw)
        else:
            self._write(_err(404, "E0000007", "Not found: Resource not found: %s" % path))

    # -- /api ---------------------------------------------------------------
    def _api(self, path, query_string, raw):
        emu = self.emu
        state = emu.state
        pairs = parse_qsl(query_string, keep_blank_values=True)
        query = dict(pairs)
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
                body_ok = True
            except (ValueError, UnicodeDecodeError):
                body = raw.decode("utf-8", "replace")
                body_ok = False
        else:
            body, body_ok = None, False
        # "SSWS <token>" / "Bearer <token>"; the space is optional because the official
        # Python SDK (3.x) sends "SSWS<token>" and Okta accepts it.
        m = _AUTH_RE.match(self.headers.get("Authorization") or "")
        scheme_name = {"ssws": "SSWS", "bearer": "Bearer", "dpop": "DPoP"}[m.group(1).lower()] if m else None
        token = m.group(2).strip() if m else ""
        # Connection bodies carry credentials: the log keeps a marker and whether a token was sent.
        logged_body, token_sent = body, False
        if "/connections/" in path:
            logged_body, token_sent = redact_connection_body(body) if body_ok else (REDACTED if raw else None, False)
        entry = {
            "seq": None,
            "time": time.time(),
            "method": self.command,
            "path": path,
            "query": query,
            "body": logged_body,
            "token_sent": token_sent,
            "auth_scheme": scheme_name,
            "user_agent": self.headers.get("User-Agent"),
            "status": None,
            "fault": None,
            "headers_subset": {h: self.headers[h] for h in _LOGGED_HEADERS if self.headers.get(h) is not None},
            "dpop_jti": None,
            "refusal": None,
        }
        base = self._base()
        bucket = bucket_for(state.config, path)
        # the credential names the token's share; one shared bucket has no shares
        token_key = "%s %s" % (scheme_name, token) if token and bucket != "shared" else ""
        entry["bucket"] = bucket
        with state.lock:
            state.seq += 1
            entry["seq"] = state.seq
            state.log.append(entry)
            state.stats["requests"] += 1
            # A DPoP proof counts as used once received, even if a fault or the rate limit answers.
            entry["dpop_jti"] = state.oauth.note_proof(self.headers.get("DPoP"))
            now = state.now()
            fault = match_fault(state.faults, self.command, path)
            if fault is not None:
                entry["fault"] = fault["type"]
                state.stats["faults_applied"] += 1
            resp = None
            if fault is not None and fault["type"] == "status" and int(fault.get("status", 500)) == 429:
                limit, _remaining, _reset = state.peek(bucket, token_key, now)
                resp = _Response(429, error_body(*ERRORS[429]))
                resp.rate = (limit, 0, int(now + float(fault.get("reset_in", 3))))
                state.stats["rate_limited"] += 1
            else:
                allowed, limit, remaining, reset = state.consume(bucket, token_key, now)
                if not allowed and fault is None:
                    resp = _Response(429, error_body(*ERRORS[429]))
                    resp.rate = (limit, 0, reset)
                    state.stats["rate_limited"] += 1
            if resp is None:
                resp = fault_response(fault, self.responses) if fault is not None else None
                if resp is None:
                    call = Call(state, self.command, path, query, body, body_ok, raw, base, self.headers,
                                fault is not None and fault["type"] == "ignore_put")
                    resp = self._route(call, pairs, scheme_name, token)
                    if fault is not None and fault["type"] == "slow":
                        resp.delay = float(fault.get("delay", 1.0))
                        resp.fault = fault
                resp.rate = (limit, remaining, reset)
            # Before the answer leaves, so a client that reads the log right after its answer sees both. A dropped
            # connection answers nothing: its status stays None.
            entry["refusal"] = resp.refusal
            entry["status"] = None if resp.drop else resp.status
        if resp.drop:
            self._drop()
            return
        if resp.delay:
            time.sleep(resp.delay)
        extra = [
            ("X-Okta-Request-Id", _rand(27)),
            ("X-Rate-Limit-Limit", resp.rate[0]),
            ("X-Rate-Limit-Remaining", resp.rate[1]),
            ("X-Rate-Limit-Reset", resp.rate[2]),
        ]
        if fault is not None and isinstance(fault.get("headers"), dict):
            resp.headers += [(str(k), str(v)) for k, v in fault["headers"].items()]
        try:
            self._write(resp, extra)
        except OSError:
            self.close_connection = True
            return

    # -- /oauth2: the org authorization server's token endpoint ------------------
    def _oauth(self, path, query_string, raw):
        state = self.emu.state
        try:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)) if raw else {}
        except UnicodeDecodeError:
            form = {}
        proof = self.headers.get("DPoP")
        entry = {
            "seq": None,
            "time": time.time(),
            "method": self.command,
            "path": path,
            "query": dict(parse_qsl(query_string, keep_blank_values=True)),
            # The assertion is a credential: the log keeps only that one was sent.
            "body": {k: ("<redacted>" if k == "client_assertion" else v) for k, v in form.items()},
            "auth_scheme": None,
            "user_agent": self.headers.get("User-Agent"),
            "status": None,
            "fault": None,
            "headers_subset": {h: self.headers[h] for h in _LOGGED_HEADERS if self.headers.get(h) is not None},
            "dpop_jti": None,
            "refusal": None,
        }
        with state.lock:
            state.seq += 1
            entry["seq"] = state.seq
            state.log.append(entry)
            state.stats["requests"] += 1
            entry["dpop_jti"] = state.oauth.note_proof(proof)
            fault = match_fault(state.faults, self.command, path)
            if fault is not None:
                entry["fault"] = fault["type"]
                state.stats["faults_applied"] += 1
            resp = fault_response(fault, self.responses) if fault is not None else None
            if resp is not None and resp.status == 429:
                now = state.now()
                resp.headers += [("X-Rate-Limit-Limit", state.config["rate_limit"]), ("X-Rate-Limit-Remaining", 0),
                                 ("X-Rate-Limit-Reset", int(now + float(fault.get("reset_in", 3))))]
                state.stats["rate_limited"] += 1
            if resp is None:
                route, groups = find_route(OAUTH_ROUTES, self.command, path)
                if route is None:
                    resp = _err(404, "E0000007", "Not found: Resource not found: %s" % path)
                elif groups is None:
                    resp = self._not_allowed(", ".join(route.methods))
                else:
                    problem = query_problem(route, parse_qsl(query_string, keep_blank_values=True))
                    resp = _oauth_error(400, "invalid_request", problem) if problem else \
                        getattr(self, route.handler)(state, form, proof, raw)
                    resp.refusal = resp.refusal or problem
                if fault is not None and fault["type"] == "slow":
                    resp.delay = float(fault.get("delay", 1.0))
            entry["refusal"] = resp.refusal
            entry["status"] = None if resp.drop else resp.status  # before the answer leaves (see _api)
        if resp.drop:
            self._drop()
            return
        if resp.delay:
            time.sleep(resp.delay)
        if fault is not None and isinstance(fault.get("headers"), dict):
            resp.headers += [(str(k), str(v)) for k, v in fault["headers"].items()]
        try:
            self._write(resp, [("X-Okta-Request-Id", _rand(27))])
        except OSError:
            self.close_connection = True
            return

    def _token(self, state, form, proof, raw):
        """``POST /oauth2/v1/token``: a form body only (RFC 6749 section 4.4 and Okta's spec)."""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            why = "the token request must be application/x-www-form-urlencoded, not %s" % (ctype or "no content type")
            resp = _oauth_error(400, "invalid_request", why)
            resp.refusal = why
            return resp
        return state.oauth.token_request(form, proof, self._base() + TOKEN_PATH, state.tokens)

    def _route(self, call, pairs, scheme_name, token):
        method, path, state = call.method, call.path, call.state
        # authentication / authorisation
        if scheme_name == "DPoP" and token:
            refused_proof = state.oauth.check_api(self.headers.get("DPoP"), method, call.base + path, token)
            if refused_proof is not None:
                return refused_proof
        scopes = state.tokens.get((scheme_name.lower(), token)) if scheme_name and token else None
        if scopes is None:
            return _err(401, *ERRORS[401])
        needed = SCOPE_READ if method == "GET" else SCOPE_MANAGE
        if needed not in scopes:
            return _err(403, *ERRORS[403])
        route, groups = find_route(API_ROUTES, method, path)
        if route is None:
            return _err(404, "E0000007", "Not found: Resource not found: %s" % path)
        if groups is None:
            return self._not_allowed(", ".join(route.methods))
        problem = query_problem(route, pairs)
        if problem:
            name = problem.split("'")[1]
            return refused(400, "E0000001", "Api validation failed: %s" % name, problem, [problem])
        if route.params is not None:
            problem = body_problem(method, call.raw, call.headers.get("Content-Type"))
            if problem:
                return refused(problem[0], "E0000001", "Api validation failed: body", problem[1], [problem[1]])
        return getattr(self, route.handler)(call, *groups)

    # -- the routes' handlers ----------------------------------------------
    @staticmethod
    def _list_apps(call):
        return list_apps(call.state, call.query, call.base)

    def _get_app(self, call, app_id):
        app = call.state.apps.get(app_id)
        if app is None:
            return self._app_not_found(app_id)
        return _json_response(200, render_app(app, call.base))

    @staticmethod
    def _connection_route(call, *_groups):
        return handle_connection(call.state, call.method, call.path, call.query, call.body, call.body_ok, call.raw,
                                 call.base)

    def _list_features(self, call, app_id):
        state = call.state
        app = state.apps.get(app_id)
        if app is None:
            return self._app_not_found(app_id)
        if not app["features"]:
            return self._not_supported(app)
        if not app["provisioning"]:
            return self._provisioning_off()
        return _json_response(200, [state.render_feature(app, n, call.base) for n in FEATURE_NAMES
                                    if n in app["features"]])

    def _feature(self, call, app_id, name):
        state, body, raw = call.state, call.body, call.raw
        app = state.apps.get(app_id)
        if app is None:
            return self._app_not_found(app_id)
        if call.method == "GET" and not (app["features"] and app["provisioning"]):
            return self._one_feature_refused(name)
        if not app["features"]:
            return self._not_supported(app)
        if name not in app["features"]:
            return _err(404, "E0000007", "Not found: Resource not found: %s (AppInstanceFeature)" % name)
        if not app["provisioning"]:
            return self._provisioning_off()
        if call.method == "PUT" and not call.ignore_put:
            if not call.body_ok:
                return _err(400, "E0000003", "The request body was not well-formed.",
                            ["Request body is not valid JSON"] if raw else ["Request body is required"])
            errors = validate_capabilities(name, body)
            if errors:
                return _err(400, "E0000001", "Api validation failed: capabilities", errors)
            patch = normalise_capabilities(name, body)
            if name == "USER_PROVISIONING" and not app["password_sync"]:
                patch = without_password(patch)  # Okta ignores update.password where there is no sync
            deep_merge(app["features"][name], patch)
            app["lastUpdated"] = _iso(time.time())
        return _json_response(200, state.render_feature(app, name, call.base))

    @staticmethod
    def _not_allowed(allow):
        return not_allowed(allow)

    @staticmethod
    def _app_not_found(app_id):
        return _err(404, "E0000007", "Not found: Resource not found: %s (AppInstance)" % app_id)

    @staticmethod
    def _not_supported(app):
        """An app type without provisioning: Okta words the refusal one of two ways (the seed picks)."""
        if app["not_supported"] == "summary":
            return _err(400, "E0000001", "Api validation failed: Provisioning is not supported for this application")
        return _err(400, "E0000001", "Api validation failed: feature", ["Provisioning is not supported."])

    @staticmethod
    def _one_feature_refused(name):
        """One feature's GET on an app whose provisioning is off or absent: Okta documents no answer for it.

        getFeatureForApplication lists 200, 403, 404 and 429 only; the "provisioning is not enabled / not supported"
        400 is documented for the list. A documented status without that wording, so no client can depend on it.
        """
        why = ("Okta documents no answer for one feature of an app whose provisioning is off or absent "
               "(getFeatureForApplication lists 200, 403, 404, 429); read GET /api/v1/apps/{appId}/features, "
               "which documents its 400")
        return refused(404, "E0000007", "Not found: Resource not found: %s (AppInstanceFeature)" % name, why)

    @staticmethod
    def _provisioning_off():
        return _err(400, "E0000001", "Api validation failed: feature",
                    ["Provisioning is not enabled for the app instance."])

    # -- /_admin -----------------------------------------------------------

    def _admin(self, path, raw):
        emu = self.emu
        state = emu.state
        method = self.command
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            self._write(_Response(400, {"error": "body is not JSON"}, rate=False))
            return
        with state.lock:
            resp = admin.dispatch(state, emu, method, path, payload)
        self._write(resp)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_ctx):
        self.emulator = emulator
        self.ssl_ctx = ssl_ctx
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # TLS handshake happens here, in the per-connection thread, so a slow or broken
        # client never blocks the accept loop.
        conn = request
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            if self.ssl_ctx is not None:
                request.settimeout(15)
                conn = self.ssl_ctx.wrap_socket(request, server_side=True)
            self.RequestHandlerClass(conn, client_address, self)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            if conn is not request:
                try:
                    conn.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address):
        if self.emulator.verbose:
            super().handle_error(request, client_address)


# ---------------------------------------------------------------------------
# Public class
# ---------------------------------------------------------------------------


class OktaEmulator:
    """In-process emulator.  ``start()`` serves in a background thread."""

    def __init__(self, seed_path, host="127.0.0.1", port=0, tls=True, rate_limit=600, rate_window=60,
                 max_page_size=200, clock_skew=0.0, ca_file=None, verbose=False, rate_limit_org=None,
                 app_rate_limit=None, app_rate_limit_org=None, rate_buckets="okta"):
        self.seed_path = os.path.abspath(seed_path)
        self.host = host
        self.tls = tls
        self.verbose = verbose
        self.scheme = "https" if tls else "http"
        self.state = EmulatorState(self.seed_path, rate_limit, rate_window, max_page_size, clock_skew,
                                   rate_limit_org, app_rate_limit, app_rate_limit_org, rate_buckets)
        self._tmpdir = None
        self.ca_file = None
        ssl_ctx = None
        if tls:
            import trustme  # only third-party dependency

            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "::1", "localhost")
            ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(ssl_ctx)
            if ca_file is None:
                self._tmpdir = tempfile.mkdtemp(prefix="okta-emulator-")
                ca_file = os.path.join(self._tmpdir, "ca.pem")
            _atomic_write(ca_file, ca.cert_pem.bytes())
            self.ca_file = os.path.abspath(ca_file)
        self._server = _Server((host, port), self, ssl_ctx)
        self.port = self._server.server_address[1]
        url_host = "[%s]" % host if ":" in host else host
        self.url = "%s://%s:%d" % (self.scheme, url_host, self.port)
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="okta-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()
        if self._tmpdir:
            try:
                os.unlink(self.ca_file)
                os.rmdir(self._tmpdir)
            except OSError:
                pass
            self._tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _atomic_write(path, data):
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(prog="python -m okta_emulator",
                                     description="Local Okta emulator (application features API)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--ca-file")
    parser.add_argument("--seed", default=os.path.join(here, "seed.json"))
    parser.add_argument("--rate-limit", type=int, default=600,
                        help="per-token limit of the apps bucket (list and sub-resources) per window")
    parser.add_argument("--rate-limit-org", type=int, default=None,
                        help="org-wide limit of the apps bucket (default: twice --rate-limit)")
    parser.add_argument("--app-rate-limit", type=int, default=None,
                        help="per-token limit of the one-app bucket, GET /api/v1/apps/{id} (default: 5 x --rate-limit)")
    parser.add_argument("--app-rate-limit-org", type=int, default=None,
                        help="org-wide limit of the one-app bucket (default: twice --app-rate-limit)")
    parser.add_argument("--rate-window", type=int, default=60, help="window length in seconds, every bucket")
    parser.add_argument("--rate-buckets", choices=("okta", "shared"), default="okta",
                        help="okta: the apps and app buckets, per token (default); shared: one bucket for everything")
    parser.add_argument("--max-page-size", type=int, default=200)
    parser.add_argument("--clock-skew", type=float, default=0.0)
    parser.add_argument("--no-tls", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    emu = OktaEmulator(args.seed, host=args.host, port=args.port, tls=not args.no_tls,
                       rate_limit=args.rate_limit, rate_window=args.rate_window,
                       max_page_size=args.max_page_size, clock_skew=args.clock_skew,
                       ca_file=args.ca_file, verbose=args.verbose, rate_limit_org=args.rate_limit_org,
                       app_rate_limit=args.app_rate_limit, app_rate_limit_org=args.app_rate_limit_org,
                       rate_buckets=args.rate_buckets)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    emu.start()
    if args.port_file:
        _atomic_write(args.port_file, str(emu.port))
    print("okta-emulator listening on %s" % emu.url, flush=True)
    while not stop.wait(0.5):
        pass
    emu.stop()
    return 0
