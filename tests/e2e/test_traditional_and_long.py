"""The trained model on traditional characters and on questions written as a
paragraph; through the REST channel, the actions read simplified text."""

import uuid

import pytest

from bench.nlu_eval import evaluate
from bench.rest import parse, reply_text, say
from bench.servers import MODEL
from tests.test_long_questions import paragraphs

PARAGRAPH_BAR = 0.85


@pytest.mark.parametrize(
    "text, intent",
    [
        ("我是江蘇參保的，在上海住院能刷卡嗎", "ask_card_elsewhere"),
        ("異地就醫備案怎麼辦理", "ask_filing_how"),
        ("新農合報銷比例?", "ask_rural_coop"),
        ("醫保卡在外地能用嗎", "ask_card_elsewhere"),
        ("醫保錢包怎麼開通", "ask_family_account"),
        ("備案了還是不能直接結算", "ask_settlement_failed"),
    ],
)
def test_traditional_characters_are_understood(assistant, text, intent):
    result = parse(assistant.url, text)
    assert result["intent"]["name"] == intent
    assert result["text"] != text  # the parsed text, which the actions read


def test_the_regions_of_a_traditional_message_have_their_roles(assistant):
    result = parse(assistant.url, "我是江蘇參保的，在上海住院能刷卡嗎")
    assert result["text"] == "我是江苏参保的，在上海住院能刷卡吗"
    regions = [
        (e["value"], e.get("role"), result["text"][e["start"] : e["end"]])
        for e in result["entities"]
        if e["entity"] == "region"
    ]
    assert regions == [("320000", "insured", "江苏"), ("310000", "treatment", "上海")]


def test_the_actions_read_simplified_text(assistant):
    user = f"e2e-traditional-{uuid.uuid4().hex[:10]}"
    messages = say(
        assistant.url,
        user,
        "我是廣州的職工醫保，在職，在上海一家三甲醫院住院花了5萬，已經備案了，大概能報多少？",
    )
    cards = [m["custom"]["data"] for m in messages if "custom" in m]
    assert cards and cards[0]["fund"] == ["29400.00", "39200.00"], reply_text(messages)


def test_long_paragraphs_are_understood():
    examples = paragraphs()
    report = evaluate(MODEL, examples)
    errors = "\n".join(f"  {t[:40]}… | {g} | got {p}" for t, g, p in report.errors)
    assert report.accuracy >= PARAGRAPH_BAR, f"{report.accuracy:.2f}\n{errors}"
    declined = [p for _, _, p in report.errors if p in ("out_of_scope", "nlu_fallback")]
    assert len(declined) <= 1, errors


def test_a_long_paragraph_gets_a_policy_answer(assistant):
    text, _ = paragraphs()[0]
    reply = reply_text(say(assistant.url, f"e2e-long-{uuid.uuid4().hex[:10]}", text))
    assert "备案" in reply and "不在我能回答的范围" not in reply, reply
    assert "不太确定你问的是不是" not in reply, reply
