# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's measurements, one module each, in the order they run.

Each module names itself once: ``NUMBER`` (as ``--only`` takes it), ``KEY`` (its figures in ``results.json``),
``TITLE`` (printed when it starts, formatted with the options), ``PLAYBOOKS`` (under ``bench/playbooks/``), its own
``OPTIONS`` (option, full size, ``--quick`` size, help) and ``TARGETS``; ``measure(runner, args)`` returns its
figures and ``rows(figures)`` their rows of the report. A module with a chart also has ``CHART`` (file name, the
option that copies it elsewhere, that option's help) and ``chart(figures, path)``.
"""

from measurements import controller, converge, inventory_run, inventory_scale, org_audit, overhead, requests_per_task

ALL = (org_audit, inventory_run, inventory_scale, requests_per_task, overhead, converge, controller)
