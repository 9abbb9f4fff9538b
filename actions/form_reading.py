"""How the estimate form reads a message: whether it answers the question asked, is
a question of its own, or names the insured place, a hospital or the treatment place."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.constants import (
    ENTITY_REGION,
    INTENT_ESTIMATE,
    INTENT_NLU_FALLBACK,
    INTENT_PARAMETERS,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_REQUESTED,
)
from actions.estimate import entities_named, figures_from_text, text_of
from assistant.conversation import named_hospital, resolve_regions
from assistant.knowledge.loader import default_knowledge_base
from assistant.knowledge.models import Hospital
from assistant.places import Region, default_gazetteer
from assistant.understand import place_named

# a message that asks something of its own
_QUESTION = re.compile(r"(吗|么|怎么|如何|能不能|可不可以|是否|？|\?)")

# Intents that do something else than answer the form's question.
NOT_ANSWERS = {"cancel", "greet", "goodbye", "thank", "bot_challenge", "help"}


def asked(tracker: Tracker, slot: str, understood: Any = None) -> bool:
    """Whether the form asked for the slot and the message answers it: what the slot's
    normaliser understood (a button's words), or anything but a question (ask_*: a
    digression, left for the rules to answer once the form lets go)."""
    if tracker.get_slot(SLOT_REQUESTED) != slot:
        return False
    if understood is None and figures_from_text(text_of(tracker)):
        return False  # figures named (起付线1000，比例90%) answer something else
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    digression = intent.startswith("ask_") and intent not in (
        INTENT_ESTIMATE,
        INTENT_PARAMETERS,
    )  # the form's own intents: an answer read as "how much" is still an answer
    return understood is not None or not (digression or intent in NOT_ANSWERS)


def is_digression(tracker: Tracker) -> bool:
    """A policy question in the middle of the form ("江苏医保在上海住院能直接结算吗"):
    the rules answer it, so the form takes nothing from it."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    if not _QUESTION.search(text_of(tracker)):
        return False  # an answer, a button's words ("转诊备案")
    return intent == INTENT_NLU_FALLBACK or (
        intent.startswith("ask_") and intent not in (INTENT_ESTIMATE, INTENT_PARAMETERS)
    )


def place_answer(tracker: Tracker) -> Region | None:
    """The place a message is, when the form asked for the insured place: the answer,
    whatever the intent (a bare 洛阳 may be classified as anything)."""
    if tracker.get_slot(SLOT_REQUESTED) != SLOT_REGION_INSURED:
        return None
    return place_named(text_of(tracker), default_gazetteer())


def hospital_named(tracker: Tracker) -> Hospital | None:
    return named_hospital(
        tracker.latest_message.get("entities", []),
        tracker.get_slot(SLOT_REGION_TREATMENT),
        default_knowledge_base(),
        default_gazetteer(),
    )


def treatment_place(tracker: Tracker) -> str | None:
    """The treatment place the latest message gives: a place named as such (or
    without a role, once the insured place is known), or a named hospital's city."""
    _, treatment = resolve_regions(
        entities_named(tracker, ENTITY_REGION),
        tracker.get_slot(SLOT_REGION_INSURED),
        tracker.get_slot(SLOT_REGION_TREATMENT),
        default_gazetteer(),
        insured_first=True,
        hospital=hospital_named(tracker),
    )
    return treatment
