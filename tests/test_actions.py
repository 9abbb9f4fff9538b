"""The actions with a real CollectingDispatcher and Tracker."""

import asyncio
import json

from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.clarify import ActionClarify
from actions.constants import (
    SLOT_FACET,
    SLOT_HOSPITAL,
    SLOT_HOSPITAL_LEVEL,
    SLOT_REGION_INSURED,
    SLOT_REGION_TREATMENT,
    SLOT_TOPIC,
    UTTER_ASK_TOPIC,
    UTTER_CLARIFY,
    UTTER_OUT_OF_SCOPE,
    UTTER_POLICY_ANSWER,
)
from tests.conftest import make_tracker


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, {
        e["name"]: e["value"] for e in events if e["event"] == "slot"
    }


def region(value, role=None):
    entity = {"entity": "region", "value": value}
    if role:
        entity["role"] = role
    return entity


def test_a_question_is_answered_from_its_topic_and_remembers_the_places():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "我是江苏参保的，在上海住院能刷卡吗",
        [region("320000", "insured"), region("310000", "treatment")],
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert messages[0]["case"] == "你是江苏参保、在上海看病，属于跨省异地就医。"
    assert messages[0]["direct"].startswith("能用")
    assert [b["title"] for b in messages[0]["buttons"]][:3] == [
        "已备案",
        "未备案",
        "急诊抢救",
    ]
    assert slots == {
        SLOT_REGION_INSURED: "320000",
        SLOT_REGION_TREATMENT: "310000",
        SLOT_TOPIC: "card_elsewhere",
        SLOT_FACET: "possible",
    }


def test_a_follow_up_with_a_new_place_re_answers_the_same_topic():
    tracker = make_tracker(
        "inform",
        "那北京呢",
        [region("110000")],
        slots={
            "topic": "manual_claim",
            "region_insured": "320000",
            "region_treatment": "310000",
        },
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["direct"].startswith("能报。带齐票据")
    assert slots[SLOT_REGION_TREATMENT] == "110000"
    assert SLOT_REGION_INSURED not in slots


def test_picking_a_filing_case_answers_for_that_case():
    tracker = make_tracker(
        "inform",
        '/inform{"filing_status": "emergency"}',
        [{"entity": "filing_status", "value": "emergency"}],
        slots={"topic": "card_elsewhere", "filing_status": "emergency"},
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == "utter_case_answer"  # only what the case changes
    assert messages[0]["cases_short"] == "急诊抢救：视同已备案，可以直接结算。"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "已备案" not in titles and "需要什么材料" in titles


def test_materials_follow_the_topic_of_the_conversation():
    tracker = make_tracker(
        "ask_materials", "要带什么材料？", slots={"topic": "not_filed"}
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert "发票原件" in messages[0]["direct"]
    assert slots[SLOT_TOPIC] == "manual_claim_materials"


def test_a_statement_without_any_topic_asks_what_to_know():
    tracker = make_tracker("inform", "我在苏州", [region("320500", "treatment")])
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_ASK_TOPIC
    assert messages[0]["case"] == "你在江苏苏州看病。"  # the case said back
    assert slots == {SLOT_REGION_TREATMENT: "320500"}


def test_clarify_offers_the_likeliest_topics_as_buttons():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.55},
        {"name": "ask_pharmacy", "confidence": 0.15},
        {"name": "greet", "confidence": 0.13},
        {"name": "ask_outpatient", "confidence": 0.12},
    ]
    tracker = make_tracker("nlu_fallback", "外地药那个", ranking=ranking)
    messages, _ = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_CLARIFY
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/ask_pharmacy",
        "/ask_outpatient",
    ]


def test_clarify_declines_when_no_topic_is_likely():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "greet", "confidence": 0.3},
    ]
    messages, _ = run(
        ActionClarify(), make_tracker("nlu_fallback", "asdf", ranking=ranking)
    )
    assert messages[0]["response"] == UTTER_OUT_OF_SCOPE


