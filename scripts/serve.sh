#!/usr/bin/env bash
# Run the action server and the Rasa server (REST, socket.io and WeChat channels) in
# the foreground until Ctrl-C, and the web chat pages (web/) on WEB_PORT. Ports:
# RASA_PORT (5005), ACTION_PORT (5055), WEB_PORT (8080).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/servers.sh

# the action server listens on loopback (rasa_sdk_plugins); elsewhere it needs
# ACTION_SERVER_TOKEN
.venv/bin/rasa run actions --port "$ACTION_PORT" &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true; wait $actions_pid 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$ACTION_PORT/health" 120 "$actions_pid" || {
  echo "The action server did not start." >&2; exit 1; }

WEB_PORT=${WEB_PORT:-8080}
# the pages' config.js points them at this Rasa server (web/config.js in a deployment)
.venv/bin/python -m scripts.web_pages --port "$WEB_PORT" \
  --server "http://localhost:$RASA_PORT" >/dev/null 2>&1 &
web_pid=$!
trap 'kill $actions_pid $web_pid 2>/dev/null || true; wait $actions_pid 2>/dev/null || true' EXIT

echo "Rasa server on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook, socket.io), action server on :$ACTION_PORT."
echo "Web chat: http://localhost:$WEB_PORT/ (widget) and http://localhost:$WEB_PORT/wechat.html (WeChat-style window). Ctrl-C stops all."
# Rasa's HTTP API can read any conversation and set slots: it is switched on only
# with a token (RASA_API_TOKEN; requests then carry ?token=...). The channels and the
# widget's history (/webhooks/socketio/history) do not need it.
api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  api=(--enable-api --auth-token "$RASA_API_TOKEN")
  echo "Rasa's HTTP API is on (RASA_API_TOKEN)."
fi
# Loopback unless RASA_INTERFACE says otherwise (put nginx in front: deploy/); a
# client that has not sent its whole request in 10 s is cut off (Sanic: 60 s).
export SANIC_REQUEST_TIMEOUT=${SANIC_REQUEST_TIMEOUT:-10}
# and no request body over 128 KB is read at all (Sanic: 100 MB)
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-131072}
# SANIC_WORKERS=2 runs the server on two cores (the SQLite lock store of endpoints.yml
# allows it); with several workers, no keep-alive, so that each request is taken by a
# worker free to take it (a kept connection stays with its worker, busy or not).
export SANIC_WORKERS=${SANIC_WORKERS:-1}
if [ "$SANIC_WORKERS" -gt 1 ]; then
  export SANIC_KEEP_ALIVE=${SANIC_KEEP_ALIVE:-False}
fi
"${rasa_env[@]}" .venv/bin/rasa run "${api[@]}" --cors "*" --interface "${RASA_INTERFACE:-127.0.0.1}" \
  --port "$RASA_PORT" \
  --model models/current.tar.gz --credentials credentials.yml --endpoints endpoints.yml
