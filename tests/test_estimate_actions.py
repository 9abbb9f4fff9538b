"""The estimate form's actions with a real CollectingDispatcher and Tracker."""

import asyncio

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.constants import (
    SLOT_ESTIMATE_DEDUCTIBLE,
    SLOT_ESTIMATE_FILING,
    SLOT_ESTIMATE_RATIO,
    SLOT_ESTIMATE_SELF_PAID,
    SLOT_ESTIMATE_TOTAL,
    SLOT_ESTIMATE_TOTAL_SAID,
    SLOT_HOSPITAL_LEVEL,
    SLOT_INSURANCE_SCHEME,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_TOPIC,
    TOPIC_ESTIMATE,
    UTTER_ESTIMATE_INTRO,
    UTTER_ESTIMATE_RESULT,
)
from actions.estimate import ActionEstimate, ActionEstimateIntro, required_slots_for
from actions.estimate_form import ValidateEstimateForm
from assistant.knowledge.loader import POLICIES_DIR
from tests.conftest import make_tracker

DOMAIN = yaml.safe_load((POLICIES_DIR.parent / "domain.yml").read_text("utf-8"))
GUANGZHOU_CASE = {
    "region_insured": "440100",
    "region_treatment": "310000",
    "insurance_scheme": "employee",
    "person_status": "in_service",
    "hospital_level": "3",
    "estimate_filing": "long_term",
    "estimate_total": "50000",
}

# everything known, but 拉萨's numbers are not in the knowledge base
LHASA_CASE = {**GUANGZHOU_CASE, "region_insured": "540100"}
# 拉萨 has no figures of its own: the estimate falls back on the national average
# unless the user gives one figure, and then asks the other
OTHER_FIGURE = {
    "estimate_deductible": {"estimate_ratio": "0.8"},
    "estimate_ratio": {"estimate_deductible": "1000"},
}


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots


def entity(name, value, role=None):
    found = {"entity": name, "value": value}
    return {**found, "role": role} if role else found


def test_a_message_with_every_fact_fills_the_form_at_once():
    text = "我是广州的职工医保，在职，在上海一家三甲医院住院花了5万，已经备案了"
    tracker = make_tracker(
        "ask_estimate",
        text,
        [
            entity("region", "440100", "insured"),
            entity("insurance_scheme", "employee"),
            entity("person_status", "in_service"),
            entity("region", "310000", "treatment"),
            entity("hospital_level", "3"),
            entity("filing_status", "filed"),
        ],
        slots={
            "insurance_scheme": "employee",
            "person_status": "in_service",
            "hospital_level": "3",
            "filing_status": "filed",
        },
    )
    assert run(ActionEstimateIntro(), tracker)[0] == []
    messages, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_REGION_INSURED] == "440100"
    assert slots[SLOT_REGION_TREATMENT] == "310000"
    assert slots[SLOT_ESTIMATE_FILING] == "filed"
    assert slots[SLOT_ESTIMATE_TOTAL] == "50000"
    assert messages == []
    done = make_tracker("ask_estimate", text, slots={**tracker.slots, **slots})
    assert all(done.get_slot(s) for s in required_slots_for(done))


def test_a_bare_request_gets_the_intro_then_the_first_question():
    tracker = make_tracker("ask_estimate", "帮我算算能报多少")
    messages, _ = run(ActionEstimateIntro(), tracker)
    assert messages[0]["response"] == UTTER_ESTIMATE_INTRO
    assert messages[0]["direct"].startswith("能报多少看参保地政策")
    assert required_slots_for(tracker)[0] == "region_insured"


@pytest.mark.parametrize(
    "asked, text, slot, value",
    [
        ("region_insured", "河南周口", "region_insured", "411600"),
        ("insurance_scheme", "新农合", "insurance_scheme", "resident"),
        ("person_status", "退休了", "person_status", "retired"),
        ("hospital_level", "三甲", "hospital_level", "3"),
        ("hospital_level", "社区医院", "hospital_level", "1"),
        ("estimate_filing", "随子女定居", "estimate_filing", "long_term"),
        ("estimate_filing", "出差突然住院", "estimate_filing", "emergency"),
        ("estimate_filing", "自己去北京看病", "estimate_filing", "temporary"),
        ("estimate_filing", "没备案，已经出院", "estimate_filing", "manual_claim"),
        ("estimate_total", "三万五千元", "estimate_total", "35000"),
        ("estimate_total", "3.5w", "estimate_total", "35000"),
        ("estimate_deductible", "不知道", "estimate_deductible", "unknown"),
        ("estimate_deductible", "1200元", "estimate_deductible", "1200"),
        ("estimate_ratio", "八成五", "estimate_ratio", "0.85"),
    ],
)
def test_an_answer_in_everyday_words_fills_the_slot_asked(asked, text, slot, value):
    slots = {**LHASA_CASE, **OTHER_FIGURE.get(asked, {}), "requested_slot": asked}
    tracker = make_tracker("inform", text, slots=slots)
    _, slots = run(ValidateEstimateForm(), tracker)
    if value is None:
        assert slots.get(slot) is None
    else:
        assert slots[slot] == value


