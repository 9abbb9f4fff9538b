"""The estimate form: what is still missing is asked one question at a time, every
answer is normalised by a pure helper (assistant/understand.py), and the
result comes from assistant/answers/estimate.py. The actions here only move slots."""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.constants import (
    ACTION_ESTIMATE,
    ACTION_ESTIMATE_INTRO,
    ACTION_VALIDATE_ESTIMATE,
    ENTITY_ESTIMATE_FILING,
    ENTITY_FILING_STATUS,
    ENTITY_HOSPITAL_LEVEL,
    ENTITY_INSURANCE_SCHEME,
    ENTITY_PERSON_STATUS,
    ENTITY_REGION,
    ROLE_INSURED,
    SLOT_ESTIMATE_DEDUCTIBLE,
    SLOT_ESTIMATE_FILING,
    SLOT_ESTIMATE_PARTIAL_SELF,
    SLOT_ESTIMATE_RATIO,
    SLOT_ESTIMATE_SELF_PAID,
    SLOT_ESTIMATE_TOTAL,
    SLOT_ESTIMATE_TOTAL_SAID,
    SLOT_HOSPITAL_LEVEL,
    SLOT_INSURANCE_SCHEME,
    SLOT_PERSON_STATUS,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_REQUESTED,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UNKNOWN_VALUE,
    UTTER_ESTIMATE_INTRO,
    UTTER_ESTIMATE_RESULT,
    UTTER_INVALID,
)
from assistant.answers.estimate import Request, compose_estimate, parameters_for
from assistant.calculator import (
    EMERGENCY,
    FILED,
    FILING_TYPES,
    UserFigures,
)
from assistant.conversation import named_hospital, resolve_regions
from assistant.knowledge.loader import default_knowledge_base
from assistant.knowledge.models import Hospital
from assistant.places import default_gazetteer
from assistant.understand import (
    Amount,
    InvalidAmount,
    correction,
    parse_amount,
    parse_filing,
    parse_level,
    parse_ratio,
    parse_scheme,
    parse_status,
    place_named,
    says_unknown,
    stated_amounts,
    stated_ratio,
    unnamed_amount,
)
from assistant.vocabulary import SCHEME_EMPLOYEE, SCHEME_RESIDENT, STATUSES

logger = logging.getLogger(__name__)

# Intents that do something else than answer the form's question.
NOT_ANSWERS = {"cancel", "greet", "goodbye", "thank", "bot_challenge", "help"}
LEVELS = ("1", "2", "3")
FORM_SLOTS = (
    SLOT_REGION_INSURED,
    SLOT_INSURANCE_SCHEME,
    SLOT_PERSON_STATUS,
    SLOT_HOSPITAL_LEVEL,
    SLOT_ESTIMATE_FILING,
    SLOT_ESTIMATE_TOTAL,
)


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _entities(tracker: Tracker, name: str) -> list[dict[str, Any]]:
    return [
        e for e in tracker.latest_message.get("entities", []) if e.get("entity") == name
    ]


def _asked(tracker: Tracker, slot: str, understood: Any = None) -> bool:
    """Whether the form asked for the slot and the message answers it: what the slot's
    normaliser understood (a button's words), or anything but a question (ask_*: a
    digression, left for the rules to answer once the form lets go)."""
    if tracker.get_slot(SLOT_REQUESTED) != slot:
        return False
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    return understood is not None or not (
        intent.startswith("ask_") or intent in NOT_ANSWERS
    )


def required_slots_for(tracker: Tracker) -> list[str]:
    """The slots the estimate still depends on, in the order they are asked: the
    person's status only for 职工医保, the filing only away from home, and the
    insured place's deductible and ratio only where the knowledge base lacks them."""
    slots = list(FORM_SLOTS)
    if tracker.get_slot(SLOT_INSURANCE_SCHEME) == SCHEME_RESIDENT:
        slots.remove(SLOT_PERSON_STATUS)
    if _own_figures(tracker) and not tracker.get_slot(SLOT_REGION_INSURED):
        slots.remove(SLOT_REGION_INSURED)  # their own numbers: the place adds nothing
    request = request_from(tracker)
    if request is None:
        return slots
    _, entries = parameters_for(default_knowledge_base(), default_gazetteer(), request)
    for kind, slot in (
        ("deductible", SLOT_ESTIMATE_DEDUCTIBLE),
        ("ratio", SLOT_ESTIMATE_RATIO),
    ):
        if entries[kind] is None or not entries[kind].known:
            slots.append(slot)
    return slots


