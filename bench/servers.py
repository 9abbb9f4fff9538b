"""Start the real action server and Rasa server on free loopback ports (for the
end-to-end tests and the benchmarks), and stop them afterwards."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.processes import ROOT, Service, free_port, http_ready, rasa_ready

MODEL = ROOT / "models" / "current.tar.gz"
RASA = Path(sys.executable).parent / "rasa"

__all__ = ["Assistant", "MODEL", "free_port", "running_assistant"]


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


def server_env(**settings: str) -> dict[str, str]:
    """The environment of the servers: this one, quiet, with these settings."""
    return dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        # a client that has not sent its whole request in 10 s is cut off (Sanic's
        # default is 60 s), as scripts/serve.sh does
        SANIC_REQUEST_TIMEOUT=os.environ.get("SANIC_REQUEST_TIMEOUT", "10"),
        # no request body over 128 KB is read at all (Sanic's default: 100 MB)
        SANIC_REQUEST_MAX_SIZE=os.environ.get("SANIC_REQUEST_MAX_SIZE", "131072"),
        **settings,
    )


def action_server(port: int, logs: Path, env: dict[str, str], name: str) -> Service:
    """The action server (rasa-sdk) on a loopback port."""
    return Service(
        name=name,
        command=[str(RASA), "run", "actions", "--port", str(port)],
        log=logs / f"{name}.log",
        ready=http_ready(f"http://127.0.0.1:{port}/health"),
        port=port,
        env=env,
        start_seconds=120,
    )


def rasa_server(
    port: int,
    logs: Path,
    env: dict[str, str],
    name: str,
    model: Path = MODEL,
    endpoints: str = "endpoints.yml",
) -> Service:
    """The Rasa server (channels of credentials.yml, HTTP API) on a loopback port."""
    return Service(
        name=name,
        command=[
            str(RASA),
            "run",
            "--enable-api",
            "--cors",
            "*",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            str(model),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            endpoints,
        ],
        log=logs / f"{name}.log",
        ready=rasa_ready(f"http://127.0.0.1:{port}/status"),
        port=port,
        # one TensorFlow thread per process: the servers share two cores, and more
        # threads than cores cost a Sanic worker its turn (scripts/servers.sh; not
        # for the action server, where these make Rasa's command line load TF)
        env={
            "TF_INTRA_OP_PARALLELISM_THREADS": "1",
            "TF_INTER_OP_PARALLELISM_THREADS": "1",
            **env,
        },
        start_seconds=240,
    )


@contextlib.contextmanager
def running_assistant(
    model: Path = MODEL,
    endpoints: str = "endpoints.yml",
    env: dict[str, str] | None = None,
) -> Iterator[Assistant]:
    """The action server and the Rasa server (REST channel, HTTP API), both real.

    `endpoints` is the endpoints file (the tracker store, lock store and action
    server); `env` adds to the servers' environment (the settings it reads). The
    logs and the SQLite file are in a temporary folder, removed afterwards unless
    KEEP_SERVER_LOGS is set."""
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    action_port, rasa_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="assistant-logs-"))
    settings = {
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(logs / "conversations.db"),
        **(env or {}),
    }
    environment = server_env(**settings)
    actions = action_server(action_port, logs, environment, "actions")
    rasa = rasa_server(rasa_port, logs, environment, "rasa", model, endpoints)
    try:
        actions.start(wait=False)
        rasa.start(wait=False)
        actions.wait_until_ready()
        rasa.wait_until_ready()
        yield Assistant(
            url=f"http://127.0.0.1:{rasa_port}",
            action_url=f"http://127.0.0.1:{action_port}",
            restart_rasa=rasa.restart,
            stop_actions=actions.stop,
            start_actions=actions.start,
            pids=lambda: {"rasa": rasa.pid, "actions": actions.pid},
            logs=logs,
        )
    finally:
        rasa.stop()
        actions.stop()
        if not os.environ.get("KEEP_SERVER_LOGS"):
            shutil.rmtree(logs, ignore_errors=True)
