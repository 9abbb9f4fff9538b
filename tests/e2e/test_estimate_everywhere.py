"""An estimate for every insured place, asked in one message through the REST
channel (issue 13, item 4): 20 prefecture-level cities drawn from the
administrative data, none with figures of its own, each answered at once with a
range labelled as the national average in the city's own name; a 省内 question in
a province without filing within it is answered with that rule (item 3)."""

from __future__ import annotations

import random
import uuid

import pytest

from assistant.knowledge.loader import default_knowledge_base
from assistant.places import PREFECTURE, default_gazetteer, upwards
from bench.rest import reply_text, say


def without_figures() -> list[str]:
    kb, gazetteer = default_knowledge_base(), default_gazetteer()
    return sorted(
        region.short
        for region in gazetteer.regions.values()
        if region.level == PREFECTURE
        and not any(kb.region_parameters(p.code) for p in upwards(gazetteer, region))
    )


CITIES = random.Random(2026).sample(without_figures(), 20)


def ask(assistant, text: str) -> str:
    return reply_text(say(assistant.url, f"avg-{uuid.uuid4().hex[:10]}", text))


@pytest.mark.parametrize("city", CITIES)
def test_a_one_shot_estimate_gives_a_labelled_national_range(assistant, city):
    reply = ask(
        assistant,
        f"我是{city}的城乡居民医保，在上海三甲医院住院花了6万，已经备案了，能报多少",
    )
    assert reply.startswith(f"【估算】{city}城乡居民医保"), reply
    assert (
        f"没查到{city}的起付线、报销比例，下面按全国平均粗算，不是{city}的规定" in reply
    )
    assert "2023年全国城乡居民医保三级医院住院" in reply
    assert "医保付约" in reply and "算不出" not in reply


def test_a_zhoukou_worker_gets_the_range_and_one_question(assistant):
    reply = ask(
        assistant,
        "老家周口的，职工医保在职，在上海三甲医院住院花了5万，已经备案了，能报多少",
    )
    assert "医保付约2.8万～4.2万元" in reply
    assert "《2023年全国医保统计公报》" in reply
    assert "起付线1000，比例80%" in reply


def test_their_own_figures_then_replace_the_average(assistant):
    sender = f"avg-{uuid.uuid4().hex[:10]}"
    say(
        assistant.url,
        sender,
        "老家周口的，职工医保在职，在上海三甲医院住院花了5万，已经备案了，能报多少",
    )
    reply = reply_text(say(assistant.url, sender, "起付线1000，比例80%"))
    assert "全国平均" not in reply and "减去起付线1,000元" in reply


def test_within_guangxi_no_filing_is_needed(assistant):
    reply = ask(assistant, "我是南宁参保的，去柳州住院要不要先备案")
    assert "2023年7月1日开始不需要备案" in reply
