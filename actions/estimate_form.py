"""The estimate form's validation: what is still missing is asked one question at a
time and every answer is normalised by a pure helper (assistant/understand.py,
assistant/estimate_form.py). The action only moves slots."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.constants import (
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
    SLOT_ESTIMATE_RATIO,
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
    UTTER_ESTIMATE_NOTED,
    UTTER_INVALID,
)
from actions.estimate import (
    LEVELS,
    correction_slots,
    entities_named,
    figures_from_text,
    required_slots_for,
    text_of,
    with_slots,
)
from actions.form_reading import (
    asked,
    hospital_named,
    is_digression,
    place_answer,
    treatment_place,
)
from assistant import estimate_form as form
from assistant.answers.estimate import stated_case
from assistant.calculator import EMERGENCY, FILED, FILING_TYPES
from assistant.conversation import resolve_regions
from assistant.knowledge.loader import default_knowledge_base
from assistant.places import default_gazetteer
from assistant.understand import (
    InvalidAmount,
    parse_amount,
    parse_filing,
    parse_level,
    parse_scheme,
    parse_status,
    says_unknown,
    stated_amounts,
    unnamed_amount,
)
from assistant.vocabulary import SCHEME_EMPLOYEE, SCHEME_RESIDENT, STATUSES

logger = logging.getLogger(__name__)

# The case details that the user's own figures make optional.
OPTIONAL_DETAILS = (
    SLOT_REGION_INSURED,
    SLOT_INSURANCE_SCHEME,
    SLOT_PERSON_STATUS,
    SLOT_HOSPITAL_LEVEL,
    SLOT_ESTIMATE_FILING,
)


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
        if place_answer(tracker) is None and is_digression(tracker):
            return []  # a question of its own: the rules answer it, then the form asks again
        side = figures_from_text(text_of(tracker))
        if tracker.get_slot(SLOT_TOPIC) == TOPIC_ESTIMATE:  # after an estimate
            side = {**correction_slots(text_of(tracker)), **side}
        elif place_answer(tracker) is None:  # 其实我还没退休 while a place is asked
            side = {**self._stated(dispatcher, tracker), **side}
        treatment = None if place_answer(tracker) else treatment_place(tracker)
        if treatment and treatment != tracker.get_slot(SLOT_REGION_TREATMENT):
            side[SLOT_REGION_TREATMENT] = treatment
        events = [SlotSet(k, v) for k, v in side.items()]
        tracker = with_slots(tracker, events)
        events += await self._case_details(tracker, domain)
        tracker = with_slots(tracker, events)
        return events + await super().run(dispatcher, tracker, domain)

    @staticmethod
    def _stated(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Details of the case a message states while the form asks something else:
        kept, and said back before the question is asked again."""
        requested = tracker.get_slot(SLOT_REQUESTED)
        stated = {
            slot: value
            for slot, value in correction_slots(text_of(tracker)).items()
            if slot != requested and value != tracker.get_slot(slot)
        }
        case = stated_case(
            default_knowledge_base(),
            stated.get(SLOT_INSURANCE_SCHEME),
            stated.get(SLOT_PERSON_STATUS),
            stated.get(SLOT_HOSPITAL_LEVEL),
            stated.get(SLOT_ESTIMATE_FILING),
        )
        if requested and case:
            dispatcher.utter_message(response=UTTER_ESTIMATE_NOTED, case=case)
        return stated if requested else {}

    async def _case_details(
        self, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """With the user's own deductible and ratio only the total is asked; the case
        the message states (退休职工，异地安置备案，二级医院) is still kept, for the
        estimate's header and for a later correction."""
        required = required_slots_for(tracker)
        if required and required != [SLOT_ESTIMATE_TOTAL]:
            return []
        quiet = CollectingDispatcher()  # a detail not understood is simply left out
        events: list[EventType] = []
        for slot in OPTIONAL_DETAILS:
            if tracker.get_slot(slot) is not None or slot in required:
                continue
            found = await getattr(self, f"extract_{slot}")(quiet, tracker, domain)
            if found.get(slot) is None:
                continue
            valid = getattr(self, f"validate_{slot}")(
                found[slot], quiet, tracker, domain
            )
            if valid.get(slot) is not None:
                events.append(SlotSet(slot, valid[slot]))
        return events

    # extraction: what the latest message says for each slot

    async def extract_region_insured(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A place named as the insured one; when asked, any place named, and a
        message that is a place (洛阳, 河南洛阳, 昆山) whatever its intent."""
        place = place_answer(tracker)
        if place is not None:
            return {SLOT_REGION_INSURED: place.code}
        if is_digression(tracker):
            return {}  # a question of its own: answered first, its places with it
        regions = entities_named(tracker, ENTITY_REGION)
        if not regions:  # other details stated instead (其实我还没退休): asked again
            answered = asked(tracker, SLOT_REGION_INSURED)
            if answered and not correction_slots(text_of(tracker)):
                return {SLOT_REGION_INSURED: text_of(tracker)}
            return {}
        insured, _ = resolve_regions(
            regions,
            None,
            tracker.get_slot(SLOT_REGION_TREATMENT),
            default_gazetteer(),
            pending_role=ROLE_INSURED if asked(tracker, SLOT_REGION_INSURED) else None,
            hospital=hospital_named(tracker),
        )
        return {SLOT_REGION_INSURED: insured} if insured else {}

    async def extract_insurance_scheme(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """职工 / 居民 (新农合) in the answer to the question."""
        text = text_of(tracker)
        scheme = parse_scheme(text)
        if entities_named(tracker, ENTITY_INSURANCE_SCHEME):
            return {}
        if asked(tracker, SLOT_INSURANCE_SCHEME, scheme):
            return {SLOT_INSURANCE_SCHEME: scheme or text}
        # 职工, or being retired / in service: only 职工医保 tells those apart
        says_status = entities_named(tracker, ENTITY_PERSON_STATUS) or re.search(
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
        status = parse_status(text_of(tracker))
        if entities_named(tracker, ENTITY_PERSON_STATUS) or not asked(
            tracker, SLOT_PERSON_STATUS, status
        ):
            return {}
        return {SLOT_PERSON_STATUS: status or text_of(tracker)}

    async def extract_hospital_level(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A level said in words, or the level of a hospital named."""
        if entities_named(tracker, ENTITY_HOSPITAL_LEVEL):
            return {}
        hospital = hospital_named(tracker)
        if hospital and hospital.level:
            return {SLOT_HOSPITAL_LEVEL: hospital.level.lstrip("l")}
        level = parse_level(text_of(tracker))
        if not asked(tracker, SLOT_HOSPITAL_LEVEL, level):
            return {}
        return {SLOT_HOSPITAL_LEVEL: level.lstrip("l") if level else text_of(tracker)}

    async def extract_estimate_filing(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The filing situation: a button, the words used, or 已备案/急诊/没备案."""
        for entity in entities_named(tracker, ENTITY_ESTIMATE_FILING):
            return {SLOT_ESTIMATE_FILING: entity.get("value")}
        text = text_of(tracker)
        filing = parse_filing(text) or parse_filing(
            text, answering=asked(tracker, SLOT_ESTIMATE_FILING)
        )
        if filing is None:
            for entity in entities_named(tracker, ENTITY_FILING_STATUS):
                filing = {"filed": FILED, "emergency": EMERGENCY}.get(
                    entity.get("value")
                )
        if filing:
            return {SLOT_ESTIMATE_FILING: filing}
        return (
            {SLOT_ESTIMATE_FILING: text} if asked(tracker, SLOT_ESTIMATE_FILING) else {}
        )

    async def extract_estimate_total(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to "how much", as said (validated below)."""
        text = text_of(tracker)
        stated = stated_amounts(text)
        if stated:
            # named figures are taken by run(); an amount said before them, when
            # the form asks for the total, is the total (5万，自费2000)
            unnamed = None if "total" in stated else unnamed_amount(text)
            if unnamed is None or not asked(tracker, SLOT_ESTIMATE_TOTAL, unnamed):
                return {}
            return {SLOT_ESTIMATE_TOTAL: text}
        try:
            understood = parse_amount(text)
        except InvalidAmount:
            understood = None
        if not asked(tracker, SLOT_ESTIMATE_TOTAL, understood):
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
        text = text_of(tracker)
        unknown = UNKNOWN_VALUE if says_unknown(text) else None
        if not asked(tracker, slot, unknown) or figures_from_text(text).get(slot):
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
            SLOT_ESTIMATE_TOTAL_SAID: form.said_if_approximate(amount),
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
        ratio = form.ratio_answer(value)
        if ratio is None:
            return self._invalid(dispatcher, SLOT_ESTIMATE_RATIO)
        return {SLOT_ESTIMATE_RATIO: str(ratio)}
