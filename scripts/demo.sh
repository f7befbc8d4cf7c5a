#!/usr/bin/env bash
# Set everything up and run the demo conference: a virtualenv in .venv, the package, an SQLite
# file in instance/, and the server on http://127.0.0.1:5000 (gevent, one process).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/conference serve --demo "$@"
