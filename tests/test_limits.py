"""channels/limits.py: the rate limiters (per conversation and per client address,
in memory or in Redis), the client address behind a trusted proxy, and the cap on
turns in flight; and the guard applying the address limit."""

import asyncio
import itertools
import logging

import pytest

from channels.guard import USER_TEXTS, Guard, GuardSettings
from channels.limits import (
    NoLimit,
    RedisLimiter,
    SlidingWindowLimiter,
    TurnSlots,
    client_address,
    is_local,
    make_limiter,
)


def limiter_of(settings):
    return make_limiter(settings.rate_limit, settings.rate_window, settings.redis_url)


def test_make_limiter_picks_the_backend():
    assert isinstance(limiter_of(GuardSettings(rate_limit=0)), NoLimit)
    assert isinstance(limiter_of(GuardSettings()), SlidingWindowLimiter)
    redis_backed = limiter_of(GuardSettings(redis_url="redis://127.0.0.1:1/0"))
    assert isinstance(redis_backed, RedisLimiter)
    assert isinstance(
        limiter_of(GuardSettings(redis_url="nonsense://")), SlidingWindowLimiter
    )


# rate limiters


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_sliding_window_with_a_fake_clock():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("b")  # per key
    clock.now += 30
    assert not limiter.hit("a")  # refused messages do not count, the window slides
    clock.now += 30.5
    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]


def test_the_window_slides_message_by_message():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 10, clock=clock)
    assert limiter.hit("a")  # t=0
    clock.now += 6
    assert limiter.hit("a")  # t=6
    clock.now += 3
    assert not limiter.hit("a")  # t=9: two in the last 10 s
    clock.now += 1.5
    assert limiter.hit("a")  # t=10.5: the first has left the window
    assert not limiter.hit("a")


def test_the_limiter_forgets_the_oldest_senders():
    limiter = SlidingWindowLimiter(1, 60, clock=FakeClock(), max_keys=3)
    for key in "abcd":
        assert limiter.hit(key)
    assert len(limiter._hits) == 3
    assert limiter.hit("a")  # "a" was forgotten
    assert not limiter.hit("d")


class FakeRedis:
    """The few sorted-set commands RedisLimiter uses, in memory."""

    def __init__(self):
        self.sets = {}
        self.expiry = {}

    def pipeline(self, transaction=True):
        return FakePipeline(self)

    async def zrem(self, name, member):
        self.sets.get(name, {}).pop(member, None)


class FakePipeline:
    def __init__(self, redis):
        self.redis = redis
        self.commands = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def zremrangebyscore(self, name, low, high):
        self.commands.append(("zremrangebyscore", name, low, high))

    def zadd(self, name, mapping):
        self.commands.append(("zadd", name, mapping))

    def zcard(self, name):
        self.commands.append(("zcard", name))

    def pexpire(self, name, ms):
        self.commands.append(("pexpire", name, ms))

    async def execute(self):
        results = []
        for command, name, *args in self.commands:
            members = self.redis.sets.setdefault(name, {})
            if command == "zremrangebyscore":
                low, high = args
                gone = [m for m, s in members.items() if low <= s <= high]
                for member in gone:
                    del members[member]
                results.append(len(gone))
            elif command == "zadd":
                members.update(args[0])
                results.append(len(args[0]))
            elif command == "zcard":
                results.append(len(members))
            else:
                self.redis.expiry[name] = args[0]
                results.append(True)
        return results


class DownRedis:
    def __init__(self):
        self.calls = 0

    def pipeline(self, transaction=True):
        self.calls += 1
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")


def test_redis_limiter_shares_the_window_between_replicas():
    redis, clock = FakeRedis(), FakeClock()
    replica_a = RedisLimiter(redis, 3, 60, clock=clock)
    replica_b = RedisLimiter(redis, 3, 60, clock=clock)

    async def run():
        answers = []
        for limiter in (replica_a, replica_b, replica_a, replica_b):
            answers.append(await limiter.allow("rest:u1"))
            clock.now += 1
        answers.append(await replica_a.allow("rest:u2"))
        clock.now += 60
        answers.append(await replica_b.allow("rest:u1"))
        return answers

    assert asyncio.run(run()) == [True, True, True, False, True, True]
    assert redis.expiry["guard:rate:rest:u1"] == 61_000
    # a refused message is not kept in the window
    assert len(redis.sets["guard:rate:rest:u1"]) == 1


