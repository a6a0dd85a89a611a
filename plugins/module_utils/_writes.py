# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The writes that okta_app_feature, okta_app_connection and okta_app_provisioning share.

Module layer: each function makes its requests through the calling :class:`OktaModule` (``call``), checks Okta's
answer with the pure code of ``_features.py`` / ``_app_connection.py``, and fails the task through the module when
Okta did not apply what was sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import (
    ACTIVATION_HINTS,
    activation_refused,
    authorize_url,
    connection_unapplied,
    consent_message,
    predicted,
)
from ansible_collections.oktaops.okta.plugins.module_utils._endpoints import (
    CONNECTION_LIFECYCLE,
    UPDATE_CONNECTION,
    UPDATE_FEATURE,
)
from ansible_collections.oktaops.okta.plugins.module_utils._errors import OktaError
from ansible_collections.oktaops.okta.plugins.module_utils._features import provisioning_hints
from ansible_collections.oktaops.okta.plugins.module_utils._features import feature_unapplied


def write_feature(module, app_id, feature, outcome, desired, result=None):
    """PUT ``outcome.body`` (a changed :class:`CapabilitiesPlan`) as ``feature`` of the app and check Okta's answer.

    ``module`` is the calling OktaModule (its ``call`` and ``fail_json`` fail the task, with the keys of ``result``
    added); returns Okta's answer, which holds every leaf of ``desired``, or fails the task naming the ones it does
    not.
    """
    result = dict(result or {}, app_id=app_id)
    subject = "{0} of app {1}".format(feature, app_id)
    target = UPDATE_FEATURE.at(app_id, feature)
    updated = module.call(target, module.client.put_json, target.path, outcome.body, hints=provisioning_hints(),
                          result=result)
    returned = updated.get("capabilities") if isinstance(updated, Mapping) else None
    missing = feature_unapplied(desired, returned)
    if missing:
        module.fail_json(
            msg="Okta answered the update of {0} with success but did not apply {1}; the feature was not changed "
                "as asked. Read it back with oktaops.okta.okta_app_feature_info and check the app's provisioning "
                "settings.".format(subject, ", ".join(missing)),
            **dict(result, unapplied_settings=missing, feature=updated))
    return updated


def fail_consent(module, app_id, connection, url, result):
    """Fail the task because the connection waits for an administrator's consent at ``url`` (the contract the role
    and the other modules read: ``consent_required``, ``authorize_url``, ``provisioning_supported``); ``result``
    is the dict of keys the task returns beside them."""
    result = dict(result, app_id=app_id, consent_required=True, authorize_url=url, provisioning_supported=True)
    if connection is not None:
        result["connection"] = connection
    module.fail_json(msg=consent_message(app_id, url), **result)


def write_connection(module, app_id, current, the_plan, result=None):
    """Make the requests of a changed ``the_plan`` in order and return the connection as it is afterwards.

    ``module`` is the calling OktaModule: a refused request or an answer that does not hold what was sent fails
    the task through it, with the keys of ``result`` added. A lifecycle call answers without a body, so after one
    the result is the last known object with the new status.

    OAuth 2.0 consent goes by Okta's ``_links.authorize`` link, never by the wording of a refusal: an activation
    Okta refuses (400) while the connection carries the link fails the task with ``consent_required``; so does a
    profile write whose answer brings the link (``activate_unless_consent``), without trying the activation.
    """
    result = dict(result or {}, app_id=app_id)
    answer = None
    lifecycle_last = False
    wrote = False

    def activate(post_body=None):
        """One activation (a lifecycle call, or the POST ``?activate=true`` carrying ``post_body``)."""
        latest = answer if isinstance(answer, dict) else current
        target = (UPDATE_CONNECTION if post_body is not None else CONNECTION_LIFECYCLE["activate"]).at(app_id)
        try:
            if post_body is None:
                return module.client.post_json(target.path)
            return module.client.post_json(target.path, post_body, {"activate": "true"})
        except OktaError as exc:
            url = authorize_url(latest)
            if url and activation_refused(exc):
                fail_consent(module, app_id, latest, url, dict(result, changed=wrote))
            module.fail_okta(target, exc, hints=ACTIVATION_HINTS, result=dict(result, changed=wrote))

    for call in the_plan.calls:
        if call[0] == "POST":
            if call[2]:
                answer = activate(call[1])
            else:
                target = UPDATE_CONNECTION.at(app_id)
                answer = module.call(target, module.client.post_json, target.path, call[1], None,
                                     result=dict(result, changed=wrote))
            wrote, lifecycle_last = True, False
            missing = connection_unapplied(the_plan.expected, answer)
            if call[2] and (not isinstance(answer, dict) or answer.get("status") != "ENABLED"):
                missing.append("status")
            if missing:
                module.fail_json(msg="Okta answered the update of the provisioning connection of app {0} without "
                                     "applying {1}; nothing is reported as done.".format(app_id, ", ".join(missing)),
                                 **dict(result, connection=answer, unapplied_settings=missing))
            continue
        if call[0] == "activate_unless_consent":
            if isinstance(answer, dict) and answer.get("status") == "ENABLED":
                continue
            url = authorize_url(answer)
            if url:
                # the profile write started a consent flow: the activation would be refused until consent is given
                fail_consent(module, app_id, answer, url, dict(result, changed=True))
        if call[0] == "deactivate":
            target = CONNECTION_LIFECYCLE["deactivate"].at(app_id)
            module.call(target, module.client.post_json, target.path, result=dict(result, changed=wrote))
        else:
            activate()
        wrote, lifecycle_last = True, True
    if lifecycle_last:
        answer = predicted(answer if isinstance(answer, dict) else current, the_plan)
    return answer
