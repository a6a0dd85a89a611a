#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_feature
short_description: Configure the provisioning features of an Okta app, idempotently
version_added: 0.1.0
description:
  - Sets the capabilities of one Application Feature of an Okta app. C(USER_PROVISIONING) is Provisioning >
    To App in the Admin Console (create users, update attributes, deactivate users, sync passwords).
    C(INBOUND_PROVISIONING) is Provisioning > To Okta (import schedule, username format, create-and-match rules).
  - The module reads the app's features once (C(GET /api/v1/apps/{appId}/features)) and compares only the
    settings given in O(capabilities) with what Okta holds for O(feature). Settings left out are not managed and
    never changed.
  - When something differs it sends one C(PUT) whose body is Okta's current capabilities with the wanted settings
    merged in, so Okta's partial-update rules can never reset a setting the task did not name. Okta's answer to
    the C(PUT) is checked, and if it does not hold every wanted setting the task fails instead of reporting success.
  - A run that changes nothing makes one request; a run that changes something makes two.
  - There is no O(ignore:state) option. Features cannot be created or deleted, and the feature-level C(status)
    is read-only in Okta's API; it follows the app's provisioning connection, which must be enabled before
    features can be configured.
  - Okta offers these features only for some app integrations (such as Google Workspace, Microsoft Office 365,
    Okta Org2Org, Slack, Zoom and Zscaler). For an app whose type has no provisioning the task fails before any
    write, saying so, with RV(provisioning_supported=false); for an app that does not offer O(feature) (one that
    offers C(USER_PROVISIONING) only, say) it fails saying that.
author:
  - oktaops.okta maintainers (@oktaops)
options:
  feature:
    description:
      - The feature to configure.
    type: str
    required: true
    choices: [USER_PROVISIONING, INBOUND_PROVISIONING]
  capabilities:
    description:
      - The settings wanted, in the shape of Okta's capabilities object. Each key is snake_case and also accepts
        Okta's own camelCase name, so a body copied from Okta's documentation works as it is.
      - Only the settings given are compared and managed; no setting has a default.
      - O(capabilities.create) and O(capabilities.update) belong to V(USER_PROVISIONING);
        O(capabilities.import_settings) and O(capabilities.import_rules) belong to V(INBOUND_PROVISIONING).
        A block of the other feature, or no setting at all, fails before any request is made.
    type: dict
    required: true
    suboptions:
      create:
        description: Creating app accounts (V(USER_PROVISIONING) only).
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
        description: Pushing changes to the app (V(USER_PROVISIONING) only).
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
      import_settings:
        description: Import settings (V(INBOUND_PROVISIONING) only).
        type: dict
        aliases: [importSettings]
        suboptions:
          username:
            description: How the Okta username of an imported user is formed.
            type: dict
            suboptions:
              username_format:
                description:
                  - V(EMAIL) uses the email address; V(CUSTOM) uses O(capabilities.import_settings.username.username_expression).
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
        description: Rules for matching imported users (V(INBOUND_PROVISIONING) only).
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
extends_documentation_fragment:
  - oktaops.okta.okta
  - oktaops.okta.okta.APP
  - oktaops.okta.okta.ACTIONGROUP
  - oktaops.okta.attributes
attributes:
  check_mode:
    support: full
    details:
      - Makes the one C(GET) only and returns the predicted feature in RV(feature) and the same RV(diff) a real
        run would.
  diff_mode:
    support: full
    details:
      - RV(diff) shows the capabilities before and after.
notes:
  - The feature's settings are replaced as a whole by Okta when written; this module therefore always sends
    Okta's current settings with the wanted ones merged in. Another change made between the module's read and
    its write (a few hundred milliseconds) would be overwritten.
seealso:
  - module: oktaops.okta.okta_app_feature_info
    description: Read the features of an app.
  - name: Application Features API
    description: Okta's reference for the endpoints this module uses.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationFeatures/
"""

EXAMPLES = r"""
- name: Turn on To App provisioning for one app, by id
  oktaops.okta.okta_app_feature:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_id: 0oa1abcdEFGH2345ijk6
    feature: USER_PROVISIONING
    capabilities:
      create:
        lifecycle_create:
          status: ENABLED
      update:
        lifecycle_deactivate:
          status: ENABLED
        profile:
          status: ENABLED
        password:
          status: ENABLED
          seed: RANDOM
          change: CHANGE

- name: The same body pasted from Okta's documentation (camelCase keys work), app found by label
  oktaops.okta.okta_app_feature:
    app_label: Slack
    feature: USER_PROVISIONING
    capabilities:
      create: {lifecycleCreate: {status: ENABLED}}
      update:
        lifecycleDeactivate: {status: ENABLED}
        profile: {status: ENABLED}
        password: {status: ENABLED, seed: RANDOM, change: CHANGE}

- name: Apply one baseline to many apps, credentials set once for the play
  module_defaults:
    group/oktaops.okta.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  block:
    - name: Deactivate app accounts when users leave
      oktaops.okta.okta_app_feature:
        app_id: "{{ item }}"
        feature: USER_PROVISIONING
        capabilities:
          update:
            lifecycle_deactivate:
              status: ENABLED
      loop: "{{ okta_provisioned_app_ids }}"

