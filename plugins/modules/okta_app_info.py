#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_info
short_description: List the apps of an Okta org, or read one
version_added: 0.2.0
description:
  - Lists the org's apps with C(GET /api/v1/apps?limit=200), following Okta's C(Link rel="next") header to the last
    page, so N apps cost ceil(N/200) requests. With O(app_id) it reads one app with C(GET /api/v1/apps/{appId}), which
    Okta counts in its own, larger rate-limit bucket.
  - Returns only a fixed, documented subset of each app object (RV(apps)). App objects can carry secrets, such as an
    OIDC app's C(credentials.oauthClient.client_secret); nothing outside that subset is ever returned or logged.
  - Never changes anything.
author:
  - oktaops.okta maintainers (@oktaops)
options:
  app_id:
    description:
      - Read only this app, with one C(GET /api/v1/apps/{appId}).
      - Cannot be combined with O(label), O(q) or O(filter). O(include_inactive) does not apply; the app is returned
        whatever its status.
      - An app that does not exist fails the task.
    type: str
  label:
    description:
      - Only the apps whose label is exactly this (case included, as Okta holds it). Okta allows several apps with the
        same label; all of them are returned.
      - Okta cannot filter by label, so the apps are searched with C(q=<label>) (a prefix search) and matched exactly
        here. Cannot be combined with O(q).
    type: str
  q:
    description:
      - Okta's search, passed as C(q), that matches apps whose name or label B(starts with) this text.
    type: str
  filter:
    description:
      - An Okta filter expression passed to Okta as it is, such as V(name eq "okta_org2org") or
        V(status eq "INACTIVE"). Okta can filter on C(id), C(name), C(status), C(credentials.signing.kid) and
        C(settings.slo.enabled), with C(eq) joined by C(and). C(label) cannot be filtered; use O(label).
      - A filter Okta rejects fails the task with Okta's message and the filter.
      - When O(include_inactive=false), the filter sent is C((<filter>) and status eq "ACTIVE"), unless this filter
        itself names C(status); then it is sent unchanged and decides the status on its own.
    type: str
  include_inactive:
    description:
      - Return inactive apps too.
      - When V(false), only C(ACTIVE) apps are returned, and Okta does the filtering (the request carries
        C(filter=status eq "ACTIVE"), combined with O(filter)).
    type: bool
    default: false
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
  - oktaops.okta.attributes.INFO_MODULE
notes:
  - Listing apps counts against Okta's C(/api/v1/apps) rate-limit bucket (about 100 requests a minute for an org,
    half of that for one token). Reading one app by O(app_id) uses the larger C(/api/v1/apps/{id}) bucket.
seealso:
  - plugin: oktaops.okta.okta_apps
    plugin_type: inventory
    description: The same apps as inventory hosts.
  - module: oktaops.okta.okta_app_feature_info
    description: Read an app's provisioning features.
  - name: Applications API
    description: Okta's reference for the endpoints this module reads.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
"""

EXAMPLES = r"""
- name: Every active app of the org
  oktaops.okta.okta_app_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
  register: okta

- name: Show their labels
  ansible.builtin.debug:
    msg: "{{ okta.apps | map(attribute='label') | list }}"

- name: Every app, inactive ones included, that is an Okta Org2Org app (credentials from OKTA_ORG_URL, OKTA_API_TOKEN)
  oktaops.okta.okta_app_info:
    filter: name eq "okta_org2org"
    include_inactive: true
  register: org2org

- name: All apps labelled exactly "Slack" (there may be several)
  oktaops.okta.okta_app_info:
    label: Slack
  register: slack

- name: One app by id
  oktaops.okta.okta_app_info:
    app_id: 0oa1abcdEFGH2345ijk6
  register: one

- name: Configure provisioning on every active app that pushes new users
  oktaops.okta.okta_app_feature:
    app_id: "{{ item.id }}"
    feature: USER_PROVISIONING
    capabilities:
      update:
        lifecycle_deactivate: {status: ENABLED}
  loop: "{{ okta.apps | selectattr('features', 'contains', 'PUSH_NEW_USERS') | list }}"
  loop_control:
    label: "{{ item.label }}"
