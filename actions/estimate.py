"""The estimate: the intro before the form, the result once the form is filled, and
a recomputation after a correction. The form's validation is in
actions/estimate_form.py; the logic on plain values in assistant/estimate_form.py,
the result in assistant/answers/estimate.py. The actions here only move slots."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.constants import (
    ACTION_ESTIMATE,
    ACTION_ESTIMATE_INTRO,
    ENTITY_FILING_STATUS,
    ENTITY_HOSPITAL_LEVEL,
    ENTITY_REGION,
    SLOT_ESTIMATE_DEDUCTIBLE,
    SLOT_ESTIMATE_FILING,
    SLOT_ESTIMATE_PARTIAL_SELF,
    SLOT_ESTIMATE_RATIO,
    SLOT_ESTIMATE_REDUCTION,
    SLOT_ESTIMATE_SELF_PAID,
    SLOT_ESTIMATE_TOTAL,
    SLOT_ESTIMATE_TOTAL_SAID,
    SLOT_HOSPITAL_LEVEL,
    SLOT_INSURANCE_SCHEME,
    SLOT_PERSON_STATUS,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UTTER_ESTIMATE_INTRO,
    UTTER_ESTIMATE_RESULT,
)
from actions.turn_end import ends_turn
from assistant import estimate_form as form
from assistant.answers.estimate import Request, compose_estimate
from assistant.knowledge.loader import default_knowledge_base
from assistant.places import default_gazetteer
from assistant.understand import parse_filing, parse_scheme

logger = logging.getLogger(__name__)

LEVELS = form.LEVELS
FORM_SLOTS = (
    SLOT_REGION_INSURED,
    SLOT_INSURANCE_SCHEME,
    SLOT_PERSON_STATUS,
    SLOT_HOSPITAL_LEVEL,
    SLOT_ESTIMATE_FILING,
    SLOT_ESTIMATE_TOTAL,
)


def text_of(tracker: Tracker) -> str:
    """The latest message's text."""
    return tracker.latest_message.get("text") or ""


def entities_named(tracker: Tracker, name: str) -> list[dict[str, Any]]:
    """The latest message's entities of one type."""
    return [
        e for e in tracker.latest_message.get("entities", []) if e.get("entity") == name
    ]


# The form's fields (assistant/estimate_form.py) and the slots that hold them.
FIELD_SLOTS = {
    form.INSURED: SLOT_REGION_INSURED,
    form.SCHEME: SLOT_INSURANCE_SCHEME,
    form.STATUS: SLOT_PERSON_STATUS,
    form.LEVEL: SLOT_HOSPITAL_LEVEL,
    form.FILING: SLOT_ESTIMATE_FILING,
    form.TOTAL: SLOT_ESTIMATE_TOTAL,
    form.DEDUCTIBLE: SLOT_ESTIMATE_DEDUCTIBLE,
    form.RATIO: SLOT_ESTIMATE_RATIO,
    form.TREATMENT: SLOT_REGION_TREATMENT,
    form.TOTAL_SAID: SLOT_ESTIMATE_TOTAL_SAID,
    form.SELF_PAID: SLOT_ESTIMATE_SELF_PAID,
    form.PARTIAL_SELF: SLOT_ESTIMATE_PARTIAL_SELF,
    form.REDUCTION: SLOT_ESTIMATE_REDUCTION,
}


def _values(tracker: Tracker) -> dict[str, Any]:
    """The form's fields from the slots (the filing filled in where the places make
    it so: 京津冀)."""
    values = {field: tracker.get_slot(slot) for field, slot in FIELD_SLOTS.items()}
    return form.with_deemed_filing(
        values, default_knowledge_base(), default_gazetteer()
    )


def _slots(fields: dict[str, Any]) -> dict[str, Any]:
    return {FIELD_SLOTS[field]: value for field, value in fields.items()}


def required_slots_for(tracker: Tracker) -> list[str]:
    """The slots the estimate still depends on, in the order they are asked."""
    fields = form.required_fields(
        _values(tracker), default_knowledge_base(), default_gazetteer()
    )
    return [FIELD_SLOTS[field] for field in fields]


def request_from(tracker: Tracker) -> Request | None:
    """The estimate request from the slots, once every required one is filled."""
    return form.request_from(_values(tracker), default_gazetteer())


