# Two entry points, both working from a fresh clone with only Python 3.11 and pip:
#   make demo   -- create .venv, install, run the main job (writes ./spectral_exact_demo/)
#   make test   -- create .venv, install, run lint, type check and the test suite
# and the documentation site (CI runs it after make test):
#   make docs   -- build the site in strict mode into ./site/ (executes the notebooks)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest pytest-without-torch docs sdist validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the CPU build of torch first, pinned, so no multi-GB CUDA build is pulled
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[torch,plot,experiments,dev,docs]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/spectral-exact demo --out spectral_exact_demo

lint: $(STAMP)
	$(BIN)/ruff check spectral_exact tests validation benchmarks notebooks docs
	$(BIN)/ruff format --check spectral_exact tests validation benchmarks notebooks docs

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --doctest-modules tests spectral_exact

# the suite as on an install without the torch extra: torch tests skip, nothing fails
pytest-without-torch: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --without-torch tests

test: lint typecheck pytest

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

sdist: $(STAMP)
	$(BIN)/python -m build --sdist

validate: $(STAMP)
	$(BIN)/python validation/run_all.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache site docs/notebooks
