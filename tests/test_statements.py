"""A first message read as a statement of the person's case: said back when it states
something, declined when it states nothing and is not about medical insurance."""

import pytest

from actions.answer import ActionAnswer
from actions.constants import UTTER_ASK_TOPIC, UTTER_OUT_OF_SCOPE
from assistant.understand import parse_filing
from tests.conftest import make_tracker
from tests.test_actions import region, run


def statement(text, confidence, entities=None):
    tracker = make_tracker("inform", text, entities=entities)
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


def test_an_unsure_statement_with_nothing_in_it_is_declined():
    messages, _ = run(ActionAnswer(), statement("医生在医院外紧急救人是非法行医", 0.53))
    assert messages[0]["response"] == UTTER_OUT_OF_SCOPE


@pytest.mark.parametrize(
    "text, confidence, entities",
    [
        ("我在苏州", 0.53, [region("苏州")]),  # a place: noted, whatever the confidence
        ("我们是农村户口", 0.95, None),  # sure of it: noted
        ("新农合的", 0.5, None),  # about medical insurance: noted
    ],
)
def test_a_statement_of_the_case_is_said_back(text, confidence, entities):
    messages, _ = run(ActionAnswer(), statement(text, confidence, entities))
    assert messages[0]["response"] == UTTER_ASK_TOPIC


def test_living_at_the_treatment_place_is_said_and_kept_for_the_estimate():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "我是上海退休职工，在昆山住了好几年了，住院能直接刷吗",
        entities=[region("310000", "insured"), region("320583", "treatment")],
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["case"].startswith("你是上海参保、长期住在江苏苏州（昆山）")
    assert "异地长期居住" in messages[0]["case"]
    assert slots["estimate_filing"] == "long_term"


def test_a_residence_permit_is_not_living_there_long_term():
    assert parse_filing("外地人办了居住证能在深圳参保吗") is None
    assert parse_filing("单位派我到杭州上班") == "long_term"
    assert parse_filing("在外地跟孩子住") == "long_term"


def test_living_somewhere_long_term_with_the_insured_place_unsaid():
    tracker = make_tracker(
        "ask_filing_how",
        "长沙长期居住异地怎么办理异地就医",
        entities=[region("430100", "treatment")],
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["case"].startswith("你长期住在湖南长沙，备案选“异地长期居住”类")


@pytest.mark.parametrize(
    "entities, opening",
    [
        ([], "你长期住在外地，备案选“异地长期居住”类"),
        ([region("310000", "insured")], "你是上海参保、长期住在外地"),
    ],
)
def test_living_elsewhere_long_term_is_said_whatever_places_are_known(
    entities, opening
):
    text = "我是退休职工，在外地跟孩子住，住院能直接结算吗"
    tracker = make_tracker("ask_card_elsewhere", text, entities=entities)
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["case"].startswith(opening)