def estimate_events(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Say the estimate for the case in the slots (the form has filled them)."""
    request = request_from(tracker)
    if request is None:
        return []
    result = compose_estimate(default_knowledge_base(), default_gazetteer(), request)
    dispatcher.utter_message(
        response=UTTER_ESTIMATE_RESULT,
        lines="\n".join(result.lines),
        # {"data": ...}: Rasa's socket.io output emits the custom payload's keys as
        # emit() arguments; under "data" the card is what the web client receives.
        json_message={"data": result.card},
    )
    return [SlotSet(SLOT_TOPIC, TOPIC_ESTIMATE)]


def figures_from_text(text: str) -> dict[str, Any]:
    """Slot values for the figures a message states by name (总共5万, 自费3000)."""
    return _slots(form.figures_from_text(text))


def with_slots(tracker: Tracker, events: list[EventType]) -> Tracker:
    """A copy of the tracker with slot events applied (rasa-sdk trackers are plain
    data: the copy is what the next step reads)."""
    copy = tracker.copy()
    for event in events:
        if event.get("event") == "slot":
            copy.slots[event["name"]] = event["value"]
    return copy


def correction_slots(text: str) -> dict[str, Any]:
    """Slot values for what a statement changes in the case (其实我退休了)."""
    return _slots(form.corrections_from_text(text))


def corrects_estimate(tracker: Tracker) -> bool:
    """Whether the latest message, after an estimate, changes its case."""
    return tracker.get_slot(SLOT_TOPIC) == TOPIC_ESTIMATE and bool(
        correction_slots(text_of(tracker))
    )


def reestimate(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
) -> list[EventType] | None:
    """After an estimate, a correction (不对，是二级医院 / 其实我退休了 / 总共6万)
    recomputes it with the other slots as they were; None if something is missing."""
    said = correction_slots(text_of(tracker))
    changes = [SlotSet(k, v) for k, v in said.items() if tracker.get_slot(k) != v]
    updated = with_slots(tracker, events + changes)
    if request_from(updated) is None:
        return None
    return changes + estimate_events(dispatcher, updated)


def _message_fills(tracker: Tracker) -> set[str]:
    """The form slots the slots and the latest message already give."""
    filled = {slot for slot in FORM_SLOTS if tracker.get_slot(slot)}
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    text = text_of(tracker)
    figures = figures_from_text(text)
    if ENTITY_REGION in entities or {
        SLOT_ESTIMATE_DEDUCTIBLE,
        SLOT_ESTIMATE_RATIO,
    } <= set(figures):
        filled.add(SLOT_REGION_INSURED)
    if entities & {ENTITY_HOSPITAL_LEVEL, "hospital"}:
        filled.add(SLOT_HOSPITAL_LEVEL)
    if parse_filing(text) or ENTITY_FILING_STATUS in entities:
        filled.add(SLOT_ESTIMATE_FILING)
    if SLOT_ESTIMATE_TOTAL in figures:
        filled.add(SLOT_ESTIMATE_TOTAL)
    own = {SLOT_ESTIMATE_DEDUCTIBLE, SLOT_ESTIMATE_RATIO}
    if all(form.number(figures.get(s) or tracker.get_slot(s)) is not None for s in own):
        filled |= set(FORM_SLOTS) - {SLOT_ESTIMATE_TOTAL}  # the user's own figures
    if parse_scheme(text) or re.search(r"职工|退休|在职", text):
        filled.add(SLOT_INSURANCE_SCHEME)
    return filled


class ActionEstimateIntro(Action):
    """Before the form asks anything: the short answer, and that a few questions follow."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_ESTIMATE_INTRO

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say the estimate topic's direct answer unless the message has it all."""
        if set(FORM_SLOTS) - _message_fills(tracker) - {SLOT_PERSON_STATUS}:
            topic = default_knowledge_base().topics[TOPIC_ESTIMATE]
            dispatcher.utter_message(response=UTTER_ESTIMATE_INTRO, direct=topic.direct)
        return []


class ActionEstimate(Action):
    """The estimate, once the form has every slot."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_ESTIMATE

    @ends_turn
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Compute and say the estimate."""
        return estimate_events(dispatcher, tracker)
