"""A long conversation keeps its context (issue 15): past the tracker store's session
limit (endpoints.yml `max_session_events`) a new session starts with the slots
carried, so the places said at the start still hold, and every turn is answered."""

from __future__ import annotations

import sqlite3
import uuid

from bench.rest import reply_text, say

FOLLOW_UPS = [
    "要带什么材料？",
    "忘了备案怎么办",
    "为什么外地报销比例低",
    "已经备案了",
    "备案办好多久能用？",
    "急诊怎么办",
]


def sessions_of(assistant, sender: str) -> int:
    with sqlite3.connect(assistant.logs / "conversations.db") as db:
        (count,) = db.execute(
            "select count(*) from events where sender_id = ? and type_name = ?",
            (sender, "session_started"),
        ).fetchone()
    return count


def test_a_long_conversation_keeps_the_places_said_at_its_start(assistant):
    sender = f"long-{uuid.uuid4().hex[:8]}"
    first = reply_text(say(assistant.url, sender, "我是江苏参保的，在上海住院能刷卡吗"))
    assert "江苏" in first and "上海" in first
    # 18 turns in all: under the 20-a-minute limit, past 120 events
    for number in range(17):
        reply = reply_text(say(assistant.url, sender, FOLLOW_UPS[number % 6]))
        assert reply.strip(), number
    assert sessions_of(assistant, sender) >= 2  # it did start afresh
    last = reply_text(say(assistant.url, sender, "那北京呢"))
    assert "江苏参保" in last and "北京" in last, last
