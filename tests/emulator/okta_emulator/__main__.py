# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``python -m okta_emulator`` (with ``tests/emulator`` on ``sys.path``): run the emulator; see ``--help``."""

import sys

from .server import main

sys.exit(main())
