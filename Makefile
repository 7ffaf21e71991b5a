# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SEEDS  ?= seeds
INDEX  ?= index
HOST   ?= 127.0.0.1
PORT   ?= 8080
BBC    ?= ../shared/corpora/bbc

.PHONY: run test lint bench index install install-test screenshot clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

index: install
	$(PY) -m search index $(SEEDS) --index $(INDEX)

run: index
	$(PY) -m search serve --index $(INDEX) --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check search tests bench docs
	$(PY) -m ruff format --check search tests bench docs
	$(PY) -m mypy

test: lint
	$(PY) -m pytest

bench: install
	$(PY) bench/index_speed.py $(BBC)
	$(PY) bench/extraction.py
	$(PY) bench/query_speed.py $(BBC)

screenshot: $(VENV)/.installed-test
	$(PY) docs/screenshot.py docs/results.png

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .ruff_cache .mypy_cache
