"""bench.processes: ports are never handed out twice in one process, and a Rasa
server is ready only when Rasa itself answers on its port."""

import http.server
import json
import threading

import pytest

from bench import processes


def test_a_port_handed_out_is_never_handed_out_again(monkeypatch):
    offered = iter([41000, 41000, 41002, 41000, 41004])

    class Probe:
        def __init__(self, *args):
            self.port = None

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def bind(self, address):
            self.port = next(offered)

        def getsockname(self):
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(processes, "_HANDED_OUT", set())
    monkeypatch.setattr(processes.socket, "socket", Probe)
    assert [processes.free_port() for _ in range(3)] == [41000, 41002, 41004]


def serve(status, body):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    "status, body, ready",
    [
        (200, json.dumps({"model_file": "current.tar.gz", "model_id": "x"}), True),
        (401, "", True),  # Rasa's API behind a token
        (404, "not found", False),  # another server on the port
        (500, "", False),
        (200, "<html>", False),
        (200, json.dumps({"status": "ok"}), False),
    ],
)
def test_only_rasas_own_status_answer_is_ready(status, body, ready):
    server = serve(status, body.encode())
    try:
        url = f"http://127.0.0.1:{server.server_port}/status"
        assert processes.rasa_ready(url)() is ready
    finally:
        server.shutdown()


def test_nothing_listening_is_not_ready():
    assert (
        processes.rasa_ready(f"http://127.0.0.1:{processes.free_port()}/status")()
        is False
    )