def _number(value: Any) -> Decimal | None:
    """A slot's normalised number; None for unknown, empty or not yet validated text."""
    try:
        return None if value in (None, UNKNOWN_VALUE) else Decimal(str(value))
    except ArithmeticError:
        return None


def _figure(tracker: Tracker, slot: str) -> Decimal | None:
    return _number(tracker.get_slot(slot))


def _own_figures(tracker: Tracker) -> bool:
    """Whether the user gave their own deductible and ratio."""
    return all(
        _figure(tracker, slot) is not None
        for slot in (SLOT_ESTIMATE_DEDUCTIBLE, SLOT_ESTIMATE_RATIO)
    )


def request_from(tracker: Tracker) -> Request | None:
    """The estimate request from the slots, once every required one is filled."""
    gazetteer = default_gazetteer()
    insured = gazetteer.resolve(tracker.get_slot(SLOT_REGION_INSURED) or "")
    scheme = tracker.get_slot(SLOT_INSURANCE_SCHEME)
    status = tracker.get_slot(SLOT_PERSON_STATUS) if scheme == SCHEME_EMPLOYEE else None
    level = tracker.get_slot(SLOT_HOSPITAL_LEVEL)
    filing = tracker.get_slot(SLOT_ESTIMATE_FILING)
    total = _figure(tracker, SLOT_ESTIMATE_TOTAL)
    if not (
        (insured or _own_figures(tracker))
        and scheme
        and level in LEVELS
        and filing in FILING_TYPES
        and total
    ):
        return None
    if scheme == SCHEME_EMPLOYEE and not status:
        return None
    return Request(
        insured=insured,
        scheme=scheme,
        status=status,
        level=f"l{level}",
        filing=filing,
        total=total,
        treatment=gazetteer.resolve(tracker.get_slot(SLOT_REGION_TREATMENT) or ""),
        said_total=tracker.get_slot(SLOT_ESTIMATE_TOTAL_SAID),
        self_paid=_figure(tracker, SLOT_ESTIMATE_SELF_PAID),
        partial_self=_figure(tracker, SLOT_ESTIMATE_PARTIAL_SELF),
        user=UserFigures(
            deductible=_figure(tracker, SLOT_ESTIMATE_DEDUCTIBLE),
            ratio=_figure(tracker, SLOT_ESTIMATE_RATIO),
        ),
    )


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


def figures_from_text(text: str) -> dict[str, str]:
    """Slot values for the figures a message states by name (总共5万, 自费3000,
    起付线1000, 报销比例80%): the user's figures win over the knowledge base's."""
    slots: dict[str, str] = {}
    amounts = stated_amounts(text)
    for key, slot in (
        ("total", SLOT_ESTIMATE_TOTAL),
        ("self_paid", SLOT_ESTIMATE_SELF_PAID),
        ("partial_self", SLOT_ESTIMATE_PARTIAL_SELF),
        ("deductible", SLOT_ESTIMATE_DEDUCTIBLE),
    ):
        if key in amounts:
            slots[slot] = str(amounts[key].value)
    if "total" in amounts:
        slots[SLOT_ESTIMATE_TOTAL_SAID] = _said_if_approximate(amounts["total"])
    ratio = stated_ratio(text)
    if ratio is not None:
        slots[SLOT_ESTIMATE_RATIO] = str(ratio)
    return slots


def _said_if_approximate(amount: Amount) -> str | None:
    """The words the user said for a total (两万多, not the whole message), kept only
    when approximate: a later exact total must not be shown as "你说的是两万多"."""
    return amount.said if amount.approximate else None


