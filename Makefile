# Quick start:  make reproduce   (set up .venv, run the article's table on the embedded data)
#               make test        (set up .venv, run unit tests and the notebooks under nbval)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# CPU build of torch. On Linux, PyPI's torch==X is a multi-GB CUDA build; for CPU only add
# TORCH_INDEX=--index-url=https://download.pytorch.org/whl/cpu (GPU users: leave it empty).
TORCH ?= torch==2.13.0
TORCH_INDEX ?=
PYTEST_ARGS ?=

.PHONY: setup reproduce test test-slow test-browser lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)" $(TORCH_INDEX)
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

reproduce: setup
	$(BIN)/weightlab reproduce

test: setup
	MPLBACKEND=Agg $(BIN)/python -m pytest tests notebooks --nbval-lax $(PYTEST_ARGS)

test-slow: setup
	MPLBACKEND=Agg $(BIN)/python -m pytest tests -m slow $(PYTEST_ARGS)

test-browser: setup
	$(BIN)/python -m pytest tests -m browser $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check weightlab tests

clean:
	rm -rf $(VENV) results .weightlab_cache
