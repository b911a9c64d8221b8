# The few verbs this project has. Each installs what it is missing first.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: run test lint bench emulator deps

deps:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --locked --quiet

run: deps
	@$(UV) run python scripts/run.py

test:
	@bash scripts/test.sh

lint: deps
	@bash scripts/lint.sh

# Not part of `make test`: the pipeline against a bare client, then the list pages (README).
bench:
	@bash bench/run.sh

emulator: deps
	@$(UV) run python -m tests.emulator
