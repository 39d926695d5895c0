# propilas: two commands for a new user.
#   make report   set up .venv from the committed lock, register the kernel, run the pilot report set
#   make test     set up, then run the test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup git-filters report test lab lock clean-outputs bench

setup: $(STAMP) git-filters

# Outputs never land in git: nbstripout as the git filter of *.ipynb (tools/git_filters.sh).
git-filters: $(STAMP)
	@sh tools/git_filters.sh $(VENV)/bin

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
	$(PY) -m pytest -q -n 2 --dist loadgroup

# JupyterLab on the method's README. Saving a notebook of notebooks/ writes it without outputs
# (propilas.run.lab.strip_on_save), so `git status` stays clean; --allow-root only when run as root
# (a container).
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,) \
	  --ContentsManager.pre_save_hook=propilas.run.lab.strip_on_save methodology/README.md

# Performance targets (benchmarks/README.md), ~15 minutes; never in CI. Flags: make bench BENCH_ARGS="--dask-districts 40"
bench: setup
	$(PY) benchmarks/bench_runs.py $(BENCH_ARGS)

# Regenerate the lock (maintainers only; needs uv): exact versions for Python 3.11+, all platforms.
lock:
	uv pip compile --universal --python-version 3.11 pyproject.toml --extra dev --extra dask -o requirements.lock

clean-outputs:
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