def test_an_ambiguous_place_is_asked_about_with_buttons():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "我是江苏参保的，在朝阳住院能刷卡吗",
        [
            {"entity": "region", "value": "320000", "role": "insured", "text": "江苏"},
            {
                "entity": "region",
                "value": "211300",
                "role": "treatment",
                "text": "朝阳",
            },
        ],
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == "utter_which_place"
    assert messages[0]["name"] == "朝阳"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "北京市朝阳区" in titles and "辽宁省朝阳市" in titles
    assert slots["region_pending_role"] == "treatment"
    assert (
        slots[SLOT_REGION_INSURED] == "320000" and slots[SLOT_TOPIC] == "card_elsewhere"
    )

    picked = make_tracker(
        "inform",
        '/inform{"region": "110105"}',
        [{"entity": "region", "value": "110105"}],
        slots={**slots, "region_treatment": None},
    )
    messages, slots = run(ActionAnswer(), picked)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert slots[SLOT_REGION_TREATMENT] == "110105"
    assert slots["region_pending_role"] is None


def test_a_place_named_with_its_province_is_not_ambiguous():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "北京朝阳的医院能用江苏医保吗",
        [
            {
                "entity": "region",
                "value": "110000",
                "role": "treatment",
                "text": "北京",
            },
            {
                "entity": "region",
                "value": "211300",
                "role": "treatment",
                "text": "朝阳",
            },
        ],
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert slots[SLOT_REGION_TREATMENT] == "110105"


def test_a_misspelt_place_gets_close_matches():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "我在苏洲住院能刷卡吗",
        [
            {
                "entity": "region_unknown",
                "value": "苏洲",
                "role": "treatment",
                "text": "苏洲",
            }
        ],
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER  # answered without the place
    assert messages[1]["response"] == "utter_place_not_found"
    assert "江苏省苏州市" in [b["title"] for b in messages[1]["buttons"]]


def test_an_unknown_place_without_close_matches():
    tracker = make_tracker(
        "ask_card_elsewhere",
        "我是霍格沃茨市的医保",
        [
            {
                "entity": "region_unknown",
                "value": "霍格沃茨市",
                "role": "insured",
                "text": "霍格沃茨市",
            }
        ],
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[-1]["response"] == "utter_place_not_found_no_match"
    assert slots["region_pending_role"] == "insured"


def test_a_named_hospital_gives_the_treatment_place_and_the_level():
    tracker = make_tracker(
        "ask_ratio_difference",
        "我是广州退休职工，在瑞金医院住院报销比例是多少",
        [
            region("440100", "insured"),
            {"entity": "person_status", "value": "retired"},
            {"entity": "hospital", "value": "上海交通大学医学院附属瑞金医院"},
        ],
        slots={"person_status": "retired"},
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert slots[SLOT_REGION_TREATMENT] == "310000"
    assert slots[SLOT_HOSPITAL] == "上海交通大学医学院附属瑞金医院"
    assert slots[SLOT_HOSPITAL_LEVEL] == "3"
    local = messages[0]["local"]
    assert "【医院】上海交通大学医学院附属瑞金医院：上海的三级甲等医院" in local
    assert "【广州·职工医保（退休）·住院】" in local
    # 广州's level-3 numbers only, not every level side by side
    assert "起付线（每次住院）1,000元；报销比例86%" in local


def test_a_hospital_level_said_outright_wins_over_the_hospitals():
    tracker = make_tracker(
        "ask_ratio_difference",
        "在瑞金医院，不过是二级的部分",
        [
            {"entity": "hospital", "value": "上海交通大学医学院附属瑞金医院"},
            {"entity": "hospital_level", "value": "2"},
        ],
        slots={"hospital_level": "2"},
    )
    _, slots = run(ActionAnswer(), tracker)
    assert SLOT_HOSPITAL_LEVEL not in slots


def test_moving_to_another_city_forgets_the_hospital():
    tracker = make_tracker(
        "inform",
        "换到北京住院呢",
        [region("110000", "treatment")],
        slots={
            "region_insured": "440100",
            "region_treatment": "310000",
            "hospital": "上海交通大学医学院附属瑞金医院",
            "hospital_level": "3",
            "topic": "ratio_difference",
        },
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert slots[SLOT_REGION_TREATMENT] == "110000"
    assert slots[SLOT_HOSPITAL] is None
    assert "【医院】" not in messages[0]["local"]


def test_a_first_question_with_no_insurance_word_is_declined():
    tracker = make_tracker("ask_filing_who", "成都普高有哪些学校500分可以上的")
    messages, slots = run(ActionAnswer(), tracker)
    assert messages[0]["response"] == UTTER_OUT_OF_SCOPE
    assert slots == {}


def test_traditional_characters_and_follow_ups_are_not_declined():
    tracker = make_tracker("ask_filing_how", "異地就醫備案怎麼辦理")
    assert run(ActionAnswer(), tracker)[0][0]["response"] == UTTER_POLICY_ANSWER
    follow_up = make_tracker(
        "ask_materials", "要带些什么东西过去", slots={"topic": "filing_how"}
    )
    assert run(ActionAnswer(), follow_up)[0][0]["response"] == UTTER_POLICY_ANSWER


def test_the_point_asked_is_answered_and_remembered_for_follow_ups():
    tracker = make_tracker("ask_filing_validity", "备案办完多久能用")
    messages, slots = run(ActionAnswer(), tracker)
    assert "即时出结果" in messages[0]["direct"]
    assert slots[SLOT_FACET] == "effective"
    follow_up = make_tracker(
        "inform",
        "那北京呢",
        [region("110000")],
        slots={"topic": "filing_validity", "facet": "effective"},
    )
    messages, _ = run(ActionAnswer(), follow_up)
    assert "即时出结果" in messages[0]["direct"]  # the same point, new place


def test_a_facet_button_answers_that_point_of_the_topic_in_context():
    tracker = make_tracker(
        "inform",
        '/inform{"facet": "validity"}',
        [{"entity": "facet", "value": "validity"}],
        slots={"topic": "referral"},
    )
    messages, slots = run(ActionAnswer(), tracker)
    assert "不少于6个月" in messages[0]["direct"]
    assert slots[SLOT_TOPIC] == "referral"


def test_an_uncertain_question_is_answered_on_its_likeliest_reading():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_pharmacy", "confidence": 0.40},
        {"name": "ask_outpatient", "confidence": 0.25},
    ]
    tracker = make_tracker("nlu_fallback", "外地药店能刷医保卡吗", ranking=ranking)
    messages, slots = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert messages[0]["direct"].startswith("可以，先办异地就医备案")
    assert messages[0]["buttons"][0] == {
        "title": "想问的是：门诊和门诊慢特病？",
        "payload": "/ask_outpatient",
    }
    assert slots[SLOT_TOPIC] == "pharmacy"


def test_an_uncertain_question_that_may_be_out_of_scope_is_asked_back():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "out_of_scope", "confidence": 0.35},
        {"name": "ask_pharmacy", "confidence": 0.30},
    ]
    tracker = make_tracker("nlu_fallback", "外地药店的医保卡", ranking=ranking)
    messages, _ = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_CLARIFY


