"""The tracker store holds each process's latest conversations (issue 15): a turn
reads one number instead of replaying its session, yet sees whatever another worker
or replica wrote, never a tracker a failed turn changed, and the table always ends
up with every event once. Rasa's SQL store on a temporary SQLite file; no server."""

import asyncio

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from stores.tracker_store import SQLTrackerStore

DOMAIN = Domain.load("domain.yml")


def store(path, held=256):
    return SQLTrackerStore(
        domain=DOMAIN,
        dialect="sqlite",
        db=str(path / "t.db"),
        max_session_events=0,
        held_conversations=held,
    )


def say(tracker, number):
    for event in [
        UserUttered(f"问题{number}", {"name": "ask_card_elsewhere"}),
        SlotSet("region_insured", f"3{number:05d}"),
        ActionExecuted("action_answer"),
        BotUttered(f"回答{number}"),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event, DOMAIN)
    return tracker


def run(coroutine):
    return asyncio.run(coroutine)


class SessionReads:
    """Counts the statements that read a session's event rows."""

    def __init__(self, tracker_store):
        self.count = 0
        sa.event.listen(tracker_store.engine, "before_cursor_execute", self.seen)

    def seen(self, _conn, _cursor, statement, *_args):
        if "events.data" in statement and statement.lstrip().startswith("SELECT"):
            self.count += 1


def new_conversation(tracker_store, sender="c"):
    tracker = run(tracker_store.get_or_create_tracker(sender))
    run(tracker_store.save(say(tracker, 0)))
    return tracker


def stored(path, sender="c"):
    """What a process that holds nothing reads from the table."""
    tracker = run(store(path, held=0).retrieve(sender))
    return [e.as_dict() for e in tracker.events]


def test_a_turn_gets_the_held_tracker_and_saves_only_its_new_events(tmp_path):
    tracker_store = store(tmp_path)
    reads = SessionReads(tracker_store)
    saved = new_conversation(tracker_store)
    for number in range(1, 4):
        tracker = run(tracker_store.retrieve("c"))
        assert tracker is saved  # nothing replayed
        run(tracker_store.save(say(tracker, number)))
    assert reads.count == 0
    assert stored(tmp_path) == [e.as_dict() for e in saved.events]
    assert saved.get_slot("region_insured") == "300003"


def test_what_another_worker_wrote_is_read(tmp_path):
    one, other = store(tmp_path), store(tmp_path)
    held = new_conversation(one)
    theirs = run(other.retrieve("c"))
    run(other.save(say(theirs, 1)))
    mine = run(one.retrieve("c"))
    assert mine is not held
    assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in theirs.events]
    run(one.save(say(mine, 2)))
    texts = [e["text"] for e in stored(tmp_path) if e["event"] == "user"]
    assert texts == ["问题0", "问题1", "问题2"]  # each once, none lost


def test_a_turn_that_never_saved_leaves_nothing_behind(tmp_path):
    tracker_store = store(tmp_path)
    held = new_conversation(tracker_store)
    held.update(UserUttered("失败的一轮", {"name": "ask_card_elsewhere"}), DOMAIN)
    tracker = run(tracker_store.retrieve("c"))
    assert tracker is not held
    assert [e.as_dict() for e in tracker.events] == stored(tmp_path)
    assert "失败的一轮" not in [e.text for e in tracker.events if e.type_name == "user"]


def test_only_the_latest_conversations_are_held(tmp_path):
    tracker_store = store(tmp_path, held=2)
    reads = SessionReads(tracker_store)
    for sender in "abc":
        new_conversation(tracker_store, sender)
    for sender in "bc":
        run(tracker_store.retrieve(sender))
    assert reads.count == 0
    run(tracker_store.retrieve("a"))  # the oldest was let go: read again
    assert reads.count == 1
    nothing_held = store(tmp_path, held=0)
    reads = SessionReads(nothing_held)
    run(nothing_held.retrieve("a"))
    run(nothing_held.retrieve("a"))
    assert reads.count == 2


def highest_ids(path):
    """Each conversation's highest event id in the table."""
    engine = sa.create_engine(f"sqlite:///{path / 't.db'}")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT sender_id, max(id) FROM events GROUP BY sender_id")
        )
        return dict(rows.all())


