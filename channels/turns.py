"""A turn of the assistant, as the channels run it: Rasa glue, duck-typed, so this
module imports no Rasa code.

`run_assistant` lets Rasa handle one message, within the cap on turns in flight
(a fast 系统繁忙 reply past it), and tells the channel what to send when the
assistant did not answer properly: `watch_turn` notices an action that failed (the
action server down) or a turn that said nothing. `offered_payloads` reads the
buttons the bot offered a conversation, for the guard's slash check.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from channels.guard import MAX_CONCURRENT_TURNS, USER_TEXTS, payloads_offered
from channels.limits import TurnSlots
from stores.tracker_store import peek

logger = logging.getLogger(__name__)


def agent_of(app: Any) -> Any:
    """The Rasa agent of a Sanic app (None in a bare test app)."""
    ctx = getattr(app, "ctx", None)
    return getattr(ctx, "agent", None)


async def offered_payloads(agent: Any, sender_id: str) -> list[str]:
    """The payloads of the buttons the bot offered `sender_id`, read from the
    agent's tracker store (any store; no lock needed for reading)."""
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return []
    try:
        # read without starting a long session afresh: no lock is held here
        tracker = await peek(store, sender_id)
    except Exception:  # an unreadable store: nothing offered, slash neutralised
        logger.warning("Guard: could not read the tracker of %s", sender_id)
        return []
    return payloads_offered(tracker.events) if tracker is not None else []


def freeze_loaded_objects(app: Any, _loop: Any = None) -> None:
    """Once the model is loaded (a listener after the server started): the objects
    made so far (the model, TensorFlow, the knowledge base: millions, for good) are
    moved out of the garbage collector's sight, so its full collections, which
    would walk them all in the middle of some turn, stay short."""
    gc.collect()
    gc.freeze()
    logger.info("Froze %d objects after start", gc.get_freeze_count())


@dataclass
class TurnReport:
    """What went wrong while the assistant handled one message."""

    failed_actions: list[str] = field(default_factory=list)
    unreachable: bool = False
    crashed: bool = False


_current_turn: contextvars.ContextVar[TurnReport | None] = contextvars.ContextVar(
    "guard_turn", default=None
)
_ACTION_FAILURE = "Encountered an exception while running action"
_PROCESSOR_LOGGER = "rasa.core.processor"


class _ActionFailureWatcher(logging.Filter):
    """Notes the action failures Rasa's processor logs (`_run_action` catches the
    exception, logs it, and goes on without the action's events) in the turn that
    is running in this task. It never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Note a failure into the current turn; always keep the record."""
        turn = _current_turn.get()
        if turn is not None and str(record.msg).startswith(_ACTION_FAILURE):
            name = str(record.msg).split("'")[1] if "'" in str(record.msg) else "?"
            turn.failed_actions.append(name)
            error = record.exc_info[1] if record.exc_info else None
            seen: set[int] = set()
            while error is not None and id(error) not in seen:
                seen.add(id(error))
                kinds = {c.__name__ for c in type(error).__mro__}
                if "ClientConnectionError" in kinds or "Couldn't connect" in str(error):
                    turn.unreachable = True
                error = error.__cause__ or error.__context__
        return True


_watcher = _ActionFailureWatcher()


def _install_watcher() -> None:
    rasa_logger = logging.getLogger(_PROCESSOR_LOGGER)
    if _watcher not in rasa_logger.filters:
        rasa_logger.addFilter(_watcher)


@contextlib.contextmanager
def watch_turn() -> Iterator[TurnReport]:
    """`with watch_turn() as turn:` around the call into Rasa: `turn` reports the
    actions that failed in it (only this task's turn: concurrency-safe)."""
    _install_watcher()
    report = TurnReport()
    token = _current_turn.set(report)
    try:
        yield report
    finally:
        _current_turn.reset(token)


# Turns in flight in this process, across its channels.
TURNS = TurnSlots(
    int(os.environ.get("GUARD_MAX_CONCURRENT_TURNS") or MAX_CONCURRENT_TURNS)
)


async def run_assistant(
    on_new_message: Callable[[Any], Awaitable[Any]],
    message: Any,
    replies_sent: Callable[[], int],
    slots: TurnSlots | None = None,
) -> str | None:
    """Let Rasa handle the message; the text the channel must send when it did not
    answer properly: the apology when an action failed (e.g. the action server is
    down) or nothing was said, the busy reply when too many turns are in flight
    (Rasa is not run then). None when the assistant answered."""
    slots = TURNS if slots is None else slots
    if not slots.enter():
        logger.warning("Guard: busy (%d turns in flight)", slots.busy)
        return USER_TEXTS["busy"]
    before = replies_sent()
    try:
        with watch_turn() as turn:
            try:
                await on_new_message(message)
            except (Exception, asyncio.CancelledError):
                logger.exception("Guard: the assistant failed on a message")
                turn.crashed = True
    finally:
        slots.leave()
    silent = replies_sent() == before
    if turn.failed_actions or turn.crashed or silent:
        logger.warning(
            "Guard: no proper answer for %s (failed actions %s%s%s)",
            getattr(message, "sender_id", "?"),
            turn.failed_actions or "none",
            ", action server unreachable" if turn.unreachable else "",
            ", no reply" if silent else "",
        )
        return USER_TEXTS["unavailable"]
    return None
