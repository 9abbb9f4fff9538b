"""Several Sanic workers of one machine share the conversation locks, the rate
limits, the taken WeChat messages and the offered choices through a local SQLite
file (issue 15: a second worker, so one server uses both cores). Real processes
where it matters; no server."""

import asyncio
import multiprocessing
from pathlib import Path

import pytest

from channels.limits import LocalLimiter, SlidingWindowLimiter, make_limiter
from channels.local_state import LocalFile, LocalState, local_state_path
from channels.shared_state import MemoryState, make_shared_state
from stores.lock_store import SQLiteLockStore


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_file_is_asked_for_by_the_workers_or_named():
    assert local_state_path({}) is None
    assert local_state_path({"SANIC_WORKERS": "1"}) is None
    assert local_state_path({"SANIC_WORKERS": "x"}) is None
    assert local_state_path({"SANIC_WORKERS": "2", "TRACKER_DB": "/d/c.db"}) == str(
        Path("/d/c.channels.db")
    )
    assert local_state_path({"CHANNEL_STATE_DB": "/s.db"}) == "/s.db"


def test_without_workers_or_redis_state_stays_in_memory(monkeypatch):
    for name in ("SANIC_WORKERS", "CHANNEL_STATE_DB"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(make_shared_state(None), MemoryState)
    assert isinstance(make_limiter(5, 60), SlidingWindowLimiter)


def test_with_workers_state_and_limits_go_to_the_file(monkeypatch, tmp_path):
    monkeypatch.delenv("CHANNEL_STATE_DB", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "conversations.db"))
    assert isinstance(make_shared_state(None), LocalState)
    assert isinstance(make_limiter(5, 60), LocalLimiter)
    assert (tmp_path / "conversations.channels.db").exists()


def test_values_and_taken_keys_live_for_their_time(tmp_path):
    clock = Clock()
    one = LocalState(LocalFile(str(tmp_path / "s.db"), clock))
    other = LocalState(LocalFile(str(tmp_path / "s.db"), clock))

    async def run():
        assert await one.add_once("msg:1", 300)
        assert not await other.add_once("msg:1", 300)  # taken by the other worker
        await one.put("choices:u", "[1, 2]", 100)
        seen = await other.get("choices:u")
        clock.now += 301
        return seen, await other.get("choices:u"), await other.add_once("msg:1", 300)

    assert asyncio.run(run()) == ("[1, 2]", None, True)


def test_the_window_counts_every_workers_messages(tmp_path):
    clock = Clock()
    one = LocalLimiter(LocalFile(str(tmp_path / "s.db"), clock), 3, 60)
    other = LocalLimiter(LocalFile(str(tmp_path / "s.db"), clock), 3, 60)

    async def run():
        allowed = [await w.allow("u") for w in (one, other, one, other)]
        clock.now += 61
        return allowed, await other.allow("u"), await other.allow("someone else")

    assert asyncio.run(run()) == ([True, True, True, False], True, True)


def _take(path, key, start, results):
    start.wait()
    results.put(asyncio.run(LocalState(LocalFile(path)).add_once(key, 300)))


def _turns(path, count, start):
    """Read-modify-write a counter file `count` times, each under the lock."""
    store = SQLiteLockStore(db=path)
    counter = Path(path).with_suffix(".count")
    start.wait()

    async def run():
        for _ in range(count):
            async with store.lock("conversation", wait_time_in_seconds=0.005):
                value = int(counter.read_text())
                await asyncio.sleep(0.002)
                counter.write_text(str(value + 1))

    asyncio.run(run())


@pytest.fixture
def processes():
    context = multiprocessing.get_context("fork")
    started = []

    def start(target, *args):
        process = context.Process(target=target, args=args)
        process.start()
        started.append(process)

    yield context, start
    for process in started:
        process.join(30)
        assert process.exitcode == 0


def test_one_message_is_taken_by_one_of_many_processes(tmp_path, processes):
    context, start = processes
    path, go, results = str(tmp_path / "s.db"), context.Event(), context.Queue()
    LocalFile(path)
    for _ in range(6):
        start(_take, path, "wechat:msg:42", go, results)
    go.set()
    taken = [results.get(timeout=30) for _ in range(6)]
    assert taken.count(True) == 1


def test_the_lock_store_lets_one_process_at_a_time_into_a_conversation(
    tmp_path, processes
):
    context, start = processes
    path, go = str(tmp_path / "locks.db"), context.Event()
    Path(path).with_suffix(".count").write_text("0")
    SQLiteLockStore(db=path)
    for _ in range(4):
        start(_turns, path, 10, go)
    go.set()
    for process in list(multiprocessing.active_children()):
        process.join(60)
    assert Path(path).with_suffix(".count").read_text() == "40"  # no turn lost
    assert SQLiteLockStore(db=path).get_lock("conversation") is None  # cleaned up
