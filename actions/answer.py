"""Actions that answer policy questions from the knowledge base."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import (
    ACTION_ANSWER,
    ENTITY_FACET,
    ENTITY_FILING_STATUS,
    ENTITY_HOSPITAL_LEVEL,
    INTENT_INFORM,
    INTENT_MATERIALS,
    INTENT_PARAMETERS,
    ROLE_TREATMENT,
    SLOT_ESTIMATE_FILING,
    SLOT_FACET,
    SLOT_FILING_STATUS,
    SLOT_HOSPITAL,
    SLOT_HOSPITAL_LEVEL,
    SLOT_INSURANCE_SCHEME,
    SLOT_PATIENT,
    SLOT_PENDING_ROLE,
    SLOT_PERSON_STATUS,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UTTER_ASK_TOPIC,
    UTTER_CASE_ANSWER,
    UTTER_OUT_OF_SCOPE,
    UTTER_PLACE_NOT_FOUND,
    UTTER_PLACE_NOT_FOUND_NO_MATCH,
    UTTER_POLICY_ANSWER,
    UTTER_WHICH_PLACE,
)
from actions.estimate import corrects_estimate, reestimate
from actions.turn_end import ends_turn
from assistant.answers.policy import case_sentence, compose
from assistant.calculator import LONG_TERM
from assistant.case import Case
from assistant.conversation import (
    PlaceQuestion,
    check_places,
    named_hospital,
    resolve_regions,
)
from assistant.facets import facet_of, narrower_topic
from assistant.knowledge.loader import default_knowledge_base
from assistant.knowledge.models import Hospital, KnowledgeBase, Topic
from assistant.people import patient_of
from assistant.places import default_gazetteer
from assistant.scope import about_insurance, medical_insurance_question
from assistant.understand import implied_scheme, parse_filing

logger = logging.getLogger(__name__)

# a statement's likeliest question is answered when it is at least half this likely
# (the clarify action's bar for an uncertain question, actions/clarify.py)
ANSWER_MIN_CONFIDENCE = 0.3
MAX_BUTTONS = 5


def places_events(
    tracker: Tracker,
    entities: list[dict[str, Any]],
    insured_first: bool = False,
    hospital: Hospital | None = None,
) -> tuple[str | None, str | None, list[EventType]]:
    """The insured and treatment places after the latest message, and the slot
    events that record any change."""
    known_insured = tracker.get_slot(SLOT_REGION_INSURED)
    known_treatment = tracker.get_slot(SLOT_REGION_TREATMENT)
    insured, treatment = resolve_regions(
        entities,
        known_insured,
        known_treatment,
        default_gazetteer(),
        insured_first=insured_first,
        pending_role=tracker.get_slot(SLOT_PENDING_ROLE),
        hospital=hospital,
    )
    events: list[EventType] = []
    if tracker.get_slot(SLOT_PENDING_ROLE):
        events.append(SlotSet(SLOT_PENDING_ROLE, None))
    if insured != known_insured:
        events.append(SlotSet(SLOT_REGION_INSURED, insured))
    if treatment != known_treatment:
        events.append(SlotSet(SLOT_REGION_TREATMENT, treatment))
    return insured, treatment, events


def _hospital_events(
    tracker: Tracker,
    entities: list[dict[str, Any]],
    hospital: Hospital | None,
    treatment: str | None,
) -> tuple[Hospital | None, str | None, list[EventType]]:
    """The hospital still in play (one named before no longer is once the treatment
    place moves to another city), the hospital level to answer for, and the slot
    events. A level the message says outright wins over the hospital's."""
    gazetteer = default_gazetteer()
    place = gazetteer.resolve(treatment or "")
    if hospital and (
        place is None or gazetteer.prefecture_of(place).code != hospital.city
    ):
        hospital = None
    level = tracker.get_slot(SLOT_HOSPITAL_LEVEL)
    events: list[EventType] = []
    if (hospital.name if hospital else None) != tracker.get_slot(SLOT_HOSPITAL):
        events.append(SlotSet(SLOT_HOSPITAL, hospital.name if hospital else None))
        says_level = any(e.get("entity") == ENTITY_HOSPITAL_LEVEL for e in entities)
        if hospital and hospital.level and not says_level:
            level = hospital.level.lstrip("l")
            events.append(SlotSet(SLOT_HOSPITAL_LEVEL, level))
    return hospital, level, events


# Below this, a first message read as a statement with nothing in it is not taken as one.
SURE_STATEMENT = 0.7


