# Two commands on a fresh clone: `make demo` builds the sample corpus, `make test` runs the tests.
# Both create the virtual environment in .venv and install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_DIR := tests/cypher_lint
LINT_STAMP := $(LINT_DIR)/node_modules/.installed
STORE ?= .kg/sample.lbdb

.PHONY: demo test install lint-install bench train clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(LINT_STAMP): $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	cd $(LINT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(LINT_STAMP)

lint-install: $(LINT_STAMP)

demo: $(STAMP)
	$(BIN)/kg run pipelines/sample.toml --store $(STORE)
	$(BIN)/kg stats --store $(STORE)

test: $(STAMP) $(LINT_STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m kg.bench

train: $(STAMP)
	$(BIN)/python -m kg.extract.train

clean:
	rm -rf $(VENV) .kg $(LINT_DIR)/node_modules
