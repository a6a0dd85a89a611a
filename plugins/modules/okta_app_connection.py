#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_connection
short_description: Manage the default provisioning connection of an Okta app, idempotently
version_added: 0.1.0
description:
  - Sets up and enables or disables the default provisioning connection of an Okta app (the Admin Console's
    Provisioning > Integration, "Configure API Integration"). Okta refuses to configure the provisioning features
    (M(oktaops.okta.okta_app_feature)) of an app until this connection is enabled.
  - The module reads the connection once (C(GET /api/v1/apps/{appId}/connections/default)) and compares what Okta
    returns (the status, the authentication scheme, the base URL, the client id and the signing key rotation mode)
    with the options given. Values left out are not compared, and are sent as Okta holds them when the profile is
    updated, so an update never resets them.
  - When the profile differs it sends one C(POST /api/v1/apps/{appId}/connections/default); to enable at the same
    time it adds C(?activate=true), so that is still one request. A status change alone is one
    C(POST .../lifecycle/activate) or C(POST .../lifecycle/deactivate). Disabling together with a profile update
    deactivates first. A run that changes nothing makes one request.
  - The credentials (the token, the Office 365 admin user name and password) are write-only, Okta never returns
    them, so they cannot be compared. They are sent with every write the task makes anyway, including the one that
    enables the connection, which then is one C(POST .../connections/default?activate=true) carrying them; so a
    connection set up for the first time is enabled with its credentials in one request. On their own they are sent
    only when O(update_credentials=always).
  - OAuth 2.0 connections of Google Workspace, Office 365, Slack and Zoom wait for an administrator's consent in a
    browser. When Okta's answer carries the C(authorize) link, the module returns its URL as RV(authorize_url).
    When the task needs the connection enabled and it is not, while Okta offers that link, the task fails with
    RV(consent_required=true) and a message naming the URL; the profile is written first (without the activation
    Okta would refuse). Once the consent is given, the next run enables the connection.
  - An app whose connection Okta reports as C(UNKNOWN) has no provisioning support; the task then fails with a
    message saying so, before any change.
author:
  - oktaops.okta maintainers (@oktaops)
