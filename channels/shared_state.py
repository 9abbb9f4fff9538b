"""Small pieces of channel state that every Rasa replica must see: which WeChat
messages were already taken (WeChat retries a message it got no answer to, and the
retry may reach another replica), and the numbered choices last offered to a user.

In memory by default (one process); in Redis when REDIS_URL is set, as in the
scale-out setup; in a local SQLite file when several workers of one machine share
them (channels.local_state). When Redis cannot be reached, the process keeps going on its own
memory, logs a warning, and tries Redis again after a few seconds.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from channels.local_state import LocalFile, LocalState, local_state_path

logger = logging.getLogger(__name__)

MEMORY_KEYS = 100_000


class SharedState(Protocol):
    """Keys with a lifetime, shared by the replicas."""

    async def add_once(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; False if it was already recorded."""

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` under `key` for `seconds`."""

    async def get(self, key: str) -> str | None:
        """The value under `key`, or None."""


def redis_client(url: str | None, what: str) -> Any | None:
    """A redis.asyncio client for `url` with short timeouts (a turn must not hang
    on Redis), or None without a URL or with one that cannot be used."""
    if not url:
        return None
    try:
        import redis.asyncio as redis_asyncio

        return redis_asyncio.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5
        )
    except Exception as error:  # a bad URL must not stop the server
        logger.warning("%s: REDIS_URL unusable (%s); kept per process", what, error)
        return None


class RedisOutage:
    """Whether Redis was just found unreachable: until `retry_seconds` have passed
    the caller uses its own memory; one warning is logged per outage."""

    def __init__(
        self,
        what: str,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """No outage yet."""
        self.what = what
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._until: float | None = None

    def away(self) -> bool:
        """Whether to leave Redis alone for now."""
        return self._until is not None and self.clock() < self._until

    def lost(self, error: Exception) -> None:
        """Redis failed: warn (once per outage) and leave it alone for a while."""
        if not self.away():
            logger.warning(
                "%s: Redis unreachable (%s: %s); this process goes on alone for "
                "%.0f s",
                self.what,
                type(error).__name__,
                error,
                self.retry_seconds,
            )
        self._until = self.clock() + self.retry_seconds


class MemoryState:
    """Keys in this process's memory, the oldest forgotten first beyond `size`."""

    def __init__(
        self, size: int = MEMORY_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """An empty store."""
        self._values: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._size = size
        self._clock = clock

    def _live(self, key: str) -> str | None:
        kept = self._values.get(key)
        if kept is None:
            return None
        if kept[0] <= self._clock():
            del self._values[key]
            return None
        return kept[1]

    def _keep(self, key: str, value: str, seconds: float) -> None:
        self._values[key] = (self._clock() + seconds, value)
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            self._values.popitem(last=False)

    async def add_once(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; False if it was already recorded."""
        if self._live(key) is not None:
            return False
        self._keep(key, "1", seconds)
        return True

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` under `key` for `seconds`."""
        self._keep(key, value, seconds)

    async def get(self, key: str) -> str | None:
        """The value under `key`, or None."""
        return self._live(key)


class RedisState:
    """Keys in Redis (SET NX EX), with this process's memory while Redis is away."""

    def __init__(
        self,
        client: Any,
        prefix: str = "channels:",
        fallback: MemoryState | None = None,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A store on a redis.asyncio client (or anything with its interface)."""
        self.client = client
        self.prefix = prefix
        self.fallback = fallback or MemoryState()
        self.outage = RedisOutage("Shared channel state", retry_seconds, clock)

    async def add_once(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; False if it was already recorded."""
        if not self.outage.away():
            try:
                return bool(
                    await self.client.set(
                        self.prefix + key, "1", nx=True, px=int(seconds * 1000)
                    )
                )
            except Exception as error:  # redis errors, OSError, timeouts
                self.outage.lost(error)
        return await self.fallback.add_once(key, seconds)

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` under `key` for `seconds`."""
        await self.fallback.put(key, value, seconds)
        if not self.outage.away():
            try:
                await self.client.set(self.prefix + key, value, px=int(seconds * 1000))
            except Exception as error:
                self.outage.lost(error)

    async def get(self, key: str) -> str | None:
        """The value under `key`, or None."""
        if not self.outage.away():
            try:
                value = await self.client.get(self.prefix + key)
                return value.decode("utf-8") if isinstance(value, bytes) else value
            except Exception as error:
                self.outage.lost(error)
        return await self.fallback.get(key)


def make_shared_state(redis_url: str | None) -> SharedState:
    """Redis when a URL is given (and usable), otherwise the local file the workers
    of one machine share (channels.local_state), otherwise this process's memory."""
    client = redis_client(redis_url, "Shared channel state")
    if client is not None:
        return RedisState(client)
    path = local_state_path()
    return LocalState(LocalFile(path)) if path else MemoryState()
