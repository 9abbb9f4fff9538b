"""What the Rasa replicas share through Redis besides Rasa's lock store: the rate
limit of each sender, WeChat's taken messages and numbered choices. Against a real
Redis server (Debian's package), including one that goes away and comes back."""

import asyncio

import redis.asyncio as redis_asyncio

from channels.limits import RedisLimiter
from channels.shared_state import RedisState


def client_of(server):
    return redis_asyncio.from_url(
        f"redis://127.0.0.1:{server.port}/0",
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
    )


def test_two_replicas_share_a_senders_rate_limit(redis):
    async def run():
        replicas = [RedisLimiter(client_of(redis), limit=3, window=60) for _ in "ab"]
        allowed = [await replicas[n % 2].allow("rest:someone") for n in range(5)]
        other = await replicas[1].allow("rest:someone-else")
        return allowed, other

    assert asyncio.run(run()) == ([True, True, True, False, False], True)


def test_two_replicas_share_taken_messages_and_choices(redis):
    async def run():
        first, second = RedisState(client_of(redis)), RedisState(client_of(redis))
        taken = [
            await first.add_once("wechat:msg:1", 300),
            await second.add_once("wechat:msg:1", 300),
        ]
        await first.put("wechat:choices:u", '["已经备案了"]', 60)
        return taken, await second.get("wechat:choices:u")

    assert asyncio.run(run()) == ([True, False], '["已经备案了"]')


def test_without_redis_each_replica_goes_on_alone_and_comes_back(redis, caplog):
    async def run():
        state = RedisState(client_of(redis), retry_seconds=0.5)
        limiter = RedisLimiter(client_of(redis), limit=1, window=60, retry_seconds=0.5)
        await state.add_once("wechat:msg:before", 300)
        redis.stop()
        away = (
            await state.add_once("wechat:msg:2", 300),
            await state.add_once("wechat:msg:2", 300),  # this process remembers
            await limiter.allow("rest:x"),
            await limiter.allow("rest:x"),
        )
        redis.start()
        await asyncio.sleep(0.6)  # past the retry pause: Redis is used again
        await state.add_once("wechat:msg:3", 300)
        # in Redis again: another replica sees the key
        back = not await RedisState(client_of(redis)).add_once("wechat:msg:3", 300)
        return away, back

    away, back = asyncio.run(run())
    assert away == (True, False, True, False)
    assert back is True
    assert "unreachable" in caplog.text