@pytest.mark.parametrize(
    "asked, text, response",
    [
        ("estimate_total", "很多钱", "utter_invalid_estimate_total_no_number"),
        ("estimate_total", "0", "utter_invalid_estimate_total_not_positive"),
        ("estimate_total", "-5000", "utter_invalid_estimate_total_not_positive"),
        ("hospital_level", "不记得了", "utter_invalid_hospital_level"),
        ("insurance_scheme", "随便", "utter_invalid_insurance_scheme"),
        ("estimate_filing", "嗯", "utter_invalid_estimate_filing"),
        ("estimate_ratio", "150%", "utter_invalid_estimate_ratio"),
    ],
)
def test_an_invalid_answer_is_asked_again_with_a_hint(asked, text, response):
    slots = {**LHASA_CASE, **OTHER_FIGURE.get(asked, {}), "requested_slot": asked}
    tracker = make_tracker("inform", text, slots=slots)
    messages, slots = run(ValidateEstimateForm(), tracker)
    assert [m["response"] for m in messages] == [response]
    assert slots[asked] is None


def test_approximate_amounts_are_said_to_be_so():
    tracker = make_tracker(
        "inform", "两万多", slots={"requested_slot": "estimate_total"}
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL] == "20000"
    assert slots[SLOT_ESTIMATE_TOTAL_SAID] == "两万多"


def test_a_question_in_the_middle_of_the_form_is_left_to_the_rules():
    tracker = make_tracker(
        "ask_filing_how",
        "异地就医备案怎么办",
        slots={"requested_slot": "hospital_level"},
    )
    messages, slots = run(ValidateEstimateForm(), tracker)
    assert messages == []
    assert SLOT_HOSPITAL_LEVEL not in slots
    assert SLOT_ESTIMATE_FILING not in slots


def test_a_button_is_understood_whatever_its_intent():
    tracker = make_tracker(
        "ask_referral", "转诊备案", slots={"requested_slot": "estimate_filing"}
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_FILING] == "referral"


def test_figures_stated_by_name_fill_their_slots():
    tracker = make_tracker(
        "inform",
        "总共5万，自费3000，起付线1000，报销比例80%",
        slots={"requested_slot": "estimate_total"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL] == "50000"
    assert slots[SLOT_ESTIMATE_SELF_PAID] == "3000"
    assert slots[SLOT_ESTIMATE_DEDUCTIBLE] == "1000"
    assert slots[SLOT_ESTIMATE_RATIO] == "0.8"


def test_retired_or_in_service_means_the_employee_scheme():
    tracker = make_tracker("ask_estimate", "我是拉萨的职工，退休了，住院花了3万")
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_INSURANCE_SCHEME] == "employee"


def test_the_status_is_not_asked_for_the_resident_scheme():
    tracker = make_tracker("inform", "", slots={"insurance_scheme": "resident"})
    assert "person_status" not in required_slots_for(tracker)


def test_what_the_knowledge_base_lacks_is_asked_and_what_it_has_is_not():
    """拉萨 has no figures: the national average is used, nothing more is asked;
    with the user's own ratio, their deductible is asked (one question)."""
    lhasa = make_tracker("inform", "", slots=LHASA_CASE)
    assert "estimate_deductible" not in required_slots_for(lhasa)
    assert "estimate_ratio" not in required_slots_for(lhasa)
    own_ratio = make_tracker(
        "inform", "", slots={**LHASA_CASE, **OTHER_FIGURE["estimate_deductible"]}
    )
    assert required_slots_for(own_ratio)[-2:] == [
        "estimate_deductible",
        "estimate_ratio",
    ]
    guangzhou = make_tracker("inform", "", slots=GUANGZHOU_CASE)
    assert "estimate_deductible" not in required_slots_for(guangzhou)


