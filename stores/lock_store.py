"""Conversation locks for more than one Rasa process: Rasa's Redis lock store made
safe for several replicas, and a SQLite lock store for the Sanic workers of one
machine.

Rasa 3.6's lock store keeps each conversation's ticket queue as one JSON value and
changes it by read-modify-write (issue a ticket, drop an expired one, finish one).
Two replicas doing that at the same moment overwrite each other's change, and both
then process a turn of the same conversation at once: one turn's events are lost
(seen here: 2 of 20 rounds of six concurrent turns lost one; Rasa's fix, the
concurrent Redis lock store of RasaHQ/rasa#11256, is not in Rasa Open Source).

This store keeps Rasa's tickets, in Rasa's format, and makes each change of them in
Redis itself: one Lua script (atomic in Redis) issues a ticket, another finishes one,
a third drops the expired ones. A turn then makes three round trips to Redis (issue,
read, finish) where Rasa's made seven and a mutex around each change eleven, each
blocking the replica's event loop (under load the lock was a seventh of a replica's
time).

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
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.local_sqlite import SharedFile

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


# Rasa's ticket queue in Lua (KEYS[1] the lock; ARGV[1] the conversation, ARGV[2]
# now): the tickets still valid (Rasa drops a ticket once now > its expiry), each
# kept as the JSON text Rasa wrote; saved in Rasa's format.
_TICKETS_LUA = """
local function valid_tickets(now, finished)
  local raw = redis.call('GET', KEYS[1])
  local kept, last = {}, -1
  if not raw then return kept, last, false end
  local tickets = cjson.decode(raw)['tickets']
  if type(tickets) == 'table' then
    for _, text in ipairs(tickets) do
      local ticket = cjson.decode(text)
      if not (now > tonumber(ticket['expires'])) and ticket['number'] ~= finished then
        kept[#kept + 1] = text
        last = ticket['number']
      end
    end
  end
  return kept, last, true
end
local function save(kept)
  local parts = {}
  for i, text in ipairs(kept) do parts[i] = cjson.encode(text) end
  redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(ARGV[1])
    .. ', "tickets": [' .. table.concat(parts, ', ') .. ']}')
end
"""
# TicketLock.issue_ticket and save_lock: ARGV[3] the new ticket's expiry (JSON)
_ISSUE_LUA = (
    _TICKETS_LUA
    + """
local kept, last = valid_tickets(tonumber(ARGV[2]), nil)
local number = last + 1
kept[#kept + 1] = '{"number": ' .. string.format('%d', number) .. ', "expires": '
  .. ARGV[3] .. '}'
save(kept)
return number
"""
)
# LockStore.cleanup: ARGV[3] the ticket finished; the lock deleted if no one waits
_FINISH_LUA = (
    _TICKETS_LUA
    + """
local kept = valid_tickets(tonumber(ARGV[2]), tonumber(ARGV[3]))
if #kept == 0 then redis.call('DEL', KEYS[1]) else save(kept) end
return #kept
"""
)
# LockStore.update_lock: the expired tickets dropped
_UPDATE_LUA = (
    _TICKETS_LUA
    + """
local kept, last, exists = valid_tickets(tonumber(ARGV[2]), nil)
if exists then save(kept) end
return #kept
"""
)


class RedisLockStore(RasaRedisLockStore):
    """Rasa's Redis lock store with each change of a conversation's tickets made
    by one script in Redis."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, **kwargs: Any
    ) -> None:
        """From endpoints.yml (as Rasa builds `type: redis`), or from arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(_ISSUE_LUA)
        self._finish = self.red.register_script(_FINISH_LUA)
        self._update = self.red.register_script(_UPDATE_LUA)

    def _run(self, script: Any, conversation_id: str, *args: Any) -> Any:
        return script(
            keys=[self.key_prefix + conversation_id],
            args=[conversation_id, repr(time.time()), *args],
        )

    def issue_ticket(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME
    ) -> int:
        """A new ticket at the end of the conversation's queue, expired ones
        dropped (Rasa's, in one step)."""
        try:
            expires = json.dumps(time.time() + lock_lifetime)
            return int(self._run(self._issue, conversation_id, expires))
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        """Drop the conversation's expired tickets (Rasa's, in one step)."""
        self._run(self._update, conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket and delete the lock if no one waits (Rasa's, in one
        step)."""
        self._run(self._finish, conversation_id, int(ticket_number))


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