"""

RETURN = r"""
apps:
  description:
    - The apps, in the order Okta lists them; one item with O(app_id); an empty list when none matches.
    - Each item holds only these keys, with Okta's names. Nothing else of the app object (its C(credentials),
      C(settings) or C(_links)) is returned.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The app's id.
      type: str
      sample: 0oa1slk7q2HXw9ZbT5d7
    label:
      description: The label shown in the Admin Console. Not unique.
      type: str
      sample: Slack
    name:
      description: The key of the app integration, such as V(slack) or V(okta_org2org).
      type: str
      sample: slack
    status:
      description: V(ACTIVE) or V(INACTIVE).
      type: str
      sample: ACTIVE
    signOnMode:
      description: The sign-on mode, such as V(SAML_2_0), V(OPENID_CONNECT) or V(BOOKMARK).
      type: str
      sample: SAML_2_0
    created:
      description: When the app was created (ISO 8601).
      type: str
      sample: "2024-03-01T10:00:00.000Z"
    lastUpdated:
      description: When the app was last changed (ISO 8601).
      type: str
      sample: "2025-01-15T08:30:00.000Z"
    features:
      description:
        - Okta's read-only list of the app's legacy provisioning feature names, such as V(PUSH_NEW_USERS) or
          V(IMPORT_NEW_USERS); empty for an app without provisioning. Not the Application Features objects
          (see M(oktaops.okta.okta_app_feature_info)).
      type: list
      elements: str
      sample: [PUSH_NEW_USERS, PUSH_USER_DEACTIVATION]
"""

from ansible_collections.oktaops.okta.plugins.module_utils._apps import (
    list_params,
    match_label,
    project_app,
    project_apps,
    valid_app_id,
)
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_APP, LIST_APPS
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule


def filter_hints(query):
    """The wording for a 400 to a list with a filter: Okta's reason, and the filter repeated."""
    if "filter" not in query:
        return None
    return {
        lambda exc: exc.kind == "http" and exc.status == 400:
            "Okta rejected the app filter '{0}' ({{failure}}). Okta can filter apps on id, name, status, "
            "credentials.signing.kid and settings.slo.enabled with eq and and; use label for labels".format(
                query["filter"].replace("{", "{{").replace("}", "}}")),
    }


def main():
    module = OktaModule(
        argument_spec=dict(
            app_id=dict(type="str"),
            label=dict(type="str"),
            q=dict(type="str"),
            filter=dict(type="str"),
            include_inactive=dict(type="bool", default=False),
        ),
        with_app=False,
        supports_check_mode=True,
        mutually_exclusive=[("app_id", "label"), ("app_id", "q"), ("app_id", "filter"), ("label", "q")],
    )
    params = module.params
    app_id = params["app_id"]
    if app_id is not None:
        if not valid_app_id(app_id):
            module.fail_json(msg="app_id '{0}' is not an Okta app id (letters and digits only, such as "
                                 "0oa1abcdEFGH2345ijk6).".format(app_id[:80]))
        target = GET_APP.at(app_id)
        app = module.call(target, module.client.get_json, target.path, result=dict(apps=[]))
        if not isinstance(app, dict) or not app.get("id"):
            module.fail_json(msg="Okta answered GET {0} with something that is not an app.".format(target.path), apps=[])
        module.exit_json(changed=False, apps=[project_app(app)])

    label = params["label"]
    if label is not None and not label.strip():
        module.fail_json(msg="label is empty; give the app's label as shown in the Admin Console.", apps=[])
    query = list_params(q=params["q"], user_filter=params["filter"], include_inactive=params["include_inactive"],
                        label=label)
    target = LIST_APPS.at()
    apps = module.call(target, module.client.get_all, target.path, query, hints=filter_hints(query),
                       result=dict(apps=[], filter=query.get("filter")))
    if label is not None:
        apps = match_label(apps, label)
    module.exit_json(changed=False, apps=project_apps(apps))


if __name__ == "__main__":
    main()
