#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the locked dependency set.
# Idempotent: re-installs only when requirements.lock changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
LOCK=requirements.lock
STAMP="$VENV/.lock.sha256"

. scripts/python310.sh

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

if ! PY=$(find_python310); then
  echo "$NO_PYTHON310_HELP" >&2
  exit 1
fi

echo "Installing the locked dependencies into $VENV with $PY ..."
rm -rf "$VENV"
"$PY" -m venv "$VENV"
# pip, setuptools and wheel first, at the versions the lock names
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  $(grep -E '^(pip|setuptools|wheel)==' "$LOCK")
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$LOCK"
"$VENV/bin/python" -m pip check
echo "$want" > "$STAMP"
echo "Dependencies installed."