options:
  # BEGIN source: connection_options
  state:
    description:
      - V(enabled) activates the connection, V(disabled) deactivates it. Only a status that differs causes a request.
    type: str
    choices: [enabled, disabled]
    default: enabled
  profile:
    description:
      - The connection settings wanted. Without it only the status is managed; enabling then needs a connection
        Okta already holds credentials for.
      - Keys are snake_case and also accept Okta's camelCase names, so a body copied from Okta's documentation works
        (O(profile.base_url) sits at the top of Okta's request body; it is sent there).
    type: dict
    suboptions:
      auth_scheme:
        description:
          - How Okta authenticates to the app. Which one an app takes depends on its type, for example V(TOKEN) for
            Zscaler 2.0 (C(zscalerbyz)) and V(OAUTH2) or V(TOKEN) for Okta Org2Org (C(okta_org2org)). Changing it
            replaces the connection.
        type: str
        required: true
        choices: [TOKEN, OAUTH2]
        aliases: [authScheme]
      token:
        description:
          - The API token Okta uses to call the app (V(TOKEN) only). Write-only; never logged, returned or shown in
            a diff.
          - Needed when a token-based connection is first set up or its scheme changes; it is sent with the write
            that enables the connection. See O(update_credentials).
        type: str
      base_url:
        description:
          - The base URL of the app's API (V(TOKEN) only), such as the Zscaler 2.0 base URL with its Zscaler id.
            Must start with V(https://).
        type: str
        aliases: [baseUrl]
      client_id:
        description:
          - The client id of the OAuth 2.0 service app in the target org (V(OAUTH2), Okta Org2Org only).
          - Compared with the client id in Okta's answer. Okta's response schema does not promise one; when the
            answer has none, it is sent as the credentials are (with a write that happens for another reason, such
            as enabling the connection, or on every run with O(update_credentials=always)), so the task does not
            report V(changed) on every run. A profile update of such a connection (its signing settings) needs
            O(profile.client_id), or the task fails before writing, since the update could lose the client id Okta
            holds.
        type: str
        aliases: [clientId]
      settings:
        description:
          - The Microsoft Office 365 global administrator's credentials (V(OAUTH2), Office 365 C(office365) only),
            Okta's C(profile.settings). Both are required together.
          - Write-only, like O(profile.token), Okta never returns them; sent with the write that sets up, changes
            or enables the connection, or on every run with O(update_credentials=always). Never logged, returned
            or shown in a diff.
        type: dict
        version_added: 0.2.0
        suboptions:
          admin_username:
            description: The administrator's user name.
            type: str
            required: true
            aliases: [adminUsername]
          admin_password:
            description: The administrator's password.
            type: str
            required: true
            aliases: [adminPassword]
      signing:
        description:
          - The signing key settings (V(OAUTH2), Okta Org2Org only).
        type: dict
        suboptions:
          rotation_mode:
            description:
              - V(AUTO) lets Okta rotate the signing key (publish the app's JWKS URL in the target org); V(MANUAL)
                leaves rotation to you.
            type: str
            required: true
            choices: [AUTO, MANUAL]
            aliases: [rotationMode]
  update_credentials:
    description:
      - When the write-only credentials given in O(profile) (O(profile.token), O(profile.settings)) are sent. They
        are always sent with a write that happens for another reason (enabling the connection, a new scheme, base
        URL, client id or rotation mode), so a connection set up or enabled for the first time gets them in that
        same request.
      - V(on_create) sends them only then. A run where the connection is enabled and everything Okta returns
        matches changes nothing and reports V(ok); credentials rotated in your vault are not sent until something
        else changes.
      - V(always) sends them on every run, even when everything else matches, so rotated credentials always reach
        Okta; the price is that the task reports V(changed) on every run and makes a write each time.
      - Called C(update_token) in 0.1.0; that name stays as an alias.
    type: str
    choices: [always, on_create]
    default: on_create
    aliases: [update_token]
    version_added: 0.2.0
  # END source: connection_options
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.APP
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
attributes:
  check_mode:
    support: full
    details:
      - Makes the one C(GET) only and returns the predicted connection in RV(connection) and the same RV(diff) a
        real run would.
  diff_mode:
    support: full
    details:
      - RV(diff) shows the status and the profile before and after. A credential that is (or would be) sent appears
        as a placeholder, never as its value.
notes:
  - OAuth 2.0 connections of Google Workspace, Office 365, Slack and Zoom need an administrator to grant consent in
    a browser, at RV(authorize_url); the API cannot do that step. Before the first write of such a connection Okta
    shows no link yet, so check mode then predicts the connection enabled; the real run may end in
    RV(consent_required) instead.
seealso:
  - module: oktaops.okta.okta_app_connection_info
    description: Read the default provisioning connection of an app.
  - module: oktaops.okta.okta_app_feature
    description: Configure the provisioning features, once the connection is enabled.
  - name: Application Connections API
    description: Okta's reference for the endpoints this module uses.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationConnections/
"""

EXAMPLES = r"""
- name: Set up and enable the token-based connection of Zscaler 2.0
  oktaops.okta.okta_app_connection:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Zscaler
    state: enabled
    profile:
      auth_scheme: TOKEN
      base_url: https://scim.zscalerbeta.net/1234567/890/scim
      token: "{{ zscaler_scim_token }}"

- name: Push a rotated token even though nothing else changed (reports changed on every run)
  oktaops.okta.okta_app_connection:
    app_id: 0oa4zscR7mN1xKd2B5d7
    profile:
      auth_scheme: TOKEN
      token: "{{ zscaler_scim_token }}"
    update_credentials: always

- name: Office 365 with its admin credentials; the first run ends waiting for the administrator's consent
  oktaops.okta.okta_app_connection:
    app_label: Microsoft Office 365
    profile:
      auth_scheme: OAUTH2
      settings:
        admin_username: "{{ o365_admin_username }}"
        admin_password: "{{ o365_admin_password }}"
  register: o365
  failed_when: o365 is failed and not o365.consent_required | default(false)

- name: Tell the administrator where to grant consent
  ansible.builtin.debug:
    msg: "Open {{ o365.authorize_url }} and grant consent, then run this play again."
  when: o365.consent_required | default(false)

- name: Okta Org2Org over OAuth 2.0, Okta rotating the signing key (a body pasted from Okta's docs)
  oktaops.okta.okta_app_connection:
    app_label: Okta Org2Org
    profile:
      authScheme: OAUTH2
      clientId: 0oa2h6su6bVFyJzIf1d7
      signing:
        rotationMode: AUTO

- name: Enable provisioning, then configure To App, credentials set once for the play
  module_defaults:
    group/oktaops.okta.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  block:
    - name: Enable the provisioning connection
      oktaops.okta.okta_app_connection:
        app_label: Legacy Wiki
        profile:
          auth_scheme: TOKEN
          token: "{{ wiki_scim_token }}"

    - name: Create and deactivate users from Okta
      oktaops.okta.okta_app_feature:
        app_label: Legacy Wiki
        feature: USER_PROVISIONING
        capabilities:
          create: {lifecycle_create: {status: ENABLED}}
          update: {lifecycle_deactivate: {status: ENABLED}}

- name: Stop provisioning to an app (the settings are kept)
  oktaops.okta.okta_app_connection:
    app_id: 0oa6wikY4nG7sAf1D5d7
    state: disabled
"""

RETURN = r"""
# BEGIN generated: app_id (from okta_app_feature.py; make module-docs, do not edit by hand)
app_id:
  description: The id of the app, as given or as found from O(app_label).
  returned: always
  type: str
# END generated: app_id
  sample: 0oa4zscR7mN1xKd2B5d7
connection:
  description:
    - The connection as Okta returned it after the update, as it is when nothing changed, or, in check mode or
      after a lifecycle call (which returns no body), as it is predicted to be. Okta's own keys. Never holds a token.
  returned: success
  type: dict
  contains:
    status:
      description: V(ENABLED) or V(DISABLED).
      type: str
      sample: ENABLED
    profile:
      description:
        - The scheme (C(authScheme)), and for Okta Org2Org over OAuth 2.0 C(clientId) and C(signing.rotationMode).
          Never the Office 365 C(settings), which Okta does not return.
      type: dict
      sample:
        authScheme: TOKEN
    # BEGIN source: connection_object
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
    # END source: connection_object
changed_settings:
  description:
    - What differed and was (or, in check mode, would be) changed, in Okta's spelling. V(profile.token),
      V(profile.settings.adminUsername) and V(profile.settings.adminPassword) mean that credential was (would be)
      sent. The same key, with the same meaning, as in M(oktaops.okta.okta_app_feature).
  returned: success, and when a write of the changed settings failed
  type: list
  elements: str
  sample: [status, baseUrl, profile.token]
  version_added: 0.2.0
changes:
  description:
    - The same list as RV(changed_settings), under its former name.
    - Deprecated, and removed in release 1.0.0; use RV(changed_settings). When the list is not empty the task also
      shows a deprecation warning (once per playbook run, however many tasks return it; Ansible's
      C(deprecation_warnings) setting turns it off).
  returned: success, and when a write of the changed settings failed
  type: list
  elements: str
  sample: [status, baseUrl, profile.token]
provisioning_supported:
  description:
    - Whether the app's type offers provisioning. V(false) when the task failed because Okta reports the connection
      as C(UNKNOWN) (the app type has no provisioning support); V(true) beside RV(consent_required).
  returned: whenever the connection was read, on success and on failure
  type: bool
  sample: true
  version_added: 0.2.0
problems:
  description: Each problem found in O(profile), when the task failed on invalid input before any request.
  returned: on invalid input
  type: list
  elements: str
  sample: ["profile.base_url must be an https:// URL, got 'http://scim.example.com'"]
  version_added: 0.2.0
token_sent:
  description: Whether the token was sent to Okta (in check mode, whether it would be).
  returned: success
  type: bool
  sample: false
credentials_sent:
  description:
    - Whether write-only credentials (the token, or the Office 365 admin user name and password) were sent to Okta
      (in check mode, whether they would be).
  returned: success
  type: bool
  sample: true
  version_added: 0.2.0
# BEGIN source: authorize_url
authorize_url:
  description:
    - The URL where an administrator grants the OAuth 2.0 consent the connection needs (Okta's
      C(_links.authorize.href)). Absent when Okta's answer carries no such link.
# END source: authorize_url
  returned: when Okta's connection carries the authorize link, also when the task fails for consent
  type: str
  sample: https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize?response_type=code&state=x
  version_added: 0.2.0
consent_required:
  description:
    - V(true) when the task failed because the connection waits for an administrator's consent at RV(authorize_url)
      before it can be enabled (and before the provisioning features can be configured). Run again once consent is
      given. RV(provisioning_supported) is then V(true).
  returned: when the task fails for that reason
  type: bool
  sample: true
  version_added: 0.2.0
diff:
  description: The status and profile before and after; the same in check mode and in a real run.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: What Okta held.
      type: dict
    after:
      description: What Okta holds after the change (or would hold, in check mode). A credential sent shows as a placeholder.
      type: dict
"""

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import (
    authorize_url,
    connection_argument_spec,
    connection_input_problems,
    is_unsupported,
    plan_connection,
    predicted,
    read_connection,
    unsupported_message,
)
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_CONNECTION
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule
from ansible_collections.oktaops.okta.plugins.module_utils._writes import fail_consent, write_connection


# The warning of the deprecated result key changes; the same text every time, so Ansible shows it once per run.
CHANGES_DEPRECATION = ("The result key 'changes' of oktaops.okta.okta_app_connection is deprecated: read "
                       "'changed_settings', which holds the same list.")


def run(module, app_id):
    current = module.call(GET_CONNECTION.at(app_id), read_connection, module.client, app_id,
                          result=dict(app_id=app_id))
    if is_unsupported(current):
        module.fail_json(msg=unsupported_message(app_id), app_id=app_id, connection=current,
                         provisioning_supported=False)

    the_plan = plan_connection(current, module.params["state"], module.params["profile"],
                               module.params["update_credentials"])
    # What every later result holds, a failed write included.
    known = dict(app_id=app_id, provisioning_supported=True, changed_settings=list(the_plan.changed_settings),
                 changes=list(the_plan.changed_settings))
    if the_plan.authorize_url:
        known["authorize_url"] = the_plan.authorize_url
    if the_plan.problem:
        module.fail_json(msg="Cannot update the provisioning connection of app {0}: {1}.".format(
            app_id, the_plan.problem), connection=current, **known)
    if the_plan.changed_settings:
        # Only when there is something in it: a converged run's empty list is nothing a playbook acts on.
        module.deprecate(CHANGES_DEPRECATION, version="1.0.0", collection_name="oktaops.okta")
    result = dict(known, changed=the_plan.changed, token_sent=the_plan.send_token,
                  credentials_sent=the_plan.send_credentials)
    if module._diff:
        result["diff"] = dict(before=the_plan.before, after=the_plan.after)
    if module.check_mode and the_plan.consent_required:
        fail_consent(module, app_id, current, the_plan.authorize_url, result)
    if not the_plan.changed or module.check_mode:
        result["connection"] = predicted(current, the_plan) if the_plan.changed else current
        module.exit_json(**result)

    result["connection"] = write_connection(module, app_id, current, the_plan, result=known)
    url = authorize_url(result["connection"])
    if url:
        result["authorize_url"] = url
    module.exit_json(**result)


def main():
    module = OktaModule(
        argument_spec=connection_argument_spec(),
        writes=True,
        supports_check_mode=True,
    )
    problems = connection_input_problems(module.params["profile"])
    if problems:
        module.fail_json(msg="Invalid profile: {0}.".format("; ".join(problems)), problems=problems)
    run(module, module.resolve_app_id())


if __name__ == "__main__":
    main()
