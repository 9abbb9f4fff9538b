"""The scale-out setup on one machine, from Debian's packages: PostgreSQL (the
tracker store), Redis (the lock store, and the channels' shared rate limit), two
action servers and two Rasa replicas, with nginx in front of each pair.

    python -m bench.cluster            # start it all and wait until Ctrl-C

Every server listens on loopback only and keeps its files in one folder (a temporary
one, or `--data DIR` to keep the conversations between runs). The tests and the load
benchmark use `running_cluster()`; `postgres_server()` on its own backs the
PostgreSQL tracker store tests.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import ROOT, Service, free_port, port_ready
from bench.servers import MODEL, action_server, rasa_server, server_env

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
CLUSTER_ENDPOINTS = "deploy/endpoints.cluster.yml"


def _postgres_bin(program: str) -> str:
    """A PostgreSQL server program from Debian's packages (the newest version)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make services` "
            "(apt-get install postgresql)"
        )
    return found[-1]


def _program(name: str) -> str:
    """A program on PATH or in /usr/sbin."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not path:
        raise RuntimeError(f"{name} is not installed: run `make services`")
    return path


@dataclass
class Postgres:
    """A PostgreSQL server of our own on loopback, and what clients need to know."""

    data: Path
    port: int
    user: str = "rasa"
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    database: str = "rasa"
    host: str = "127.0.0.1"

    @property
    def _as_owner(self) -> list[str]:
        # PostgreSQL refuses to run as root: as root, run it as Debian's postgres user
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self._as_owner, *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PGPASSWORD=self.password),
        )
        if done.returncode:
            raise subprocess.CalledProcessError(
                done.returncode, command[:2], stderr=done.stderr
            )

    def initialise(self) -> None:
        """initdb with password authentication, and the database."""
        self.data.mkdir(parents=True, exist_ok=True)
        for folder in self.data.parents:
            if folder == Path(tempfile.gettempdir()) or folder == ROOT:
                break
            # the postgres user has to reach its folder (read nothing on the way)
            if not folder.stat().st_mode & 0o001:
                folder.chmod(folder.stat().st_mode | 0o111)
        password_file = self.data.parent / "pgpass.txt"
        password_file.write_text(self.password + "\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.data.parent, self.data, password_file):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "-E",
            "UTF8",
            "--no-locale",
        )
        password_file.unlink()

    def start(self) -> None:
        """Start the server (pg_ctl) and wait until it accepts connections."""
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data.parent / "postgres.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.data} -h {self.host} -c max_connections=300",
            "start",
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown: clients are disconnected)."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(
                _postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"
            )

    def restart(self) -> None:
        """Stop and start again."""
        self.stop()
        self.start()

    def create_database(self) -> None:
        """The application's database (once)."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(
                _postgres_bin("createdb"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.user,
                self.database,
            )

    @property
    def env(self) -> dict[str, str]:
        """The settings deploy/endpoints.postgres.yml and endpoints.cluster.yml read."""
        return {
            "DB_HOST": self.host,
            "DB_PORT": str(self.port),
            "DB_NAME": self.database,
            "DB_USER": self.user,
            "DB_PASSWORD": self.password,
        }


def _password(folder: Path) -> str:
    """The database password kept in the folder (made on first use, owner-only)."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / "password"
    if not kept.exists():
        kept.touch(mode=0o600)
        kept.write_text(secrets.token_hex(16))
    return kept.read_text().strip()


@contextlib.contextmanager
def postgres_server(folder: Path | None = None) -> Iterator[Postgres]:
    """A PostgreSQL server on a free loopback port, stopped afterwards (and its files
    removed, unless they are in a folder of the caller's)."""
    temporary = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="assistant-postgres-"))
    postgres = Postgres(
        data=folder / "data", port=free_port(), password=_password(folder)
    )
    if not (postgres.data / "PG_VERSION").exists():
        postgres.initialise()
    postgres.start()
    try:
        postgres.create_database()
        yield postgres
    finally:
        postgres.stop()
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def redis_server(folder: Path) -> Service:
    """A Redis server on a free loopback port (locks only: nothing saved to disk)."""
    port = free_port()
    return Service(
        name="redis",
        command=[
            _program("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        log=folder / "redis.log",
        ready=port_ready(port),
        port=port,
        start_seconds=30,
    )


def nginx_config(
    prefix: Path,
    rasa_ports: list[int],
    action_ports: list[int],
    port: int,
    actions_port: int,
) -> str:
    """deploy/nginx.conf.template filled in for servers on loopback."""

    def servers(ports: list[int]) -> str:
        return "\n".join(f"    server 127.0.0.1:{p} max_fails=0;" for p in ports)

    config = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "@PREFIX@": str(prefix),
        "@RASA_SERVERS@": servers(rasa_ports),
        "@ACTION_SERVERS@": servers(action_ports),
        "@LISTEN@": f"127.0.0.1:{port}",
        "@ACTIONS_LISTEN@": f"127.0.0.1:{actions_port}",
    }.items():
        config = config.replace(key, value)
    return config


def nginx_server(
    folder: Path, rasa_ports: list[int], action_ports: list[int], port: int = 0
) -> tuple[Service, int, int]:
    """nginx in front of the Rasa replicas and the action servers; with its ports
    (the assistant's, a free one unless `port` is given, and the action servers')."""
    port, actions_port = port or free_port(), free_port()
    prefix = folder / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)  # nginx's workers (nobody, when run as root) use its folders

    config = nginx_config(prefix, rasa_ports, action_ports, port, actions_port)
    (prefix / "nginx.conf").write_text(config, encoding="utf-8")
    service = Service(
        name="nginx",
        command=[
            _program("nginx"),
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-e",
            str(prefix / "error.log"),
            "-g",
            "daemon off;",
        ],
        log=folder / "nginx.log",
        ready=port_ready(port),
        port=port,
        start_seconds=30,
    )
    return service, port, actions_port


