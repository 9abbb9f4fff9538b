"""Rasa's SQL tracker store, made to survive a restart of its database server and to
keep a turn's cost flat in a long conversation.

Rasa 3.6 builds its SQLAlchemy engine without any check of its connections, so after
PostgreSQL restarts, every pooled connection is dead and the next turns fail until
the pool has been thrown away. This store is Rasa's own, with an engine that checks
a connection idle for over a second before handing it out (and reconnects when it is
stale), and a turn's read and save that, should the server have gone away under
them, go once more on a new connection (SQLAlchemy then renews the whole pool). A
connection in steady use is not checked: checking each (`pool_pre_ping`) was a round
trip before every read and save. A SQLite file's connections are pooled instead of
opened for every read and write. The engine and the statements of a turn (three
round trips on PostgreSQL, outside transactions) are in stores/sql_events.py.

Rasa reads, replays and featurizes every event of the latest session on every turn,
so a conversation that goes on (one sender id, no pause of an hour) gets dearer with
each turn. When the latest session holds more than `max_session_events` events, at a
turn boundary and with no form running, this store starts a new session as Rasa does
after an idle hour: SessionStarted, the slots carried over, and action_listen; the
previous turn's replies are carried too (marked `carried`), so the buttons just
offered still count. Everything stays in the table: the full conversation is still
there for the history and for analysis (`retrieve_full_tracker`).

Each process holds the trackers of its latest conversations (`held_conversations`,
least recently used first out). A turn then reads one number instead of the session:
the conversation's highest event id, which says whether anyone (another worker or
replica) has written to it since; if so, or if the held tracker was changed by a turn
that never saved, the session is read from the table as before. Saving likewise
skips Rasa's count of the stored events when the tracker saved is the one held.
Every writer of a conversation holds its lock, as Rasa's own save assumes.

    tracker_store:
      type: stores.tracker_store.SQLTrackerStore
      dialect: postgresql   # or sqlite
      max_session_events: 120   # 0: never roll
      held_conversations: 256   # 0: read every turn from the table
      ...
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm.session import sessionmaker

from stores.sql_events import (
    COLUMNS,
    ROWS_IN_ONE_INSERT,
    autocommit,
    make_engine,
    once_more_if_disconnected,
    one_statement_writes,
    statements,
)

logger = logging.getLogger(__name__)

MAX_SESSION_EVENTS = 120
HELD_CONVERSATIONS = 256
CARRIED = "carried"  # metadata of a reply copied into a new session


@dataclass
class _Held:
    """A tracker as last read or saved by this process: `stored` of its events are
    in the table, whose highest id for the conversation was then `mark`."""

    tracker: DialogueStateTracker
    stored: int
    mark: int


class SQLTrackerStore(RasaSQLTrackerStore):
    """Rasa's SQL tracker store with connections checked before use and sessions
    that start afresh (the context carried) when they grow long."""

    def __init__(
        self,
        *args: Any,
        max_session_events: int = MAX_SESSION_EVENTS,
        held_conversations: int = HELD_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        """Connect as Rasa does, then swap in an engine that pings its connections."""
        super().__init__(*args, **kwargs)
        self.max_session_events = int(max_session_events or 0)
        self.held_conversations = int(held_conversations or 0)
        self._held: OrderedDict[str, _Held] = OrderedDict()
        # conversations this process found nothing stored for (latest last)
        self._absent: OrderedDict[str, None] = OrderedDict()
        url = self.engine.url
        self.engine.dispose()
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine)
        self._sql = statements(self.SQLEvent.__table__)
        self._autocommit = autocommit(self.engine)
        self._one_statement_writes = one_statement_writes(self.engine)
        logger.debug("Tracker store on %r, idle connections checked.", self.engine.url)

    async def peek(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session as stored, never started afresh: for readers outside
        a turn (the guard reading the buttons offered), which hold no lock. Read as
        Rasa's `retrieve` reads it, with the store's own session query."""

        def read() -> DialogueStateTracker | None:
            with self._autocommit.connect() as connection:
                query = self._sql.session_rows
                rows = connection.execute(query, {"sender": sender_id}).all()
            return self._tracker_of(sender_id, rows)

        return once_more_if_disconnected(read)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session, started afresh first when it has grown too long (a
        turn reads it under the conversation's lock; readers outside a turn use
        `peek`). The tracker held from this process's last read or save is handed
        out again when nothing has been written to the conversation since."""
        tracker, mark = once_more_if_disconnected(lambda: self._read(sender_id))
        if tracker is None:
            return None
        if self.too_long(tracker):
            events = rolled_events(tracker, self.domain.slots if self.domain else [])
            mark = self._append(sender_id, events)
            logger.debug(
                "Conversation %s: a new session after %d events",
                sender_id,
                len(tracker.events),
            )
            tracker = DialogueStateTracker.from_dict(
                sender_id, [e.as_dict() for e in events], self.domain.slots
            )
        self._hold(tracker, mark)
        return tracker

    def _read(self, sender_id: str) -> tuple[DialogueStateTracker | None, int]:
        """The held tracker if the table has nothing newer, else the session read;
        and the conversation's highest event id."""
        with self._autocommit.connect() as connection:
            mark = self._mark(connection, sender_id)
            held = self._held.get(sender_id)
            if (
                held is not None
                and held.mark == mark
                and held.stored == len(held.tracker.events)
            ):
                self._held.move_to_end(sender_id)
                return held.tracker, mark
            self._held.pop(sender_id, None)
            rows = []
            if not mark:
                self._note_absent(sender_id)
            else:
                self._absent.pop(sender_id, None)
                query = self._sql.session_rows
                rows = connection.execute(query, {"sender": sender_id}).all()
            return self._tracker_of(sender_id, rows), mark

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events the table lacks, as Rasa's save; without counting the
        stored ones when the tracker is the one this turn read (held: the turn holds
        the conversation's lock, so what it added is what the table lacks)."""
        await self.stream_events(tracker)
        if self._just_created(tracker):
            # Rasa saves a conversation it creates at once, with its one action_listen;
            # held unwritten instead, it is written with the rest of the turn
            self._hold(tracker, 0, stored=0)
            return
        mark = once_more_if_disconnected(lambda: self._write(tracker))
        self._hold(tracker, mark)

    def _note_absent(self, sender_id: str) -> None:
        self._absent[sender_id] = None
        self._absent.move_to_end(sender_id)
        while len(self._absent) > max(self.held_conversations, 1):
            self._absent.popitem(last=False)

    def _just_created(self, tracker: DialogueStateTracker) -> bool:
        """Whether the tracker is one Rasa just created for a conversation this
        process found nothing stored for (the turn holds the lock: nothing else was
        stored since)."""
        if tracker.sender_id not in self._absent:
            return False
        del self._absent[tracker.sender_id]
        return self.held_conversations > 0 and all(
            isinstance(e, ActionExecuted) and e.action_name == ACTION_LISTEN_NAME
            for e in tracker.events
        )

    def _write(self, tracker: DialogueStateTracker) -> int:
        """Store the events the table lacks; the conversation's highest id then."""
        sender_id = tracker.sender_id
        held = self._held.get(sender_id)
        if held is not None and held.tracker is tracker:  # a turn's save
            rows = [
                self._row(sender_id, e) for e in list(tracker.events)[held.stored :]
            ]
            if not rows:
                return held.mark
            if self._one_statement_writes and len(rows) <= ROWS_IN_ONE_INSERT:
                with self._autocommit.connect() as connection:  # its own transaction
                    return self._insert(connection, sender_id, rows)
            with self.engine.begin() as connection:
                return self._insert(connection, sender_id, rows)
        with self.session_scope() as session:
            mark = self._mark(session, sender_id)
            if not mark:  # a new conversation: nothing stored yet
                events: Any = list(tracker.events)
            else:
                events = self._additional_events(session, tracker)
            rows = [self._row(sender_id, event) for event in events]
            if rows:
                mark = self._insert(session.connection(), sender_id, rows)
            session.commit()
            return mark

    def _insert(
        self, connection: Any, sender_id: str, rows: list[dict[str, Any]]
    ) -> int:
        """Write the rows (on a Core connection); the conversation's highest event id
        then, which is the highest written: the turn holds the conversation's lock.
        The insert itself says it, one round trip fewer than asking for it: on
        PostgreSQL it returns the ids it wrote; on SQLite the connection's last
        inserted row id is the highest it wrote (SQLAlchemy 1.4 has no RETURNING for
        SQLite); anything else asks."""
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            # one statement compiled once (psycopg2's execute_values sends the rows)
            written = connection.execute(self._sql.insert_returning, rows)
            return max(written.scalars().all())
        if dialect == "sqlite":
            # SQLite's own executemany and last row id (SQLAlchemy compiling a
            # multi-row insert, or asking for the highest id, cost 2-5 times as much)
            cursor = connection.connection.cursor()
            try:
                cursor.executemany(
                    self._sql.sqlite_insert,
                    [tuple(row[c] for c in COLUMNS) for row in rows],
                )
                last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
            finally:
                cursor.close()
            if last:
                return int(last)
        else:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
        return self._mark(connection, sender_id)

    def _mark(self, session: Any, sender_id: str) -> int:
        """The conversation's highest event id (0 for none): it grows with every
        event written by anyone."""
        return session.execute(self._sql.mark, {"sender": sender_id}).scalar() or 0

    def _tracker_of(self, sender_id: str, rows: list[Any]) -> Any:
        """A tracker replayed from stored event rows (None for none)."""
        if not rows or not self.domain:
            return None
        events = [json.loads(row.data) for row in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _hold(
        self, tracker: DialogueStateTracker, mark: int, stored: int | None = None
    ) -> None:
        """Keep a tracker whose first `stored` events (all unless said) are stored,
        the oldest dropped."""
        if self.held_conversations <= 0:
            return
        stored = len(tracker.events) if stored is None else stored
        held = _Held(tracker, stored, mark)
        self._held[tracker.sender_id] = held
        self._held.move_to_end(tracker.sender_id)
        while len(self._held) > self.held_conversations:
            self._held.popitem(last=False)

    def too_long(self, tracker: DialogueStateTracker) -> bool:
        """Whether the session is to start afresh now: over the limit, between
        turns, with no form running."""
        return (
            self.max_session_events > 0
            and len(tracker.events) > self.max_session_events
            and tracker.active_loop_name is None
            and tracker.latest_action_name == ACTION_LISTEN_NAME
        )

    def _append(self, sender_id: str, events: list[Event]) -> int:
        """Store events after the conversation's own, as save() does; the highest
        id written."""
        rows = [self._row(sender_id, event) for event in events]

        def write() -> int:
            with self.engine.begin() as connection:
                return self._insert(connection, sender_id, rows)

        return once_more_if_disconnected(write)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """An event's row as Rasa's save stores it (written by one insert of the
        table, not the ORM's unit of work)."""
        data = event.as_dict()
        intent = (data.get("parse_data") or {}).get("intent") or {}
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": intent.get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def peek(store: Any, sender_id: str) -> Any:
    """Read a conversation's latest session without starting it afresh, through
    Rasa's wrappers (fail-safe, awaitable) down to a store that can peek; a store
    that cannot (Rasa's own) is only read anyway."""
    inner = store
    while not hasattr(inner, "peek") and hasattr(inner, "_tracker_store"):
        inner = inner._tracker_store
    reader = getattr(inner, "peek", None) or store.retrieve
    return reader(sender_id)


def rolled_events(tracker: DialogueStateTracker, slots: list[Any]) -> list[Event]:
    """A new session's first events, as Rasa's action_session_start writes them
    (SessionStarted, the slots that differ from their initial value, action_listen),
    with the replies of the last turn carried over (marked `carried`)."""
    now = time.time()
    initial = {slot.name: slot.initial_value for slot in slots}
    values = tracker.current_slot_values()
    events: list[Event] = [SessionStarted(timestamp=now)]
    events += [
        SlotSet(name, value, timestamp=now)
        for name, value in values.items()
        if name in initial and value != initial[name]
    ]
    last_turn: list[BotUttered] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            last_turn.insert(0, event)
    events += [
        BotUttered(
            bot.text,
            bot.data,
            {**(bot.metadata or {}), CARRIED: True},
            timestamp=now,
        )
        for bot in last_turn
    ]
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=now))
    return events