def _off_topic(tracker: Tracker) -> bool:
    """A first question with no insurance word in it (成都普高有哪些学校): out of
    scope, whatever the classifier was sure of. Follow-ups and buttons are not
    judged by their words."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/") or tracker.get_slot(SLOT_TOPIC) is not None:
        return False
    intent = tracker.latest_message.get("intent") or {}
    if (intent.get("name") or "").startswith("ask_"):
        return not about_insurance(text)
    # A first message read, without much confidence, as a statement of the case
    # that states nothing the assistant can note (医生在医院外救人是非法行医).
    return (
        intent.get("name") == INTENT_INFORM
        and intent.get("confidence", 1.0) < SURE_STATEMENT
        and not tracker.latest_message.get("entities")
        and not medical_insurance_question(text)
    )


def _latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _topic_for(kb: KnowledgeBase, tracker: Tracker) -> Topic | None:
    intent = _latest_intent(tracker)
    context_topic = tracker.get_slot(SLOT_TOPIC)
    if intent == INTENT_MATERIALS:
        return kb.materials_topic(
            tracker.latest_message.get("text") or "", context_topic
        )
    if intent == INTENT_INFORM or intent not in kb.by_intent:
        return kb.topics.get(context_topic or "")
    return kb.topic_for_intent(intent)


def ask_about_place(
    dispatcher: CollectingDispatcher, question: PlaceQuestion, topic: Topic | None
) -> list[EventType]:
    """Ask which place was meant (or say it was not found); remember the place's role
    and the topic so that the pick is answered."""
    gazetteer = default_gazetteer()
    buttons = [
        {
            "title": gazetteer.display(region),
            "payload": "/inform" + json.dumps({"region": region.code}),
        }
        for region in question.candidates
    ]
    if question.found:
        response = UTTER_WHICH_PLACE
    else:
        response = UTTER_PLACE_NOT_FOUND if buttons else UTTER_PLACE_NOT_FOUND_NO_MATCH
    dispatcher.utter_message(response=response, name=question.name, buttons=buttons)
    events = [SlotSet(SLOT_PENDING_ROLE, question.role or ROLE_TREATMENT)]
    return events + ([SlotSet(SLOT_TOPIC, topic.id)] if topic else [])


def without_place(
    entities: list[dict[str, Any]], question: PlaceQuestion | None
) -> list[dict[str, Any]]:
    """The entities other than the place asked about."""
    if question is None:
        return entities
    return [e for e in entities if e.get("text") != question.name]


def _only_picks_a_case(tracker: Tracker, topic: Topic) -> bool:
    """Whether the latest message only picks a filing case of the topic just answered."""
    entities = tracker.latest_message.get("entities", [])
    return (
        _latest_intent(tracker) == INTENT_INFORM
        and tracker.get_slot(SLOT_TOPIC) == topic.id
        and bool(topic.cases)
        and tracker.get_slot(SLOT_FILING_STATUS) in (topic.cases or {})
        and bool(entities)
        and all(e.get("entity") == ENTITY_FILING_STATUS for e in entities)
    )


def _facet(tracker: Tracker, topic: Topic) -> str | None:
    """The point asked: a facet button's, else the words', else (a follow-up that only
    changes the case, such as "那北京呢") the point asked last of the same topic."""
    message = tracker.latest_message
    for entity in message.get("entities", []):
        if entity.get("entity") == ENTITY_FACET:
            return str(entity.get("value"))
    text = message.get("text") or ""
    said = None if text.startswith("/") else facet_of(text)
    if said is not None:
        return said
    if (
        _latest_intent(tracker) == INTENT_INFORM
        and tracker.get_slot(SLOT_TOPIC) == topic.id
    ):
        return tracker.get_slot(SLOT_FACET)
    return None


def recomputed_estimate(
    dispatcher: CollectingDispatcher, tracker: Tracker, after_estimate: bool = False
) -> list[EventType] | None:
    """After an estimate, a correction (我说错了，我是退休的，比例95%) recomputes it,
    whatever the message was classified as; None when there is nothing to recompute."""
    if not (after_estimate or corrects_estimate(tracker)):
        return None
    *_, moved = places_events(tracker, tracker.latest_message.get("entities", []), True)
    again = reestimate(dispatcher, tracker, moved)
    return None if again is None else moved + again


class ActionAnswer(Action):
    """Answer the latest question (or re-answer the topic after a follow-up)."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_ANSWER

    @ends_turn
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Compose the answer from the knowledge base and the user's case."""
        if _off_topic(tracker):
            dispatcher.utter_message(response=UTTER_OUT_OF_SCOPE)
            return []
        again = recomputed_estimate(
            dispatcher,
            tracker,
            _latest_intent(tracker) in (INTENT_INFORM, INTENT_PARAMETERS)
            and tracker.get_slot(SLOT_TOPIC) == TOPIC_ESTIMATE,
        )
        if again is not None:
            return again
        return answer(
            dispatcher, tracker, _topic_for(default_knowledge_base(), tracker)
        )


