#!/usr/bin/env bash
# Run the whole test suite: lint, type check, the layer contract (import-linter), unit, property,
# golden tests and doctests, then the
# wheel check (the built wheel installed in a fresh venv and used from another folder).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check derive tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
bash scripts/wheel_check.sh
