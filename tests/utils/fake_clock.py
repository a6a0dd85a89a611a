# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake clock for the unit tests: waits are recorded, no time passes."""

from __future__ import annotations


class FakeTime(object):
    """A clock that only moves when the code under test sleeps; every sleep is recorded."""

    def __init__(self, now):
        self.now = float(now)
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
