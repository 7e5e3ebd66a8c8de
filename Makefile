# brandpulse: two commands on a fresh machine.
#   make demo   creates .venv, installs the locked dependencies, runs the sample's nights (the incident's through the nightly DAG)
#   make test   creates .venv, installs the locked dependencies, lints (ruff check and format, import contracts) and runs the suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LOCK := .ci/constraints.txt
STAMP := $(VENV)/.installed

.PHONY: demo test lint venv lock clean

$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11) on PATH, or set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[train,test]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The suite on one process a core, at most 4 (pytest-xdist): a test module stays on one process, so its
# module-scoped fixtures (an Airflow night, a served sample) are built once. `make test WORKERS=0`: one process.
WORKERS ?= auto
test: $(STAMP) lint
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/pytest -n $(WORKERS) --maxprocesses 4 --dist loadscope

# Re-pin every dependency from the current .venv (after changing pyproject.toml). --all: setuptools too (torch
# requires it); pip itself stays out (the venv's step above upgrades it). The freeze goes to a file first: in a
# pipe, a pip that failed (no .venv yet) left the lock empty and `make lock` exited 0.
lock:
	@test -x $(BIN)/pip || { echo "no $(VENV) to pin from: run 'make venv' first"; exit 1; }
	$(BIN)/pip freeze --all --exclude-editable > $(VENV)/freeze.txt
	grep -v -e '^brandpulse' -e '^pip==' $(VENV)/freeze.txt | sed 's/^torch==2.13.0+cpu$$/torch==2.13.0/' > $(LOCK)

clean:
	rm -rf $(VENV) data
