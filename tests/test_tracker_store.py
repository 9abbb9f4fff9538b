"""A long conversation starts a new session, its context carried (issue 15): the
turn's cost stays flat while the places, the topic, the offered buttons and the
whole conversation for the history are kept. Rasa's SQL store on a temporary
SQLite file; no server."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels.socketio import history_of
from stores.tracker_store import CARRIED, SQLTrackerStore

DOMAIN = Domain.load("domain.yml")
BUTTONS = [{"title": "未备案", "payload": '/inform{"filing_status": "not_filed"}'}]


def store(tmp_path, limit):
    return SQLTrackerStore(
        domain=DOMAIN,
        dialect="sqlite",
        db=str(tmp_path / "t.db"),
        max_session_events=limit,
    )


def turn(number):
    return [
        UserUttered(f"问题{number}", {"name": "ask_card_elsewhere"}),
        SlotSet("region_insured", "320000"),
        ActionExecuted("action_answer"),
        BotUttered(f"回答{number}", {"buttons": BUTTONS}),
        ActionExecuted("action_listen"),
    ]


def conversation(turns, *extra):
    tracker = DialogueStateTracker.from_events(
        "long", [ActionExecuted("action_listen")], DOMAIN.slots
    )
    for number in range(turns):
        for event in turn(number):
            tracker.update(event, DOMAIN)
    for event in extra:
        tracker.update(event, DOMAIN)
    return tracker


def test_a_long_session_starts_afresh_with_its_context(tmp_path):
    tracker_store = store(tmp_path, 40)
    asyncio.run(tracker_store.save(conversation(12)))  # 61 events
    rolled = asyncio.run(tracker_store.retrieve("long"))
    assert isinstance(rolled.events[0], SessionStarted)
    assert len(rolled.events) < 10
    assert rolled.get_slot("region_insured") == "320000"  # the context
    carried = [e for e in rolled.events if isinstance(e, BotUttered)]
    assert [e.text for e in carried] == ["回答11"]  # the buttons just offered
    assert carried[0].metadata[CARRIED] and carried[0].data["buttons"] == BUTTONS
    assert rolled.latest_action_name == "action_listen"
    # the next read is the new session; the next turn is saved after it
    rolled.update(UserUttered("问题12", {"name": "ask_card_elsewhere"}))
    asyncio.run(tracker_store.save(rolled))
    again = asyncio.run(tracker_store.retrieve("long"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["问题12"]
    # the whole conversation is kept, and the history shows each reply once
    full = asyncio.run(tracker_store.retrieve_full_tracker("long"))
    shown = history_of(full.events)
    users = [e["text"] for e in shown if e["event"] == "user"]
    bots = [e["text"] for e in shown if e["event"] == "bot"]
    assert users == [f"问题{n}" for n in range(13)]
    assert bots == [f"回答{n}" for n in range(12)]


def test_a_session_under_the_limit_or_with_a_form_running_is_kept(tmp_path):
    tracker_store = store(tmp_path, 200)
    asyncio.run(tracker_store.save(conversation(12)))
    assert len(asyncio.run(tracker_store.retrieve("long")).events) == 61
    (tmp_path / "form").mkdir()
    form = store(tmp_path / "form", 40)
    running = conversation(
        12, ActiveLoop("estimate_form"), ActionExecuted("action_listen")
    )
    asyncio.run(form.save(running))
    assert asyncio.run(form.retrieve("long")).active_loop_name == "estimate_form"
    assert len(asyncio.run(form.retrieve("long")).events) == len(running.events)


@pytest.mark.parametrize("limit", [0, None])
def test_no_limit_never_rolls(tmp_path, limit):
    tracker_store = store(tmp_path, limit)
    asyncio.run(tracker_store.save(conversation(30)))
    assert len(asyncio.run(tracker_store.retrieve("long")).events) == 151


def test_sqlite_runs_in_write_ahead_mode(tmp_path):
    tracker_store = store(tmp_path, 0)
    with tracker_store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert (mode, synchronous) == ("wal", 1)  # 1: NORMAL


def test_a_read_outside_a_turn_never_starts_a_session(tmp_path):
    """The guard reads the buttons offered without the conversation's lock: through
    Rasa's wrappers it peeks, so a turn under way cannot see its session replaced."""
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore

    from stores.tracker_store import peek

    tracker_store = store(tmp_path, 40)
    asyncio.run(tracker_store.save(conversation(12)))
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(tracker_store))
    assert len(asyncio.run(peek(wrapped, "long")).events) == 61
    assert len(asyncio.run(peek(wrapped, "long")).events) == 61  # nothing written
    assert isinstance(asyncio.run(wrapped.retrieve("long")).events[0], SessionStarted)
