# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's main() in this process, on every supported ansible-core (2.16 to 2.19)."""

from __future__ import annotations

import contextlib
import json

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as common_warnings

try:
    from ansible.module_utils.testing import patch_module_args  # noqa: F401  pylint: disable=unused-import  # ansible-core 2.19+
except ImportError:  # ansible-core 2.16 to 2.18

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Give AnsibleModule ``args`` as its arguments, as ansible-core 2.19's helper does."""
        saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


def reset_warnings(monkeypatch):
    """Warnings are collected process-wide; start a run with none, as a real module process does."""
    for name in ("_global_warnings", "_global_deprecations"):
        current = getattr(common_warnings, name)
        monkeypatch.setattr(common_warnings, name, type(current)())
