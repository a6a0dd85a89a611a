# oktaops.okta: set-up, demo and tests. Every target installs what it needs into .venv.
#
#   make demo         run a real playbook against the bundled Okta emulator
#   make test         the release gates: sanity, ansible-lint, docs lint, changelog lint, build + galaxy-importer,
#                     unit and integration tests (on the ansible-core of .venv)
#   make test-matrix  unit and integration tests on each ansible-core of MATRIX_CORES, one venv each
#   make docs         the HTML docsite in docs/build/html (fails on any warning)
#   make role-specs   regenerate the role's capability options from the module's table
#   make module-docs  regenerate the documentation blocks the modules repeat, from the one place each is written
#   make bench        the performance benchmark against the emulator (docs/docsite/rst/performance.rst)
#   make bench-quick  the same with short windows and small sizes, for development
#   make emulator     the bundled Okta emulator in the foreground, with the variables to export; Ctrl-C stops it

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
# Collections path holding ansible_collections/oktaops/okta -> this checkout (for pytest and playbooks).
COLLECTIONS := $(BUILD)/collections
DEMO_COLLECTIONS := $(BUILD)/demo-collections
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PYTEST_ARGS ?=
SANITY_ARGS ?=
# ansible-core versions the collection supports (README.md); make test-matrix tests each in .build/matrix/core-X.
MATRIX_CORES ?= 2.16 2.17 2.18 2.19
MATRIX := $(BUILD)/matrix

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1

.PHONY: all venv link demo test sanity units integration build clean lint docs docs-lint changelog-lint importer \
	test-matrix changelog bench bench-quick role-specs module-docs emulator

all: test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt test-requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r test-requirements.txt
	touch $@

link:
	@mkdir -p $(COLLECTIONS)/ansible_collections/oktaops
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/oktaops/okta

demo: venv build
	@rm -rf $(DEMO_COLLECTIONS)
	ANSIBLE_COLLECTIONS_PATH=$(DEMO_COLLECTIONS) $(BIN)/ansible-galaxy collection install --force --offline \
		-p $(DEMO_COLLECTIONS) $(BUILD)/oktaops-okta-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(DEMO_COLLECTIONS) PATH=$(BIN):$$PATH $(BIN)/python demo/run_demo.py

build: venv
	@rm -f $(BUILD)/oktaops-okta-*.tar.gz
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) .

test: sanity lint docs-lint changelog-lint importer units integration

lint: venv link
	PATH=$(BIN):$$PATH $(BIN)/ansible-lint --nocolor

docs: venv link
	PATH=$(BIN):$$PATH docs/build.sh

docs-lint: venv
	PATH=$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# Update CHANGELOG.rst and changelogs/changelog.yaml from the fragments, for the version in galaxy.yml.
changelog: venv
	$(BIN)/antsibull-changelog release --version $$($(BIN)/python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')

importer: build
	PATH=$(BIN):$$PATH $(BIN)/python hacking/run_importer.py $(BUILD)/oktaops-okta-*.tar.gz

# One venv per ansible-core version, with the runtime and test requirements but not the gate tools (those run in
# .venv only). Every version runs its units and integration tests; the matrix fails at the end if any failed.
test-matrix: link
	@set -e; failed=""; for core in $(MATRIX_CORES); do \
	  venv=$(MATRIX)/core-$$core; \
	  if [ ! -x $$venv/bin/python ] || [ requirements.txt -nt $$venv/.installed ] || [ test-requirements.txt -nt $$venv/.installed ]; then \
	    rm -rf $$venv; $(PYTHON) -m venv $$venv; \
	    $$venv/bin/python -m pip install --quiet --upgrade pip; \
	    grep -v -E '^(ansible-core|ansible-lint|antsibull-|galaxy-importer|sphinx|matplotlib)' test-requirements.txt > $$venv/test-requirements.txt; \
	    $$venv/bin/python -m pip install --quiet "ansible-core==$$core.*" -r requirements.txt -r $$venv/test-requirements.txt; \
	    touch $$venv/.installed; \
	  fi; \
	  echo "=== ansible-core $$core: $$($$venv/bin/python -c 'import ansible.release as r; print(r.__version__)')"; \
	  $$venv/bin/python -m pytest -q tests/unit $(PYTEST_ARGS) || failed="$$failed $$core:units"; \
	  PATH=$$venv/bin:$$PATH $$venv/bin/python -m pytest -q -n 2 tests/integration $(PYTEST_ARGS) \
	    || failed="$$failed $$core:integration"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-matrix FAILED:$$failed"; exit 1; fi; echo "test-matrix passed: $(MATRIX_CORES)"

sanity: venv
	@# ansible-test needs the collection to really live under ansible_collections/ (it resolves symlinks):
	@# test a copy of the tracked and new files, in a repository of its own so its file list is the copy's.
	@set -e; top=$$(mktemp -d); tree=$$top/ansible_collections/oktaops/okta; mkdir -p $$tree; \
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t $$tree; git -C $$tree init -q; \
	$(BIN)/python hacking/ansible_test_offline.py; \
	cd $$tree && rc=0 && PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python $(PYVER) --color no \
		$(SANITY_ARGS) || rc=$$?; rm -rf $$top; exit $$rc

units: venv link
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

integration: venv link
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -n 2 tests/integration $(PYTEST_ARGS)

# The role's capability options (roles/app_provisioning/meta/argument_specs.yml), generated from the module's table;
# tests/unit/test_role_argument_specs.py fails when the file is not what this writes.
role-specs: venv link
	$(BIN)/python hacking/role_argument_specs.py

# The documentation blocks the modules repeat (connection options, capability sub-options, feature and connection
# objects, common return keys), copied from their source; tests/unit/test_module_docs.py fails when a module is not
# what this writes.
module-docs: venv link
	$(BIN)/python hacking/module_docs.py

# Full size by default (about half an hour: Okta's 60-second windows), and the charts go to the docs. bench-quick
# uses 10-second windows and small sizes, for development (its figures are not the published ones). Run either on
# a quiet machine: the figures are wall-clock times. Other sizes: bench/run_bench.py --help.
BENCH_ARGS ?= --chart docs/docsite/rst/performance_org_audit.png \
	--controller-chart docs/docsite/rst/performance_controller_overhead.png
bench: venv link
	PATH=$(BIN):$$PATH $(BIN)/python bench/run_bench.py --collections-path $(COLLECTIONS) $(BENCH_ARGS)

bench-quick: venv link
	PATH=$(BIN):$$PATH $(BIN)/python bench/run_bench.py --quick --collections-path $(COLLECTIONS)

# The emulator on EMULATOR_PORT (0: any free port), its CA in .build/emulator/ca.pem; prints what to export.
EMULATOR_PORT ?= 8443
emulator: venv
	@$(BIN)/python hacking/run_emulator.py --port $(EMULATOR_PORT)

clean:
	rm -rf $(BUILD) tests/output .pytest_cache .hypothesis