def test_an_uncertain_question_naming_the_places_is_answered_for_them():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_card_elsewhere", "confidence": 0.22},
        {"name": "ask_transfer", "confidence": 0.12},
    ]
    tracker = make_tracker(
        "nlu_fallback",
        "我在常熟交的医保，到上海看病算不算跨省",
        [region("320581", "insured"), region("310000", "treatment")],
        ranking=ranking,
    )
    messages, _ = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert messages[0]["case"].startswith(
        "你是江苏苏州（常熟）参保、在上海看病，属于跨省"
    )


def test_out_of_scope_is_declined_unless_plainly_about_medical_insurance():
    pension = [
        {"name": "out_of_scope", "confidence": 0.9},
        {"name": "ask_lapse", "confidence": 0.08},
    ]
    messages, _ = run(
        ActionClarify(),
        make_tracker("out_of_scope", "养老保险交15年能领多少", ranking=pension),
    )
    assert messages[0]["response"] == UTTER_OUT_OF_SCOPE
    messages, _ = run(
        ActionClarify(),
        make_tracker("out_of_scope", "重庆辞职了医保怎么办", ranking=pension),
    )
    assert messages[0]["response"] != UTTER_OUT_OF_SCOPE
    assert "断缴" in json.dumps(messages, ensure_ascii=False)


def test_an_uncertain_short_follow_up_goes_on_with_the_topic():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_emergency", "confidence": 0.2},
    ]
    tracker = make_tracker(
        "nlu_fallback",
        "那回湖南老家过年生病呢？",
        slots={"topic": "card_elsewhere"},
        ranking=ranking,
    )
    messages, slots = run(ActionClarify(), tracker)
    assert messages[0]["response"] != "utter_clarify"
    assert slots.get("topic", "card_elsewhere") == "card_elsewhere"
