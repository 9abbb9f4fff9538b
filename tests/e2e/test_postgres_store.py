"""The tracker store on a real PostgreSQL server (as each replica of the scale-out
setup has it): the held tracker is handed out again after saves, what another
replica wrote is read, every event is stored once, and a save asks for no highest
id after its insert (the insert returns the ids it wrote)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bench.cluster import postgres_server
from stores.tracker_store import SQLTrackerStore
from tests.test_held_trackers import run, say

DOMAIN = Domain.load("domain.yml")


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


def store(postgres, held=256):
    return SQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host=postgres.host,
        port=postgres.port,
        db=postgres.database,
        username=postgres.user,
        password=postgres.password,
        max_session_events=0,
        held_conversations=held,
    )


class Statements:
    """The statements a store sends, as text."""

    def __init__(self, tracker_store):
        self.seen: list[str] = []
        sa.event.listen(tracker_store.engine, "before_cursor_execute", self.note)

    def note(self, _conn, _cursor, statement, *_args):
        self.seen.append(" ".join(statement.split()))

    def asking_highest_id(self):
        return [s for s in self.seen if s.startswith("SELECT max(events.id)")]


def events_of(tracker):
    return [e.as_dict() for e in tracker.events]


def test_held_trackers_and_saves_on_postgresql(postgres):
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    one, other = store(postgres), store(postgres)
    statements = Statements(one)
    saved = run(one.get_or_create_tracker(sender))
    run(one.save(say(saved, 0)))
    for number in range(1, 4):
        tracker = run(one.retrieve(sender))
        assert tracker is saved  # held: the mark it kept is the table's
        statements.seen.clear()
        run(one.save(say(tracker, number)))
        # the insert returns its ids: the save asks for no highest id
        (insert,) = [s for s in statements.seen if s.startswith("INSERT")]
        assert "RETURNING events.id" in insert
        assert statements.asking_highest_id() == []

    theirs = run(other.retrieve(sender))
    assert events_of(theirs) == events_of(saved)
    run(other.save(say(theirs, 4)))
    mine = run(one.retrieve(sender))
    assert mine is not saved and events_of(mine) == events_of(theirs)
    run(one.save(say(mine, 5)))
    fresh = run(store(postgres, held=0).retrieve(sender))
    texts = [e.text for e in fresh.events if e.type_name == "user"]
    assert texts == [f"问题{n}" for n in range(6)]  # each once, none lost
    assert fresh.get_slot("region_insured") == "300005"


def test_a_new_session_is_written_with_its_ids_returned(postgres):
    sender = f"pg-long-{uuid.uuid4().hex[:8]}"
    tracker_store = store(postgres)
    tracker_store.max_session_events = 12
    tracker = run(tracker_store.get_or_create_tracker(sender))
    for number in range(4):
        run(tracker_store.save(say(tracker, number)))
        tracker = run(tracker_store.retrieve(sender))
    # the session rolled over (carried events appended) and is still held afresh
    assert len(tracker.events) < 4 * 5
    assert run(tracker_store.retrieve(sender)) is tracker
    tracker.update(UserUttered("再问", {"name": "ask_card_elsewhere"}), DOMAIN)
    for event in (SlotSet("region_insured", "110000"), ActionExecuted("action_answer")):
        tracker.update(event, DOMAIN)
    tracker.update(BotUttered("再答"), DOMAIN)
    run(tracker_store.save(tracker))
    assert run(tracker_store.retrieve(sender)) is tracker
    again = run(store(postgres, held=0).retrieve(sender))
    assert events_of(again) == events_of(tracker)


def test_connections_in_use_go_unchecked_and_a_restart_under_them_is_survived(
    postgres, monkeypatch, caplog
):
    """A connection in steady use is handed out without a check (no `SELECT 1`
    before each read and save); when the server restarts under it, the turn's read
    and save go once more on a new connection instead of failing."""
    import stores.sql_events as module

    sender = f"pg-restart-{uuid.uuid4().hex[:8]}"
    tracker_store = store(postgres)
    statements = Statements(tracker_store)
    tracker = run(tracker_store.get_or_create_tracker(sender))
    run(tracker_store.save(say(tracker, 0)))
    statements.seen.clear()
    for number in range(1, 3):
        tracker = run(tracker_store.retrieve(sender))
        run(tracker_store.save(say(tracker, number)))
    assert "SELECT 1" not in statements.seen

    caplog.set_level("INFO", logger=module.__name__)
    monkeypatch.setattr(module, "PING_AFTER_IDLE_SECONDS", 3600)  # never checked
    postgres.restart()
    tracker = run(tracker_store.retrieve(sender))  # the dead connection: once more
    run(tracker_store.save(say(tracker, 3)))
    postgres.restart()
    tracker.update(UserUttered("重启后", {"name": "ask_card_elsewhere"}), DOMAIN)
    run(tracker_store.save(tracker))  # a save on a dead connection: once more
    fresh = run(store(postgres, held=0).retrieve(sender))
    texts = [e.text for e in fresh.events if e.type_name == "user"]
    assert texts == ["问题0", "问题1", "问题2", "问题3", "重启后"]
    # the read after the first restart went once more (after the second, the pool
    # may find the connection dead itself as it hands it out: both go on)
    assert "connection was lost" in caplog.text

    # an idle connection is checked and replaced: the read needs no second try
    monkeypatch.setattr(module, "PING_AFTER_IDLE_SECONDS", 0)
    caplog.clear()
    postgres.restart()
    assert run(tracker_store.retrieve(sender)) is tracker
    assert "connection was lost" not in caplog.text


def test_a_held_turn_is_two_statements_outside_a_transaction(postgres):
    """The turn's read asks the highest id; its save is one INSERT ... RETURNING;
    both on connections in autocommit (psycopg2 sends no BEGIN, SQLAlchemy no
    COMMIT or ROLLBACK: two round trips fewer each)."""
    sender = f"pg-turn-{uuid.uuid4().hex[:8]}"
    tracker_store = store(postgres)
    seen = []

    def note(conn, _cursor, statement, *_args):
        autocommit = conn.connection.dbapi_connection.autocommit
        seen.append((" ".join(statement.split())[:30], autocommit))

    sa.event.listen(tracker_store.engine, "before_cursor_execute", note)
    tracker = run(tracker_store.get_or_create_tracker(sender))
    run(tracker_store.save(say(tracker, 0)))
    seen.clear()
    tracker = run(tracker_store.retrieve(sender))
    run(tracker_store.save(say(tracker, 1)))
    assert seen == [
        ("SELECT max(events.id) AS max_1", True),
        ("INSERT INTO events (sender_id,", True),
    ]


def test_the_latest_session_is_read_as_rasa_reads_it(postgres):
    from tests.test_held_trackers import assert_sessions_read_as_rasa_reads_them

    assert_sessions_read_as_rasa_reads_them(store(postgres, held=0))
