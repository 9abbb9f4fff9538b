"""One Rasa server on two cores (issue 15): SANIC_WORKERS=2 with the SQLite lock
store of endpoints.yml. Each request may reach either worker; a conversation keeps
its context whichever worker answers (each holds the trackers it last saw and reads
again what the other wrote), two messages of one conversation sent at once are both
kept, and the per-conversation rate limit counts the messages of both workers."""

from __future__ import annotations

import concurrent.futures
import json
import sqlite3
import uuid

import pytest

from bench.load import cpu_seconds, process_tree
from bench.rest import reply_text, say
from bench.servers import running_assistant


@pytest.fixture(scope="module")
def two_workers():
    env = {"SANIC_WORKERS": "2", "GUARD_RATE_LIMIT_MESSAGES": "12"}
    with running_assistant(env=env) as assistant:
        yield assistant


def workers_of(assistant) -> list[int]:
    return process_tree(assistant.pids()["rasa"])[1:]


def user_texts(assistant, sender: str) -> list[str]:
    with sqlite3.connect(assistant.logs / "conversations.db") as db:
        rows = db.execute(
            "select data from events where sender_id = ? and type_name = 'user'"
            " order by id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_both_workers_answer_and_a_conversation_keeps_its_places(two_workers):
    workers = workers_of(two_workers)
    assert len(workers) == 2
    before = {pid: cpu_seconds(pid) for pid in workers}
    for round_ in range(4):
        sender = f"w-{uuid.uuid4().hex[:8]}"
        first = reply_text(
            say(two_workers.url, sender, "我是江苏参保的，在上海住院能刷卡吗")
        )
        assert "江苏" in first and "上海" in first
        for text in ["已经备案了", "要带什么材料？", "忘了备案怎么办"]:
            assert reply_text(say(two_workers.url, sender, text)).strip()
        last = reply_text(say(two_workers.url, sender, "那北京呢"))
        assert "江苏参保" in last and "北京" in last, (round_, last)
        assert user_texts(two_workers, sender)[-1] == "那北京呢"
    used = {pid: cpu_seconds(pid) - before[pid] for pid in workers}
    assert all(seconds > 0.05 for seconds in used.values()), used


def test_messages_sent_at_once_are_all_kept_in_order_of_arrival(two_workers):
    sender = f"w-{uuid.uuid4().hex[:8]}"
    say(two_workers.url, sender, "我是河南参保的，在北京看病")
    texts = ["已经备案了", "要带什么材料？", "急诊怎么办", "忘了备案怎么办"]
    with concurrent.futures.ThreadPoolExecutor(len(texts)) as pool:
        replies = list(pool.map(lambda t: say(two_workers.url, sender, t), texts))
    assert all(reply_text(r).strip() for r in replies)
    kept = user_texts(two_workers, sender)
    assert sorted(kept[1:]) == sorted(texts) and len(kept) == 5  # none lost


def test_the_rate_limit_counts_both_workers_messages(two_workers):
    sender = f"w-{uuid.uuid4().hex[:8]}"
    answered = [
        reply_text(say(two_workers.url, sender, "要带什么材料？")) for _ in range(14)
    ]
    # 12 a minute in all, whichever worker took them: the last two are refused
    assert user_texts(two_workers, sender) == ["要带什么材料？"] * 12
    assert answered[-1] != answered[0]
