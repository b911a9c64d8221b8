#!/usr/bin/env bash
# Static checks: ruff (lint + format), mypy with django-stubs, and no missing migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
uv run ruff check .
uv run ruff format --check .
uv run mypy .
uv run python manage.py makemigrations --check --dry-run
