# Every target sets up what it needs: a fresh clone runs `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test check lint typecheck package bench scale deps deps-local lock frontend browser shellcheck clean

UV_VERSION := 0.13.9

# uv installs exactly a lock file, quickly; pip only bootstraps uv itself. `make run`
# needs the runtime and the local stack (requirements-local.lock); tests and lint
# add their tools (requirements-dev.lock, a superset).
$(VENV)/.uv:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

$(VENV)/.installed-local: $(VENV)/.uv requirements-local.lock pyproject.toml
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python -r requirements-local.lock
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --no-deps -e .
	touch $@

$(VENV)/.installed: $(VENV)/.uv requirements-dev.lock pyproject.toml
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python -r requirements-dev.lock
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --no-deps -e .
	touch $@ $(VENV)/.installed-local

# Re-locks after a change to pyproject.toml. The dev lock is resolved first and the others
# are constrained by it, so the local stack and the Lambda run the versions tests ran.
lock: $(VENV)/.uv
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra local --python-version 3.11 -c requirements-dev.lock -o requirements-local.lock
	$(VENV)/bin/uv pip compile -q pyproject.toml --python-version 3.11 -c requirements-dev.lock -o requirements.lock

deps-local: $(VENV)/.installed-local
deps: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

FRONTEND_SOURCES := $(shell find frontend/src frontend/styles frontend/static frontend/scripts \
	-type f 2>/dev/null) frontend/index.html frontend/tsconfig.json

# Rebuilt only when a source changed, so a warm `make run` starts at once.
frontend/dist/.built: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build
	touch $@

frontend: frontend/dist/.built

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's ShellCheck for the deployment scripts.
shellcheck:
	@command -v shellcheck >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }

run: deps-local frontend
	PORT=$(PORT) $(PY) -m functions.local

test: deps frontend browser
	cd frontend && npm test
	$(PY) -m pytest -q

lint: deps shellcheck
	$(VENV)/bin/ruff check functions tests app.py
	shellcheck infra/*.sh .ci/run
	$(VENV)/bin/mypy

check: lint test

package: deps
	bash infra/package.sh build/package

bench: deps
	$(PY) -m tests.bench

# docs/SCALE.md's generated blocks from artifacts/bench/bench.json (run `make bench` first).
scale: deps
	$(PY) -m tests.bench.scale

clean:
	rm -rf build artifacts frontend/dist