def test_the_estimate_shows_every_step_and_a_card():
    messages, slots = run(
        ActionEstimate(), make_tracker("inform", "", slots=GUANGZHOU_CASE)
    )
    assert slots == {SLOT_TOPIC: TOPIC_ESTIMATE}
    message = messages[0]
    assert message["response"] == UTTER_ESTIMATE_RESULT
    lines = message["lines"]
    assert "减去起付线1,000元（每次住院），余4.9万元" in lines
    assert "乘以报销比例80%，得39,200元" in lines
    assert "医保基金估计支付约3.9万元，自己负担约1.1万元" in lines
    assert "（据公开资料，2023年，可信度中）" in lines  # a repost is not named
    assert ".00" not in lines
    card = message["custom"]["data"]
    assert card["type"] == "estimate" and card["fund"] == ["39200.00", "39200.00"]


def test_a_correction_after_the_estimate_recomputes_it():
    tracker = make_tracker(
        "inform",
        "不对，是二级医院",
        [entity("hospital_level", "2")],
        slots={**GUANGZHOU_CASE, "hospital_level": "2", "topic": TOPIC_ESTIMATE},
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_ESTIMATE_RESULT
    assert "二级医院" in messages[0]["lines"]


def test_a_new_total_after_the_estimate_recomputes_it():
    tracker = make_tracker(
        "inform", "总共花了6万", slots={**GUANGZHOU_CASE, "topic": TOPIC_ESTIMATE}
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL] == "60000"
    assert "总费用6万元" in messages[0]["lines"]


def test_an_exact_total_replaces_an_approximate_one_and_what_was_said():
    tracker = make_tracker(
        "inform",
        "3万",
        slots={
            **LHASA_CASE,
            "estimate_total_said": "两万多",
            "requested_slot": "estimate_total",
        },
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL] == "30000"
    assert slots[SLOT_ESTIMATE_TOTAL_SAID] is None
    corrected = make_tracker(
        "inform",
        "总共花了6万",
        slots={**GUANGZHOU_CASE, "estimate_total_said": "两万多", "topic": "estimate"},
    )
    messages, slots = run(ActionAnswer(), corrected)
    assert slots[SLOT_ESTIMATE_TOTAL_SAID] is None
    assert "你说的是" not in messages[0]["lines"]


def test_a_total_said_before_a_named_figure_answers_the_total_question():
    tracker = make_tracker(
        "inform",
        "5万，自费2000",
        slots={**LHASA_CASE, "requested_slot": "estimate_total"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL] == "50000"
    assert slots[SLOT_ESTIMATE_SELF_PAID] == "2000"


def test_a_hospital_level_is_not_taken_for_an_amount():
    tracker = make_tracker(
        "inform",
        "其实是三级医院",
        slots={**LHASA_CASE, "requested_slot": "estimate_deductible"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots.get("estimate_deductible") in (None, "unknown")


ONE_SHOT = (
    "退休职工，异地安置备案，外省二级医院住院8万，我们那起付线800、比例85%，能报多少"
)


def test_the_users_own_figures_give_an_estimate_at_once_with_no_place():
    tracker = make_tracker(
        "ask_estimate",
        ONE_SHOT,
        [entity("person_status", "retired"), entity("hospital_level", "2")],
        slots={"person_status": "retired", "hospital_level": "2"},
    )
    assert run(ActionEstimateIntro(), tracker)[0] == []
    messages, slots = run(ValidateEstimateForm(), tracker)
    assert messages == []
    assert slots[SLOT_ESTIMATE_DEDUCTIBLE] == "800"
    assert slots[SLOT_ESTIMATE_RATIO] == "0.85"
    assert slots[SLOT_ESTIMATE_TOTAL] == "80000"
    assert slots[SLOT_ESTIMATE_FILING] == "long_term"
    assert slots.get("requested_slot") is None  # nothing left to ask
    done = make_tracker("ask_estimate", ONE_SHOT, slots={**tracker.slots, **slots})
    assert SLOT_REGION_INSURED not in required_slots_for(done)
    messages, _ = run(ActionEstimate(), done)
    lines = messages[0]["lines"]
    # (80000 - 800) x 85% = 67320
    assert "余79,200元" in lines and "得67,320元" in lines
    assert "医保基金估计支付约6.7万元" in lines
    assert "起付线800元、报销比例85%（你提供的数字）" in lines
    assert "参保地" in lines and "None" not in lines


def test_with_a_place_and_no_figures_the_place_is_still_asked():
    tracker = make_tracker("ask_estimate", "退休职工，二级医院住院8万，能报多少")
    assert required_slots_for(tracker)[0] == SLOT_REGION_INSURED


@pytest.mark.parametrize(
    "text, code",
    [
        ("洛阳", "410300"),
        ("温州", "330300"),
        ("赣州", "360700"),
        ("河南洛阳", "410300"),
        ("昆山", "320583"),
        ("江苏苏州昆山", "320583"),
        ("我是洛阳的", "410300"),
    ],
)
@pytest.mark.parametrize(
    "intent", ["out_of_scope", "ask_find_hospital", "nlu_fallback"]
)
def test_a_place_is_the_answer_when_the_insured_place_is_asked(text, code, intent):
    tracker = make_tracker(intent, text, slots={"requested_slot": "region_insured"})
    messages, slots = run(ValidateEstimateForm(), tracker)
    assert messages == []
    assert slots[SLOT_REGION_INSURED] == code


def test_a_question_naming_a_place_is_left_to_the_rules():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "洛阳的医保卡在上海能用吗",
        slots={"requested_slot": "region_insured"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert SLOT_REGION_INSURED not in slots


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("inform", "其实我退休了", "广州职工医保（退休），三级医院"),
        ("ask_transfer", "其实我退休了", "广州职工医保（退休），三级医院"),
        ("inform", "不对，是二级医院", "二级医院"),
        (
            "ask_pharmacy",
            "其中自费药8000",
            "减去目录外自费8,000元，政策范围内费用4.2万元",
        ),
        ("inform", "总共是12万", "总费用12万元"),
    ],
)
def test_a_correction_recomputes_whatever_its_intent(intent, text, expected):
    tracker = make_tracker(
        intent, text, slots={**GUANGZHOU_CASE, "topic": TOPIC_ESTIMATE}
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_ESTIMATE_RESULT
    assert expected in messages[0]["lines"]


def test_a_question_after_the_estimate_is_not_a_correction():
    tracker = make_tracker(
        "ask_transfer",
        "退休了医保能转回老家吗",
        slots={**GUANGZHOU_CASE, "topic": TOPIC_ESTIMATE},
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["response"] != UTTER_ESTIMATE_RESULT


def test_only_the_amount_phrase_is_quoted():
    tracker = make_tracker(
        "inform",
        "住院花了两万多吧，具体记不清了",
        slots={**LHASA_CASE, "requested_slot": "estimate_total"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_ESTIMATE_TOTAL_SAID] == "两万多"
    said = {
        **GUANGZHOU_CASE,
        "estimate_total": "20000",
        "estimate_total_said": "两万多",
    }
    messages, _ = run(ActionEstimate(), make_tracker("inform", "", slots=said))
    assert "（你说的是“两万多”，按2万元算）" in messages[0]["lines"]


@pytest.mark.parametrize(
    "case",
    [
        GUANGZHOU_CASE,
        {**GUANGZHOU_CASE, "estimate_filing": "temporary"},
        {
            **GUANGZHOU_CASE,
            "estimate_filing": "manual_claim",
            "estimate_self_paid": "3000",
        },
        {**LHASA_CASE, "estimate_deductible": "unknown", "estimate_ratio": "unknown"},
    ],
)
def test_the_result_is_compact_for_a_phone(case):
    messages, _ = run(ActionEstimate(), make_tracker("inform", "", slots=case))
    lines = messages[0]["lines"].split("\n")
    assert lines[0].startswith("【估算】")
    assert len(lines) <= 12
    assert ".00元" not in messages[0]["lines"]


def test_a_place_answering_the_place_question_is_not_also_the_treatment_place():
    tracker = make_tracker(
        "inform",
        "洛阳",
        [entity("region", "410300", "treatment")],
        slots={"requested_slot": "region_insured"},
    )
    _, slots = run(ValidateEstimateForm(), tracker)
    assert slots[SLOT_REGION_INSURED] == "410300"
    assert SLOT_REGION_TREATMENT not in slots


def test_a_question_of_its_own_in_the_form_takes_nothing_from_it():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "江苏医保在上海住院能直接结算吗",
        [{"entity": "region", "value": "320000", "role": "insured"}],
        slots={"requested_slot": "region_insured"},
    )
    events, slots = run(ValidateEstimateForm(), tracker)
    assert slots == {}  # the form lets go: the rules answer the question first