def _likeliest_question(kb: KnowledgeBase, tracker: Tracker) -> Topic | None:
    """For a statement with no topic yet ("我妈是郑州退休职工，在北京做了手术，
    花了3万多"), the likeliest question it carries, when it is likely enough."""
    text = tracker.latest_message.get("text") or ""
    if not about_insurance(text):
        return None
    for candidate in tracker.latest_message.get("intent_ranking", []):
        topic = kb.topic_for_intent(candidate.get("name") or "")
        if topic is not None and topic.id != TOPIC_ESTIMATE:
            if candidate.get("confidence", 0) >= ANSWER_MIN_CONFIDENCE / 2:
                return topic
            return None
    return None


def answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic: Topic | None,
    alternatives: list[dict[str, str]] | None = None,
) -> list[EventType]:
    """Answer `topic` for the case the conversation and the latest message tell;
    `alternatives` are buttons for other readings of an uncertain question."""
    kb = default_knowledge_base()
    gazetteer = default_gazetteer()
    if topic is not None:  # 跨市的合作医疗: the 省内 question, not 新农合 in general
        narrower = narrower_topic(tracker.latest_message.get("text") or "", topic.id)
        topic = kb.topics[narrower] if narrower else topic
    entities, question = check_places(
        tracker.latest_message.get("entities", []), gazetteer
    )
    named = named_hospital(
        entities, tracker.get_slot(SLOT_REGION_TREATMENT), kb, gazetteer
    )
    insured, treatment, events = places_events(
        tracker,
        without_place(entities, question),
        bool(topic and topic.needs_local),
        named,
    )
    hospital, level, hospital_events = _hospital_events(
        tracker,
        entities,
        named or kb.hospitals.get(tracker.get_slot(SLOT_HOSPITAL) or ""),
        treatment,
    )
    events += hospital_events
    if question and (question.found or topic is None):
        return events + ask_about_place(dispatcher, question, topic)
    text = tracker.latest_message.get("text") or ""
    patient = patient_of(text) or tracker.get_slot(SLOT_PATIENT)
    if patient != tracker.get_slot(SLOT_PATIENT):
        events.append(SlotSet(SLOT_PATIENT, patient))
    # living at the treatment place (随子女定居, 单位派驻): kept for the estimate too
    long_term = parse_filing(text) == LONG_TERM
    if long_term and tracker.get_slot(SLOT_ESTIMATE_FILING) != LONG_TERM:
        events.append(SlotSet(SLOT_ESTIMATE_FILING, LONG_TERM))
    long_term = long_term or tracker.get_slot(SLOT_ESTIMATE_FILING) == LONG_TERM
    if topic is None:  # a statement of the case: say it back, ask what they want
        said = case_sentence(
            kb,
            gazetteer,
            Case(
                insured=gazetteer.resolve(insured or ""),
                treatment=gazetteer.resolve(treatment or ""),
                patient=patient,
                long_term=long_term,
            ),
        )
        dispatcher.utter_message(
            response=UTTER_ASK_TOPIC, case=said or kb.case_text["noted"]
        )
        return events
    context = Case(
        insured=gazetteer.resolve(insured or ""),
        treatment=gazetteer.resolve(treatment or ""),
        filing_status=tracker.get_slot(SLOT_FILING_STATUS),
        scheme=tracker.get_slot(SLOT_INSURANCE_SCHEME) or implied_scheme(text),
        status=tracker.get_slot(SLOT_PERSON_STATUS),
        level=f"l{level}" if level else None,
        hospital=hospital,
        patient=patient,
        long_term=long_term,
    )
    facet = _facet(tracker, topic)
    composed = compose(kb, gazetteer, topic, context, facet)
    response = UTTER_POLICY_ANSWER
    if _only_picks_a_case(tracker, topic):
        # The full answer was just given: say only what the picked case changes.
        response = UTTER_CASE_ANSWER
        composed.arguments["cases_short"] = composed.arguments["filing_case"].lstrip(
            "\n"
        )
    buttons = (alternatives or []) + composed.buttons
    dispatcher.utter_message(
        response=response, buttons=buttons[:MAX_BUTTONS], **composed.arguments
    )
    if question:  # a place not found: answered without it, then asked about
        return events + ask_about_place(dispatcher, question, topic)
    return events + [SlotSet(SLOT_TOPIC, topic.id), SlotSet(SLOT_FACET, facet)]
