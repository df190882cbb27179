# The whole set-up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= $(or $(RCDASH_DB),data/rcdash.duckdb)
PORT   ?= 8501
# Twice the cores: browser and page tests spend much of their time waiting on Chromium and Streamlit.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))

.PHONY: run test lint db demo clean-db

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The demo database is built only when missing: real data imported into it is never overwritten.
$(DB): | $(STAMP)
	$(PY) -m rcdash --db $(DB) demo

db: $(DB)

# `init` first: a database written by an older version gets the tables this one derives (nothing else changes).
run: $(STAMP) $(DB)
	$(PY) -m rcdash --db $(DB) init
	RCDASH_DB=$(DB) $(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

# Lint and the layer contracts first (quick), then every test in TEST_WORKERS workers (pytest-xdist; a test file stays on
# one worker, so its costly shared fixtures are built once); the ten slowest are printed, to keep the suite fast.
# Bytecode is cached even where the environment turns it off: the workers, app servers and CLI runs of the tests would
# otherwise each compile the same modules again (~15 s of a run).
test: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10
