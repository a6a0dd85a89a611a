#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_feature_info
short_description: Read the provisioning features of an Okta app
version_added: 0.1.0
description:
  - Reads one or all Application Features of an Okta app, C(USER_PROVISIONING) (Provisioning > To App) and
    C(INBOUND_PROVISIONING) (Provisioning > To Okta), with C(GET /api/v1/apps/{appId}/features).
  - One request, with or without O(feature) (plus the label lookup when O(app_label) is used). With O(feature)
    it reads the list and returns that feature from it. Okta documents how it answers an app whose provisioning
    is off or absent for the list only, so the module never calls the single feature's
    C(GET /api/v1/apps/{appId}/features/{feature}) and reads the same way whatever Okta does there.
  - When the app's provisioning is not enabled, Okta refuses to return features; the module then succeeds with
    RV(features=[]) and RV(provisioning_enabled=false) instead of failing.
  - When the app's type has no provisioning at all (most apps of a real org, such as OIDC and SAML apps), it
    succeeds with RV(features=[]), RV(provisioning_enabled=false) and RV(provisioning_supported=false).
  - When the app's provisioning works but the app does not offer O(feature) (for example C(INBOUND_PROVISIONING)
    of a Zscaler app), the module fails with a message naming the features the app offers, and returns
    RV(provisioning_supported=true) and RV(provisioning_enabled=true).
  - Never changes anything.
author:
  - oktaops.okta maintainers (@oktaops)
options:
  feature:
    description:
      - The feature to read. Without it, every feature of the app is returned.
    type: str
    choices: [USER_PROVISIONING, INBOUND_PROVISIONING]
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.APP
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
  - oktaops.okta.attributes.INFO_MODULE
seealso:
  - module: oktaops.okta.okta_app_feature
    description: Configure the capabilities of a feature, idempotently.
  - name: Application Features API
    description: Okta's reference for the endpoints this module reads.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationFeatures/
"""

EXAMPLES = r"""
- name: Read every provisioning feature of an app
  oktaops.okta.okta_app_feature_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_id: 0oa1abcdEFGH2345ijk6
  register: slack_features

- name: Show the To App settings
  ansible.builtin.debug:
    var: slack_features.features

- name: Read one feature of an app found by its label, credentials set once for the play
  module_defaults:
    group/oktaops.okta.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  block:
    - name: Read INBOUND_PROVISIONING of the app labelled Slack
      oktaops.okta.okta_app_feature_info:
        app_label: Slack
        feature: INBOUND_PROVISIONING
      register: inbound

    - name: Fail unless a daily full import is scheduled
      ansible.builtin.assert:
        that:
          - inbound.provisioning_enabled
          - inbound.features[0].capabilities.importSettings.schedule.status == 'ENABLED'

- name: Read with the credentials from the environment (OKTA_ORG_URL and OKTA_API_TOKEN)
  oktaops.okta.okta_app_feature_info:
    app_id: 0oa1abcdEFGH2345ijk6
  register: features
"""

RETURN = r"""
# BEGIN generated: app_id (from okta_app_feature.py; make module-docs, do not edit by hand)
app_id:
  description: The id of the app, as given or as found from O(app_label).
  returned: always
  type: str
# END generated: app_id
  sample: 0oa1abcdEFGH2345ijk6
provisioning_enabled:
  description:
    - Whether provisioning is enabled for the app. When V(false), Okta returns no features and RV(features) is empty.
  returned: success, and when the app does not offer O(feature)
  type: bool
  sample: true
provisioning_supported:
  description:
    - Whether the app's type offers provisioning. V(false) when Okta says provisioning is not supported for the
      app; RV(features) is then empty. V(true) otherwise, also when provisioning is supported but not enabled.
  returned: success, and when the app does not offer O(feature)
  type: bool
  sample: true
  version_added: 0.2.0
features:
  description:
    - The app's features as Okta returns them, with Okta's own keys. A list even when O(feature) is set; it then
      holds that feature only.
    - Okta spells the INBOUND username format key C(userNameFormat) in its answers.
  returned: success
  type: list
  elements: dict
  contains:
    # BEGIN generated: feature_object (from okta_app_feature.py; make module-docs, do not edit by hand)
    name:
      description: The feature name.
      type: str
      sample: USER_PROVISIONING
    status:
      description: Whether the feature is enabled; follows the app's provisioning connection and is read-only.
      type: str
      sample: ENABLED
    description:
      description: Okta's description of the feature.
      type: str
      sample: User provisioning settings from Okta to a downstream application
    capabilities:
      description: The feature's settings, keyed as in Okta's API.
      type: dict
      sample:
        create:
          lifecycleCreate:
            status: ENABLED
        update:
          lifecycleDeactivate:
            status: ENABLED
          profile:
            status: ENABLED
          password:
            status: ENABLED
            seed: RANDOM
            change: CHANGE
    _links:
      description: Okta's links for the feature.
      type: dict
      sample:
        self:
          href: https://acme.okta.com/api/v1/apps/0oa1abcdEFGH2345ijk6/features/USER_PROVISIONING
          hints:
            allow: [GET, PUT]
    # END generated: feature_object
"""

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import LIST_FEATURES
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    PROVISIONING_UNSUPPORTED,
    not_offered_message,
    read_features,
)
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule

NOT_OFFERED_ADVICE = "leave feature out to read all of the app's features, or check app_id"


def main():
    module = OktaModule(
        argument_spec=dict(feature=dict(type="str", choices=["USER_PROVISIONING", "INBOUND_PROVISIONING"])),
        supports_check_mode=True,
    )
    app_id = module.resolve_app_id()
    feature = module.params["feature"]
    # The list even for one feature: Okta documents its "provisioning is not enabled / not supported" answer for
    # the list only, so the result is the same whichever way Okta answers the single feature's GET.
    read = module.call(LIST_FEATURES.at(app_id), read_features, module.client, app_id, result=dict(app_id=app_id))
    result = dict(changed=False, app_id=app_id, provisioning_enabled=not read.problem,
                  provisioning_supported=read.problem != PROVISIONING_UNSUPPORTED)
    features = read.features
    if feature and not read.problem:
        found = read.find(feature)
        if found is None:
            module.fail_json(msg=not_offered_message("{0} of app {1}".format(feature, app_id), feature, read,
                                                     action="read", advice=NOT_OFFERED_ADVICE), **result)
        features = [found]
    module.exit_json(features=features, **result)


if __name__ == "__main__":
    main()
