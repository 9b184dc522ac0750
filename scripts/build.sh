#!/usr/bin/env bash
# The README's main command: build the example exercise sets in exercises/ into build/ as
# Markdown, LaTeX and PDF problem sets and solution keys (build/<set>/<set>-problems.pdf, ...).
# setup.sh installs TeX when latexmk is missing; `derive build` writes nothing unless every
# exercise is solved and every document compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/derive check exercises >/dev/null
.venv/bin/derive build exercises --format all --out build --quiet
echo "built the example sets into build/:"
find build -mindepth 2 -name '*.pdf' | sort
