# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Internal to the oktaops.okta collection: no stable API, may change without notice.
"""The collection version, sent in the User-Agent. A unit test keeps it equal to galaxy.yml."""

from __future__ import annotations

COLLECTION_VERSION = "0.2.0"
