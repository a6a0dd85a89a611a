# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Documentation: provisioning_export.yml and provisioning_export_selection.yml beside this file (one per filter).

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.oktaops.okta.plugins.module_utils._export import export_file, select


def provisioning_export(reads, selection, filter=None, include_inactive=False):  # pylint: disable=redefined-builtin
    if not isinstance(reads, list) or not all(isinstance(read, dict) and read.get("app_id") for read in reads):
        raise AnsibleFilterError("provisioning_export takes the results of okta_app_provisioning_info, one per app "
                                 "(a loop's results).")
    if not isinstance(selection, dict) or "apps" not in selection:
        raise AnsibleFilterError("provisioning_export needs the answer of provisioning_export_selection as selection.")
    try:
        return export_file(reads, selection, filter or None, bool(include_inactive))
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError("provisioning_export cannot write the export: {0}".format(to_native(exc)))


def provisioning_export_selection(listing, filtered=None, apps=None, include_inactive=False, filter=None):  # pylint: disable=redefined-builtin
    for name, value in (("listing", listing), ("filtered", filtered), ("apps", apps)):
        if value is not None and not isinstance(value, list):
            raise AnsibleFilterError("provisioning_export_selection: {0} must be a list (or none).".format(name))
    return select(apps or [], listing, filtered, bool(include_inactive), filter or None)


class FilterModule(object):
    def filters(self):
        return {
            "provisioning_export": provisioning_export,
            "provisioning_export_selection": provisioning_export_selection,
        }
