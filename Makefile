# `make lab` and `make test` set everything up from nothing: a .venv, then the package.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.convbook-installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab test bench notebooks book slides clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "convbook needs Python 3.11+; try: make PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --editable '.[test,lab,book]' 2> $(VENV)/pip.log || (cat $(VENV)/pip.log; exit 1)
	$(PY) -c "import convbook"
	@touch $(STAMP)

# JupyterLab refuses to run as root unless told; containers often are root.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab chapters/ $(if $(filter 0,$(shell id -u)),--allow-root)

# The browser tests (tests/browser: every chapter run and its widgets moved in JupyterLab, one
# in Notebook 7, in the system's chromium) run last, a few minutes; `make test BROWSER=no`
# skips them, as `pytest -m "not browser"` does. CI runs them.
BROWSER ?= yes

test: $(STAMP)
	$(PY) -m pytest -m "not browser" tests convbook
	$(PY) -m pytest -p no:randomly $(NBVAL) chapters/
ifneq ($(BROWSER),no)
	$(PY) -m pytest -m browser tests/browser
endif

bench: $(STAMP)
	$(PY) benchmarks/run.py

# A chapter's source is chapters/09.N-<name>.md (MyST): sync each .ipynb with it, then
# execute the notebooks in place (jupytext keeps the outputs of unchanged cells meanwhile).
notebooks: $(STAMP)
	$(VENV)/bin/jupytext --sync chapters/09.*.md
	$(PY) tools/execute_notebooks.py chapters/09.*.ipynb

# A static HTML book and reveal.js decks from the stored notebooks (nothing re-executed,
# nothing downloaded): build/book/index.html and build/slides/index.html.
book: $(STAMP)
	$(PY) tools/book.py book

slides: $(STAMP)
	$(PY) tools/book.py slides

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
