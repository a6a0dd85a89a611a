# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: documentation shared by its modules.

from __future__ import annotations


class ModuleDocFragment(object):

    # The connection options of every module (okta_argument_spec() in module_utils/_module.py).
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
      - Give exactly one of O(api_token) and O(access_token).
      - If neither is set, the first of these environment variables that is set is used, in this order
        E(OKTA_API_TOKEN) (as O(api_token)), E(OKTA_CLIENT_TOKEN) (as O(api_token)), E(OKTA_ACCESS_TOKEN)
        (as O(access_token)). A credential given as an option always beats the environment.
    type: str
  access_token:
    description:
      - An OAuth 2.0 access token for the Okta Management API, sent in the C(Authorization) header as C(Bearer <token>).
      - It needs the C(okta.apps.read) scope to read and C(okta.apps.manage) to write.
      - Give exactly one of O(api_token) and O(access_token). See O(api_token) for the environment variables.
    type: str
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
  - The token is never logged or returned; module arguments beat environment variables.
requirements:
  - requests
"""

    # app_id / app_label (app_argument_spec() in module_utils/_module.py).
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
