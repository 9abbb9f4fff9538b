"""The Redis lock store (stores/lock_store.py) against a real Redis server: its
scripts keep Rasa's ticket queue exactly as Rasa's own lock store would (the same
tickets, numbers and expiries after any sequence of changes, in Rasa's format), in
three round trips a turn, and two replicas' turns of one conversation still go one
at a time."""

import asyncio
import json
import random
import time

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore

from stores.lock_store import RedisLockStore


def store(server):
    return RedisLockStore(host="127.0.0.1", port=server.port, db=0, key_prefix="t")


def tickets(lock):
    return None if lock is None else [(t.number, t.expires) for t in lock.tickets]


class Clock:
    """time.time() as the test sets it."""

    def __init__(self):
        self.now = 1_764_880_000.25

    def __call__(self):
        return self.now


def test_the_scripts_keep_rasas_ticket_queue(redis, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    ours, rasas = store(redis), InMemoryLockStore()
    conversations = ["甲", "b/c", 'q"uote']
    rng = random.Random(7)
    issued = {c: [] for c in conversations}
    for _ in range(400):
        conversation = rng.choice(conversations)
        clock.now += rng.choice([0, 0.5, 3, 20])
        action = rng.random()
        if action < 0.45:
            lifetime = rng.choice([1, 10, 60])
            mine = ours.issue_ticket(conversation, lifetime)
            assert mine == rasas.issue_ticket(conversation, lifetime)
            issued[conversation].append(mine)
        elif action < 0.85 and issued[conversation]:
            number = issued[conversation].pop(rng.randrange(len(issued[conversation])))
            ours.cleanup(conversation, number)
            rasas.cleanup(conversation, number)
        else:
            ours.update_lock(conversation)
            rasas.update_lock(conversation)
        for other in conversations:
            assert tickets(ours.get_lock(other)) == tickets(rasas.get_lock(other))
    # in Rasa's format: Rasa's own TicketLock reads what the scripts wrote
    conversation = "格式"
    ours.issue_ticket(conversation, 60)
    raw = json.loads(ours.red.get(ours.key_prefix + conversation))
    assert raw["conversation_id"] == conversation
    assert tickets(TicketLock.from_dict(raw)) == [(0, clock.now + 60)]


async def turn_of(lock_store, conversation):
    async with lock_store.lock(conversation):
        pass


def test_a_turn_makes_three_round_trips(redis):
    ours = store(redis)
    asyncio.run(turn_of(ours, "first"))  # Redis learns the scripts (SCRIPT LOAD)
    commands = []
    send = ours.red.execute_command

    def counted(*args, **kwargs):
        commands.append(args[0])
        return send(*args, **kwargs)

    ours.red.execute_command = counted

    asyncio.run(turn_of(ours, "three"))
    assert commands == ["EVALSHA", "GET", "EVALSHA"]
    assert ours.get_lock("three") is None  # cleaned up


def test_turns_of_one_conversation_go_one_at_a_time(redis):
    replicas = [store(redis) for _ in range(3)]
    inside, most, order = [0], [0], []

    async def turn(number):
        async with replicas[number % 3].lock("one", wait_time_in_seconds=0.01):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.005)
            order.append(number)
            inside[0] -= 1

    async def all_turns():
        await asyncio.gather(*(turn(n) for n in range(12)))

    asyncio.run(all_turns())
    assert most[0] == 1
    assert order == list(range(12))  # in the order their tickets were issued
    assert replicas[0].get_lock("one") is None