- name: Import users from the app every night, matching on email
  oktaops.okta.okta_app_feature:
    app_id: 0oa1abcdEFGH2345ijk6
    feature: INBOUND_PROVISIONING
    capabilities:
      import_settings:
        username:
          username_format: EMAIL
        schedule:
          status: ENABLED
          full_import:
            expression: "0 2 * * *"
            timezone: Europe/Berlin
          incremental_import:
            expression: "0 */3 * * *"
            timezone: Europe/Berlin
      import_rules:
        user_create_and_match:
          exact_match_criteria: EMAIL
          allow_partial_match: false
          auto_confirm_exact_match: true
          auto_confirm_new_users: false
          auto_activate_new_users: false

- name: Drift audit - report, change nothing (run the play with --check --diff)
  oktaops.okta.okta_app_feature:
    app_id: 0oa1abcdEFGH2345ijk6
    feature: USER_PROVISIONING
    capabilities:
      update:
        password:
          status: ENABLED
  check_mode: true
  register: drift

- name: Show what would change
  ansible.builtin.debug:
    msg: "{{ drift.diff | default('no difference') }}"
  when: drift is changed
"""

RETURN = r"""
# BEGIN source: app_id
app_id:
  description: The id of the app, as given or as found from O(app_label).
  returned: always
  type: str
# END source: app_id
  sample: 0oa1abcdEFGH2345ijk6
feature:
  description:
    - The feature as Okta returned it after the update, as it currently is when nothing changed, or, in check
      mode, as it would be after the update. Okta's own keys.
  returned: success
  type: dict
  contains:
    # BEGIN source: feature_object
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
    # END source: feature_object
changed_settings:
  description: Dotted paths, in Okta's spelling, of the settings that differed (and were or would be changed).
  returned: success, and when the write of the changed settings failed
  type: list
  elements: str
  sample: [update.password.status, update.password.change]
provisioning_supported:
  description:
    - Whether the app's type offers provisioning; V(false) when the task failed because it offers none. V(true) also
      when the app's provisioning is only switched off.
  returned: whenever the app's features were read, on success and on failure
  type: bool
  sample: true
  version_added: 0.2.0
problems:
  description: Each problem found in O(capabilities), when the task failed on invalid input before any request.
  returned: on invalid input
  type: list
  elements: str
  sample: ["capabilities.update.password.seed must be one of OKTA, RANDOM, got 'NONE'"]
  version_added: 0.2.0
diff:
  description: The capabilities before and after; the same in check mode and in a real run.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The capabilities Okta held.
      type: dict
    after:
      description: The capabilities after the change (or after the predicted change in check mode).
      type: dict
"""

from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import LIST_FEATURES
from ansible_collections.oktaops.okta.plugins.module_utils._features import (
    FEATURES,
    PROVISIONING_UNSUPPORTED,
    capabilities_argument_spec,
    diff_view,
    feature_input_problems,
    plan_feature,
    provisioning_hints,
    read_features,
    to_wire,
)
from ansible_collections.oktaops.okta.plugins.module_utils._okta_module import OktaModule


def main():
    spec = dict(feature=dict(type="str", required=True, choices=list(FEATURES)))
    spec.update(capabilities_argument_spec())
    module = OktaModule(argument_spec=spec, writes=True, supports_check_mode=True)
    feature = module.params["feature"]
    problems = feature_input_problems(feature, module.params["capabilities"])
    if problems:
        module.fail_json(msg="Invalid capabilities for {0}: {1}.".format(feature, "; ".join(problems)),
                         problems=problems)
    desired = to_wire(module.params["capabilities"])

    app_id = module.resolve_app_id()
    subject = "{0} of app {1}".format(feature, app_id)
    read = module.call(LIST_FEATURES.at(app_id), read_features, module.client, app_id, result=dict(app_id=app_id))
    # What every later result holds, failures included.
    known = dict(app_id=app_id, provisioning_supported=read.problem != PROVISIONING_UNSUPPORTED)
    if read.problem:
        # Fails before any write: switched off (enable the connection first), or none for this app type.
        module.fail_okta("Cannot configure {0}".format(subject), read.error, hints=provisioning_hints(), result=known)
    planned = plan_feature(read, feature, desired, subject)
    if planned.problem:
        module.fail_json(msg=planned.problem, **known)
    current, outcome = planned.current, planned.outcome
    known["changed_settings"] = list(outcome.changed_settings)
    result = dict(known, changed=outcome.changed, feature=current)
    if module._diff:
        result["diff"] = diff_view(outcome)
    if not outcome.changed:
        module.exit_json(**result)

    # Imported only where they are used: a run with nothing to change compiles neither, a check-mode run not the
    # writes (see the performance guide).
    if module.check_mode:
        from ansible_collections.oktaops.okta.plugins.module_utils._feature_body import okta_spelling

        result["feature"] = dict(current, capabilities=okta_spelling(outcome.after, current.get("capabilities")))
        module.exit_json(**result)

    from ansible_collections.oktaops.okta.plugins.module_utils._writes import write_feature

    result["feature"] = write_feature(module, app_id, feature, outcome, desired, result=known)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
