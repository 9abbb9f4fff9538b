"""The channels' shared state in memory (Redis is tested against a real server in
tests/e2e/test_redis_state.py)."""

import asyncio

from channels.shared_state import MemoryState, make_shared_state


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_key_is_taken_once_until_it_expires():
    clock = Clock()
    state = MemoryState(clock=clock)

    async def run():
        assert await state.add_once("msg:1", 300)
        assert not await state.add_once("msg:1", 300)
        clock.now += 301
        return await state.add_once("msg:1", 300)

    assert asyncio.run(run())


def test_values_live_for_their_time_and_the_oldest_go_beyond_the_size():
    clock = Clock()
    state = MemoryState(size=2, clock=clock)

    async def run():
        await state.put("a", "1", 10)
        await state.put("b", "2", 100)
        await state.put("c", "3", 100)  # "a" is forgotten: only two are kept
        kept = [await state.get(key) for key in "abc"]
        clock.now += 50
        await state.put("b", "4", 100)
        clock.now += 60
        return kept, [await state.get(key) for key in "bc"]

    assert asyncio.run(run()) == ([None, "2", "3"], ["4", None])


def test_without_a_redis_url_the_state_is_in_memory():
    assert isinstance(make_shared_state(""), MemoryState)
    assert isinstance(make_shared_state(None), MemoryState)
