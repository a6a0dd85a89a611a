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

from ansible_collections.oktaops.okta.plugins.module_utils._features import features_path, provisioning_hints
from ansible_collections.oktaops.okta.plugins.module_utils._features import unapplied as feature_unapplied


def write_feature(module, app_id, feature, outcome, desired, **result):
    """PUT ``outcome.body`` (a changed :class:`Plan`) as ``feature`` of the app and check Okta's answer.

    ``module`` is the calling OktaModule (its ``call`` and ``fail_json`` fail the task, with ``result`` added);
    returns Okta's answer, which holds every leaf of ``desired``, or fails the task naming the ones it does not.
    """
    result["app_id"] = app_id
    subject = "{0} of app {1}".format(feature, app_id)
    updated = module.call("Cannot update {0}".format(subject), module.client.put_json,
                          features_path(app_id, feature), outcome.body, hints=provisioning_hints(),
                          not_found="app {0} was not found, or it does not offer {1}; check app_id".format(
                              app_id, feature), **result)
    returned = updated.get("capabilities") if isinstance(updated, Mapping) else None
    missing = feature_unapplied(desired, returned)
    if missing:
        module.fail_json(
            msg="Okta answered the update of {0} with success but did not apply {1}; the feature was not changed "
                "as asked. Read it back with oktaops.okta.okta_app_feature_info and check the app's provisioning "
                "settings.".format(subject, ", ".join(missing)),
            unapplied_settings=missing, feature=updated, **result)
    return updated


def write_connection(module, app_id, current, the_plan, **result):
    """Make the requests of a changed ``the_plan`` in order and return the connection as it is afterwards.

    ``module`` is the calling OktaModule: a refused request or an answer that does not hold what was sent fails
    the task through it, with ``result`` added. A lifecycle call answers without a body, so after one the result
    is the last known object with the new status.
    """
    # Imported here, not at the top: okta_app_feature writes no connection, and AnsiballZ compiles every module_utils
    # file a module imports from source on each run (docs/docsite/rst/performance.rst).
    from ansible_collections.oktaops.okta.plugins.module_utils._app_connection import (
        ACTIVATION_HINTS,
        connection_path,
        predicted,
        unapplied as connection_unapplied,
    )

    path = connection_path(app_id)
    result["app_id"] = app_id
    answer = None
    for call in the_plan.calls:
        if call[0] == "POST":
            answer = module.call("Cannot update the provisioning connection of app {0}".format(app_id),
                                 module.client.post_json, path, call[1], {"activate": "true"} if call[2] else None,
                                 **result)
            missing = connection_unapplied(the_plan.expected, answer)
            if call[2] and (not isinstance(answer, dict) or answer.get("status") != "ENABLED"):
                missing.append("status")
            if missing:
                module.fail_json(msg="Okta answered the update of the provisioning connection of app {0} without "
                                     "applying {1}; nothing is reported as done.".format(app_id, ", ".join(missing)),
                                 connection=answer, **dict(result, unapplied_settings=missing))
        else:
            module.call("Cannot {0} the provisioning connection of app {1}".format(call[0], app_id),
                        module.client.post_json, "{0}/lifecycle/{1}".format(path, call[0]),
                        hints=ACTIVATION_HINTS if call[0] == "activate" else None, **result)
    if the_plan.calls[-1][0] != "POST":
        answer = predicted(answer if isinstance(answer, dict) else current, the_plan)
    return answer
