"""The clarify action: when understanding is uncertain, the likeliest reading is
answered (the others as buttons), or the likeliest readings are offered as buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import (
    ANSWER_MIN_CONFIDENCE,
    answer,
    ask_about_place,
    places_events,
    recomputed_estimate,
    without_place,
)
from actions.constants import (
    ACTION_CLARIFY,
    ENTITY_REGION,
    INTENT_NLU_FALLBACK,
    INTENT_OUT_OF_SCOPE,
    SLOT_PATIENT,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UTTER_CLARIFY,
    UTTER_OUT_OF_SCOPE,
)
from actions.turn_end import ends_turn
from assistant.answers.policy import case_sentence
from assistant.case import Case
from assistant.conversation import check_places
from assistant.facets import (
    ANY_TOPIC,
    asks_estimate,
    continues_topic,
    cued_topic,
    narrower_topic,
)
from assistant.knowledge.loader import default_knowledge_base
from assistant.knowledge.models import KnowledgeBase, Topic
from assistant.people import patient_of
from assistant.places import Gazetteer, default_gazetteer
from assistant.scope import about_insurance, medical_insurance_question
from assistant.text import normalized

CLARIFY_CANDIDATES = 3
CLARIFY_MIN_CONFIDENCE = 0.05
# an uncertain question whose likeliest reading is at least ANSWER_MIN_CONFIDENCE
# likely is answered on that reading, with the others as buttons, instead of asked
# back; at least this likely when it names the person's places
ANSWER_MIN_CONFIDENCE_WITH_PLACES = 0.2


def _cued(
    kb: KnowledgeBase, text: str, topics: list, ranking: list[dict[str, Any]]
) -> Topic | None:
    """The topic an unsure question's words name plainly (共济, 断缴, 外地住院…报销),
    unless its likeliest reading is out of scope (asked back; declined when there is
    no other reading, unless it is plainly about medical insurance), or it is the
    estimate of a bill the message gives."""
    cued = cued_topic(normalized(text))
    if cued is None or not about_insurance(text):
        return None
    if _top_intent(ranking) == INTENT_OUT_OF_SCOPE and (
        topics or not medical_insurance_question(text)
    ):
        return None
    if topics and topics[0][1].id == TOPIC_ESTIMATE and asks_estimate(text):
        return None
    return kb.topics.get(cued)


def _other_readings(
    kb: KnowledgeBase, topics: list[tuple[str, Topic]], answered: Topic
) -> list[dict[str, str]]:
    """Buttons for the readings of an uncertain question other than the one answered."""
    return [
        {"title": kb.facets.other_reading.format(title=t.title), "payload": f"/{n}"}
        for n, t in topics
        if t is not answered
    ]


def _names_a_place(tracker: Tracker) -> bool:
    entities = tracker.latest_message.get("entities", [])
    return any(e.get("entity") == ENTITY_REGION for e in entities)


def _top_intent(ranking: list[dict[str, Any]]) -> str | None:
    """The likeliest intent other than the fallback."""
    for candidate in ranking:
        if candidate.get("name") != INTENT_NLU_FALLBACK:
            return candidate.get("name")
    return None


class ActionClarify(Action):
    """When understanding is uncertain, ask which topic was meant, with buttons; the
    likeliest topic's direct answer is given with the question, marked as a guess."""

    def name(self) -> str:
        """Action name in the domain."""
        return ACTION_CLARIFY

    @ends_turn
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Offer the likeliest topics as buttons, or decline if there are none."""
        again = recomputed_estimate(dispatcher, tracker)
        if again is not None:
            return again
        text = tracker.latest_message.get("text") or ""
        ranking = tracker.latest_message.get("intent_ranking", [])
        kb = default_knowledge_base()
        context = kb.topics.get(tracker.get_slot(SLOT_TOPIC) or "")
        place = _names_a_place(tracker)
        off_topic = _top_intent(ranking) == INTENT_OUT_OF_SCOPE
        if (
            context is not None
            and context.id != TOPIC_ESTIMATE
            and continues_topic(text, place)
            and (place or about_insurance(text) or not off_topic)
        ):  # 那回湖南老家呢, 去南京呢, 一次能转多少: the topic goes on
            return answer(dispatcher, tracker, context)
        beside = narrower_topic(text, ANY_TOPIC)
        if beside:  # a neighbouring scheme with its own answer (工伤): not declined
            return answer(dispatcher, tracker, kb.topics[beside])
        if off_topic and not medical_insurance_question(text):
            dispatcher.utter_message(response=UTTER_OUT_OF_SCOPE)
            return []
        gazetteer = default_gazetteer()
        entities, question = check_places(
            tracker.latest_message.get("entities", []), gazetteer
        )
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
        insured, treatment, events = places_events(
            tracker, without_place(entities, question)
        )
        if question:  # the place first: without it no answer can be specific
            topic = topics[0][1] if topics else None
            return events + ask_about_place(dispatcher, question, topic)
        cued = _cued(kb, text, topics, ranking)
        if not topics and cued is None:
            dispatcher.utter_message(response=UTTER_OUT_OF_SCOPE)
            return []
        if not topics:  # no reading likely at all, but its words name the topic
            return answer(dispatcher, tracker, cued)
        name, guess = topics[0]
        narrower = narrower_topic(text, guess.id)
        if narrower:  # the question names the point: 社保卡丢了, 没备案, 转院
            others = [{"title": t.title, "payload": f"/{n}"} for n, t in topics]
            return answer(dispatcher, tracker, kb.topics[narrower], others)
        confidence = next(
            c.get("confidence", 0) for c in ranking if c.get("name") == name
        )
        places = [e for e in entities if e.get("entity") == ENTITY_REGION]
        needed = ANSWER_MIN_CONFIDENCE_WITH_PLACES if places else ANSWER_MIN_CONFIDENCE
        if (
            confidence >= needed
            and guess.id != TOPIC_ESTIMATE
            and _top_intent(ranking) != INTENT_OUT_OF_SCOPE
            and (tracker.get_slot(SLOT_TOPIC) or about_insurance(text))
        ):
            # The likeliest reading is answered; the others are a click away.
            return answer(
                dispatcher, tracker, guess, _other_readings(kb, topics, guess)
            )
        if cued is not None:  # unsure, but its words name the topic: answered
            others = _other_readings(kb, topics, cued)
            return answer(dispatcher, tracker, cued, others[: CLARIFY_CANDIDATES - 1])
        if places and insured and treatment:  # said where: their case comes first
            dispatcher.utter_message(
                text=_case_of(kb, gazetteer, tracker, insured, treatment)
            )
        dispatcher.utter_message(
            response=UTTER_CLARIFY,
            title=guess.title,
            direct=guess.direct,
            buttons=[{"title": t.title, "payload": f"/{n}"} for n, t in topics],
        )
        return events


def _case_of(
    kb: KnowledgeBase,
    gazetteer: Gazetteer,
    tracker: Tracker,
    insured: str,
    treatment: str,
) -> str:
    """The person's places in their roles (你是上海参保、在黑龙江哈尔滨看病，属于跨省
    异地就医), for a message that said where but not clearly what it asks."""
    text = tracker.latest_message.get("text") or ""
    return case_sentence(
        kb,
        gazetteer,
        Case(
            insured=gazetteer.resolve(insured),
            treatment=gazetteer.resolve(treatment),
            patient=patient_of(text) or tracker.get_slot(SLOT_PATIENT),
        ),
    )
