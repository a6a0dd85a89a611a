# -*- coding: utf-8 -*-
# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``make emulator``: the bundled Okta emulator in the foreground, with what to export to use it; Ctrl-C stops it.

Runs ``python -m okta_emulator`` (tests/emulator) with the seed org, writes its CA to a fixed path under
``.build/emulator/`` and prints the org URL, a token of the seed and the CA file as ``export`` lines.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
SEED = os.path.join(EMULATOR_DIR, "seed.json")


def seed_api_token(manage):
    """The seed's first API token (SSWS) that may manage apps, or that may only read them."""
    with open(SEED, encoding="utf-8") as handle:
        tokens = json.load(handle)["tokens"]
    return next(t["token"] for t in tokens if t["kind"] == "SSWS" and ("okta.apps.manage" in t["scopes"]) == manage)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8443, help="0 picks a free port (default: 8443)")
    parser.add_argument("--state-dir", default=os.path.join(ROOT, ".build", "emulator"),
                        help="where the CA file and the port file go")
    args = parser.parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    port_file = os.path.join(args.state_dir, "port")
    ca_file = os.path.join(args.state_dir, "ca.pem")
    if os.path.exists(port_file):
        os.unlink(port_file)
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    # The emulator stops on SIGINT or SIGTERM; Ctrl-C reaches it with this process, as one foreground group.
    proc = subprocess.Popen([sys.executable, "-m", "okta_emulator", "--port", str(args.port), "--port-file",
                             port_file, "--ca-file", ca_file, "--seed", SEED], env=env, stdout=subprocess.DEVNULL)
    try:
        while not os.path.exists(port_file):
            if proc.poll() is not None:
                print("The emulator did not start (exit code {0}); if port {1} is taken, run make emulator "
                      "EMULATOR_PORT=0 for a free one.".format(proc.returncode, args.port), file=sys.stderr)
                return 1
            time.sleep(0.1)
        with open(port_file, encoding="utf-8") as handle:
            url = "https://127.0.0.1:{0}".format(handle.read().strip())
        print("The Okta emulator serves the seed org (tests/emulator/seed.json, 35 apps) at {0}.".format(url))
        print("In another shell, to run playbooks, the inventory or the examples against it:\n")
        print("  export OKTA_ORG_URL={0}".format(url))
        print("  export OKTA_API_TOKEN={0}   # okta.apps.read and okta.apps.manage".format(seed_api_token(True)))
        print("  export REQUESTS_CA_BUNDLE={0}   # or ca_path: {0}".format(ca_file))
        print("\nA read-only token: {0}. The request log, fault injection and the other seed data: "
              "tests/emulator/README.md.".format(seed_api_token(False)))
        print("Ctrl-C stops it.", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
        print("\nThe Okta emulator stopped.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