@dataclass
class Cluster:
    """The running scale-out setup."""

    url: str  # nginx, in front of the Rasa replicas
    replica_urls: list[str]
    postgres: Postgres
    services: dict[str, Service]
    folder: Path

    def pids(self) -> dict[str, int]:
        """The process id of each server (the PostgreSQL one is the postmaster:
        its connections are its children)."""
        pids = {
            name: service.pid
            for name, service in self.services.items()
            if service.running
        }
        postmaster = self.postgres.data / "postmaster.pid"
        if postmaster.exists():
            pids["postgres"] = int(postmaster.read_text().split()[0])
        return pids


@contextlib.contextmanager
def running_cluster(
    rasa_replicas: int = 2,
    action_replicas: int = 2,
    model: Path = MODEL,
    folder: Path | None = None,
    env: dict[str, str] | None = None,
    port: int = 0,
) -> Iterator[Cluster]:
    """PostgreSQL, Redis, the action servers, the Rasa replicas and nginx, all real,
    on free loopback ports (nginx on `port` when given); stopped afterwards, and
    their files removed unless they are in a folder of the caller's."""
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    temporary = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="assistant-cluster-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        services: dict[str, Service] = {}
        with postgres_server(folder / "postgres") as postgres:
            try:
                redis = services["redis"] = redis_server(folder)
                redis.start()
                action_ports = [free_port() for _ in range(action_replicas)]
                rasa_ports = [free_port() for _ in range(rasa_replicas)]
                nginx, port, actions_port = nginx_server(
                    folder, rasa_ports, action_ports, port
                )
                environment = server_env(
                    ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
                    REDIS_HOST="127.0.0.1",
                    REDIS_PORT=str(redis.port),
                    REDIS_DB="0",
                    REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
                    **postgres.env,
                    **(env or {}),
                )
                for number, action_port in enumerate(action_ports, 1):
                    name = f"actions-{number}"
                    services[name] = action_server(
                        action_port, folder, environment, name
                    )
                for number, rasa_port in enumerate(rasa_ports, 1):
                    name = f"rasa-{number}"
                    services[name] = rasa_server(
                        rasa_port, folder, environment, name, model, CLUSTER_ENDPOINTS
                    )
                services["nginx"] = nginx
                for service in services.values():
                    service.start(wait=False)
                for service in services.values():
                    service.wait_until_ready()
                yield Cluster(
                    url=f"http://127.0.0.1:{port}",
                    replica_urls=[f"http://127.0.0.1:{p}" for p in rasa_ports],
                    postgres=postgres,
                    services=services,
                    folder=folder,
                )
            finally:
                for service in reversed(list(services.values())):
                    service.stop()
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    """Start the scale-out setup and keep it up until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rasa-replicas", type=int, default=2)
    parser.add_argument("--action-replicas", type=int, default=2)
    parser.add_argument("--data", type=Path, help="keep the servers' files here")
    args = parser.parse_args()
    with running_cluster(
        args.rasa_replicas, args.action_replicas, folder=args.data
    ) as c:
        print(f"Assistant (nginx, REST and socket.io): {c.url}")
        for url in c.replica_urls:
            print(f"  Rasa replica: {url}")
        for name, service in c.services.items():
            print(f"  {name}: pid {service.pid}, log {service.log}")
        print(f"PostgreSQL: 127.0.0.1:{c.postgres.port}, files in {c.folder}")
        print("Ctrl-C stops everything.")
        signal.signal(signal.SIGTERM, _interrupt)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                signal.pause()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