def test_an_unreachable_redis_falls_back_to_the_local_limit_with_a_warning(caplog):
    redis, clock = DownRedis(), FakeClock()
    limiter = RedisLimiter(
        redis,
        2,
        60,
        clock=clock,
        fallback=SlidingWindowLimiter(2, 60, clock=clock),
        retry_seconds=5,
    )

    async def run():
        return [await limiter.allow("u") for _ in range(3)]

    with caplog.at_level(logging.WARNING, logger="channels.shared_state"):
        assert asyncio.run(run()) == [True, True, False]
    assert redis.calls == 1  # not retried while it is known to be down
    warnings = [r.message for r in caplog.records if "Redis unreachable" in r.message]
    assert len(warnings) == 1 and warnings[0].startswith("Guard's rate limit")
    clock.now += 6
    asyncio.run(limiter.allow("other"))
    assert redis.calls == 2  # tried again after retry_seconds


def test_a_real_redis_client_pointing_nowhere_still_allows():
    limiter = limiter_of(GuardSettings(rate_limit=2, redis_url="redis://127.0.0.1:9/0"))

    async def run():
        return [await limiter.allow("u") for _ in range(3)]

    assert asyncio.run(run()) == [True, True, False]


@pytest.mark.parametrize(
    ("peer", "forwarded", "address"),
    [
        ("203.0.113.7", None, "203.0.113.7"),  # exposed directly: the peer
        ("203.0.113.7", "198.51.100.2", "203.0.113.7"),  # not a proxy of ours: ignored
        ("127.0.0.1", "198.51.100.2", "198.51.100.2"),  # behind our nginx
        ("127.0.0.1", "1.2.3.4, 198.51.100.2", "198.51.100.2"),  # a client's own XFF
        ("127.0.0.1", "1.2.3.4, 127.0.0.1", "1.2.3.4"),  # two of our proxies
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("127.0.0.1", "nonsense", "127.0.0.1"),
        ("127.0.0.1", None, "127.0.0.1"),
        (None, "198.51.100.2", None),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(peer, forwarded, address):
    assert client_address(peer, forwarded) == address


def test_loopback_is_local():
    assert is_local("127.0.0.1") and is_local("::1")
    assert not is_local("203.0.113.7") and not is_local(None)


def test_rotating_sender_ids_from_one_address_are_limited():
    guard = Guard("t", GuardSettings(rate_limit=20, address_limit=5))
    senders = (f"user-{n}" for n in itertools.count())

    async def flood():
        return [
            (await guard.screen(next(senders), "在吗", address="203.0.113.7")).reply
            for _ in range(8)
        ]

    async def neighbour():
        return (await guard.screen("someone", "在吗", address="198.51.100.2")).reply

    replies = asyncio.run(flood())
    assert replies[:5] == [None] * 5
    assert replies[5:] == [USER_TEXTS["rate_limited"]] * 3
    assert asyncio.run(neighbour()) is None  # another address is not held back


def test_this_machine_is_not_limited_by_address():
    guard = Guard("t", GuardSettings(rate_limit=20, address_limit=2))

    async def run():
        return [
            (await guard.screen(f"u{n}", "在吗", address="127.0.0.1")).reply
            for n in range(5)
        ]

    assert asyncio.run(run()) == [None] * 5


def test_turn_slots_count_what_is_in_flight():
    slots = TurnSlots(2)
    assert slots.enter() and slots.enter() and not slots.enter()
    slots.leave()
    assert slots.enter()
    assert TurnSlots(0).enter()  # no cap


def test_one_local_check_for_addresses_and_host_names():
    """One check decides "this machine" everywhere: limits, origins, the action
    server's interface."""
    import rasa_sdk_plugins
    from channels import sessions

    for local in ("127.0.0.1", "::1", "localhost", "LOCALHOST", "127.8.9.10"):
        assert is_local(local)
    for remote in ("0.0.0.0", "10.0.0.5", "example.org", "", None):
        assert not is_local(remote)
    assert rasa_sdk_plugins.is_local is is_local
    assert sessions.is_local is is_local
