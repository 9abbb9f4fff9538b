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
    ACTION_CLARIFY,
    ENTITY_FILING_STATUS,
    ENTITY_HOSPITAL_LEVEL,
    INTENT_INFORM,
    INTENT_MATERIALS,
    INTENT_NLU_FALLBACK,
    INTENT_PARAMETERS,
    ROLE_TREATMENT,
    SLOT_FILING_STATUS,
    SLOT_HOSPITAL,
    SLOT_HOSPITAL_LEVEL,
    SLOT_INSURANCE_SCHEME,
    SLOT_PENDING_ROLE,
    SLOT_PERSON_STATUS,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UTTER_ASK_TOPIC,
    UTTER_CASE_ANSWER,
    UTTER_CLARIFY,
    UTTER_OUT_OF_SCOPE,
    UTTER_PLACE_NOT_FOUND,
    UTTER_PLACE_NOT_FOUND_NO_MATCH,
    UTTER_POLICY_ANSWER,
    UTTER_WHICH_PLACE,
)
from actions.estimate import corrects_estimate, reestimate
from assistant.answers.policy import compose
from assistant.case import Case
from assistant.conversation import (
    PlaceQuestion,
    check_places,
    named_hospital,
    resolve_regions,
)
from assistant.knowledge.loader import default_knowledge_base
from assistant.knowledge.models import Hospital, KnowledgeBase, Topic
from assistant.places import default_gazetteer
from assistant.scope import about_insurance

logger = logging.getLogger(__name__)

CLARIFY_CANDIDATES = 3
CLARIFY_MIN_CONFIDENCE = 0.05


def _places(
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


def _off_topic(tracker: Tracker) -> bool:
    """A first question with no insurance word in it (成都普高有哪些学校): out of
    scope, whatever the classifier was sure of. Follow-ups and buttons are not
    judged by their words."""
    text = tracker.latest_message.get("text") or ""
    return (
        (_latest_intent(tracker) or "").startswith("ask_")
        and not text.startswith("/")
        and tracker.get_slot(SLOT_TOPIC) is None
        and not about_insurance(text)
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


def _ask_about_place(
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


def _without(
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


class ActionAnswer(Action):
    """Answer the latest question (or re-answer the topic after a follow-up)."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_ANSWER

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Compose the answer from the knowledge base and the user's case."""
        kb = default_knowledge_base()
        gazetteer = default_gazetteer()
        if _off_topic(tracker):
            dispatcher.utter_message(response=UTTER_OUT_OF_SCOPE)
            return []
        if corrects_estimate(tracker) or (
            _latest_intent(tracker) in (INTENT_INFORM, INTENT_PARAMETERS)
            and tracker.get_slot(SLOT_TOPIC) == TOPIC_ESTIMATE
        ):
            *_, moved = _places(
                tracker, tracker.latest_message.get("entities", []), True
            )
            again = reestimate(dispatcher, tracker, moved)
            if again is not None:
                return moved + again
        topic = _topic_for(kb, tracker)
        entities, question = check_places(
            tracker.latest_message.get("entities", []), gazetteer
        )
        named = named_hospital(
            entities, tracker.get_slot(SLOT_REGION_TREATMENT), kb, gazetteer
        )
        insured, treatment, events = _places(
            tracker,
            _without(entities, question),
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
            return events + _ask_about_place(dispatcher, question, topic)
        if topic is None:
            dispatcher.utter_message(response=UTTER_ASK_TOPIC)
            return events
        context = Case(
            insured=gazetteer.resolve(insured or ""),
            treatment=gazetteer.resolve(treatment or ""),
            filing_status=tracker.get_slot(SLOT_FILING_STATUS),
            scheme=tracker.get_slot(SLOT_INSURANCE_SCHEME),
            status=tracker.get_slot(SLOT_PERSON_STATUS),
            level=f"l{level}" if level else None,
            hospital=hospital,
        )
        answer = compose(kb, gazetteer, topic, context)
        response = UTTER_POLICY_ANSWER
        if _only_picks_a_case(tracker, topic):
            # The full answer was just given: say only what the picked case changes.
            response = UTTER_CASE_ANSWER
            answer.arguments["cases_short"] = answer.arguments["cases"].lstrip("\n")
        dispatcher.utter_message(
            response=response, buttons=answer.buttons, **answer.arguments
        )
        if question:  # a place not found: answered without it, then asked about
            return events + _ask_about_place(dispatcher, question, topic)
        return events + [SlotSet(SLOT_TOPIC, topic.id)]


class ActionClarify(Action):
    """When understanding is uncertain, ask which topic was meant, with buttons; the
    likeliest topic's direct answer is given with the question, marked as a guess."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_CLARIFY

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Offer the likeliest topics as buttons, or decline if there are none."""
        kb = default_knowledge_base()
        gazetteer = default_gazetteer()
        entities, question = check_places(
            tracker.latest_message.get("entities", []), gazetteer
        )
        ranking = tracker.latest_message.get("intent_ranking", [])
        topics = []
        for candidate in ranking:
            name = candidate.get("name")
            topic = kb.topic_for_intent(name) if name != INTENT_NLU_FALLBACK else None
            if topic is None or candidate.get("confidence", 0) < CLARIFY_MIN_CONFIDENCE:
                continue
            if any(topic is seen for _, seen in topics):
                continue  # two intents of one topic: one button
            topics.append((name, topic))
            if len(topics) == CLARIFY_CANDIDATES:
                break
        events = _places(tracker, _without(entities, question))[2]
        if question:  # the place first: without it no answer can be specific
            topic = topics[0][1] if topics else None
            return events + _ask_about_place(dispatcher, question, topic)
        if not topics:
            dispatcher.utter_message(response=UTTER_OUT_OF_SCOPE)
            return []
        guess = topics[0][1]
        dispatcher.utter_message(
            response=UTTER_CLARIFY,
            title=guess.title,
            direct=guess.direct,
            buttons=[{"title": t.title, "payload": f"/{n}"} for n, t in topics],
        )
        return events
