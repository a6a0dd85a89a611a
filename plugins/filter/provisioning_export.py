# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: provisioning_export
short_description: Write an org's provisioning as the vars file of the role app_provisioning
version_added: 0.2.0
description:
  - Takes the results of M(oktaops.okta.okta_app_provisioning_info), one per app, and writes the YAML vars file that
    the main entry point of the role M(oktaops.okta.app_provisioning#role) applies with no change.
  - Every setting that more than half of the apps share (with the same value) goes to C(app_provisioning_connection)
    or C(app_provisioning_baseline), provided every app the role applies that part to holds the setting; each item of
    C(app_provisioning_apps) names its app by C(app_id), with its label in a comment, and holds only what differs. An
    app that lacks a feature the baseline sets gets C(features), the list of the features it holds (empty for an app
    whose connection is off). Apps whose type offers no provisioning are listed in a comment.
  - The text is deterministic (apps by label then id, keys in the order of the modules' options, no timestamp), so an
    unchanged org gives the same bytes and the file's diff in git is the org's drift. It never holds a write-only value;
    a comment names the apps whose connection takes one (a C(TOKEN) connection's token).
  - The role's C(tasks_from=export) uses this filter; the work is done in the collection's Python, not in Jinja.
positional: selection, filter, include_inactive
options:
  _input:
    description: The results of M(oktaops.okta.okta_app_provisioning_info), one per selected app (a loop's C(results)).
    type: list
    elements: dict
    required: true
  selection:
    description: The answer of the filter M(oktaops.okta.provisioning_export_selection#filter) for the same apps.
    type: dict
    required: true
  filter:
    description: The Okta filter expression the apps were selected with, named in the file's header.
    type: str
  include_inactive:
    description: Whether the filter took inactive apps too, named in the file's header.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Write the export
  ansible.builtin.copy:
    content: "{{ (reads.results | oktaops.okta.provisioning_export(selection)).content }}"
    dest: provisioning.yml
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The file and its figures.
  type: dict
  contains:
    content:
      description: The YAML vars file, ending with a newline.
      type: str
    apps:
      description: How many apps the file configures (apps with provisioning).
      type: int
    unsupported:
      description: How many selected apps have no provisioning (listed in a comment).
      type: int
    baseline_settings:
      description: How many settings went to C(app_provisioning_connection) and C(app_provisioning_baseline).
      type: int
    requests:
      description: The requests the export made, the listings (one per 200 apps) and each app's read.
      type: int
"""

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


def provisioning_export_selection(listing, filtered=None, apps=None, include_inactive=False):
    for name, value in (("listing", listing), ("filtered", filtered), ("apps", apps)):
        if value is not None and not isinstance(value, list):
            raise AnsibleFilterError("provisioning_export_selection: {0} must be a list (or none).".format(name))
    return select(apps or [], listing, filtered, bool(include_inactive))


class FilterModule(object):
    def filters(self):
        return {
            "provisioning_export": provisioning_export,
            "provisioning_export_selection": provisioning_export_selection,
        }
