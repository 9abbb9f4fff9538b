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

# This machine's pip configuration names package folders that may not exist; pip
# warns about each of them on every call. Keep the output to what matters.
quiet_pip() { grep -v "is ignored: it is neither a file nor a directory" || true; }

echo "Installing the locked dependencies into $VENV with $PY ..."
rm -rf "$VENV"
"$PY" -m venv "$VENV"
# pip, setuptools and wheel first, at the versions the lock names
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  $(grep -E '^(pip|setuptools|wheel)==' "$LOCK") 2>&1 | quiet_pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$LOCK" 2>&1 | quiet_pip
"$VENV/bin/python" -m pip check
echo "$want" > "$STAMP"
echo "Dependencies installed."
