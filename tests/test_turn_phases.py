"""bench.turn_phases: its timing wrapper keeps what the method does (result,
exception, sync or async) and records one time per call; the table reads per call
and per turn."""

import asyncio
import collections

import pytest

from bench.turn_phases import table, timed


def test_sync_and_async_methods_are_timed_once_per_call():
    times = collections.defaultdict(list)

    async def parse(x):
        return x * 2

    def save(x):
        if x < 0:
            raise ValueError(x)
        return x

    timed_parse = timed(parse, "parse_message", times)
    timed_save = timed(save, "save_tracker", times)
    assert asyncio.run(timed_parse(3)) == 6
    assert timed_save(4) == 4
    with pytest.raises(ValueError):
        timed_save(-1)
    assert len(times["parse_message"]) == 1
    assert len(times["save_tracker"]) == 2
    assert all(t >= 0 for values in times.values() for t in values)


def test_table_per_call_and_per_turn():
    times = {"parse_message": [4.0, 6.0], "_run_action": [1.0, 1.0, 4.0]}
    lines = table(times, turns=2)
    parse = next(line for line in lines if line.startswith("parse_message"))
    action = next(line for line in lines if line.startswith("_run_action"))
    assert parse.split()[1:] == ["2", "5.00", "5.00"]
    assert action.split()[1:] == ["3", "2.00", "3.00"]
    assert not any(line.startswith("save_tracker") for line in lines)