def test_a_save_on_sqlite_asks_for_no_highest_id_yet_holds_the_tables(tmp_path):
    """The insert's last row id is the mark: no `SELECT max(id)` in a save, and the
    mark held is the table's own, also when another conversation wrote between and
    when a save writes many rows."""
    tracker_store, other = store(tmp_path), store(tmp_path)
    statements = []
    sa.event.listen(
        tracker_store.engine,
        "before_cursor_execute",
        lambda _c, _k, statement, *_a: statements.append(" ".join(statement.split())),
    )
    saved = new_conversation(tracker_store, "a")
    new_conversation(other, "b")
    tracker = run(tracker_store.retrieve("a"))
    statements.clear()
    run(tracker_store.save(say(tracker, 1)))
    assert [s for s in statements if s.startswith("SELECT max")] == []
    for number in range(2, 70):  # 340 events
        say(tracker, number)
    run(tracker_store.save(tracker))
    highest = highest_ids(tmp_path)
    assert tracker_store._held["a"].mark == highest["a"] > highest["b"]
    assert run(tracker_store.retrieve("a")) is saved  # the mark matched
    assert stored(tmp_path, "a") == [e.as_dict() for e in saved.events]


def assert_sessions_read_as_rasa_reads_them(tracker_store):
    """The store's own query of the latest session gives the rows of Rasa's
    `_event_query`, for conversations of none, one and two session starts, and a
    read outside a turn (`peek`) the tracker Rasa's `retrieve` gives."""
    from rasa.shared.core.events import SessionStarted

    read = []
    for starts in range(3):
        sender = f"sessions-{starts}-{id(tracker_store)}"
        tracker = run(tracker_store.get_or_create_tracker(sender))
        for number in range(3):
            say(tracker, number)
            if number < starts:
                tracker.update(SessionStarted(), DOMAIN)
                tracker.update(ActionExecuted("action_listen"), DOMAIN)
        run(tracker_store.save(tracker))
        with tracker_store.session_scope() as session:
            rasas = [
                row.data
                for row in tracker_store._event_query(session, sender, False).all()
            ]
            ours = session.execute(
                tracker_store._sql.session_rows, {"sender": sender}
            ).scalars()
            assert list(ours) == rasas
        peeked = run(tracker_store.peek(sender))
        rasas_own = run(super(SQLTrackerStore, tracker_store).retrieve(sender))
        assert [e.as_dict() for e in peeked.events] == [
            e.as_dict() for e in rasas_own.events
        ]
        read.append(len(rasas))
    assert read[0] > read[1] > read[2] > 0  # a later start, a shorter session


def test_the_latest_session_is_read_as_rasa_reads_it(tmp_path):
    assert_sessions_read_as_rasa_reads_them(store(tmp_path, held=0))


def test_a_new_conversation_is_written_once_with_its_first_turn(tmp_path):
    """Rasa saves a conversation it creates at once (its lone action_listen); the
    store writes it with the rest of the first turn instead: one write, every event
    stored once. A first turn that never saves leaves nothing behind."""
    tracker_store = store(tmp_path)
    writes = []
    write = tracker_store._write
    tracker_store._write = lambda tracker: writes.append(1) or write(tracker)
    tracker = run(tracker_store.get_or_create_tracker("first"))
    assert writes == [] and stored_or_none(tmp_path, "first") is None
    run(tracker_store.save(say(tracker, 0)))
    assert len(writes) == 1
    assert stored(tmp_path, "first") == [e.as_dict() for e in tracker.events]
    assert tracker.events[0].action_name == "action_listen"
    assert run(tracker_store.retrieve("first")) is tracker

    failed = run(tracker_store.get_or_create_tracker("failed"))
    failed.update(UserUttered("没存下来", {"name": "greet"}), DOMAIN)
    again = run(tracker_store.get_or_create_tracker("failed"))
    assert again is not failed and len(again.events) == 1
    assert stored_or_none(tmp_path, "failed") is None

    nothing_held = store(tmp_path, held=0)
    run(nothing_held.get_or_create_tracker("unheld"))
    assert len(stored(tmp_path, "unheld")) == 1  # Rasa's own way: written at once


def stored_or_none(path, sender):
    tracker = run(store(path, held=0).retrieve(sender))
    return None if tracker is None else tracker.events
