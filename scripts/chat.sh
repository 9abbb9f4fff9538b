#!/usr/bin/env bash
# Chat in the terminal. Starts a private action server and Rasa server on free
# loopback ports (so a running `make serve` is not disturbed), opens the chat, and
# stops both when the chat ends (Ctrl-D, 再见, 退出).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/servers.sh

logs=$(mktemp -d)
action_port=$(free_port)
rasa_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

echo "正在启动异地医保助手，请稍候（约半分钟）……"
.venv/bin/rasa run actions --port "$action_port" >"$logs/actions.log" 2>&1 &
pids+=($!)
ACTION_ENDPOINT_URL="http://127.0.0.1:$action_port/webhook" \
  "${rasa_env[@]}" .venv/bin/rasa run --enable-api --interface 127.0.0.1 --port "$rasa_port" \
  --model models/current.tar.gz --credentials credentials.yml --endpoints endpoints.yml \
  >"$logs/rasa.log" 2>&1 &
pids+=($!)

if ! wait_for "http://127.0.0.1:$action_port/health" 120 "${pids[0]}" ||
   ! wait_for "http://127.0.0.1:$rasa_port/status" 180 "${pids[1]}"; then
  echo "启动失败，日志在 $logs：" >&2
  tail -n 20 "$logs"/*.log >&2
  exit 1
fi
.venv/bin/python scripts/chat_client.py --url "http://127.0.0.1:$rasa_port"
