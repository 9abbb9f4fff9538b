"""A question the classifier is unsure of whose words name its topic plainly (共济,
断缴, 外地住院…报销) is answered on that topic, with the classifier's readings as
buttons; without such words, or when it may be out of scope, it is asked back."""

import pytest

from actions.clarify import ActionClarify
from actions.constants import UTTER_CLARIFY, UTTER_OUT_OF_SCOPE, UTTER_POLICY_ANSWER
from assistant.answers.policy import compose
from assistant.case import Case
from assistant.facets import cued_topic
from tests.conftest import make_tracker
from tests.test_actions import run

UNSURE = [
    {"name": "nlu_fallback", "confidence": 0.45},
    {"name": "ask_parameters", "confidence": 0.24},
    {"name": "ask_settlement_failed", "confidence": 0.10},
]


@pytest.mark.parametrize(
    "text, topic",
    [
        ("深圳医保外地住院怎么报销", "card_elsewhere"),
        ("异地就医备案之后什么时候开始生效", "filing_validity"),
        ("6个月到了还没看完怎么办", "filing_validity"),
        ("哪些人可以成为共济对象", "family_account"),
        ("医保过了时间没交怎么办", "lapse"),
        ("人脸识别不通过怎么办", "e_voucher"),
        ("出差路上突发急病去了医院", "emergency"),
        ("我在羊城住院，算异地吗", "intra_province"),
        ("老家县里参保，在市里看病算哪种", "intra_province"),
        ("人晕倒被救护车送到医院，没带医保卡", "emergency"),
        ("花了1200元能报吗", None),  # an amount, not the emergency number
        ("看了好几次病，能一起报吗", "manual_claim"),
        ("今天天气怎么样", None),
    ],
)
def test_the_topic_a_question_names_plainly(text, topic):
    assert cued_topic(text) == topic


def test_an_unsure_question_naming_its_topic_is_answered_with_the_readings_as_buttons():
    tracker = make_tracker("nlu_fallback", "深圳医保外地住院怎么报销", ranking=UNSURE)
    messages, slots = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert slots["topic"] == "card_elsewhere"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert any("能报多少" in t or "起付线" in t for t in titles)


def test_a_medical_insurance_story_taken_for_out_of_scope_is_answered_on_its_words():
    # no in-scope reading at all, but plainly about medical insurance and naming the
    # emergency: answered, not declined
    ranking = [
        {"name": "out_of_scope", "confidence": 0.96},
        {"name": "ask_lapse", "confidence": 0.01},
    ]
    text = "没出示医保卡，我是煤气中毒昏迷后被救护车送到医院的，出院了怎么报销"
    tracker = make_tracker("out_of_scope", text, ranking=ranking)
    messages, slots = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_POLICY_ANSWER
    assert slots["topic"] == "emergency"
    pension = "养老金昏迷期间能领吗"  # another scheme: still declined
    tracker = make_tracker("out_of_scope", pension, ranking=ranking)
    messages, _ = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_OUT_OF_SCOPE


def test_an_unsure_question_naming_no_topic_is_asked_back():
    tracker = make_tracker("nlu_fallback", "医保那个事情咋弄", ranking=UNSURE)
    messages, _ = run(ActionClarify(), tracker)
    assert messages[0]["response"] == UTTER_CLARIFY


def test_whose_card_keeps_its_own_answer_inside_jingjinji(kb, gazetteer):
    case = Case(insured=gazetteer.resolve("北京"), treatment=gazetteer.resolve("河北"))
    card = kb.topics["card_elsewhere"]
    who = "".join(compose(kb, gazetteer, card, case, "who").arguments.values())
    assert "本人" in who and "视同已备案" not in who
    summary = "".join(compose(kb, gazetteer, card, case, None).arguments.values())
    assert "视同已备案" in summary


@pytest.mark.parametrize(
    "text, top, entities, expected",
    [
        (
            "去南京呢？",
            "out_of_scope",
            [{"entity": "region", "value": "320100"}],
            "answer",
        ),
        (
            "那在武汉呢？",
            "out_of_scope",
            [{"entity": "region", "value": "420100"}],
            "answer",
        ),
        ("一次能转多少？", "nlu_fallback", [], "answer"),
        ("那你喜欢吃什么呢", "out_of_scope", [], "declined"),
    ],
)
def test_a_short_follow_up_goes_on_with_the_topic(text, top, entities, expected):
    ranking = [{"name": top, "confidence": 0.9}]
    slots = {"topic": "family_account", "region_insured": "110000"}
    tracker = make_tracker(top, text, entities=entities, slots=slots, ranking=ranking)
    messages, _ = run(ActionClarify(), tracker)
    wanted = UTTER_POLICY_ANSWER if expected == "answer" else UTTER_OUT_OF_SCOPE
    assert messages[0]["response"] == wanted


def test_an_unsure_statement_naming_both_places_leads_with_the_case():
    """我在上海退休的，现在在哈尔滨老家住院: unsure what is asked, sure where — the
    reply says their places in their roles before asking what they want."""
    text = "我在上海退休的，现在在哈尔滨老家住院"
    entities = [
        {"entity": "region", "value": "310000", "role": "insured", "text": "上海"},
        {"entity": "region", "value": "230100", "role": "treatment", "text": "哈尔滨"},
    ]
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "inform", "confidence": 0.40},
        {"name": "ask_parameters", "confidence": 0.27},
    ]
    tracker = make_tracker("nlu_fallback", text, entities=entities, ranking=ranking)
    messages, slots = run(ActionClarify(), tracker)
    assert messages[0]["text"].startswith("你是上海参保、在黑龙江哈尔滨看病，属于跨省")
    assert messages[-1]["response"] == UTTER_CLARIFY
    assert slots["region_insured"] == "310000"
    # no places in the message: no case line, the clarification alone
    plain = make_tracker("nlu_fallback", "报销比例", ranking=UNSURE)
    messages, _ = run(ActionClarify(), plain)
    assert all("参保" not in (m.get("text") or "") for m in messages)
