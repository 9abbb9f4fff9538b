# Sourced by bootstrap.sh and lock.sh: find a Python 3.10 interpreter.
# Order: $PYTHON, python3.10 on PATH, the newest 3.10 in pyenv.

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

NO_PYTHON310_HELP='异地医保助手 needs Python 3.10 (Rasa Open Source 3.6 supports Python 3.8-3.10 only).
No Python 3.10 was found on PATH or in pyenv. Install one of:
  pyenv install 3.10.13            (then run make again)
  apt-get install python3.10 python3.10-venv
or point to an interpreter: PYTHON=/path/to/python3.10 make install'
