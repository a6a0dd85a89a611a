# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: start the bundled Okta emulator, run the demo playbooks against it, stop it.

1. read.yml reads Legacy Wiki's provisioning connection (disabled) and the seeded apps' features (by id and by
   label; Legacy Wiki has none to show while its connection is disabled);
2. apply.yml enables Legacy Wiki's provisioning connection, then applies a provisioning baseline, Legacy Wiki
   included, with --diff (changes are shown);
3. apply.yml again: nothing to change, and the demo fails if anything is reported changed;
4. read.yml reads the result back: the connection enabled, Legacy Wiki's features readable.
The credentials reach the modules through OKTA_ORG_URL and OKTA_API_TOKEN, as in a CI job.
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from okta_emulator import OktaEmulator  # noqa: E402  pylint: disable=wrong-import-position

DEMO_TOKEN = "00oktaops-emulator-manage-token-5f3a9c1e7b"


def banner(text):
    print("\n" + "=" * 100 + "\n" + text + "\n" + "=" * 100, flush=True)


def run_playbook(name, env, extra=()):
    cmd = ["ansible-playbook", "-i", os.path.join(HERE, "inventory.ini"), os.path.join(HERE, name)] + list(extra)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    print(proc.stdout, flush=True)
    if proc.returncode != 0:
        sys.exit("demo: %s failed (exit %d)" % (name, proc.returncode))
    match = re.search(r"localhost\s+:\s+ok=\d+\s+changed=(\d+)", proc.stdout)
    return int(match.group(1)) if match else None


def main():
    emulator = OktaEmulator(os.path.join(ROOT, "tests", "emulator", "seed.json")).start()
    try:
        env = dict(os.environ)
        env.update(
            OKTA_ORG_URL=emulator.url,
            OKTA_API_TOKEN=DEMO_TOKEN,
            OKTA_DEMO_CA_PATH=emulator.ca_file,
            ANSIBLE_STDOUT_CALLBACK="default",
            ANSIBLE_CALLBACK_RESULT_FORMAT="yaml",
            ANSIBLE_DEPRECATION_WARNINGS="false",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        print("Okta emulator listening on %s (CA %s)" % (emulator.url, emulator.ca_file), flush=True)
        wiki = "0oa6wikY4nG7sAf1D5d7"
        banner("1. Read Legacy Wiki's provisioning connection (okta_app_connection_info) and the features of the "
               "seeded apps (okta_app_feature_info, by id and by label)")
        run_playbook("read.yml", env)
        banner("2. Enable Legacy Wiki's provisioning connection (okta_app_connection), then apply the provisioning "
               "baseline (okta_app_feature); --diff shows every change")
        first = run_playbook("apply.yml", env, ["--diff"])
        banner("3. Apply the same baseline again: nothing to change")
        second = run_playbook("apply.yml", env, ["--diff"])
        banner("4. Read the result back")
        run_playbook("read.yml", env)
        requests_seen = len(emulator.state.requests) if hasattr(emulator.state, "requests") else None
        banner("Summary: first run changed=%s, second run changed=%s%s" % (
            first, second, "" if requests_seen is None else ", %d API requests in all" % requests_seen))
        if not first or second != 0:
            sys.exit("demo: expected changes on the first run and none on the second")
        connection = emulator.state.snapshot(emulator.url)["apps"][wiki]["connection"]
        if connection["status"] != "ENABLED":
            sys.exit("demo: Legacy Wiki's provisioning connection is %s, expected ENABLED" % connection["status"])
        print("Legacy Wiki's provisioning connection is %s." % connection["status"], flush=True)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
