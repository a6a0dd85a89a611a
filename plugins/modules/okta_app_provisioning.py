#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_provisioning
short_description: Configure an Okta app's whole Provisioning tab in one task, idempotently
version_added: 0.2.0
description:
  - Manages what the Admin Console shows on an app's Provisioning tab in one task, with the fewest requests to
    Okta's C(/api/v1/apps*) rate limit bucket - the default provisioning connection (as
    M(oktaops.okta.okta_app_connection) does), C(USER_PROVISIONING) ("To App") and C(INBOUND_PROVISIONING)
    ("To Okta") (as M(oktaops.okta.okta_app_feature) does). Give at least one of O(connection),
    O(user_provisioning) and O(inbound_provisioning).
  - The options, the comparison, the merge, the check of Okta's answers and the rules for the write-only token are
    those of M(oktaops.okta.okta_app_connection) and M(oktaops.okta.okta_app_feature); only the settings given are
    compared and managed.
  - The module reads both features with one C(GET /api/v1/apps/{appId}/features), and the connection with one
    C(GET /api/v1/apps/{appId}/connections/default) first, only when O(connection) is given. A run that changes
    nothing makes one request (two with O(connection)); each change adds one write. The writes are made in this order,
    the connection first (Okta refuses feature settings while it is off), then one C(PUT) per feature that differs.
    O(app_label) adds the lookup of the label.
  - When the connection is off and this task enables it, the features can only be read after the write that
    enables it, so the read moves there; in check mode they are reported as V(<known after the connection is
    enabled>) instead of being guessed. When the connection is off and stays off, the features are not read.
  - An app whose type offers no provisioning (its connection is C(UNKNOWN), or Okta answers that provisioning is
    not supported) fails, saying so, with RV(provisioning_supported=false), before any write. So does an app whose
    connection is off when O(connection) is not given (the message says to enable it), and an app that does not
    offer a feature asked for (when its features can be read before the connection write, that is also before
    any write).
author:
  - oktaops.okta maintainers (@oktaops)
