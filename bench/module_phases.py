# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where one module execution spends its CPU time, the way Ansible runs it (the profile of the performance guide).

Keep the payloads of a run (``ANSIBLE_KEEP_REMOTE_FILES=1 ansible-playbook ...``; they stay in
``~/.ansible/tmp/ansible-tmp-*/``), then::

    python bench/module_phases.py [--runs 20] AnsiballZ_okta_app_feature.py AnsiballZ_uri.py

Each file runs ``--runs`` times, the files in turn, each run in a fresh process that imports from the payload's zip
as the AnsiballZ wrapper does (so every ``module_utils`` file is compiled from source) and times four phases in CPU
milliseconds: ``ansible.module_utils.basic`` with the AnsiballZ loader, the HTTP library the module uses
(``requests`` for this collection, ``ansible.module_utils.urls`` otherwise), the module with the rest of its
``module_utils``, and its ``main()`` (which makes the module's requests: the server must still be running). The
smallest and the median of each phase are printed.
"""

import argparse
import ast
import base64
import contextlib
import importlib
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

PHASES = ("basic", "http_library", "module", "main")


def payload(path):
    """The payload zip (written to a temporary file), the module's arguments and its name, from an AnsiballZ file."""
    with open(path) as handle:
        source = handle.read()
    call = source[source.rindex("_ansiballz_main("):]
    values = {m.group(1): ast.literal_eval(m.group(2)) for m in re.finditer(r"^(\w+)=('.*'),?$", call, re.M)}
    handle, zip_path = tempfile.mkstemp(suffix=".zip")
    with os.fdopen(handle, "wb") as out:
        out.write(base64.b64decode(values["zip_data"]))
    return zip_path, values


def one_run(path):
    """Time the phases of one execution in this process; print them as JSON."""
    zip_path, values = payload(path)
    try:
        sys.path = [p for p in sys.path if p not in ("", ".", os.path.dirname(os.path.abspath(__file__)))]
        sys.path.insert(0, zip_path)
        marks = [time.process_time()]
        # The wrapper imports its loader, which imports basic, before the module runs.
        importlib.import_module("ansible.module_utils._internal._ansiballz._loader")
        basic = importlib.import_module("ansible.module_utils.basic")

        basic._ANSIBLE_ARGS = values["params"].encode()  # pylint: disable=protected-access
        basic._ANSIBLE_PROFILE = values["profile"]  # pylint: disable=protected-access
        marks.append(time.process_time())
        oktaops = values["module_fqn"].startswith("ansible_collections.oktaops.")
        importlib.import_module("requests" if oktaops else "ansible.module_utils.urls")
        marks.append(time.process_time())
        module = importlib.import_module(values["module_fqn"])
        marks.append(time.process_time())
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            try:
                module.main()
            except SystemExit:
                pass
        marks.append(time.process_time())
    finally:
        os.unlink(zip_path)
    if '"failed": true' in output.getvalue():
        raise SystemExit("{0} failed: {1}".format(path, output.getvalue()[:2000]))
    print(json.dumps({name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(PHASES)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="+", metavar="ANSIBALLZ_FILE")
    args = parser.parse_args()
    if args.one:
        one_run(args.files[0])
        return
    figures = {path: {name: [] for name in PHASES} for path in args.files}
    for _run in range(args.runs):
        for path in args.files:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", path], check=True,
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout
            for name, value in json.loads(out.strip().splitlines()[-1]).items():
                figures[path][name].append(value)
    print("CPU ms, smallest / median of {0} runs".format(args.runs))
    for path, phases in figures.items():
        print("{0}: {1}".format(os.path.basename(path), ", ".join(
            "{0} {1:.1f} / {2:.1f}".format(name, min(values), statistics.median(values))
            for name, values in phases.items())))


if __name__ == "__main__":
    main()
