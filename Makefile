# Two commands on a fresh clone: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test screenshots bench clean

$(BIN)/dyads: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $(BIN)/dyads

install: $(BIN)/dyads

$(VENV)/.test-extras: $(BIN)/dyads
	$(BIN)/pip install -q -e ".[test]"
	touch $(VENV)/.test-extras

install-test: $(VENV)/.test-extras

demo: install
	$(BIN)/dyads demo

test: install-test
	$(BIN)/python -m pytest

screenshots: install-test
	$(BIN)/python scripts/screenshots.py

bench: install
	$(BIN)/dyads bench ../shared/corpora/ag_news_world_2004.jsonl --workers 1

clean:
	rm -rf $(VENV) dyads.duckdb build *.egg-info
