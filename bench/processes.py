"""Servers started as child processes for the tests and the benchmarks: start, wait
until they answer, stop, restart, with their output in a log file."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# Ports this process has handed out: the kernel may offer a port again as soon as the
# probe socket is closed, before the server it was picked for has bound it (a Rasa
# server binds only after loading its model, ~20 s), and two servers of one setup
# must never be given the same port.
_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free TCP port on loopback, never one this process handed out before."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def http_ready(url: str) -> Callable[[], bool]:
    """A readiness check: the URL answers (any status but a refused connection)."""

    def ready() -> bool:
        try:
            urllib.request.urlopen(url, timeout=1)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    return ready


def rasa_ready(url: str) -> Callable[[], bool]:
    """A readiness check for a Rasa server's /status: its own answer (200 with the
    model it loaded, or a refusal when its API wants a token), not any server's
    (another one on the port would answer 404)."""

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return "model_file" in json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code in (401, 403)
        except (OSError, ValueError):
            return False

    return ready


def port_ready(port: int) -> Callable[[], bool]:
    """A readiness check: something accepts connections on the loopback port."""

    def ready() -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return True
        return False

    return ready


@dataclass
class Service:
    """One server process: its command, environment, log and readiness check."""

    name: str
    command: list[str]
    log: Path
    ready: Callable[[], bool]
    port: int | None = None  # where it listens on loopback
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    start_seconds: float = 240
    process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """The process id (of the running process)."""
        assert self.process is not None, f"{self.name} is not running"
        return self.process.pid

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, wait: bool = True) -> None:
        """Start the process (if it is not running) and wait until it is ready."""
        if self.running:
            return
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        if wait:
            self.wait_until_ready()

    def wait_until_ready(self) -> None:
        """Wait until the readiness check passes; fail early if the process died."""
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            if self.ready():
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"{self.name}: not ready after {self.start_seconds} s:\n{self.tail()}"
        )

    def stop(self, seconds: float = 20) -> None:
        """Terminate the process and wait for it; kill it if it does not go."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        """Stop and start again."""
        self.stop()
        self.start()

    def tail(self, characters: int = 3000) -> str:
        """The end of the log."""
        return self.log.read_text(errors="replace")[-characters:]
