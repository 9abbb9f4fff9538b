"""Rasa's SQL tracker store, made to survive a restart of its database server and to
keep a turn's cost flat in a long conversation.

Rasa 3.6 builds its SQLAlchemy engine without `pool_pre_ping`, so after PostgreSQL
restarts, every pooled connection is dead and the next turns fail until the pool has
been thrown away. This store is Rasa's own, with an engine that checks a connection
before handing it out (and reconnects when it is stale).

Rasa reads, replays and featurizes every event of the latest session on every turn,
so a conversation that goes on (one sender id, no pause of an hour) gets dearer with
each turn. When the latest session holds more than `max_session_events` events, at a
turn boundary and with no form running, this store starts a new session as Rasa does
after an idle hour: SessionStarted, the slots carried over, and action_listen; the
previous turn's replies are carried too (marked `carried`), so the buttons just
offered still count. Everything stays in the table: the full conversation is still
there for the history and for analysis (`retrieve_full_tracker`).

    tracker_store:
      type: stores.tracker_store.SQLTrackerStore
      dialect: postgresql   # or sqlite
      max_session_events: 120   # 0: never roll
      ...
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.core.tracker_store import create_engine_kwargs
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

logger = logging.getLogger(__name__)

MAX_SESSION_EVENTS = 120
CARRIED = "carried"  # metadata of a reply copied into a new session


class SQLTrackerStore(RasaSQLTrackerStore):
    """Rasa's SQL tracker store with connections checked before use and sessions
    that start afresh (the context carried) when they grow long."""

    def __init__(
        self, *args: Any, max_session_events: int = MAX_SESSION_EVENTS, **kwargs: Any
    ) -> None:
        """Connect as Rasa does, then swap in an engine that pings its connections."""
        super().__init__(*args, **kwargs)
        self.max_session_events = int(max_session_events or 0)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, **create_engine_kwargs(url)
        )
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)
        logger.debug("Tracker store on %r with pre-ping.", self.engine.url)

    async def peek(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session as stored, never started afresh: for readers outside
        a turn (the guard reading the buttons offered), which hold no lock."""
        return await super().retrieve(sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session, started afresh first when it has grown too long (a
        turn reads it under the conversation's lock; readers outside a turn use
        `peek`)."""
        tracker = await super().retrieve(sender_id)
        if tracker is None or not self.too_long(tracker):
            return tracker
        events = rolled_events(tracker, self.domain.slots if self.domain else [])
        self._append(sender_id, events)
        logger.debug(
            "Conversation %s: a new session after %d events",
            sender_id,
            len(tracker.events),
        )
        return DialogueStateTracker.from_dict(
            sender_id, [e.as_dict() for e in events], self.domain.slots
        )

    def too_long(self, tracker: DialogueStateTracker) -> bool:
        """Whether the session is to start afresh now: over the limit, between
        turns, with no form running."""
        return (
            self.max_session_events > 0
            and len(tracker.events) > self.max_session_events
            and tracker.active_loop_name is None
            and tracker.latest_action_name == ACTION_LISTEN_NAME
        )

    def _append(self, sender_id: str, events: list[Event]) -> None:
        """Store events after the conversation's own, as save() does."""
        with self.session_scope() as session:
            for event in events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=None,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()


def peek(store: Any, sender_id: str) -> Any:
    """Read a conversation's latest session without starting it afresh, through
    Rasa's wrappers (fail-safe, awaitable) down to a store that can peek; a store
    that cannot (Rasa's own) is only read anyway."""
    inner = store
    while not hasattr(inner, "peek") and hasattr(inner, "_tracker_store"):
        inner = inner._tracker_store
    reader = getattr(inner, "peek", None) or store.retrieve
    return reader(sender_id)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """SQLite in write-ahead mode, synced at checkpoints: a turn's commit no longer
    waits for the disk (a crash of the machine, not of the server, may lose the last
    turns; PostgreSQL is the store for that)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
