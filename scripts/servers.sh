# Helpers to start the action server and the Rasa server and wait until they answer.
# Sourced by chat.sh, serve.sh and the end-to-end tests' shell callers.

free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for URL SECONDS PID: wait until URL answers, failing early if PID died
wait_for() {
  local url=$1 seconds=$2 pid=$3 i
  for ((i = 0; i < seconds * 2; i++)); do
    if .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.5
  done
  return 1
}

# The Rasa server runs with one TensorFlow thread per process (prefix its command
# with "${rasa_env[@]}"): its Sanic workers and the action server share the
# machine's cores, and more threads than cores slow every turn (issue 15: two
# workers on two cores went from 52 to 73-81 turns a second with this). Only the
# Rasa server: with these variables set, Rasa's command line imports TensorFlow,
# which the action server has no use for (+370 MB).
rasa_env=(env "TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}"
  "TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}")
