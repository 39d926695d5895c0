# propilas: two commands for a new user.
#   make report   set up .venv from the committed lock, register the kernel, run the pilot report set
#   make test     set up, then run the test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup report test lab lock clean-outputs bench

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name propilas --display-name "Python (propilas)" >/dev/null
	touch $(STAMP)

report: setup
	$(VENV)/bin/propilas run --progress

test: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=. notebooks/

bench: setup
	$(PY) benchmarks/bench_runs.py

# Regenerate the lock (maintainers only; needs uv): exact versions for Python 3.11+, all platforms.
lock:
	uv pip compile --universal --python-version 3.11 pyproject.toml --extra dev --extra dask -o requirements.lock

clean-outputs:
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
