# Công Vụ — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test lint install messages eval-extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## make demo — set up and serve the demo city on http://127.0.0.1:8000 (SQLite, eager tasks)
demo: $(STAMP)
	$(BIN)/congvu demo

## make test — the whole suite (SQLite; set DATABASE_URL=postgres://… for PostgreSQL)
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)

## make messages — refresh the English catalogue from the source strings and compile it (needs gettext)
messages: $(STAMP)
	cd src/congvu && $(abspath $(BIN))/django-admin makemessages -l en --no-location --no-obsolete
	cd src/congvu && $(abspath $(BIN))/django-admin compilemessages

## make eval-extract — score the document reader on the dev set and on our own labelled corpus
DEV_CORPUS ?= $(firstword $(wildcard ../shared/corpus/dev ../../shared/corpus/dev /work/shared/corpus/dev))
eval-extract: $(STAMP)
	$(BIN)/congvu extract --no-db --evaluate $(DEV_CORPUS) tests/directives/corpus

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
