"""Conversation locks for more than one Rasa process: Rasa's Redis lock store made
safe for several replicas, and a SQLite lock store for the Sanic workers of one
machine.

Rasa 3.6's lock store keeps each conversation's ticket queue as one JSON value and
changes it by read-modify-write (issue a ticket, drop an expired one, finish one).
Two replicas doing that at the same moment overwrite each other's change, and both
then process a turn of the same conversation at once: one turn's events are lost
(seen here: 2 of 20 rounds of six concurrent turns lost one; Rasa's fix, the
concurrent Redis lock store of RasaHQ/rasa#11256, is not in Rasa Open Source).

This store is Rasa's own, with each read-modify-write done under a short Redis mutex
per conversation (redis-py's Lock: SET NX PX, released by a token-checking script).

    lock_store:
      type: stores.lock_store.RedisLockStore
      url: ...   # as Rasa's `type: redis`

Rasa runs one Sanic worker unless its lock store is shared between processes (an
in-memory one is not). The SQLite lock store keeps the same tickets in a table of a
local file (the tracker store's SQLite file does), each change in one `BEGIN
IMMEDIATE` transaction, so `SANIC_WORKERS=2` can use both cores of one machine:

    lock_store:
      type: stores.lock_store.SQLiteLockStore
      db: var/conversations.db
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.local_sqlite import SharedFile

# the mutex guards a few Redis commands: held for milliseconds, expired after 10 s
# should its holder die; waiting polls every 5 ms
MUTEX_SECONDS = 10
MUTEX_POLL_SECONDS = 0.005
DEFAULT_LOCK_DB = "var/conversations.db"


class _OneChangeAtATime(LockStore):
    """Rasa's read-modify-write changes of a conversation's tickets, each made
    inside `_exclusive(conversation_id)`, which the store defines."""

    def _exclusive(self, conversation_id: str) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def issue_ticket(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME
    ) -> int:
        """Rasa's, under the conversation's mutex."""
        with self._exclusive(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Rasa's, under the conversation's mutex."""
        with self._exclusive(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Rasa's (finish the ticket, delete the lock if no one waits), under the
        conversation's mutex."""
        with self._exclusive(conversation_id):
            super().cleanup(conversation_id, ticket_number)


class RedisLockStore(_OneChangeAtATime, RasaRedisLockStore):
    """Rasa's Redis lock store with its ticket changes made one at a time."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, **kwargs: Any
    ) -> None:
        """From endpoints.yml (as Rasa builds `type: redis`), or from arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        super().__init__(**kwargs)

    @contextlib.contextmanager
    def _exclusive(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}",
            timeout=MUTEX_SECONDS,
            sleep=MUTEX_POLL_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
        ):
            yield


class SQLiteLockStore(_OneChangeAtATime):
    """Rasa's ticket locks in a table of a local SQLite file, shared by every
    process that opens it (the Sanic workers of one machine)."""

    def __init__(self, endpoint_config: Any = None, db: str | None = None) -> None:
        """From endpoints.yml (`db:` the file) or from arguments."""
        settings = endpoint_config.kwargs if endpoint_config is not None else {}
        self.file = SharedFile(
            db or settings.get("db") or DEFAULT_LOCK_DB,
            [
                "CREATE TABLE IF NOT EXISTS conversation_locks"
                " (conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL)"
            ],
        )

    def _exclusive(self, conversation_id: str) -> contextlib.AbstractContextManager:
        """One write transaction of the file."""
        return self.file.writing()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The conversation's tickets, if any."""
        row = (
            self.file.db()
            .execute(
                "SELECT data FROM conversation_locks WHERE conversation_id = ?",
                (conversation_id,),
            )
            .fetchone()
        )
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        """Forget the conversation's tickets."""
        self.file.db().execute(
            "DELETE FROM conversation_locks WHERE conversation_id = ?",
            (conversation_id,),
        )

    def save_lock(self, lock: TicketLock) -> None:
        """Store the conversation's tickets."""
        self.file.db().execute(
            "INSERT OR REPLACE INTO conversation_locks VALUES (?, ?)",
            (lock.conversation_id, lock.dumps()),
        )
