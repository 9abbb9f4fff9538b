"""The knowledge base as of 2026, asked through the REST channel (issue 13): each
fixed fact gets the question it answers.

- 上海's cap (AUDIT-2026-12 R1) is 65万 for the 2025 医保年度 (2025-07-01 to
  2026-06-30), not 59万; that year has ended, so the answer says the figure may have
  changed. 广州's cap (R5) is 2023's, and says so too.
- 北京's retired ratios (R3) are a banded table, not unknown; within 京津冀 (N1) an
  estimate does not ask about filing: 视同已备案, the rate unchanged.
- 深圳 (R2): 200/400/600 and 94/92/90% under the current scheme.
- Continuous enrolment raises the 大病保险 cap (N3).
- Enrolment where one works or lives (N4) is national policy since 国办发〔2024〕38号.
- Waiting periods after a lapse (N2): 居民医保 3 months plus one a year, shortened
  by paying; 职工医保 none within 3 months.
"""

from __future__ import annotations

import uuid

import pytest

from bench.rest import reply_text, say


def ask(assistant, text: str) -> str:
    return reply_text(say(assistant.url, f"kb-{uuid.uuid4().hex[:10]}", text))


def test_a_shanghai_estimate_uses_the_2025_cap_and_says_it_has_ended(assistant):
    reply = ask(
        assistant,
        "我是上海职工医保在职，在北京三甲医院住院花了80万，已经备案了，能报多少",
    )
    assert "封顶线65万元" in reply and "59万" not in reply
    assert "跨省按其医保结算等级" in reply  # N8
    assert "2025医保年度，2026-06-30到期、可能已调整" in reply


def test_a_guangzhou_estimate_says_its_cap_is_2023s(assistant):
    reply = ask(
        assistant,
        "我是广州的职工医保，在职，在上海一家三甲医院住院花了100万，已经备案了，大概能报多少？",
    )
    assert "2023年，2023-12-31到期、可能已调整" in reply


def test_a_beijing_retiree_in_tianjin_is_not_asked_to_file(assistant):
    reply = ask(assistant, "我是北京退休职工，在天津三级医院住院花了5万，能报多少")
    assert "视同已备案" in reply and "备案的情况是哪一种" not in reply
    assert "95.5%" in reply and "不详" not in reply.split("参数")[0]


def test_a_shenzhen_estimate_uses_the_current_scheme(assistant):
    reply = ask(
        assistant,
        "深圳职工医保在职，在湖南三甲医院住院花了10万，已经备案了，能报多少",
    )
    assert "起付线600元" in reply and "报销比例90%" in reply


def test_a_lapse_answer_has_the_2025_waiting_periods(assistant):
    reply = ask(assistant, "居民医保断缴了两年，现在重新交，等待期多久")
    assert "3个月" in reply and "每多断缴1年加1个月" in reply
    assert "补缴" in reply and "3个月（含）以内" in reply


def test_enrolling_where_one_works_is_national_policy(assistant):
    reply = ask(assistant, "外地户口在杭州打工，能在杭州交医保吗")
    assert "全国已放开户籍限制" in reply


def test_when_to_pay_mentions_the_reward_for_continuous_enrolment(assistant):
    reply = ask(assistant, "居民医保什么时候交")
    assert "集中缴费期" in reply and "大病保险封顶线提高" in reply


def test_a_zhengzhou_estimate_uses_the_provincial_third_level_tier(assistant):
    """R7: 郑州's 三级 at the 省级三甲 tier (900元, 88%), labelled low."""
    reply = ask(
        assistant,
        "我是郑州职工医保在职，在北京三甲医院住院花了5万，已经备案了，能报多少",
    )
    assert "起付线900元" in reply and "报销比例88%" in reply
    assert "可信度低" in reply


def test_work_injury_is_its_own_scheme(assistant):
    """N13: 工伤 has its own cross-province settlement and filing (人社, 12333),
    whether the question reads as a 医保 question or as out of scope."""
    for question in (
        "工伤在外地住院能直接结算吗",
        "我在外地上班受了工伤，工伤住院能报销多少",
    ):
        reply = ask(assistant, question)
        assert reply.startswith("工伤看病不走医保，走工伤保险") or (
            "工伤看病不走医保，走工伤保险" in reply.split("\n")[0]
        ), reply
        assert "12333" in reply


def test_a_parameter_question_for_a_city_without_figures_gives_the_national_average(
    assistant,
):
    """Item 4: 周口 has no figures of its own; the national shares are given as such."""
    reply = ask(assistant, "周口职工医保住院报销比例是多少")
    assert "我这里没有周口自己的起付线、报销比例" in reply
    assert "2023年职工医保住院政策范围内费用医保平均付84.6%" in reply
    assert "不是周口的规定" in reply


def test_where_direct_settlement_works_gives_the_2024_figures(assistant):
    """N9: the dated statistics (2.38亿人次 in 2024, 41.37万 pharmacies)."""
    reply = ask(assistant, "哪些地方能跨省直接结算")
    assert "各省份和新疆生产建设兵团都已接入" in reply
    assert "2.38亿人次" in reply and "41.37万" in reply


@pytest.mark.parametrize(
    "question, said, unsaid",
    [
        # N5: every 近亲属 may share the personal account
        ("我的职工医保个人账户能给我哥哥用吗", ["近亲属"], []),
        # N6: the 医保钱包's limits
        ("医保钱包一天能转几次", ["每天最多转3笔", "2000元"], []),
        # N7: the 10 门诊慢特病 on 医保办发〔2024〕19号
        (
            "类风湿关节炎门诊能跨省直接结算吗",
            ["10种门诊慢特病", "医保办发〔2024〕19号"],
            [],
        ),
        # N10: filing online, no 支付宝 entry for filing
        ("跨省备案在哪里办，手机上能办吗", ["国家医保服务平台App"], ["支付宝"]),
        # N11: 上海's hotline is 12393
        ("上海医保异地备案怎么办", ["以上海医保答复为准，或拨12393"], []),
        # N12: one's own account in a 跨省 settlement: 有的地方要开通
        ("跨省住院结算能用个人账户付吗", ["有的地方跨省结算默认不用个人账户"], []),
        # N14: the e-voucher's activation channels
        ("医保电子凭证怎么激活", ["微信、支付宝"], []),
        # R4: 杭州's table is 2020's and low
        (
            "我是杭州职工医保在职，在上海三甲医院住院花了5万，已经备案了，能报多少",
            ["2020年，可信度低"],
            [],
        ),
        # R6: 成都 stays low
        (
            "我是成都职工医保在职，在北京三甲医院住院花了5万，已经备案了，能报多少",
            ["起付线800元", "可信度低"],
            [],
        ),
    ],
)
def test_each_fixed_finding_through_rest(assistant, question, said, unsaid):
    reply = ask(assistant, question)
    for words in said:
        assert words in reply, (words, reply)
    for words in unsaid:
        assert words not in reply, (words, reply)
