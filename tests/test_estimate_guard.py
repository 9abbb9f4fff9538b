"""The estimate starts only for a message that asks how much of a bill is paid."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.facets import asks_estimate, is_follow_up
from zh_nlu.components import EstimateIntentGuard


def parsed(text, ranking):
    message = Message(data={"text": text})
    message.set("intent", dict(ranking[0]))
    message.set("intent_ranking", [dict(r) for r in ranking])
    return message


def guarded(text, ranking):
    (message,) = EstimateIntentGuard().process([parsed(text, ranking)])
    return message.get("intent")["name"], [
        r["name"] for r in message.get("intent_ranking")
    ]


ESTIMATE_FIRST = [
    {"name": "ask_estimate", "confidence": 0.6},
    {"name": "ask_family_account", "confidence": 0.3},
    {"name": "ask_lapse", "confidence": 0.1},
]


@pytest.mark.parametrize(
    "text", ["花了3万能报多少", "帮我算算", "住院费两万多", "能报几成", "其实是2万8"]
)
def test_an_estimate_question_keeps_its_intent(text):
    assert asks_estimate(text)
    assert guarded(text, ESTIMATE_FIRST)[0] == "ask_estimate"


def test_a_question_about_something_else_takes_the_next_reading():
    intent, ranking = guarded("一次能转多少？", ESTIMATE_FIRST)
    assert intent == "ask_family_account" and "ask_estimate" not in ranking


def test_a_short_follow_up_is_a_statement_of_the_case():
    assert is_follow_up("那要是去魔都呢？") and is_follow_up("要是急诊呢")
    assert guarded("那要是去魔都呢？", ESTIMATE_FIRST)[0] == "inform"
    assert not is_follow_up("那我自己在上海住院，我是杭州的医保，能直接结算吗？")


def test_with_no_likely_reading_the_question_is_clarified():
    ranking = [
        {"name": "ask_estimate", "confidence": 0.95},
        {"name": "ask_lapse", "confidence": 0.03},
    ]
    assert guarded("退休待遇怎么样", ranking)[0] == "nlu_fallback"


def test_other_intents_are_left_alone():
    ranking = [{"name": "ask_lapse", "confidence": 0.9}]
    assert guarded("一次能转多少", ranking)[0] == "ask_lapse"


def test_a_pension_question_is_never_an_estimate():
    assert not asks_estimate("年交3000元退休能领多少钱")
    ranking = [
        {"name": "ask_estimate", "confidence": 0.7},
        {"name": "out_of_scope", "confidence": 0.2},
    ]
    assert guarded("交六年职工社保退休能领多少钱", ranking)[0] == "out_of_scope"


@pytest.mark.parametrize("text", ["1200元", "80%", "两万多", "大概8000块"])
def test_a_message_that_is_only_a_figure_answers_the_forms_question(text):
    goodbye = [
        {"name": "goodbye", "confidence": 0.7},
        {"name": "inform", "confidence": 0.1},
    ]
    assert guarded(text, goodbye)[0] == "inform"


def test_an_estimate_asked_in_other_words_keeps_its_intent():
    assert guarded("帮我估一下报销金额", ESTIMATE_FIRST)[0] == "ask_estimate"
