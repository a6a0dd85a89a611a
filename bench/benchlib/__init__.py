# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmark's measurements share: the emulator (``emulator``), running playbooks and rate-limited runs
(``runner``), and the rows of the report (``report``)."""
