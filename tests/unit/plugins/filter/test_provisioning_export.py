# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filters behind the role's export: the wiring of _export, and a clear error for input of another shape."""

from __future__ import annotations

import pytest
import yaml

try:  # ansible-core 2.19+: importing controller code flags the whole process as the controller
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None
WAS_CONTROLLER = getattr(module_utils_internal, "is_controller", None)

from ansible.errors import AnsibleFilterError  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.oktaops.okta.plugins.filter.provisioning_export import (  # noqa: E402  pylint: disable=wrong-import-position
    FilterModule,
)

# Module tests that run after these need module warnings collected, not displayed: restore the flag.
if module_utils_internal is not None:
    module_utils_internal.is_controller = WAS_CONTROLLER

FILTERS = FilterModule().filters()
LISTING = [{"id": "0oa1", "label": "Slack", "name": "slack", "status": "ACTIVE"},
           {"id": "0oa2", "label": "Jenkins", "name": "template_saml_2_0", "status": "ACTIVE"}]
READS = [
    {"app_id": "0oa1", "provisioning_supported": True, "provisioning_enabled": True,
     "options": {"connection": {"state": "enabled", "profile": {"auth_scheme": "OAUTH2"}},
                 "user_provisioning": {"create": {"lifecycle_create": {"status": "ENABLED"}}}}},
    {"app_id": "0oa2", "provisioning_supported": False, "provisioning_enabled": False, "options": {}},
]


def test_selection_then_export():
    selection = FILTERS["provisioning_export_selection"](LISTING, None, [{"app_label": "Slack"}, {"app_id": "0oa2"}])
    assert [app["id"] for app in selection["apps"]] == ["0oa2", "0oa1"] and selection["problems"] == []
    result = FILTERS["provisioning_export"](READS, selection)
    assert (result["apps"], result["unsupported"], result["requests"]) == (1, 1, 1 + 2 + 1)
    data = yaml.safe_load(result["content"])
    assert data["app_provisioning_apps"] == [{"app_id": "0oa1"}]
    assert "  - app_id: 0oa1  # Slack\n" in result["content"]


@pytest.mark.parametrize("reads,selection", [
    ("not a list", {"apps": []}),
    ([{"no_app_id": 1}], {"apps": []}),
    (READS, None),
])
def test_export_of_input_of_another_shape_fails_with_a_sentence(reads, selection):
    with pytest.raises(AnsibleFilterError, match="provisioning_export"):
        FILTERS["provisioning_export"](reads, selection)


def test_selection_of_input_of_another_shape_fails_with_a_sentence():
    with pytest.raises(AnsibleFilterError, match="listing must be a list"):
        FILTERS["provisioning_export_selection"]({"apps": []})