def _hospital(tracker: Tracker) -> Hospital | None:
    return named_hospital(
        tracker.latest_message.get("entities", []),
        tracker.get_slot(SLOT_REGION_TREATMENT),
        default_knowledge_base(),
        default_gazetteer(),
    )


def _treatment_place(tracker: Tracker) -> str | None:
    """The treatment place the latest message gives: a place named as such (or
    without a role, once the insured place is known), or a named hospital's city."""
    _, treatment = resolve_regions(
        _entities(tracker, ENTITY_REGION),
        tracker.get_slot(SLOT_REGION_INSURED),
        tracker.get_slot(SLOT_REGION_TREATMENT),
        default_gazetteer(),
        insured_first=True,
        hospital=_hospital(tracker),
    )
    return treatment


def with_slots(tracker: Tracker, events: list[EventType]) -> Tracker:
    """A copy of the tracker with slot events applied (rasa-sdk trackers are plain
    data: the copy is what the next step reads)."""
    copy = tracker.copy()
    for event in events:
        if event.get("event") == "slot":
            copy.slots[event["name"]] = event["value"]
    return copy


def correction_slots(text: str) -> dict[str, str]:
    """Slot values for what a statement changes in the case (其实我退休了, 不对，是
    二级医院, 其中自费药8000, 总共是12万)."""
    said = correction(text)
    slots: dict[str, str] = {}
    for slot, value in (
        (SLOT_INSURANCE_SCHEME, said.scheme),
        (SLOT_PERSON_STATUS, said.status),
        (SLOT_HOSPITAL_LEVEL, said.level.lstrip("l") if said.level else None),
        (SLOT_ESTIMATE_FILING, said.filing),
    ):
        if value:
            slots[slot] = value
    return {**slots, **figures_from_text(text)}


def corrects_estimate(tracker: Tracker) -> bool:
    """Whether the latest message, after an estimate, changes its case."""
    return tracker.get_slot(SLOT_TOPIC) == TOPIC_ESTIMATE and bool(
        correction_slots(_text(tracker))
    )


def reestimate(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
) -> list[EventType] | None:
    """After an estimate, a correction (不对，是二级医院 / 其实我退休了 / 总共6万)
    recomputes it with the other slots as they were; None if something is missing."""
    said = correction_slots(_text(tracker))
    changes = [SlotSet(k, v) for k, v in said.items() if tracker.get_slot(k) != v]
    updated = with_slots(tracker, events + changes)
    if request_from(updated) is None:
        return None
    return changes + estimate_events(dispatcher, updated)


def _message_fills(tracker: Tracker) -> set[str]:
    """The form slots the slots and the latest message already give."""
    filled = {slot for slot in FORM_SLOTS if tracker.get_slot(slot)}
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    text = _text(tracker)
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


