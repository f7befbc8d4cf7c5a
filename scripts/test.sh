#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint (ruff, with the gettext rules), the
# translation check, then pytest (SQLite and PostgreSQL, Redis, real server processes, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
