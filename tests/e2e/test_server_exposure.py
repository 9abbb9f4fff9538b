"""What the servers expose (issue 12): the action server (rasa_sdk_plugins) on
loopback by default, never on another interface without a shared secret, and with
one, every call but /health needs it; the Rasa server cuts off slow clients and
refuses oversized bodies before reading them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.processes import http_ready
from bench.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv" / "bin" / "rasa"


def start(port: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(RASA), "run", "actions", "--port", str(port)],
        cwd=ROOT,
        env={k: v for k, v in {**os.environ, **env}.items() if v},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            json.loads(response.read())
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_on_another_interface_without_a_token_it_does_not_start():
    server = start(free_port(), SANIC_HOST="0.0.0.0", ACTION_SERVER_TOKEN="")
    output, _ = server.communicate(timeout=120)
    assert server.returncode != 0
    assert "ACTION_SERVER_TOKEN" in output


@pytest.mark.parametrize("host", [None, "0.0.0.0"])
def test_with_a_token_only_callers_that_carry_it_are_served(host):
    port = free_port()
    server = start(port, ACTION_SERVER_TOKEN="s3cret", SANIC_HOST=host or "")
    try:
        base = f"http://127.0.0.1:{port}"
        ready = http_ready(f"{base}/health")
        for _ in range(240):
            if ready():
                break
            if server.poll() is not None:
                pytest.fail(server.stdout.read())
            time.sleep(0.5)
        assert get(f"{base}/health") == 200
        assert get(f"{base}/actions") == 401
        assert get(f"{base}/actions?token=wrong") == 401
        assert get(f"{base}/actions?token=s3cret") == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_client_that_sends_its_request_slowly_is_cut_off(assistant):
    """Half a request, then nothing: the server closes the connection (Sanic's
    request timeout, 10 s) instead of holding it open; others are still served."""
    host, port = assistant.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as slow:
        slow.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Le")
        answer = slow.recv(1024)  # b"" (closed) or a 408, never a 60 s wait
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
    assert get(f"{assistant.url}/webhooks/rest/") == 200


def test_an_oversized_body_is_refused_before_it_is_read(assistant):
    """A 1 MB body announced to the WeChat webhook (which reads whole bodies): 413
    at once, from the headers alone."""
    host, port = assistant.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as client:
        client.sendall(
            b"POST /webhooks/wechat/webhook HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: text/xml\r\nContent-Length: 1048576\r\n\r\n"
        )
        answer = client.recv(1024)
    assert answer.startswith(b"HTTP/1.1 413")
