#!/usr/bin/env bash
# Build web/dist/assistant.js (the chat widget and WeChat-style window) with the npm
# registry's socket.io-client and esbuild, from web/package-lock.json; rebuilt only
# when the sources or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/../web"
command -v npm >/dev/null || { echo "npm (Node.js) is needed to build the web chat" >&2; exit 1; }
stamp=node_modules/.lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
if [ ! -f dist/assistant.js ] || [ -n "$(find src build.mjs package-lock.json -newer dist/assistant.js)" ]; then
  npm run --silent build
fi
