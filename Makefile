# Coachwise: `make run` starts the app, `make test` runs every test. Nothing else by hand.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run test test-latest lint bench clean catalogues messages

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when a requirements file changed.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# German and Dutch messages: the .po files are committed, the compiled .mo files are built here (never committed).
LOCALES := core/i18n/locale
PO      := $(wildcard $(LOCALES)/*/LC_MESSAGES/coachwise.po)
MO      := $(PO:.po=.mo)
PYBABEL := $(VENV)/bin/pybabel

## catalogues: compile the .po catalogues to .mo (run and test do this first; a fuzzy entry is not compiled).
catalogues: $(MO)

$(LOCALES)/%/LC_MESSAGES/coachwise.mo: $(LOCALES)/%/LC_MESSAGES/coachwise.po | $(VENV)/.installed
	$(PYBABEL) -q compile -D coachwise -i $< -o $@

## messages: extract every marked string into messages.pot and merge it into the de and nl catalogues;
## then translate the new entries in the .po files (README "Languages") and commit them.
messages: $(VENV)/.installed
	$(PYBABEL) -q extract -F babel.cfg -o $(LOCALES)/messages.pot --project=Coachwise --no-wrap \
		--sort-by-file --add-location=file --add-comments=Translators: -k NP_:1c,2 \
		--copyright-holder=Coachwise .
	$(PYBABEL) -q update -i $(LOCALES)/messages.pot -d $(LOCALES) -D coachwise --no-wrap --init-missing \
		--ignore-pot-creation-date --ignore-obsolete --no-fuzzy-matching -l de
	$(PYBABEL) -q update -i $(LOCALES)/messages.pot -d $(LOCALES) -D coachwise --no-wrap --init-missing \
		--ignore-pot-creation-date --ignore-obsolete --no-fuzzy-matching -l nl

## run: create the environment, upgrade the database (demo team on first start), serve the app.
## Honours STREAMLIT_* variables, e.g. STREAMLIT_SERVER_PORT=8600 make run.
run: $(VENV)/.installed catalogues
	$(PY) -m core init-db
	$(PY) -m core preflight
	$(PY) -m streamlit run app.py

## lint: ruff on everything, mypy --strict on core/ and ui/.
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## test: dev requirements, a headless browser, lint, then unit, page and browser tests.
test: $(VENV)/.installed-dev catalogues
	./scripts/ensure-browser.sh
	$(MAKE) --no-print-directory lint
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here."; exit 1; fi; \
	exit $$rc

## test-latest: every test on the newest versions the requirements' bounds allow, in a separate environment,
## so a release inside the bounds that breaks us (as one altair/pandas pair broke the AM chart) is caught.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip --disable-pip-version-check -q install --upgrade --upgrade-strategy eager -r requirements-dev.txt
	./scripts/ensure-browser.sh
	.venv-latest/bin/pybabel -q compile -D coachwise -d $(LOCALES)
	.venv-latest/bin/python -m pytest

## bench: performance against a floor measured in the same run (see README "Performance").
bench: $(VENV)/.installed-dev
	$(PY) -m scripts.bench

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .mypy_cache .ruff_cache test-artifacts $(MO)
