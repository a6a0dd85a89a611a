#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_connection_info
short_description: Read the default provisioning connection of an Okta app
version_added: 0.1.0
description:
  - Reads the default provisioning connection of an Okta app with one C(GET /api/v1/apps/{appId}/connections/default)
    (plus the label lookup when O(app_label) is used).
  - Returns the connection as Okta does (status, authentication scheme, base URL, signing settings and links; never a
    token or the Office 365 admin credentials, which Okta does not return), whether the app supports provisioning
    at all, and RV(authorize_url) when Okta offers the OAuth 2.0 consent link.
  - An app whose connection Okta reports as C(UNKNOWN) has no provisioning support; the module then succeeds with
    RV(provisioning_supported=false) instead of failing.
  - Never changes anything.
author:
  - oktaops.okta maintainers (@oktaops)
options: {}
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.APP
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
  - oktaops.okta.attributes.INFO_MODULE
seealso:
  - module: oktaops.okta.okta_app_connection
    description: Set up, enable or disable the connection, idempotently.
  - module: oktaops.okta.okta_app_feature_info
    description: Read the provisioning features, available once the connection is enabled.
  - name: Application Connections API
    description: Okta's reference for the endpoint this module reads.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationConnections/
"""

EXAMPLES = r"""
- name: Read the provisioning connection of an app
  oktaops.okta.okta_app_connection_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Zscaler
  register: zscaler

- name: Fail unless provisioning to Zscaler is on
  ansible.builtin.assert:
    that:
      - zscaler.provisioning_supported
      - zscaler.connection.status == 'ENABLED'

- name: Configure features only where the connection is enabled (credentials from OKTA_ORG_URL and OKTA_API_TOKEN)
  oktaops.okta.okta_app_connection_info:
    app_id: "{{ item }}"
  loop: "{{ okta_app_ids }}"
  register: connections
"""

RETURN = r"""
# BEGIN generated: app_id (from okta_app_feature.py; make module-docs, do not edit by hand)
app_id:
  description: The id of the app, as given or as found from O(app_label).
  returned: always
  type: str
# END generated: app_id
  sample: 0oa4zscR7mN1xKd2B5d7
provisioning_supported:
  description:
    - V(false) when Okta reports the connection as C(UNKNOWN), meaning the app type has no provisioning support
      (or uses an authentication method the API does not expose).
  returned: success
  type: bool
  sample: true
provisioning_enabled:
  description: Whether the connection is V(ENABLED), the precondition for configuring provisioning features.
  returned: always
  type: bool
  sample: true
authorize_url:
  description:
    - The URL where an administrator grants the OAuth 2.0 consent the connection needs (Okta's
      C(_links.authorize.href), Google Workspace, Office 365, Slack and Zoom). Absent when Okta's answer carries
      no such link. While RV(provisioning_enabled) is V(false) and this is present, the connection waits for
      that consent (or was disabled after it).
  returned: when the connection carries the authorize link
  type: str
  sample: https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize?response_type=code&state=x
  version_added: 0.2.0
connection:
  description: The connection as Okta returns it, with Okta's own keys.
  returned: always
  type: dict
  contains:
    status:
      description: V(ENABLED), V(DISABLED) or V(UNKNOWN).
      type: str
      sample: ENABLED
    profile:
      description: The scheme (C(authScheme) V(TOKEN), V(OAUTH2) or V(UNKNOWN)), and for Okta Org2Org over OAuth 2.0
        C(clientId) and C(signing.rotationMode).
      type: dict
      sample:
        authScheme: TOKEN
    # BEGIN generated: connection_object (from okta_app_connection.py; make module-docs, do not edit by hand)
    authScheme:
      description: V(TOKEN), returned by Okta only for token-based connections.
      type: str
      sample: TOKEN
    baseUrl:
      description: The base URL of a token-based connection, when it has one.
      type: str
      sample: https://scim.zscalerbeta.net/1234567/890/scim
    _links:
      description: Okta's links (C(self), C(activate) or C(deactivate), and C(authorize) for OAuth 2.0 consent).
      type: dict
      sample:
        self:
          href: https://acme.okta.com/api/v1/apps/0oa4zscR7mN1xKd2B5d7/connections/default
          hints:
            allow: [GET, POST]
        deactivate:
          href: https://acme.okta.com/api/v1/apps/0oa4zscR7mN1xKd2B5d7/connections/default/lifecycle/deactivate
          hints:
            allow: [POST]
    # END generated: connection_object
"""

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import connection_facts, read_connection
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_CONNECTION
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule


def main():
    module = OktaModule(argument_spec={}, supports_check_mode=True)
    app_id = module.resolve_app_id()
    connection = module.call(GET_CONNECTION.at(app_id), read_connection, module.client, app_id,
                             result=dict(app_id=app_id))
    module.exit_json(changed=False, app_id=app_id, connection=connection, **connection_facts(connection))


if __name__ == "__main__":
    main()
