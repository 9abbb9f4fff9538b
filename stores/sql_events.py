"""The SQL of the tracker store (stores/tracker_store.py): its engine, kept healthy
and cheap, and the statements a turn runs, each built once.

A turn on PostgreSQL makes three round trips: the conversation's highest event id
(and, when another replica wrote since, the latest session's rows), then one INSERT
that returns the ids it wrote. Reads and a turn's one-statement save run outside a
transaction (autocommit): psycopg2 otherwise sends BEGIN before the first statement
and SQLAlchemy ROLLBACK or COMMIT after the last, two round trips more for each, and
a single INSERT is atomic by itself. The turn holds the conversation's lock, so no
one writes to the conversation between its statements.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from sqlalchemy.dialects import sqlite

logger = logging.getLogger(__name__)

# a database server's connection idle this long is checked before use
PING_AFTER_IDLE_SECONDS = 1.0
_LAST_USED = "assistant_last_used"
# the columns of an event's row that a save writes (the id is the table's)
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
# psycopg2's execute_values sends up to this many rows in one INSERT
ROWS_IN_ONE_INSERT = 1000


@dataclass(frozen=True)
class Statements:
    """The statements of a turn, built once (SQLAlchemy then compiles each once)."""

    mark: Any  # the conversation's highest event id
    session_rows: Any  # the `data` of the latest session's events, in order
    insert_returning: Any  # an insert that returns the ids it wrote
    sqlite_insert: str  # an event row's insert as SQLite's own statement


def statements(table: sa.Table) -> Statements:
    """The statements for the events table; `sender` is the conversation's id.

    The latest session is what Rasa's `_event_query` reads (the events from the
    latest SessionStarted on, or all when there is none), with the session start a
    scalar subquery: PostgreSQL computes it once, where Rasa's join recomputed it for
    every event row of the conversation (120 events: 120 scans of 120 rows)."""
    sender = sa.bindparam("sender")
    start = (
        sa.select(sa.func.max(table.c.timestamp))
        .where(
            table.c.sender_id == sender,
            table.c.type_name == SessionStarted.type_name,
        )
        .scalar_subquery()
    )
    return Statements(
        mark=sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sender),
        session_rows=sa.select(table.c.data)
        .where(
            table.c.sender_id == sender,
            sa.or_(table.c.timestamp >= start, start.is_(None)),
        )
        .order_by(table.c.id),
        insert_returning=table.insert().returning(table.c.id),
        sqlite_insert=str(
            table.insert().compile(dialect=sqlite.dialect(), column_keys=list(COLUMNS))
        ),
    )


def one_statement_writes(engine: sa.engine.Engine) -> bool:
    """Whether a save can be one INSERT ... RETURNING outside a transaction."""
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg2"


def autocommit(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The engine whose connections run each statement as its own transaction (on
    SQLite, where a read begins no transaction, the engine itself)."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def make_engine(url: Any) -> sa.engine.Engine:
    """The store's engine: a database server's idle connections checked before use,
    a SQLite file's pooled and in write-ahead mode."""
    engine = sa.create_engine(url, **_engine_kwargs(url))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        sa.event.listen(engine, "checkout", _ping_if_idle)
        sa.event.listen(engine, "checkin", _note_checkin)
    return engine


def once_more_if_disconnected(work: Callable[[], Any]) -> Any:
    """`work()`, once more if the database server went away under it (SQLAlchemy has
    then thrown the pool's connections away, so the second try connects anew)."""
    try:
        return work()
    except sa.exc.DBAPIError as error:
        raise_unless_disconnected(error)
        return work()


def raise_unless_disconnected(error: sa.exc.DBAPIError) -> None:
    if not error.connection_invalidated:
        raise error
    logger.info("The database connection was lost; trying again on a new one")


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_LAST_USED] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Check a connection that has been idle for a while (a database restart is
    likeliest to have cut it) before it is handed out; the pool connects anew if it
    is dead. One in steady use goes unchecked: should it be dead, the turn's read or
    save goes once more."""
    if time.monotonic() - record.info.get(_LAST_USED, 0.0) < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as error:
        raise sa.exc.DisconnectionError(str(error)) from error


def _engine_kwargs(url: Any) -> dict[str, Any]:
    """A database server's connections are checked when idle (_ping_if_idle); a SQLite
    file's are kept open in a pool (SQLAlchemy 1.4 opens and closes one for every
    read and write of a file: about a tenth of a turn's time), shared by the event
    loop's thread and any other (SQLite serialises them itself)."""
    if url.get_backend_name() != "sqlite":
        kwargs = create_engine_kwargs(url)
        if url.get_driver_name() in ("", "psycopg2"):
            kwargs.setdefault("executemany_values_page_size", ROWS_IN_ONE_INSERT)
        return kwargs
    if url.database in (None, "", ":memory:"):
        return {}  # one database per connection: SQLAlchemy's own pool
    return {
        "poolclass": sa.pool.QueuePool,
        "pool_size": 4,
        "connect_args": {"check_same_thread": False},
    }


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """SQLite in write-ahead mode, synced at checkpoints: a turn's commit no longer
    waits for the disk (a crash of the machine, not of the server, may lose the last
    turns; PostgreSQL is the store for that)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
