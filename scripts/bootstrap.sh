#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the locked dependency set.
# Idempotent: re-installs only when requirements.lock changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
LOCK=requirements.lock
STAMP="$VENV/.lock.sha256"

find_python310() {
  local candidate
  for candidate in "${PYTHON:-}" python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local version
    version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
    if [ -n "$version" ] && [ -x "$(pyenv prefix "$version")/bin/python" ]; then
      echo "$(pyenv prefix "$version")/bin/python"; return 0
    fi
  fi
  return 1
}

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

if ! PY=$(find_python310); then
  cat >&2 <<'MSG'
异地医保助手 needs Python 3.10 (Rasa Open Source 3.6 supports Python 3.8-3.10 only).
No Python 3.10 was found on PATH or in pyenv. Install one of:
  pyenv install 3.10.13            (then run make again)
  apt-get install python3.10 python3.10-venv
or point to an interpreter: PYTHON=/path/to/python3.10 make install
MSG
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
