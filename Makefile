# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make run    install the app's dependencies and start it (and its API) on http://localhost:8501
#   make test   install the test dependencies (and Debian's chromium, postgresql, nginx) and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench bench-quick bench-load chromium servers worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The project itself is installed too (editable), so `convex ...` works from any folder.
$(VENV)/.app-deps: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The store tests run on PostgreSQL too: each test process starts a throwaway server (bench/pgserver.py);
# nginx is the proxy of the replicated deployment that the tests and bench-load start on loopback.
servers:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; }
	@[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && { $(SUDO) apt-get install -y -qq nginx-light || $(SUDO) apt-get install -y -qq nginx; }; }

# serve.py: the app and its read-only JSON API (/api/v1) from one process (st.App).
run: $(VENV)/.app-deps
	$(BIN)/streamlit run serve.py --server.address localhost --server.port $(PORT)

# The refresh worker of a shared store (CONVEX_DATABASE_URL): see the README's Deploy section.
worker: $(VENV)/.app-deps
	$(BIN)/convex worker

test: $(VENV)/.test-deps chromium servers
	$(BIN)/python -m ruff check .
	CONVEX_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -n 2

lint: $(VENV)/.test-deps
	$(BIN)/python -m ruff check .

bench: $(VENV)/.test-deps
	$(BIN)/python -m bench

bench-quick: $(VENV)/.test-deps
	$(BIN)/python -m bench --quick

bench-load: $(VENV)/.test-deps chromium servers
	$(BIN)/python -m bench.load --clients websocket
	$(BIN)/python -m bench.load --clients websocket --replicas 2
	$(BIN)/python -m bench.load --clients browser
