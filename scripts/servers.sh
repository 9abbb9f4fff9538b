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

# One TensorFlow thread per process: the Rasa server's workers and the action server
# share the machine's cores, and more threads than cores slow every turn (issue 15:
# two workers on two cores went from 52 to 75-81 turns a second with this).
export TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}
export TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}
