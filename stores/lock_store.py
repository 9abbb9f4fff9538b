"""Rasa's Redis lock store, made safe for several Rasa replicas.

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
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

# the mutex guards a few Redis commands: held for milliseconds, expired after 10 s
# should its holder die; waiting polls every 5 ms
MUTEX_SECONDS = 10
MUTEX_POLL_SECONDS = 0.005


class RedisLockStore(RasaRedisLockStore):
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
