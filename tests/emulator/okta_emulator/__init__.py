# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local Okta emulator for the application-features endpoints used by the collection.

A stateful, in-memory HTTPS server (stdlib ``http.server`` + ``ssl``; ``trustme`` for the throw-away CA) that
answers the subset of the Okta Management API the collection calls (apps, Application Features, the default
provisioning connection, the OAuth token endpoint with DPoP), plus an unauthenticated admin API under
``/_admin``. It imports nothing from the collection. See ``README.md`` next to this package.

Modules, one question each:

* ``features``: capability shapes, validation, merge, rendering;
* ``connections``: the default provisioning connection of each app type;
* ``apps``: app objects as Okta renders them, the list (``q``, ``filter``, paging), generated apps;
* ``oauth``: service-app clients, the token endpoint, DPoP;
* ``limits``: rate-limit buckets per token, fault injection;
* ``admin``: the ``/_admin`` dispatch table;
* ``state``: the in-memory state;
* ``server``: the HTTP handler, ``OktaEmulator`` and the command line (``python -m okta_emulator``).
"""

from .server import OktaEmulator, main

__all__ = ["OktaEmulator", "main"]
