#!/usr/bin/env bash
# Idempotent setup shared by scripts/build.sh and scripts/test.sh: a virtual environment in .venv
# with derive and its test tools, plus TeX and poppler from Debian when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.derive-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    # The distribution was called 'derive' before 'derive-matrix': drop a stale install of it.
    .venv/bin/python -m pip uninstall --quiet --yes derive >/dev/null 2>&1 || true
    .venv/bin/python -m pip install --quiet -e '.[test]'
    touch "$stamp"
fi

if [ "${DERIVE_SKIP_PDF:-0}" != "1" ] && { ! command -v latexmk >/dev/null || ! command -v pdftotext >/dev/null; }; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "setup: installing TeX Live and poppler-utils with apt-get (once)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended lmodern \
        latexmk poppler-utils >/dev/null
fi
