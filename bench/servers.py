"""Start the real action server and Rasa server on free loopback ports (for the
end-to-end tests and the benchmarks), and stop them afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "current.tar.gz"
RASA = Path(sys.executable).parent / "rasa"


@dataclass
class Assistant:
    """A running assistant: where to reach it, and how to restart its Rasa server."""

    url: str
    action_url: str
    restart_rasa: Callable[[], None] = lambda: None


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(
    url: str, process: subprocess.Popen, log: Path, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=1)
            return
        time.sleep(0.5)
    raise RuntimeError(
        f"{url}: no answer after {seconds} s:\n{log.read_text()[-3000:]}"
    )


@contextlib.contextmanager
def running_assistant(model: Path = MODEL) -> Iterator[Assistant]:
    """The action server and the Rasa server (REST channel, HTTP API), both real."""
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    action_port, rasa_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="assistant-logs-"))
    env = dict(
        os.environ,
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        TRACKER_DB=str(logs / "conversations.db"),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    processes: list[subprocess.Popen] = []
    try:
        actions_log = logs / "actions.log"
        processes.append(
            subprocess.Popen(
                [str(RASA), "run", "actions", "--port", str(action_port)],
                cwd=ROOT,
                env=env,
                stdout=actions_log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        rasa_log = logs / "rasa.log"
        rasa_command = [
            str(RASA),
            "run",
            "--enable-api",
            "--cors",
            "*",
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
            "--model",
            str(model),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ]

        def start_rasa() -> subprocess.Popen:
            return subprocess.Popen(
                rasa_command,
                cwd=ROOT,
                env=env,
                stdout=rasa_log.open("a"),
                stderr=subprocess.STDOUT,
            )

        processes.append(start_rasa())
        action_url = f"http://127.0.0.1:{action_port}"
        url = f"http://127.0.0.1:{rasa_port}"
        _wait_until_up(f"{action_url}/health", processes[0], actions_log, 120)
        _wait_until_up(f"{url}/status", processes[1], rasa_log, 240)

        def restart_rasa() -> None:
            processes[1].terminate()
            processes[1].wait(timeout=30)
            processes[1] = start_rasa()
            _wait_until_up(f"{url}/status", processes[1], rasa_log, 240)

        yield Assistant(url=url, action_url=action_url, restart_rasa=restart_rasa)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
