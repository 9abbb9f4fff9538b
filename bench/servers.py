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
    """A running assistant: where to reach it, its processes, and how to stop and
    start its parts (for the fault tests)."""

    url: str
    action_url: str
    restart_rasa: Callable[[], None] = lambda: None
    stop_actions: Callable[[], None] = lambda: None
    start_actions: Callable[[], None] = lambda: None
    pids: Callable[[], dict[str, int]] = dict
    logs: Path | None = None


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
def running_assistant(
    model: Path = MODEL,
    endpoints: str = "endpoints.yml",
    env: dict[str, str] | None = None,
) -> Iterator[Assistant]:
    """The action server and the Rasa server (REST channel, HTTP API), both real.

    `endpoints` is the endpoints file (the tracker store, lock store and action
    server); `env` adds to the servers' environment (the settings it reads)."""
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    action_port, rasa_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="assistant-logs-"))
    server_env = dict(
        os.environ,
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        TRACKER_DB=str(logs / "conversations.db"),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    server_env.update(env or {})
    processes: list[subprocess.Popen] = []
    try:
        actions_log = logs / "actions.log"

        def start_action_server() -> subprocess.Popen:
            return subprocess.Popen(
                [str(RASA), "run", "actions", "--port", str(action_port)],
                cwd=ROOT,
                env=server_env,
                stdout=actions_log.open("a"),
                stderr=subprocess.STDOUT,
            )

        processes.append(start_action_server())
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
            endpoints,
        ]

        def start_rasa() -> subprocess.Popen:
            return subprocess.Popen(
                rasa_command,
                cwd=ROOT,
                env=server_env,
                stdout=rasa_log.open("a"),
                stderr=subprocess.STDOUT,
            )

        processes.append(start_rasa())
        action_url = f"http://127.0.0.1:{action_port}"
        url = f"http://127.0.0.1:{rasa_port}"
        _wait_until_up(f"{action_url}/health", processes[0], actions_log, 120)
        _wait_until_up(f"{url}/status", processes[1], rasa_log, 240)

        def restart_rasa() -> None:
            _stop(processes[1])
            processes[1] = start_rasa()
            _wait_until_up(f"{url}/status", processes[1], rasa_log, 240)

        def stop_actions() -> None:
            _stop(processes[0])

        def start_actions() -> None:
            if processes[0].poll() is None:
                return
            processes[0] = start_action_server()
            _wait_until_up(f"{action_url}/health", processes[0], actions_log, 120)

        yield Assistant(
            url=url,
            action_url=action_url,
            restart_rasa=restart_rasa,
            stop_actions=stop_actions,
            start_actions=start_actions,
            pids=lambda: {"rasa": processes[1].pid, "actions": processes[0].pid},
            logs=logs,
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            _stop(process)


def _stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """Terminate a server and wait for it; kill it if it does not go."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
