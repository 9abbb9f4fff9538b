"""The knowledge base as of 2026, asked through the REST channel (issue 13): each
fixed fact gets the question it answers.

- 上海's cap (AUDIT-2026-12 R1) is 65万 for the 2025 医保年度 (2025-07-01 to
  2026-06-30), not 59万; that year has ended, so the answer says the figure may have
  changed. 广州's cap (R5) is 2023's, and says so too.
"""

from __future__ import annotations

import uuid

from bench.rest import reply_text, say


def ask(assistant, text: str) -> str:
    return reply_text(say(assistant.url, f"kb-{uuid.uuid4().hex[:10]}", text))


def test_a_shanghai_estimate_uses_the_2025_cap_and_says_it_has_ended(assistant):
    reply = ask(
        assistant,
        "我是上海职工医保在职，在北京三甲医院住院花了80万，已经备案了，能报多少",
    )
    assert "封顶线65万元" in reply and "59万" not in reply
    assert "2025医保年度，2026-06-30到期、可能已调整" in reply


def test_a_guangzhou_estimate_says_its_cap_is_2023s(assistant):
    reply = ask(
        assistant,
        "我是广州的职工医保，在职，在上海一家三甲医院住院花了100万，已经备案了，大概能报多少？",
    )
    assert "2023年，2023-12-31到期、可能已调整" in reply
