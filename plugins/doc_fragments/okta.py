# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: documentation shared by its modules.

from __future__ import annotations


class ModuleDocFragment(object):

    # The connection options of every module (okta_argument_spec() in module_utils/_okta_module.py).
    DOCUMENTATION = r"""
options:
  org_url:
    description:
      - Base URL of the Okta org, such as V(https://acme.okta.com) or V(https://acme.oktapreview.com).
      - A bare host name gets V(https://) in front and a trailing slash is dropped. A path, a query or
        credentials in the URL are refused.
      - Plain V(http://) is accepted only for loopback hosts (V(127.0.0.0/8), V(::1), V(localhost)), such as a
        local test emulator; any other host must use V(https://).
      - The Admin Console host (V(acme-admin.okta.com)) is refused with the org URL to use instead.
      - If not set, the first of the environment variables E(OKTA_ORG_URL) and E(OKTA_CLIENT_ORGURL) is used.
    type: str
  api_token:
    description:
      - An Okta API token, sent in the C(Authorization) header as C(SSWS <token>).
      - Give exactly one authentication method per task, O(api_token), O(access_token), or O(client_id) with
        O(private_key). Mixing them, or giving only one of O(client_id) and O(private_key), fails before any request.
      - If none of O(api_token), O(access_token), O(client_id) and O(private_key) is set, the credentials come
        from the first of these environment variables that is set, in this order
        E(OKTA_API_TOKEN) (as O(api_token)), E(OKTA_CLIENT_TOKEN) (as O(api_token)), E(OKTA_ACCESS_TOKEN)
        (as O(access_token)), E(OKTA_API_CLIENT_ID) with E(OKTA_API_PRIVATE_KEY) (as O(client_id) and
        O(private_key)), E(OKTA_CLIENT_CLIENTID) with E(OKTA_CLIENT_PRIVATEKEY) (as O(client_id) and O(private_key)).
        A warning says so when API token variables win over service-app variables that are also set.
      - A credential given as an option always beats the environment; then no credential is read from it.
    type: str
  access_token:
    description:
      - An OAuth 2.0 access token for the Okta Management API, sent in the C(Authorization) header as C(Bearer <token>).
      - It needs the C(okta.apps.read) scope to read and C(okta.apps.manage) to write.
      - Give exactly one authentication method. See O(api_token) for the environment variables.
    type: str
  client_id:
    description:
      - The client ID of an Okta API service app, such as V(0oa1b2c3d4e5F6g7h8i9).
      - With O(private_key), the module gets an OAuth 2.0 access token with the client credentials grant and
        C(private_key_jwt) client authentication from C({org_url}/oauth2/v1/token), once per module run, and sends it as
        C(Authorization Bearer) (or C(Authorization DPoP), see O(dpop)). The token is kept in memory only.
      - The service app must have the public half of O(private_key) registered, the requested O(scopes) granted on its
        C(Okta API Scopes) tab, and an admin role that may read (or manage) apps.
      - See O(api_token) for the environment variables E(OKTA_API_CLIENT_ID) and E(OKTA_CLIENT_CLIENTID).
    type: str
  private_key:
    description:
      - The service app's private key, used to sign the client assertion. RSA keys sign with RS256, EC keys (P-256,
        P-384, P-521) with ES256, ES384 or ES512.
      - One of a PEM string (C(-----BEGIN PRIVATE KEY-----) or C(-----BEGIN RSA PRIVATE KEY-----), unencrypted), the path
        of a file holding such a PEM or a JWK, or a private JWK (with its C(d) member) as JSON.
      - Keep it in Ansible Vault. It is never logged or returned.
      - See O(api_token) for the environment variables E(OKTA_API_PRIVATE_KEY) and E(OKTA_CLIENT_PRIVATEKEY).
    type: str
  private_key_id:
    description:
      - The key ID (C(kid)) of O(private_key) as registered on the service app; sent in the client assertion's header.
      - Needed when the service app has more than one key. If not set, the C(kid) of a JWK O(private_key) is used.
      - If not set and the credentials come from the environment, the variable of the same family is used,
        E(OKTA_API_PRIVATE_KEY_ID), or E(OKTA_CLIENT_PRIVATEKEYID) then E(OKTA_CLIENT_KID).
      - Only for O(client_id) with O(private_key).
    type: str
  scopes:
    description:
      - The OAuth scopes to request for the access token.
      - If not set, what the module needs, V(okta.apps.read) for info modules and V(okta.apps.read) with
        V(okta.apps.manage) for modules that change things. When the credentials come from the environment,
        E(OKTA_API_SCOPES) or E(OKTA_CLIENT_SCOPES) (of the same family; comma or space separated) come before that
        default.
      - Every scope requested must be granted to the service app, or Okta refuses the token (C(invalid_scope)).
      - Only for O(client_id) with O(private_key).
    type: list
    elements: str
  dpop:
    description:
      - Bind the access token to an ephemeral key with DPoP (RFC 9449), as service apps that require
        DPoP-bound tokens demand.
      - A new P-256 key is made for each module run. Every request, the token request and every retry after a
        rate limit or server error included, carries a new proof (fresh C(jti) and C(iat)), so Okta never sees a
        proof twice. A C(use_dpop_nonce) challenge is answered once with Okta's nonce.
      - Only for O(client_id) with O(private_key).
    type: bool
    default: false
  validate_certs:
    description:
      - Verify the TLS certificate of the org.
      - Leave this on against a real org. To trust a private CA (a TLS-inspecting proxy), use O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to verify the org's certificate, instead of the system bundle.
      - Only used when O(validate_certs=true).
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response before the attempt counts as failed (and is retried, see O(retries)).
    type: float
    default: 30
  retries:
    description:
      - How many times one request is retried after a rate limit (HTTP 429), a server error (500, 502, 503,
        504), a dropped connection or a timeout. V(0) disables retrying.
      - A 429 waits until the time in Okta's C(X-Rate-Limit-Reset) header, measured against the C(Date) header
        of Okta's answer (not the local clock), plus up to one second of jitter. Server errors and network
        failures wait with exponential backoff and jitter (about 1, 2, 4, 8 seconds, at most 30).
      - Every retry is reported as a warning naming the status and the wait.
      - When an answer says the rate-limit window is used up (C(X-Rate-Limit-Remaining) is V(0)), the next request
        waits for the reset instead of spending a request on a certain 429; that wait is not a retry.
      - 400, 401, 403 and 404 answers and TLS verification failures are never retried.
    type: int
    default: 5
notes:
  - Modules of this collection talk to the Okta API from the host they run on. Run them on the controller
    (C(connection=local) or C(delegate_to=localhost)), where the Python library C(requests) is installed.
  - Proxies set in the environment (E(HTTPS_PROXY), E(NO_PROXY)) are honoured.
  - Tokens, private keys and client assertions are never logged or returned; module arguments beat environment variables.
requirements:
  - requests
  - PyJWT and cryptography, only for client_id and private_key authentication
"""

    # app_id / app_label (app_argument_spec() in module_utils/_okta_module.py).
    APP = r"""
options:
  app_id:
    description:
      - The id of the app, such as V(0oa1abcdEFGH2345ijk6).
      - Exactly one of O(app_id) and O(app_label) is required.
    type: str
  app_label:
    description:
      - The label of the app as shown in the Admin Console, matched exactly (case included).
      - The app is looked up with C(GET /api/v1/apps?q=<label>), which costs one request per page of up to
        200 apps whose name or label starts with the label. Use O(app_id) where you can.
      - Fails if no app or more than one app has this label; the message lists the ids in the second case.
    type: str
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/oktaops.okta.okta) in C(module_defaults) to set the connection options once for all
      modules of this collection.
    support: full
    membership:
      - oktaops.okta.okta
"""
