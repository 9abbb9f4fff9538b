"""Limits on how much any one client can ask of the server. Needs no Rasa.

- Per conversation: a sliding window of messages (in memory, or in Redis when
  REDIS_URL is set so that every replica shares it), whichever channel the
  conversation comes by.
- Per client address: the same window over all the conversations of one address,
  so rotating sender ids does not escape the limit. The address is the socket's
  peer, or, when that peer is a trusted proxy (the nginx in front, loopback by
  default), the client address it forwards in X-Forwarded-For. The machine itself
  (loopback) is never limited by address: the tests, benchmarks and tools run there.
- Per process: at most so many turns in flight at once; one more gets a fast, polite
  "busy" reply instead of waiting behind them (TurnSlots).
- Per message: client metadata within a size and a depth, kept under one key.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Collection
from typing import Any, Protocol

from channels.local_state import LocalFile, LocalLimiter, local_state_path
from channels.personal_data import mask_value
from channels.shared_state import RedisOutage, redis_client

logger = logging.getLogger(__name__)

TRUSTED_PROXIES = ("127.0.0.1", "::1")


class RateLimiter(Protocol):
    """Decides whether a sender may send one more message now."""

    async def allow(self, key: str) -> bool:
        """Record one message of `key`; False when it is over the limit."""


class NoLimit:
    """A limiter that allows everything (limit 0)."""

    async def allow(self, key: str) -> bool:
        """Always True."""
        return True


class SlidingWindowLimiter:
    """At most `limit` messages per `window` seconds per key, in this process.

    Only the newest `max_keys` senders are remembered, so a flood of made-up sender
    ids cannot grow memory without bound."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        """A limiter; `clock` is injectable for the tests."""
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, key: str) -> bool:
        """Record one message of `key` if it is within the limit; whether it was."""
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    async def allow(self, key: str) -> bool:
        """Record one message of `key`; False when it is over the limit."""
        return self.hit(key)


class RedisLimiter:
    """The same sliding window in Redis (a sorted set per key), shared by every
    replica. When Redis cannot be reached the message is allowed by the local
    in-memory limiter instead, a warning is logged, and Redis is tried again after
    `retry_seconds`."""

    def __init__(
        self,
        client: Any,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.time,
        fallback: RateLimiter | None = None,
        retry_seconds: float = 5.0,
        prefix: str = "guard:rate:",
    ) -> None:
        """A limiter on a redis.asyncio client (or anything with its interface)."""
        self.client = client
        self.limit = limit
        self.window = window
        self.clock = clock
        self.fallback = fallback or SlidingWindowLimiter(limit, window)
        self.prefix = prefix
        self.outage = RedisOutage("Guard's rate limit", retry_seconds, clock)

    async def allow(self, key: str) -> bool:
        """Record one message of `key` in Redis; False when it is over the limit."""
        if self.outage.away():
            return await self.fallback.allow(key)
        now = self.clock()
        name = self.prefix + key
        member = f"{now:.6f}-{uuid.uuid4().hex[:8]}"
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, 0, now - self.window)
                pipe.zadd(name, {member: now})
                pipe.zcard(name)
                pipe.pexpire(name, int(self.window * 1000) + 1000)
                results = await pipe.execute()
            if int(results[2]) > self.limit:
                await self.client.zrem(name, member)
                return False
            return True
        except Exception as error:  # redis errors, OSError, timeouts: degrade
            self.outage.lost(error)
            return await self.fallback.allow(key)


def make_limiter(
    limit: int, window: float, redis_url: str = "", name: str = "Guard's rate limit"
) -> RateLimiter:
    """The limiter the settings ask for: none (limit 0), Redis, the local file the
    workers of one machine share (channels.local_state), or in memory."""
    if limit <= 0:
        return NoLimit()
    local = SlidingWindowLimiter(limit, window)
    client = redis_client(redis_url, name)
    if client is None:
        path = local_state_path()
        return LocalLimiter(LocalFile(path), limit, window) if path else local
    return RedisLimiter(client, limit, window, fallback=local)


@functools.lru_cache(maxsize=1024)
def _ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address written in `text` (None for none); the latest 1,024 kept (every
    request reads the peer's and the trusted proxies' addresses)."""
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


@functools.lru_cache(maxsize=16)
def _ips(texts: tuple[str, ...]) -> frozenset[Any]:
    """The addresses written in `texts`, unreadable ones left out."""
    return frozenset(ip for ip in (_ip(t) for t in texts) if ip)


def client_address(
    peer: str | None,
    forwarded_for: str | None,
    trusted: Collection[str] = TRUSTED_PROXIES,
) -> str | None:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the
    nearest untrusted address in its X-Forwarded-For (what a client writes there
    itself is never believed past the proxies we run)."""
    trusted_ips = _ips(tuple(trusted))
    current = _ip(peer)
    if current is None:
        return None
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()]
    while current in trusted_ips and hops:
        forwarded = _ip(hops.pop())
        if forwarded is None:
            break
        current = forwarded
    return str(current)


def is_local(address: str | None) -> bool:
    """Whether the address or host name is this machine only (loopback, or
    `localhost`): never limited by address, one origin with 127.0.0.1, and where
    the action server may listen without a token."""
    if (address or "").strip().lower() == "localhost":
        return True
    ip = _ip(address)
    return ip is not None and ip.is_loopback


class TurnSlots:
    """How many turns may be in flight at once in this process."""

    def __init__(self, limit: int) -> None:
        """At most `limit` at once (0: no cap)."""
        self.limit = limit
        self.busy = 0

    def enter(self) -> bool:
        """Take a slot if one is free; whether one was."""
        if self.limit and self.busy >= self.limit:
            return False
        self.busy += 1
        return True

    def leave(self) -> None:
        """Give a slot back."""
        self.busy = max(0, self.busy - 1)


# Client metadata: kept only under this one key, so it never overwrites what Rasa
# keeps in a message's metadata (model_id, assistant_id) nor reaches a slot, and only
# up to this size and depth (Rasa stores it with every message and reloads it on
# every later turn; 490 levels of nesting made Rasa fail with a 500).
METADATA_KEY = "client"
MAX_METADATA_BYTES = 2048
MAX_METADATA_DEPTH = 4


class MetadataRefused(ValueError):
    """Client metadata over the size or depth limit; `code` names which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _depth(value: Any) -> int:
    """How deeply a JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values()
            if isinstance(item, dict)
            else item
            if isinstance(item, list | tuple)
            else None
        )
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_METADATA_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def client_metadata(raw: Any) -> dict[str, Any]:
    """A client's metadata as it is stored: personal data masked, under
    METADATA_KEY ({} when there is none). MetadataRefused when it is deeper than
    MAX_METADATA_DEPTH or larger than MAX_METADATA_BYTES as JSON."""
    if not raw:
        return {}
    if _depth(raw) > MAX_METADATA_DEPTH:
        raise MetadataRefused("metadata_too_deep")
    try:
        size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError) as error:
        raise MetadataRefused("metadata_too_large") from error
    if size > MAX_METADATA_BYTES:
        raise MetadataRefused("metadata_too_large")
    return {METADATA_KEY: mask_value(raw)}