class ValidateEstimateForm(FormValidationAction):
    """Fills and checks the estimate form's slots from what the user says."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_VALIDATE_ESTIMATE

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """What is still needed, in order (see required_slots_for)."""
        return required_slots_for(tracker)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Figures stated by name and the treatment place (a place named as such, or a
        hospital's city) are set whatever was asked; then the usual extraction and
        validation of the form's own slots."""
        side = figures_from_text(_text(tracker))
        treatment = _treatment_place(tracker)
        if treatment and treatment != tracker.get_slot(SLOT_REGION_TREATMENT):
            side[SLOT_REGION_TREATMENT] = treatment
        events = [SlotSet(k, v) for k, v in side.items()]
        tracker = with_slots(tracker, events)
        return events + await super().run(dispatcher, tracker, domain)

    # extraction: what the latest message says for each slot

    async def extract_region_insured(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A place named as the insured one; when asked, any place named, and a
        message that is a place (洛阳, 河南洛阳, 昆山) whatever its intent."""
        asked = tracker.get_slot(SLOT_REQUESTED) == SLOT_REGION_INSURED
        place = place_named(_text(tracker), default_gazetteer()) if asked else None
        if place is not None:
            return {SLOT_REGION_INSURED: place.code}
        regions = _entities(tracker, ENTITY_REGION)
        if not regions:
            return (
                {SLOT_REGION_INSURED: _text(tracker)}
                if _asked(tracker, SLOT_REGION_INSURED)
                else {}
            )
        insured, _ = resolve_regions(
            regions,
            None,
            tracker.get_slot(SLOT_REGION_TREATMENT),
            default_gazetteer(),
            pending_role=ROLE_INSURED if _asked(tracker, SLOT_REGION_INSURED) else None,
            hospital=_hospital(tracker),
        )
        return {SLOT_REGION_INSURED: insured} if insured else {}

    async def extract_insurance_scheme(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """职工 / 居民 (新农合) in the answer to the question."""
        text = _text(tracker)
        scheme = parse_scheme(text)
        if _entities(tracker, ENTITY_INSURANCE_SCHEME):
            return {}
        if _asked(tracker, SLOT_INSURANCE_SCHEME, scheme):
            return {SLOT_INSURANCE_SCHEME: scheme or text}
        # 职工, or being retired / in service: only 职工医保 tells those apart
        says_status = _entities(tracker, ENTITY_PERSON_STATUS) or re.search(
            r"退休|在职", text
        )
        if not tracker.get_slot(SLOT_INSURANCE_SCHEME) and (
            "职工" in text or says_status
        ):
            return {SLOT_INSURANCE_SCHEME: SCHEME_EMPLOYEE}
        return {}

    async def extract_person_status(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """在职 / 退休 in the answer to the question."""
        status = parse_status(_text(tracker))
        if _entities(tracker, ENTITY_PERSON_STATUS) or not _asked(
            tracker, SLOT_PERSON_STATUS, status
        ):
            return {}
        return {SLOT_PERSON_STATUS: status or _text(tracker)}

    async def extract_hospital_level(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A level said in words, or the level of a hospital named."""
        if _entities(tracker, ENTITY_HOSPITAL_LEVEL):
            return {}
        hospital = _hospital(tracker)
        if hospital and hospital.level:
            return {SLOT_HOSPITAL_LEVEL: hospital.level.lstrip("l")}
        level = parse_level(_text(tracker))
        if not _asked(tracker, SLOT_HOSPITAL_LEVEL, level):
            return {}
        return {SLOT_HOSPITAL_LEVEL: level.lstrip("l") if level else _text(tracker)}

    async def extract_estimate_filing(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The filing situation: a button, the words used, or 已备案/急诊/没备案."""
        for entity in _entities(tracker, ENTITY_ESTIMATE_FILING):
            return {SLOT_ESTIMATE_FILING: entity.get("value")}
        text = _text(tracker)
        filing = parse_filing(text) or parse_filing(
            text, answering=_asked(tracker, SLOT_ESTIMATE_FILING)
        )
        if filing is None:
            for entity in _entities(tracker, ENTITY_FILING_STATUS):
                filing = {"filed": FILED, "emergency": EMERGENCY}.get(
                    entity.get("value")
                )
        if filing:
            return {SLOT_ESTIMATE_FILING: filing}
        return (
            {SLOT_ESTIMATE_FILING: text}
            if _asked(tracker, SLOT_ESTIMATE_FILING)
            else {}
        )

    async def extract_estimate_total(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to "how much", as said (validated below)."""
        text = _text(tracker)
        stated = stated_amounts(text)
        if stated:
            # named figures are taken by run(); an amount said before them, when
            # the form asks for the total, is the total (5万，自费2000)
            unnamed = None if "total" in stated else unnamed_amount(text)
            if unnamed is None or not _asked(tracker, SLOT_ESTIMATE_TOTAL, unnamed):
                return {}
            return {SLOT_ESTIMATE_TOTAL: text}
        try:
            understood = parse_amount(text)
        except InvalidAmount:
            understood = None
        if not _asked(tracker, SLOT_ESTIMATE_TOTAL, understood):
            return {}
        return {SLOT_ESTIMATE_TOTAL: text}

    async def extract_estimate_deductible(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The user's deductible, or that they do not know it."""
        return self._own_figure(tracker, SLOT_ESTIMATE_DEDUCTIBLE)

    async def extract_estimate_ratio(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The user's payment ratio, or that they do not know it."""
        return self._own_figure(tracker, SLOT_ESTIMATE_RATIO)

    @staticmethod
    def _own_figure(tracker: Tracker, slot: str) -> dict[str, Any]:
        text = _text(tracker)
        unknown = UNKNOWN_VALUE if says_unknown(text) else None
        if not _asked(tracker, slot, unknown) or figures_from_text(text).get(slot):
            return {}
        return {slot: unknown or text}

    # validation: normalise, or re-ask with a hint

    def _invalid(self, dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
        dispatcher.utter_message(response=UTTER_INVALID.format(slot=slot))
        return {slot: None}

    def validate_region_insured(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A region code the gazetteer knows."""
        region = default_gazetteer().resolve(str(value))
        if region is None:
            return self._invalid(dispatcher, SLOT_REGION_INSURED)
        return {SLOT_REGION_INSURED: region.code}

    def validate_insurance_scheme(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """employee or resident."""
        if value not in (SCHEME_EMPLOYEE, SCHEME_RESIDENT):
            return self._invalid(dispatcher, SLOT_INSURANCE_SCHEME)
        return {SLOT_INSURANCE_SCHEME: value}

    def validate_person_status(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """in_service or retired."""
        if value not in STATUSES:
            return self._invalid(dispatcher, SLOT_PERSON_STATUS)
        return {SLOT_PERSON_STATUS: value}

    def validate_hospital_level(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """1, 2 or 3."""
        if str(value) not in LEVELS:
            return self._invalid(dispatcher, SLOT_HOSPITAL_LEVEL)
        return {SLOT_HOSPITAL_LEVEL: str(value)}

    def validate_estimate_filing(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the calculator's filing types (a not-filed answer that mentions
        being discharged is a manual claim)."""
        if value not in FILING_TYPES:
            return self._invalid(dispatcher, SLOT_ESTIMATE_FILING)
        return {SLOT_ESTIMATE_FILING: value}

    def validate_estimate_total(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A positive amount; 两万多 is taken as 20000 and said to be approximate."""
        try:
            amount = parse_amount(str(value))
        except InvalidAmount as error:
            dispatcher.utter_message(
                response=UTTER_INVALID.format(slot=SLOT_ESTIMATE_TOTAL)
                + f"_{error.reason}"
            )
            return {SLOT_ESTIMATE_TOTAL: None}
        return {
            SLOT_ESTIMATE_TOTAL: str(amount.value),
            SLOT_ESTIMATE_TOTAL_SAID: _said_if_approximate(amount),
        }

    def validate_estimate_deductible(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount, or unknown."""
        if value == UNKNOWN_VALUE:
            return {SLOT_ESTIMATE_DEDUCTIBLE: value}
        try:
            return {SLOT_ESTIMATE_DEDUCTIBLE: str(parse_amount(str(value)).value)}
        except InvalidAmount:
            return self._invalid(dispatcher, SLOT_ESTIMATE_DEDUCTIBLE)

    def validate_estimate_ratio(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A fraction in (0, 1], or unknown."""
        if value == UNKNOWN_VALUE:
            return {SLOT_ESTIMATE_RATIO: value}
        try:
            ratio = Decimal(str(value))
        except ArithmeticError:
            ratio = parse_ratio(str(value))
        if ratio is None or not 0 < ratio <= 1:
            return self._invalid(dispatcher, SLOT_ESTIMATE_RATIO)
        return {SLOT_ESTIMATE_RATIO: str(ratio)}


class ActionEstimate(Action):
    """The estimate, once the form has every slot."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_ESTIMATE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Compute and say the estimate."""
        return estimate_events(dispatcher, tracker)
