"""The examples of the issue "Answer the question the person asked, about their own
case", through the REST channel of the real servers: each gets a correct, specific
answer."""

import uuid

import pytest

from bench.real_questions import reply_of
from bench.rest import say


def ask(assistant, *messages):
    """Each message in one new conversation; the reply to the last."""
    user = f"issue-{uuid.uuid4().hex[:10]}"
    replies = [reply_of(say(assistant.url, user, m)) for m in messages]
    return replies[-1]


@pytest.mark.parametrize(
    "messages, must, must_not",
    [
        (
            ["我是南京的职工医保，退休了，在魔都住院为什么报销比例比在南京低"],
            ["南京", "上海", "跨省", "参保地"],
            ["不属于异地就医"],
        ),
        (
            ["我是江苏参保的，在上海住院能刷卡吗", "那北京呢？"],
            ["江苏参保", "在北京看病"],
            ["北京参保"],
        ),
        (
            ["我在常熟交的医保，到上海看病算不算跨省"],
            ["江苏苏州（常熟）参保", "在上海看病", "跨省"],
            [],
        ),
        (["申城的医保卡到京城能不能用"], ["上海参保", "在北京看病"], []),
        (["备案办完多久能用"], ["即时出结果"], []),
        (["转诊单开了能用多长时间"], ["不少于6个月"], []),
        (["备案要取消吗"], ["取消"], []),
        (["医保钱包怎么开通"], ["医保钱包", "国家医保服务平台App"], []),
        (["我妈在我这边住院，我能替她备案吗"], ["为他人备案"], []),
        (["老公的医保卡我能拿去用吗"], ["只限参保人本人"], []),
        (["辞职后职工医保停了两个月"], ["3个月（含）以内"], ["固定等待期"]),
    ],
)
def test_each_example_gets_a_specific_answer(assistant, messages, must, must_not):
    reply = ask(assistant, *messages)
    for phrase in must:
        assert phrase in reply, (phrase, reply)
    for phrase in must_not:
        assert phrase not in reply, (phrase, reply)
    assert "我不太确定" not in reply


def test_basis_names_policy_documents_only(assistant, kb):
    """No repost or Q&A page is shown as 依据."""
    documents = {s.citation for s in kb.sources.values() if s.kind == "policy_document"}
    for question in ("医保卡在外地能用吗", "怎么办异地就医备案", "医保钱包怎么开通"):
        reply = ask(assistant, question)
        for line in reply.splitlines():
            if line.startswith("依据："):
                cited = line.removeprefix("依据：").split("。")[0].split("，")[0]
                # the first document, 等 for the others, then any public pages
                cited = cited.split("及公开资料")[0].removesuffix("等")
                for name in cited.split("、"):
                    assert name in documents, (name, line)
