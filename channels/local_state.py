"""Channel state shared by the processes of one machine (the Sanic workers of one
Rasa server), in a local SQLite file. Needs no Rasa.

One process keeps its rate limits, taken WeChat messages and offered choices in
memory; several replicas share them through Redis (REDIS_URL). Several workers on
one machine without Redis share them here: every process opens the same file (WAL
mode), and each change is one `BEGIN IMMEDIATE` transaction, so two workers never
both take one message or both let one message over a limit.

The file is CHANNEL_STATE_DB; with SANIC_WORKERS above 1 and no such setting, it
sits next to the conversations (TRACKER_DB) as `<name>.channels.db`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from stores.local_sqlite import SharedFile

PURGE_EVERY = 1000  # writes between two sweeps of expired rows
DEFAULT_TRACKER_DB = "var/conversations.db"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS channel_state"
    " (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS channel_hits (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS channel_hits_key ON channel_hits (key, at)",
)


def local_state_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The file the settings ask for: CHANNEL_STATE_DB, or one next to TRACKER_DB
    when SANIC_WORKERS is above 1; None for one process (memory will do)."""
    environ = os.environ if environ is None else environ
    if environ.get("CHANNEL_STATE_DB"):
        return environ["CHANNEL_STATE_DB"]
    try:
        workers = int(environ.get("SANIC_WORKERS") or 1)
    except ValueError:
        workers = 1
    if workers <= 1:
        return None
    conversations = Path(environ.get("TRACKER_DB") or DEFAULT_TRACKER_DB)
    return str(conversations.with_name(conversations.stem + ".channels.db"))


class LocalFile(SharedFile):
    """The channels' tables in the shared file, expired rows swept now and then."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        """Open (and make) the file and its tables."""
        self.clock = clock
        self._writes = 0
        super().__init__(path, _TABLES)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; expired rows swept every PURGE_EVERY writes."""
        with super().writing() as db:
            yield db
            self._writes += 1
            if self._writes % PURGE_EVERY == 0:
                self._purge(db)

    def _purge(self, db: sqlite3.Connection) -> None:
        now = self.clock()
        db.execute("DELETE FROM channel_state WHERE expires <= ?", (now,))
        # a hit older than a day is past every window the guard uses
        db.execute("DELETE FROM channel_hits WHERE at <= ?", (now - 86400,))


class LocalState:
    """The SharedState of channels.shared_state, in the local file."""

    def __init__(self, file: LocalFile, prefix: str = "channels:") -> None:
        """State under `prefix` in `file`."""
        self.file = file
        self.prefix = prefix

    async def add_once(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; False if it was already recorded."""
        key, now = self.prefix + key, self.file.clock()
        with self.file.writing() as db:
            db.execute(
                "DELETE FROM channel_state WHERE key = ? AND expires <= ?", (key, now)
            )
            added = db.execute(
                "INSERT OR IGNORE INTO channel_state VALUES (?, '1', ?)",
                (key, now + seconds),
            )
            return added.rowcount == 1

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` under `key` for `seconds`."""
        with self.file.writing() as db:
            db.execute(
                "INSERT OR REPLACE INTO channel_state VALUES (?, ?, ?)",
                (self.prefix + key, value, self.file.clock() + seconds),
            )

    async def get(self, key: str) -> str | None:
        """The value under `key`, or None."""
        row = (
            self.file.db()
            .execute(
                "SELECT value FROM channel_state WHERE key = ? AND expires > ?",
                (self.prefix + key, self.file.clock()),
            )
            .fetchone()
        )
        return row[0] if row else None


class LocalLimiter:
    """The guard's sliding window (channels.limits), in the local file."""

    def __init__(
        self, file: LocalFile, limit: int, window: float, prefix: str = "rate:"
    ) -> None:
        """At most `limit` messages per `window` seconds per key."""
        self.file = file
        self.limit = limit
        self.window = window
        self.prefix = prefix

    async def allow(self, key: str) -> bool:
        """Record one message of `key`; False when it is over the limit."""
        key, now = self.prefix + key, self.file.clock()
        with self.file.writing() as db:
            db.execute(
                "DELETE FROM channel_hits WHERE key = ? AND at <= ?",
                (key, now - self.window),
            )
            (count,) = db.execute(
                "SELECT count(*) FROM channel_hits WHERE key = ?", (key,)
            ).fetchone()
            if count >= self.limit:
                return False
            db.execute("INSERT INTO channel_hits VALUES (?, ?)", (key, now))
            return True
