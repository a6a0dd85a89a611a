# oktaops.okta: set-up, demo and tests. Every target installs what it needs into .venv.
#
#   make demo    run a real playbook against the bundled Okta emulator
#   make test    sanity, unit and integration tests

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

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1

.PHONY: all venv link demo test sanity units integration build clean

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

test: sanity units integration

sanity: venv
	@# ansible-test needs the collection to really live under ansible_collections/ (it resolves symlinks):
	@# test a copy of the tracked and new files, in a repository of its own so its file list is the copy's.
	@set -e; top=$$(mktemp -d); tree=$$top/ansible_collections/oktaops/okta; mkdir -p $$tree; \
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t $$tree; git -C $$tree init -q; \
	$(BIN)/python tests/utils/ansible_test_offline.py; \
	cd $$tree && rc=0 && PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python $(PYVER) --color no \
		$(SANITY_ARGS) || rc=$$?; rm -rf $$top; exit $$rc

units: venv link
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

integration: venv link
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -n 2 tests/integration $(PYTEST_ARGS)

clean:
	rm -rf $(BUILD) tests/output .pytest_cache .hypothesis
