#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_provisioning_info
short_description: Read an Okta app's whole Provisioning tab, also as the options that reproduce it
version_added: 0.2.0
description:
  - Reads an app's default provisioning connection and its features (C(USER_PROVISIONING) "To App",
    C(INBOUND_PROVISIONING) "To Okta") and returns them as Okta holds them, without any secret.
  - Returns the same state as RV(options), written as the options of M(oktaops.okta.okta_app_provisioning)
    (O(oktaops.okta.okta_app_provisioning#module:connection), O(oktaops.okta.okta_app_provisioning#module:user_provisioning),
    O(oktaops.okta.okta_app_provisioning#module:inbound_provisioning), in snake_case). Given back to that module with
    the same app, they change nothing (it reports V(ok)) and writes nothing. Write-only values (the connection's token)
    cannot be read from Okta and are absent.
  - Reads the connection with one C(GET /api/v1/apps/{appId}/connections/default), and the features with one
    C(GET /api/v1/apps/{appId}/features) only when the connection is enabled (Okta refuses to read them otherwise), so
    two requests for an app whose connection is enabled, one for any other. O(app_label) adds the lookup of the label.
  - An app whose type offers no provisioning (Okta reports its connection as C(UNKNOWN)) is not a failure; the module
    returns RV(provisioning_supported=false) and empty RV(features) and RV(options).
  - Never changes anything. The role P(oktaops.okta.app_provisioning#role) uses this module to export an org's
    provisioning (C(tasks_from=export)).
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
  - module: oktaops.okta.okta_app_provisioning
    description: Configure the connection and both features in one task, with the options this module returns.
  - module: oktaops.okta.okta_app_connection_info
    description: Read only the connection.
  - module: oktaops.okta.okta_app_feature_info
    description: Read only the features.
"""

EXAMPLES = r"""
- name: Read Slack's provisioning
  oktaops.okta.okta_app_provisioning_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Slack
  register: slack

- name: Apply the same settings to the Slack sandbox (credentials from OKTA_ORG_URL and OKTA_API_TOKEN)
  oktaops.okta.okta_app_provisioning:
    app_id: 0oa1slkSbx4RmV8nQ5d7
    connection: "{{ slack.options.connection | default(omit) }}"
    user_provisioning: "{{ slack.options.user_provisioning | default(omit) }}"
    inbound_provisioning: "{{ slack.options.inbound_provisioning | default(omit) }}"
  when: slack.provisioning_supported

- name: Print the options that keep an app as it is, ready to paste into a playbook
  ansible.builtin.debug:
    msg: "{{ slack.options | to_nice_yaml }}"
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
    - V(false) when the app's type offers no provisioning (Okta reports the connection as C(UNKNOWN), or refuses the
      features as not supported).
  returned: always
  type: bool
  sample: true
provisioning_enabled:
  description: Whether the connection is V(ENABLED); only then are the features read.
  returned: always
  type: bool
  sample: true
authorize_url:
  description:
    - The URL where an administrator grants Okta consent for an OAuth 2.0 connection, when Okta offers one (the
      connection's C(_links.authorize.href)).
  returned: when Okta offers it
  type: str
  sample: https://acme.okta.com/oauth2/v1/authorize?client_id=0oa5o2oT3bJ8pWe6C5d7
connection:
  description:
    - The connection as Okta returned it, with Okta's own keys (see
      RV(oktaops.okta.okta_app_connection_info#module:connection)). It never holds a token; any key naming a
      credential is left out.
  returned: always
  type: dict
  sample:
    # BEGIN generated: connection_sample (from okta_app_provisioning.py; make module-docs, do not edit by hand)
    status: ENABLED
    authScheme: TOKEN
    baseUrl: https://scim.zscalerbeta.net/1234567/890/scim
    profile:
      authScheme: TOKEN
    # END generated: connection_sample
features:
  description:
    - The app's features keyed by feature name, each as Okta returned it
      (see RV(oktaops.okta.okta_app_feature_info#module:features)).
    - Empty when the connection is not enabled or the app's type offers no provisioning.
  returned: always
  type: dict
  sample:
    # BEGIN generated: features_sample (from okta_app_provisioning.py; make module-docs, do not edit by hand)
    USER_PROVISIONING:
      name: USER_PROVISIONING
      status: ENABLED
      capabilities:
        create: {lifecycleCreate: {status: ENABLED}}
        update:
          lifecycleDeactivate: {status: ENABLED}
          profile: {status: ENABLED}
          password: {status: DISABLED, seed: RANDOM, change: KEEP_EXISTING}
    # END generated: features_sample
options:
  description:
    - The app's provisioning as the options of M(oktaops.okta.okta_app_provisioning), which change nothing when given
      back to it for this app. Empty when the app's type offers no provisioning.
  returned: always
  type: dict
  contains:
    connection:
      description:
        - C(state) (V(enabled) or V(disabled)) and C(profile) with C(auth_scheme) and the values Okta returns
          (C(base_url), C(client_id), C(signing.rotation_mode)). Never the write-only C(token).
      type: dict
      returned: when the app's type offers provisioning
      sample:
        state: enabled
        profile: {auth_scheme: TOKEN, base_url: "https://scim.zscalerbeta.net/1234567/890/scim"}
    user_provisioning:
      description: The C(USER_PROVISIONING) settings in snake_case.
      type: dict
      returned: when the connection is enabled and the app offers the feature
      sample:
        create: {lifecycle_create: {status: ENABLED}}
        update:
          lifecycle_deactivate: {status: ENABLED}
          profile: {status: ENABLED}
          password: {status: DISABLED, seed: RANDOM, change: KEEP_EXISTING}
    inbound_provisioning:
      description: The C(INBOUND_PROVISIONING) settings in snake_case.
      type: dict
      returned: when the connection is enabled and the app offers the feature
      sample:
        import_settings: {username: {username_format: EMAIL}}
        import_rules: {user_create_and_match: {exact_match_criteria: EMAIL}}
"""

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import connection_facts, read_connection
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_CONNECTION, LIST_FEATURES
from ansible_collections.oktaops.okta.plugins.module_utils._export import (
    provisioning_options,
    secret_free,
)
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    PROVISIONING_UNSUPPORTED,
    read_features,
)
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule


def main():
    module = OktaModule(argument_spec={}, supports_check_mode=True)
    app_id = module.resolve_app_id()
    connection = module.call(GET_CONNECTION.at(app_id), read_connection, module.client, app_id,
                             result=dict(app_id=app_id))
    result = dict(changed=False, app_id=app_id, connection=secret_free(connection), features={}, options={},
                  **connection_facts(connection))
    if not result["provisioning_supported"]:
        module.exit_json(**result)

    features = []
    if result["provisioning_enabled"]:
        read = module.call(LIST_FEATURES.at(app_id), read_features, module.client, app_id,
                           result=dict(app_id=app_id, provisioning_supported=True))
        if read.problem == PROVISIONING_UNSUPPORTED:
            result.update(provisioning_supported=False, provisioning_enabled=False)
            module.exit_json(**result)
        features = [feature for feature in read.features if isinstance(feature, dict)]
        # read.problem "disabled": the connection was switched off since it was read; there are no features to show
    result["features"] = dict((feature.get("name"), feature) for feature in features)
    result["options"] = provisioning_options(connection, features)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
