# Copyright: oktaops.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Release gate: run galaxy-importer (Galaxy's own import checks) on the built collection tarball.

Fails when the import fails or when the importer logs any warning or error (a role without README.md, a
documentation problem, an ansible-lint finding, ...). Runs offline: ansible-test is off and ansible-lint
runs in its offline mode, as in galaxy-importer's defaults. The importer writes importer_result.json into
its working directory, so it runs in a temporary one.
"""

import glob
import logging
import os
import sys
import tempfile


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def main(argv):
    tarballs = sorted(set(path for pattern in argv for path in glob.glob(pattern)))
    if len(tarballs) != 1:
        sys.exit("run_importer.py: expected exactly one collection tarball, got %s" % (tarballs or argv))
    tarball = os.path.abspath(tarballs[0])
    os.environ.setdefault("GALAXY_IMPORTER_RUN_ANSIBLE_TEST", "False")
    os.environ.setdefault("GALAXY_IMPORTER_OFFLINE_ANSIBLE_LINT", "True")
    from galaxy_importer import main as importer

    collected = _Collect()
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="galaxy-importer-") as workdir:
        os.chdir(workdir)
        try:
            # The importer sets up its own logger on each run; listen on the root of its logger tree.
            logging.getLogger("galaxy_importer").addHandler(collected)
            rc = importer.main([tarball])
        finally:
            os.chdir(cwd)
    problems = ["%s: %s" % (record.levelname, record.getMessage()) for record in collected.records]
    if rc or problems:
        print("galaxy-importer: %s FAILED" % os.path.basename(tarball))
        for line in problems:
            print("  " + line)
        return 1
    print("galaxy-importer: %s imported cleanly" % os.path.basename(tarball))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
