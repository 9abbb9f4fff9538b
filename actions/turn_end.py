"""An answer that ends the turn says so (issue 15): with no form running, what
follows an answer, a clarification or an estimate is always listening for the
user, which Rasa would otherwise work out by running every policy once more. A
FollowupAction("action_listen") tells Rasa directly (its processor takes a follow-up
action without predicting), and a turn costs one prediction fewer.

Inside the estimate form, or when the action itself starts a form or names what
comes next, nothing is added: the rules decide, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

ACTION_LISTEN = "action_listen"
_DECIDES_WHAT_FOLLOWS = {"active_loop", "followup", "form", "restart", "pause"}


def ending_turn(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """`events`, with the turn's end made explicit when nothing else follows."""
    if (tracker.active_loop or {}).get("name"):
        return events
    if any(event.get("event") in _DECIDES_WHAT_FOLLOWS for event in events):
        return events
    return [*events, FollowupAction(ACTION_LISTEN)]


Run = Callable[..., Awaitable[list[EventType]]]


def ends_turn(run: Run) -> Run:
    """An action's `run` whose events end the turn (see `ending_turn`)."""

    @functools.wraps(run)
    async def wrapped(self: Any, dispatcher: Any, tracker: Tracker, domain: Any):
        return ending_turn(tracker, await run(self, dispatcher, tracker, domain))

    return wrapped
