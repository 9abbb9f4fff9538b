#!/usr/bin/env bash
# Re-resolve requirements.in with Python 3.10 in a scratch venv and write the full
# resolved set (pip, setuptools and wheel included) to requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/python310.sh
PY=$(find_python310) || { echo "$NO_PYTHON310_HELP" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PY" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --upgrade "pip==23.2.1" "setuptools==70.3.0" "wheel==0.43.0"
"$scratch/venv/bin/python" -m pip install --quiet -r requirements.in
"$scratch/venv/bin/python" -m pip check
"$scratch/venv/bin/python" -m pip freeze --all > requirements.lock
echo "requirements.lock: $(wc -l < requirements.lock) packages"
