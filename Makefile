# Two commands on a fresh machine:  `make demo`  and  `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
PYTHON  ?= python3
# The demo's data is written for this day, so the demo looks the same whenever it is built.
DEMO_TODAY ?= 2026-11-24
# The demo's answer links (docs/answers.md) are keyed with this secret. A real portal keeps its
# own MILEPOST_ANSWER_SECRET outside the repository; this one only makes the demo's links.
DEMO_ANSWER_SECRET := demo-answer-secret-for-the-demo-portal-only
# mkdocs-material prints an end-of-life notice on every build unless this is set.
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo serve test test-fast lint check bench chromium dictionaries dovecot clean catalogs canary

# pyproject.toml names compatible ranges; constraints.txt the exact versions the tests ran
# against. Every install here uses it, so the demo and CI build with the stack that was tested.
PIP_INSTALL := -m pip install --quiet -c constraints.txt

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PY) $(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(PY) $(PIP_INSTALL) -e '.[test]'
	touch $@

# The demo portal's history ends with the files in projects/ as they are: remade when they change.
.demo-repos: scripts/demo_history.yml scripts/make_demo_repos.py $(wildcard projects/*/*.yml) | $(VENV)/.installed
	$(PY) scripts/make_demo_repos.py
	touch $@

demo: $(VENV)/.installed .demo-repos
	MILEPOST_TODAY=$(DEMO_TODAY) MILEPOST_ANSWER_SECRET=$(DEMO_ANSWER_SECRET) $(VENV)/bin/milepost build
	MILEPOST_TODAY=$(DEMO_TODAY) MILEPOST_ANSWER_SECRET=$(DEMO_ANSWER_SECRET) $(VENV)/bin/milepost letters --out letters
	@echo
	@echo "Demo built. Open site/acme-retail/index.html or site/northwind-clinic/index.html in a browser"
	@echo "(in Polish: site/piekarnia-zloty-klos/, Ukrainian: site/kavyarnia-zerno/, Russian:"
	@echo "site/shkola-poliglot/, German: site/tischlerei-becker/),"
	@echo "or run 'make serve' for a live preview with search at http://127.0.0.1:8000/"
	@echo "The letters of $(DEMO_TODAY) are in letters/<client>/ (.eml files), one client in each of the five languages."
	@echo "The letters they were sent a week earlier (letters/sent.json) are on each of their sites' Letters page."

serve: $(VENV)/.installed .demo-repos
	MILEPOST_TODAY=$(DEMO_TODAY) MILEPOST_ANSWER_SECRET=$(DEMO_ANSWER_SECRET) $(VENV)/bin/milepost serve

check: $(VENV)/.installed .demo-repos dictionaries
	MILEPOST_TODAY=$(DEMO_TODAY) $(VENV)/bin/milepost check

chromium:
	@scripts/ensure_chromium.sh

# `milepost check` spells with the Enchant library and Hunspell's dictionaries (en, pl, ru, uk, de).
dictionaries:
	@scripts/ensure_dictionaries.sh

# `milepost inbox` is tested against Debian's Dovecot IMAP server, which the tests start themselves.
dovecot:
	@scripts/ensure_dovecot.sh

# Tests run in two processes (pytest-xdist); PYTEST_WORKERS=0 runs them in this one.
PYTEST_WORKERS ?= 2

test: lint $(VENV)/.installed-test .demo-repos chromium dictionaries dovecot
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

# ruff (rules chosen in pyproject.toml, [tool.ruff]) over the package, the tests and the scripts;
# mypy --strict over the package.
# `make test` runs it first, so CI does.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check hooks tests scripts
	$(VENV)/bin/mypy

# The unit and golden tests only: no build of a portal in a temporary folder, no browser.
test-fast: $(VENV)/.installed-test .demo-repos dictionaries
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not build and not browser"

# Extract the client-facing strings and merge them into every language's catalog (see
# docs/languages.md); then translate what it lists. The catalogs need no compiling.
catalogs: $(VENV)/.installed
	$(PY) scripts/update_catalogs.py

bench: $(VENV)/.installed .demo-repos
	$(PY) scripts/bench.py

# The demo built on ProperDocs (a maintained MkDocs 1.x fork) in its own environment, compared
# with the MkDocs build: see docs/building.md, "MkDocs' future". `make test` checks the same
# (tests/build/test_properdocs.py) and fails on a difference; this reports each one.
# mkdocs-material asks for MkDocs; it is uninstalled, so nothing can quietly fall back on it.
CANARY  := .venv-canary
PROPERDOCS_VERSION := 1.6.7

$(CANARY)/.installed-$(PROPERDOCS_VERSION): pyproject.toml constraints.txt
	rm -rf $(CANARY)
	$(PYTHON) -m venv $(CANARY)
	$(CANARY)/bin/python -m pip install --quiet --upgrade pip
	$(CANARY)/bin/python $(PIP_INSTALL) -e . properdocs==$(PROPERDOCS_VERSION)
	$(CANARY)/bin/python -m pip uninstall --quiet --yes mkdocs
	touch $@

canary: $(VENV)/.installed $(CANARY)/.installed-$(PROPERDOCS_VERSION) .demo-repos
	$(PY) scripts/canary.py --today $(DEMO_TODAY) --mkdocs-python $(PY) --properdocs-python $(CANARY)/bin/python

clean:
	rm -rf site .team-preview .cache .demo-repos $(CANARY) letters/*/
