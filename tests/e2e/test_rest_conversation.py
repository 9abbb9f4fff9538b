"""Conversations through the REST channel of the real servers: follow-ups keep their
context, buttons work, and bad input gets a polite answer without losing the
conversation."""

import urllib.request
import uuid

import pytest

from bench.rest import reply_text, say


def sender():
    return f"e2e-{uuid.uuid4().hex[:10]}"


def test_follow_ups_keep_the_context(assistant):
    user = sender()
    first = say(assistant.url, user, "我是上海参保的，去杭州出差垫付了住院费，怎么报销")
    assert "【上海】" in first[0]["text"] and "6个月内" in first[0]["text"]
    assert "以上海医保答复为准" in first[0]["text"]

    materials = reply_text(say(assistant.url, user, "要带什么材料？"))
    assert "发票原件" in materials and "费用明细清单" in materials

    not_filed = reply_text(say(assistant.url, user, "没备案怎么办？"))
    assert "没备案也有补救办法" in not_filed


def test_filing_buttons_pick_the_case_and_a_new_place_re_answers(assistant):
    user = sender()
    reply = say(assistant.url, user, "江苏的医保卡在上海能用吗")
    buttons = reply[0]["buttons"]
    assert [b["title"] for b in buttons][:3] == ["已备案", "未备案", "急诊抢救"]

    picked = reply_text(say(assistant.url, user, buttons[2]["payload"]))
    assert "急诊抢救：视同已备案" in picked and "未备案：" not in picked

    beijing = reply_text(say(assistant.url, user, "那北京呢"))
    assert "江苏参保、在北京看病" in beijing and "以江苏医保答复" in beijing


def test_the_answer_names_the_rule_the_document_and_the_channel(assistant):
    text = reply_text(
        say(assistant.url, sender(), "为什么在外地看病报销比例比在家里低")
    )
    assert "就医地目录、参保地政策" in text
    assert "依据：医保发〔2022〕22号" in text
    assert "12393" in text.splitlines()[-1] or "12393" in text


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "😀😀😀",
        "医保" * 5000,
        "<script>alert(1)</script>",
        "SELECT * FROM users;--",
        "How do I use my card?",
    ],
)
def test_bad_input_gets_a_polite_answer_and_the_conversation_goes_on(assistant, bad):
    user = sender()
    answer = reply_text(say(assistant.url, user, bad))
    assert answer.strip()
    assert "<script>" not in answer
    after = reply_text(say(assistant.url, user, "怎么办异地就医备案"))
    assert "国家医保服务平台" in after


def test_the_socketio_channel_is_served(assistant):
    with urllib.request.urlopen(
        f"{assistant.url}/socket.io/?EIO=4&transport=polling", timeout=10
    ) as response:
        assert response.status == 200
        assert response.read().decode()[:1] == "0"  # engine.io "open" packet