options:
  connection:
    description:
      - The app's default provisioning connection, with the options of M(oktaops.okta.okta_app_connection).
      - Left out, the connection is neither read nor changed; it must be enabled already.
    type: dict
    suboptions:
      # BEGIN generated: connection_options (from okta_app_connection.py; make module-docs, do not edit by hand)
      state:
        description:
          - V(enabled) activates the connection, V(disabled) deactivates it. Only a status that differs causes a
            request.
        type: str
        choices: [enabled, disabled]
        default: enabled
      profile:
        description:
          - The connection settings wanted. Without it only the status is managed; enabling then needs a connection Okta
            already holds credentials for.
          - Keys are snake_case and also accept Okta's camelCase names, so a body copied from Okta's documentation works
            (O(connection.profile.base_url) sits at the top of Okta's request body; it is sent there).
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
                that enables the connection. See O(connection.update_credentials).
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
                as enabling the connection, or on every run with O(connection.update_credentials=always)), so the task
                does not report V(changed) on every run. A profile update of such a connection (its signing settings)
                needs O(connection.profile.client_id), or the task fails before writing, since the update could lose the
                client id Okta holds.
            type: str
            aliases: [clientId]
          settings:
            description:
              - The Microsoft Office 365 global administrator's credentials (V(OAUTH2), Office 365 C(office365) only),
                Okta's C(profile.settings). Both are required together.
              - Write-only, like O(connection.profile.token), Okta never returns them; sent with the write that sets up,
                changes or enables the connection, or on every run with O(connection.update_credentials=always). Never
                logged, returned or shown in a diff.
            type: dict
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
          - When the write-only credentials given in O(connection.profile) (O(connection.profile.token),
            O(connection.profile.settings)) are sent. They are always sent with a write that happens for another reason
            (enabling the connection, a new scheme, base URL, client id or rotation mode), so a connection set up or
            enabled for the first time gets them in that same request.
          - V(on_create) sends them only then. A run where the connection is enabled and everything Okta returns matches
            changes nothing and reports V(ok); credentials rotated in your vault are not sent until something else
            changes.
          - V(always) sends them on every run, even when everything else matches, so rotated credentials always reach
            Okta; the price is that the task reports V(changed) on every run and makes a write each time.
          - Called C(update_token) in 0.1.0; that name stays as an alias.
        type: str
        choices: [always, on_create]
        default: on_create
        aliases: [update_token]
      # END generated: connection_options
  user_provisioning:
    description:
      - The C(USER_PROVISIONING) ("To App") settings wanted, exactly the O(oktaops.okta.okta_app_feature#module:capabilities)
        of M(oktaops.okta.okta_app_feature) for that feature. Keys are snake_case and also accept Okta's camelCase names.
      - Only the settings given are compared and managed; left out, the feature is not changed.
    type: dict
    suboptions:
      # BEGIN generated: user_provisioning_capabilities (from _features.py and okta_app_feature.py; make module-docs, do not edit by hand)
      create:
        description: Creating app accounts.
        type: dict
        suboptions:
          lifecycle_create:
            description: Create an app account for each user assigned to the app (Create Users).
            type: dict
            aliases: [lifecycleCreate]
            suboptions:
              status:
                description: Whether Okta creates app accounts.
                type: str
                choices: [ENABLED, DISABLED]
      update:
        description: Pushing changes to the app.
        type: dict
        suboptions:
          profile:
            description: Push Okta profile changes to the app (Update User Attributes).
            type: dict
            suboptions:
              status:
                description: Whether profile updates are pushed.
                type: str
                choices: [ENABLED, DISABLED]
          lifecycle_deactivate:
            description: Deactivate the app account when the user is unassigned or deactivated (Deactivate Users).
            type: dict
            aliases: [lifecycleDeactivate]
            suboptions:
              status:
                description: Whether app accounts are deactivated.
                type: str
                choices: [ENABLED, DISABLED]
          password:
            description: Push a password for each assigned user (Sync Password).
            type: dict
            suboptions:
              status:
                description: Whether passwords are pushed.
                type: str
                choices: [ENABLED, DISABLED]
              seed:
                description: Push the user's Okta password (V(OKTA)) or a random one (V(RANDOM)).
                type: str
                choices: [OKTA, RANDOM]
              change:
                description: Update the app password when the Okta password changes (V(CHANGE)) or not (V(KEEP_EXISTING)).
                type: str
                choices: [CHANGE, KEEP_EXISTING]
      # END generated: user_provisioning_capabilities
  inbound_provisioning:
    description:
      - The C(INBOUND_PROVISIONING) ("To Okta") settings wanted, exactly the
        O(oktaops.okta.okta_app_feature#module:capabilities) of M(oktaops.okta.okta_app_feature) for that feature.
        Keys are snake_case and also accept Okta's camelCase names.
      - Only the settings given are compared and managed; left out, the feature is not changed.
    type: dict
    suboptions:
      # BEGIN generated: inbound_provisioning_capabilities (from _features.py and okta_app_feature.py; make module-docs, do not edit by hand)
      import_settings:
        description: Import settings.
        type: dict
        aliases: [importSettings]
        suboptions:
          username:
            description: How the Okta username of an imported user is formed.
            type: dict
            suboptions:
              username_format:
                description:
                  - V(EMAIL) uses the email address; V(CUSTOM) uses
                    O(inbound_provisioning.import_settings.username.username_expression).
                  - Okta's schema calls this C(usernameFormat) and its answers call it C(userNameFormat); both are
                    accepted and compared as the same setting.
                type: str
                choices: [EMAIL, CUSTOM]
                aliases: [usernameFormat, userNameFormat]
              username_expression:
                description: An Okta Expression Language expression for the username, used with V(CUSTOM).
                type: str
                aliases: [userNameExpression]
          schedule:
            description: The import schedule.
            type: dict
            suboptions:
              status:
                description: Whether scheduled imports run.
                type: str
                choices: [ENABLED, DISABLED]
              full_import:
                description:
                  - When full imports run. An absent schedule and Okta's C(null) are the same.
                type: dict
                aliases: [fullImport]
                suboptions:
                  expression:
                    description: A UNIX cron expression, such as V(0 2 * * *). Required when the import has none yet.
                    type: str
                  timezone:
                    description: An IANA time zone name, such as V(Europe/Berlin) (1 to 64 characters).
                    type: str
              incremental_import:
                description:
                  - When incremental imports run. An absent schedule and Okta's C(null) are the same.
                type: dict
                aliases: [incrementalImport]
                suboptions:
                  expression:
                    description: A UNIX cron expression, such as V(0 */3 * * *). Required when the import has none yet.
                    type: str
                  timezone:
                    description: An IANA time zone name, such as V(Europe/Berlin) (1 to 64 characters).
                    type: str
      import_rules:
        description: Rules for matching imported users.
        type: dict
        aliases: [importRules]
        suboptions:
          user_create_and_match:
            description: How imported users are matched to Okta users and created.
            type: dict
            aliases: [userCreateAndMatch]
            suboptions:
              exact_match_criteria:
                description: The attribute that makes an exact match.
                type: str
                choices: [EMAIL, USERNAME]
                aliases: [exactMatchCriteria]
              allow_partial_match:
                description: Allow a partial match (first and last name match, username or email do not).
                type: bool
                aliases: [allowPartialMatch]
              auto_confirm_partial_match:
                description: Confirm partial matches without an administrator.
                type: bool
                aliases: [autoConfirmPartialMatch]
              auto_confirm_exact_match:
                description: Confirm exact matches without an administrator.
                type: bool
                aliases: [autoConfirmExactMatch]
              auto_confirm_new_users:
                description: Confirm new users without an administrator.
                type: bool
                aliases: [autoConfirmNewUsers]
              auto_activate_new_users:
                description: Activate new users when they are confirmed.
                type: bool
                aliases: [autoActivateNewUsers]
      # END generated: inbound_provisioning_capabilities
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.APP
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
attributes:
  check_mode:
    support: full
    details:
      - Makes only the reads and returns the predicted connection and features and the same RV(diff) a real run
        would. A feature that cannot be read until the connection is enabled is reported as
        V(<known after the connection is enabled>).
  diff_mode:
    support: full
    details:
      - RV(diff) shows each part managed (C(connection), C(USER_PROVISIONING), C(INBOUND_PROVISIONING)) before and
        after. A credential that is (or would be) sent appears as a placeholder, never as its value.
notes:
  - Okta replaces a feature's settings as a whole when they are written; the module sends Okta's current settings
    with the wanted ones merged in. Another change made between the read and the write would be overwritten.
  - With O(connection.update_credentials=always) the task writes the credentials and reports V(changed) on every run.
  - OAuth 2.0 connections of Google Workspace, Office 365, Slack and Zoom need an administrator's consent in a
    browser before they can be enabled; until then the task fails with RV(consent_required=true) and
    RV(authorize_url), before any feature is read or written. Before the first write of such a connection Okta
    shows no link yet, so check mode then predicts the connection enabled.
seealso:
  - module: oktaops.okta.okta_app_connection
    description: Manage only the provisioning connection.
  - module: oktaops.okta.okta_app_feature
    description: Configure one feature.
  - module: oktaops.okta.okta_app_feature_info
    description: Read the features of an app.
"""

EXAMPLES = r"""
- name: Enable Zscaler's connection and configure To App, in one task
  oktaops.okta.okta_app_provisioning:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_id: 0oa4zscR7mN1xKd2B5d7
    connection:
      state: enabled
      profile:
        auth_scheme: TOKEN
        base_url: https://scim.zscalerbeta.net/1234567/890/scim
        token: "{{ zscaler_scim_token }}"
    user_provisioning:
      create: {lifecycle_create: {status: ENABLED}}
      update:
        profile: {status: ENABLED}
        lifecycle_deactivate: {status: ENABLED}

- name: Both features of an app whose connection is already enabled (one request when nothing changes)
  oktaops.okta.okta_app_provisioning:
    app_label: Okta Org2Org
    user_provisioning:
      update:
        lifecycle_deactivate: {status: ENABLED}
    inbound_provisioning:
      import_settings:
        username: {username_format: EMAIL}
        schedule:
          status: ENABLED
          full_import: {expression: "0 2 * * *", timezone: Europe/Berlin}
      import_rules:
        user_create_and_match: {exact_match_criteria: EMAIL, auto_confirm_exact_match: true}

- name: Drift audit of many apps, credentials set once (run with --check --diff)
  module_defaults:
    group/oktaops.okta.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  block:
    - name: Compare each app with the baseline
      oktaops.okta.okta_app_provisioning:
        app_id: "{{ item }}"
        user_provisioning:
          update:
            lifecycle_deactivate: {status: ENABLED}
      loop: "{{ okta_provisioned_app_ids }}"
      check_mode: true
      register: drift
      failed_when: drift is failed and drift.provisioning_supported | default(true)

    - name: Show the settings that differ
      ansible.builtin.debug:
        msg: "{{ drift.results | selectattr('changed') | map(attribute='changed_settings') | list }}"

- name: Office 365 - the administrator's credentials go in the write that sets up the connection
  oktaops.okta.okta_app_provisioning:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Microsoft Office 365
    connection:
      state: enabled
      profile:
        auth_scheme: OAUTH2
        settings:
          admin_username: "{{ vault_o365_admin_username }}"
          admin_password: "{{ vault_o365_admin_password }}"
    user_provisioning:
      create:
        lifecycle_create: {status: ENABLED}
  register: o365
  # Until an administrator grants consent at o365.authorize_url, the task fails with consent_required: true
  failed_when: o365 is failed and not o365.consent_required | default(false)

- name: Say where to grant consent
  ansible.builtin.debug:
    msg: "Open {{ o365.authorize_url }} as an Office 365 administrator, then run again."
  when: o365.consent_required | default(false)
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
      after a lifecycle call (which returns no body), as it is predicted to be. Okta's own keys; never holds a
      token. See RV(oktaops.okta.okta_app_connection#module:connection).
  returned: when O(connection) is given
  type: dict
  sample:
    # BEGIN source: connection_sample
    status: ENABLED
    authScheme: TOKEN
    baseUrl: https://scim.zscalerbeta.net/1234567/890/scim
    profile:
      authScheme: TOKEN
    # END source: connection_sample
features:
  description:
    - The app's features keyed by feature name, each as Okta returned it after its update, as it is when nothing
      changed, or, in check mode, as it would be. Okta's own keys
      (see RV(oktaops.okta.okta_app_feature#module:feature)).
    - A feature asked for that cannot be read before the connection is enabled (check mode) is the text
      V(<known after the connection is enabled>) instead.
    - Empty when only O(connection) is managed and the connection is (or stays) off.
  returned: success
  type: dict
  sample:
    # BEGIN source: features_sample
    USER_PROVISIONING:
      name: USER_PROVISIONING
      status: ENABLED
      capabilities:
        create: {lifecycleCreate: {status: ENABLED}}
        update:
          lifecycleDeactivate: {status: ENABLED}
          profile: {status: ENABLED}
          password: {status: DISABLED, seed: RANDOM, change: KEEP_EXISTING}
    # END source: features_sample
changed_settings:
  description:
    - Dotted paths, in Okta's spelling and prefixed by the part, of the settings that differed and were (in check
      mode, would be) changed. V(connection.profile.token) means the token was (would be) sent.
  returned: success, and when a write of the changed settings failed
  type: list
  elements: str
  sample: [connection.status, connection.profile.authScheme, USER_PROVISIONING.update.password.status]
problems:
  description:
    - Each problem found in O(connection), O(user_provisioning) and O(inbound_provisioning), when the task failed
      on invalid input before any request.
  returned: on invalid input
  type: list
  elements: str
  sample: ["connection.state=disabled turns provisioning off, so USER_PROVISIONING cannot be configured in the same task; leave user_provisioning out"]
  version_added: 0.2.0
token_sent:
  description: Whether the connection's token was sent to Okta (in check mode, whether it would be).
  returned: when O(connection) is given
  type: bool
  sample: false
credentials_sent:
  description:
    - Whether the connection's write-only credentials (the token, or the Office 365 admin user name and password)
      were sent to Okta (in check mode, whether they would be).
  returned: when O(connection) is given
  type: bool
  sample: true
# BEGIN generated: authorize_url (from okta_app_connection.py; make module-docs, do not edit by hand)
authorize_url:
  description:
    - The URL where an administrator grants the OAuth 2.0 consent the connection needs (Okta's
      C(_links.authorize.href)). Absent when Okta's answer carries no such link.
# END generated: authorize_url
  returned: when O(connection) is given and Okta's connection carries the authorize link
  type: str
  sample: https://slack.com/oauth/v2/authorize?response_type=code&state=x
consent_required:
  description:
    - V(true) when the task failed because the connection waits for an administrator's consent at RV(authorize_url)
      before it can be enabled and before the features can be configured. Run again once consent is given.
  returned: when the task fails for that reason
  type: bool
  sample: true
provisioning_supported:
  description:
    - V(false) when the task failed because the app's type offers no provisioning; V(true) otherwise (also beside
      RV(consent_required)).
  returned: whenever the connection or the features were read, on success and on failure
  type: bool
  sample: true
diff:
  description:
    - Each part managed, before and after, keyed C(connection) (status and profile, a token sent as a
      placeholder), C(USER_PROVISIONING) and C(INBOUND_PROVISIONING) (their capabilities); the same in check mode
      and in a real run, except that features read only after enabling the connection show
      V(<known after the connection is enabled>) in check mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: What Okta held, by part.
      type: dict
    after:
      description: What Okta holds after the change (or would hold, in check mode), by part.
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
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import GET_CONNECTION, LIST_FEATURES
from ansible_collections.oktaops.okta.plugins.module_utils._feature_body import okta_spelling
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    FEATURES,
    PROVISIONING_UNSUPPORTED,
    feature_argument_spec,
    feature_input_problems,
    plan_feature,
    provisioning_hints,
    read_features,
    to_wire,
)
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule
from ansible_collections.oktaops.okta.plugins.module_utils._writes import fail_consent, write_connection, write_feature

# Option name of each feature's settings.
FEATURE_OPTIONS = dict(zip(FEATURES, ("user_provisioning", "inbound_provisioning")))
# What the result and the diff show for a feature that cannot be read until the connection is enabled.
KNOWN_AFTER_ENABLE = "<known after the connection is enabled>"


def argument_spec():
    spec = dict(connection=dict(type="dict", options=connection_argument_spec()))
    for feature, option in FEATURE_OPTIONS.items():
        spec[option] = feature_argument_spec(feature)
    return spec


def check_input(module):
    """Fail before any request for input no request can fix; return the desired capabilities by feature."""
    problems = []
    connection = module.params["connection"]
    if connection is not None:
        problems.extend("connection." + text for text in connection_input_problems(connection["profile"]))
    desired = {}
    for feature, option in FEATURE_OPTIONS.items():
        if module.params[option] is not None:
            problems.extend(feature_input_problems(feature, module.params[option], root=option))
            desired[feature] = to_wire(module.params[option])
    if desired and connection is not None and connection["state"] == "disabled":
        problems.append("connection.state=disabled turns provisioning off, so {0} cannot be configured in the same "
                        "task; leave {1} out".format(" and ".join(desired), " and ".join(
                            FEATURE_OPTIONS[f] for f in desired)))
    if problems:
        module.fail_json(msg="Invalid arguments: {0}.".format("; ".join(problems)), problems=problems)
    return desired


class Run(object):
    """One task: what was read, what is planned, and the result built from them."""

    def __init__(self, module, app_id, desired):
        self.module = module
        self.app_id = app_id
        self.desired = desired
        self.conn_current = None
        self.conn_plan = None
        self.feature_plans = {}
        # provisioning_supported is added by the first read that tells.
        self.result = dict(changed=False, app_id=app_id, features={}, changed_settings=[])
        self.written = False
        self.before = {}
        self.after = {}

    def fail(self, msg, **extra):
        self.module.fail_json(msg=msg, **dict(self.result, **extra))

    def known(self):
        """The keys a failed write returns: what is known for sure, and whether an earlier write changed the app."""
        keys = ("app_id", "provisioning_supported", "changed_settings")
        return dict(((key, self.result[key]) for key in keys if key in self.result), changed=self.written)

    def read_connection(self):
        module, app_id = self.module, self.app_id
        current = module.call(GET_CONNECTION.at(app_id), read_connection, module.client, app_id,
                              result=dict(app_id=app_id))
        self.result["provisioning_supported"] = not is_unsupported(current)
        if is_unsupported(current):
            self.fail(unsupported_message(app_id), connection=current)
        params = module.params["connection"]
        self.conn_current = current
        self.conn_plan = plan_connection(current, params["state"], params["profile"], params["update_credentials"])
        if self.conn_plan.problem:
            self.fail("Cannot update the provisioning connection of app {0}: {1}.".format(app_id, self.conn_plan.problem),
                      connection=current)
        self.result["connection"] = predicted(current, self.conn_plan) if self.conn_plan.changed else current
        self.result["token_sent"] = self.conn_plan.send_token
        self.result["credentials_sent"] = self.conn_plan.send_credentials
        if self.conn_plan.authorize_url:
            self.result["authorize_url"] = self.conn_plan.authorize_url
        self.result["changed_settings"].extend("connection." + path for path in self.conn_plan.changed_settings)
        self.before["connection"] = self.conn_plan.before
        self.after["connection"] = self.conn_plan.after

    def read_features(self):
        """One GET of every feature; fails (before any write) when they cannot be configured."""
        module, app_id = self.module, self.app_id
        read = module.call(LIST_FEATURES.at(app_id), read_features, module.client, app_id, result=self.known())
        self.result["provisioning_supported"] = read.problem != PROVISIONING_UNSUPPORTED
        if read.problem:
            if read.problem != PROVISIONING_UNSUPPORTED and not self.desired:
                return  # only the connection is managed, and it is off: there are no features to report
            module.fail_okta("Cannot configure the provisioning of app {0}".format(app_id), read.error,
                             hints=provisioning_hints(), result=self.result)
        self.result["features"] = dict((f.get("name"), f) for f in read.features if isinstance(f, dict))
        for feature, desired in self.desired.items():
            subject = "{0} of app {1}".format(feature, app_id)
            planned = plan_feature(read, feature, desired, subject, root=FEATURE_OPTIONS[feature])
            if planned.problem:
                self.fail(planned.problem)
            current, outcome = planned.current, planned.outcome
            if outcome.changed:
                self.result["features"][feature] = dict(
                    current, capabilities=okta_spelling(outcome.after, current.get("capabilities")))
            self.feature_plans[feature] = outcome
            self.result["changed_settings"].extend("{0}.{1}".format(feature, p) for p in outcome.changed_settings)
            self.before[feature] = outcome.before
            self.after[feature] = outcome.after

    def features_unknown(self):
        """Check mode, the connection to be enabled first: the features cannot be read yet, so none is guessed."""
        for feature in self.desired:
            self.result["features"][feature] = KNOWN_AFTER_ENABLE
            self.before[feature] = self.after[feature] = KNOWN_AFTER_ENABLE

    def finish(self):
        if self.module._diff:
            self.result["diff"] = dict(before=self.before, after=self.after)
        self.module.exit_json(**self.result)


def main():
    module = OktaModule(argument_spec=argument_spec(), writes=True, supports_check_mode=True,
                        required_one_of=[list(("connection",) + tuple(FEATURE_OPTIONS.values()))])
    desired = check_input(module)
    run = Run(module, module.resolve_app_id(), desired)
    result = run.result

    enabling = False
    if module.params["connection"] is not None:
        run.read_connection()
        enabling = run.conn_current.get("status") != "ENABLED" and run.conn_plan.after["status"] == "ENABLED"
    if run.conn_plan is None or (run.conn_plan.after["status"] == "ENABLED" and not enabling):
        run.read_features()
    # else: the connection is off now, so Okta would only answer "provisioning is not enabled"

    conn_write = run.conn_plan is not None and run.conn_plan.changed
    result["changed"] = conn_write or any(p.changed for p in run.feature_plans.values())
    if module.check_mode and run.conn_plan is not None and run.conn_plan.consent_required:
        if module._diff:
            result["diff"] = dict(before=run.before, after=run.after)
        fail_consent(module, run.app_id, run.conn_current, run.conn_plan.authorize_url, result)
    if module.check_mode or not result["changed"]:
        if enabling:
            run.features_unknown()
        run.finish()

    if conn_write:
        result["connection"] = write_connection(module, run.app_id, run.conn_current, run.conn_plan,
                                                result=run.known())
        run.written = True
        url = authorize_url(result["connection"])
        if url:
            result["authorize_url"] = url
        if enabling:
            # now readable: the one read of the features, then their writes
            run.read_features()
    for feature, outcome in run.feature_plans.items():
        if outcome.changed:
            result["features"][feature] = write_feature(module, run.app_id, feature, outcome, run.desired[feature],
                                                        result=run.known())
            run.written = True
    run.finish()


if __name__ == "__main__":
    main()
