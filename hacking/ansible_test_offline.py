# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let ``ansible-test --venv`` bootstrap pip on a machine that reaches PyPI but nothing else.

ansible-test downloads a pip bootstrap script from its own file server before it creates a
virtualenv. Where that download fails, this writes a stand-in to the cache path ansible-test looks
at: it runs ``ensurepip`` in a subprocess (in-process it would hide the machine's pip settings), then
``pip install`` with the arguments ansible-test passed. Machines that can download the real script
are left untouched.
"""

import os
import re
import sys
import urllib.request

STAND_IN = '''\
"""Stand-in for pip's bootstrap script, written by tests/utils/ansible_test_offline.py."""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def pip_version():
    import ansible_test
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        match = re.search(r"default_packages = dict\(\s*pip='([^']+)'", handle.read())
    if not match:
        sys.exit("cannot find the pip version ansible-test bootstraps in " + source)
    return match.group(1)


def main():
    version = pip_version()
    cache = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    if os.path.exists(cache):
        return
    url = "https://ci-files.testing.ansible.com/ansible-test/get-pip-%s.py" % version
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            if resp.status == 200:
                return  # ansible-test can fetch the real script itself
    except Exception as exc:  # any failure: offline, DNS, proxy
        print("pip bootstrap script not reachable (%s); writing a stand-in to %s" % (exc, cache))
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN)


if __name__ == "__main__":
    main()
