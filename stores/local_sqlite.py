"""A SQLite file that the processes of one machine share (the Sanic workers of one
Rasa server): a connection per process, write-ahead mode, and write transactions
taken at once (`BEGIN IMMEDIATE`), so two processes never interleave a
read-modify-write. Used by the lock store and the channels' local state."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

BUSY_SECONDS = 10  # how long a process waits for another's transaction


class SharedFile:
    """One SQLite file with its tables, a connection per process."""

    def __init__(self, path: str, tables: Sequence[str]) -> None:
        """Open (and make) the file and its tables."""
        self.path = path
        self.tables = tuple(tables)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self.db()

    def db(self) -> sqlite3.Connection:
        """This process's connection (a forked worker opens its own)."""
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(
                self.path, timeout=BUSY_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            for statement in self.tables:
                connection.execute(statement)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; other processes wait (up to BUSY_SECONDS)."""
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
