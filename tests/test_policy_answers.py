"""Answers composed from the knowledge base (pure functions)."""

import datetime

import pytest

from assistant.answers.policy import compose
from assistant.case import Case


def test_an_answer_has_direct_steps_and_one_basis_line(kb, gazetteer):
    answer = compose(kb, gazetteer, kb.topics["emergency"], Case())
    args = answer.arguments
    assert args["case"] == ""  # no place known
    assert args["direct"].startswith("外地急诊抢救视同已备案")
    assert args["steps"].startswith("\n1. ") and "\n4." not in args["steps"]
    basis = args["basis"]
    assert basis.startswith("依据：医保发〔2022〕22号")
    assert "12393" in basis and "\n" not in basis


def test_unknown_filing_situation_is_asked_with_buttons_not_listed(kb, gazetteer):
    answer = compose(kb, gazetteer, kb.topics["card_elsewhere"], Case())
    assert answer.arguments["filing_case"] == ""
    titles = [b["title"] for b in answer.buttons]
    assert titles[:3] == ["已备案", "未备案", "急诊抢救"]
    assert "需要什么材料" in titles  # what was not asked sits behind a button
    assert answer.buttons[1]["payload"] == '/inform{"filing_status": "not_filed"}'


def test_a_known_filing_situation_shows_only_that_case(kb, gazetteer):
    answer = compose(
        kb,
        gazetteer,
        kb.topics["card_elsewhere"],
        Case(filing_status="not_filed"),
    )
    assert answer.arguments["filing_case"].startswith("\n未备案：")
    assert not any(b["title"] == "已备案" for b in answer.buttons)


def test_the_insured_place_makes_the_answer_specific(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("上海"), treatment=gazetteer.resolve("杭州")
    )
    args = compose(kb, gazetteer, kb.topics["manual_claim"], context, "where").arguments
    assert "【上海】" in args["local"] and "6个月内" in args["local"]
    assert "以上海医保答复为准" in args["basis"]


def test_a_region_fact_only_applies_in_its_role(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("江苏"), treatment=gazetteer.resolve("上海")
    )
    args = compose(kb, gazetteer, kb.topics["manual_claim"], context).arguments
    assert args["local"] == ""  # 上海's claim deadline is for people insured in 上海


def test_a_city_inherits_its_province_facts(kb, gazetteer):
    context = Case(insured=gazetteer.resolve("杭州"))
    args = compose(kb, gazetteer, kb.topics["family_account"], context, "how").arguments
    assert "【浙江】" in args["local"]


def test_two_places_in_one_province_are_intra_provincial(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("苏州"), treatment=gazetteer.resolve("南京")
    )
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], context).arguments
    assert args["case"].startswith("你是江苏苏州参保、在南京看病，属于江苏省内异地就医")


def test_the_province_is_said_once_when_both_places_lie_in_it(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("南京"), treatment=gazetteer.resolve("昆山")
    )
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], context).arguments
    assert (
        args["case"] == "你是江苏南京参保、在苏州（昆山）看病，属于江苏省内异地就医。"
    )
    across = Case(
        insured=gazetteer.resolve("南京"), treatment=gazetteer.resolve("杭州")
    )
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], across).arguments
    assert "在浙江杭州看病，属于跨省" in args["case"]  # another province: named


def test_joining_the_scheme_is_confirmed_with_the_local_office_not_a_hospital(
    kb, gazetteer
):
    there = Case(treatment=gazetteer.resolve("深圳"))
    for topic in ("enrol_outsider", "enrol_materials", "social_card"):
        basis = compose(kb, gazetteer, kb.topics[topic], there).arguments["basis"]
        assert "以深圳医保答复为准" in basis and "医院" not in basis
    basis = compose(kb, gazetteer, kb.topics["enrol_outsider"], Case()).arguments[
        "basis"
    ]
    assert "以当地医保答复为准" in basis


def test_a_fact_resting_on_a_public_page_says_so_with_its_year(kb, gazetteer):
    args = compose(kb, gazetteer, kb.topics["family_account"], Case(), "how").arguments
    assert args["basis"].startswith("据公开资料（2025）")
    assert "依据" not in args["basis"]  # a repost or Q&A page is not 依据


def test_overdue_facts_are_flagged(kb, gazetteer):
    later = Case(today=datetime.date(2030, 1, 1))
    assert (
        "已超过复核期限"
        in compose(kb, gazetteer, kb.topics["lapse"], later).arguments["notices"]
    )
    now = Case(today=datetime.date(2026, 11, 25))
    assert compose(kb, gazetteer, kb.topics["lapse"], now).arguments["notices"] == ""


def test_no_numbers_are_guessed_for_a_place_the_knowledge_base_does_not_know(
    kb, gazetteer
):
    """No figure is given as 拉萨's: the national averages are given as such."""
    context = Case(insured=gazetteer.resolve("拉萨"))
    args = compose(kb, gazetteer, kb.topics["estimate"], context).arguments
    assert "我这里没有拉萨自己的起付线、报销比例" in args["notices"]
    assert (
        "全国平均参考：2023年职工医保住院政策范围内费用医保平均付84.6%"
        in args["notices"]
    )
    assert "2023年城乡居民医保住院政策范围内费用医保平均付68.1%" in args["notices"]
    assert "不是拉萨的规定" in args["notices"]
    assert "%" not in args["local"]
    employee = Case(insured=gazetteer.resolve("拉萨"), scheme="employee")
    args = compose(kb, gazetteer, kb.topics["estimate"], employee).arguments
    assert "84.6%（三级83.5%、二级87.4%、一级及社区89.4%）" in args["notices"]
    assert "城乡居民" not in args["notices"]


def test_known_parameters_of_the_insured_place_are_given_with_their_source(
    kb, gazetteer
):
    context = Case(insured=gazetteer.resolve("上海"))
    args = compose(kb, gazetteer, kb.topics["estimate"], context).arguments
    assert "【上海·职工医保（在职）·住院】起付线（每年）各级1,500元" in args["local"]
    assert "报销比例各级85%" in args["local"] and "据公开资料" in args["local"]
    assert "还没有" not in args["notices"]


def test_the_insured_places_ratio_for_the_persons_status_and_hospital_level(
    kb, gazetteer
):
    context = Case(
        insured=gazetteer.resolve("广州"),
        treatment=gazetteer.resolve("上海"),
        scheme="employee",
        status="retired",
        level="l3",
    )
    local = compose(kb, gazetteer, kb.topics["ratio_difference"], context).arguments[
        "local"
    ]
    assert local.startswith(
        "\n【广州·职工医保（退休）·住院】起付线（每次住院）1,000元；报销比例86%"
    )
    assert "据公开资料，2023，可信度中" in local
    assert "在职" not in local and "城乡居民" not in local


def test_banded_ratios_are_shown_band_by_band(kb, gazetteer):
    context = Case(insured=gazetteer.resolve("北京"), scheme="employee", level="l3")
    local = compose(kb, gazetteer, kb.topics["estimate"], context).arguments["local"]
    assert "1,300元至3万元的部分85%；3万元至4万元的部分90%" in local


def test_a_county_uses_its_city_pool(kb, gazetteer):
    context = Case(insured=gazetteer.resolve("海淀"), scheme="resident", level="l1")
    local = compose(kb, gazetteer, kb.topics["estimate"], context).arguments["local"]
    assert "【北京·城乡居民医保·住院】起付线（每次住院）300元" in local


def test_without_an_insured_place_the_answer_asks_for_it(kb, gazetteer):
    args = compose(kb, gazetteer, kb.topics["ratio_difference"], Case()).arguments
    assert "告诉我参保地" in args["notices"]


def context_for(gazetteer, insured=None, treatment=None, **more):
    return Case(
        insured=gazetteer.resolve(insured) if insured else None,
        treatment=gazetteer.resolve(treatment) if treatment else None,
        **more,
    )


def test_the_insured_provinces_own_filing_channels_are_given(kb, gazetteer):
    # 南京 inherits 江苏's channel; its source is weak, so the answer says so
    context = context_for(gazetteer, "320100", "310000")
    args = compose(kb, gazetteer, kb.topics["filing_how"], context, "how").arguments
    assert "江苏医保云" in args["local"]
    assert "及公开资料" in args["basis"]  # the channel rests on a repost


def test_without_the_provinces_own_channels_the_national_ones_are_given(kb, gazetteer):
    context = context_for(gazetteer, "130100", "310000")  # 石家庄 -> 上海
    args = compose(kb, gazetteer, kb.topics["filing_how"], context, "how").arguments
    assert args["local"] == ""
    assert "国家医保服务平台App" in args["steps"]


def test_service_facts_only_where_the_topic_shows_them(kb, gazetteer):
    context = context_for(gazetteer, "320100", "310000")
    args = compose(kb, gazetteer, kb.topics["emergency"], context).arguments
    assert "江苏医保云" not in args["local"]
    assert "还没有可靠来源" not in args["notices"]


def test_a_local_filing_rule_of_the_insured_place(kb, gazetteer):
    context = context_for(gazetteer, "540100", "510100")  # 拉萨 -> 成都
    args = compose(kb, gazetteer, kb.topics["filing_how"], context, "how").arguments
    assert "【西藏】" in args["local"] and "不用审核，立即生效" in args["local"]


def test_the_first_sentence_puts_each_place_in_its_role(kb, gazetteer):
    context = context_for(gazetteer, "常熟", "上海")
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], context).arguments
    assert args["case"] == "你是江苏苏州（常熟）参保、在上海看病，属于跨省异地就医。"
    assert "以常熟医保答复为准" in args["basis"]


def test_a_local_visit_is_said_to_be_local_not_answered_as_elsewhere(kb, gazetteer):
    context = context_for(gazetteer, "南京", "南京")
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], context).arguments
    assert "属于本地就医" in args["case"] and "不用备案" in args["case"]
    assert args["direct"] == "" and args["steps"] == ""


@pytest.mark.parametrize(
    "topic, facet, must",
    [
        ("filing_validity", "effective", "即时出结果"),
        ("filing_validity", "change", "取消"),
        ("card_elsewhere", "effective", "即时出结果"),  # via `see`
        ("referral", "validity", "不少于6个月"),
        ("filing_how", "who", "为他人备案"),
        ("not_filed", "who", "为他人备案"),
        ("card_elsewhere", "who", "只限参保人本人使用"),
        ("family_account", "how", "医保钱包"),
        ("manual_claim", "materials", "发票"),  # the materials topic's answer
        ("lapse", "colour", "断缴期间"),  # an unknown point: the summary
    ],
)
def test_the_point_asked_is_answered_first(kb, gazetteer, topic, facet, must):
    answer = compose(kb, gazetteer, kb.topics[topic], Case(), facet)
    assert must in answer.arguments["direct"]


def test_a_lapse_is_answered_for_the_persons_scheme(kb, gazetteer):
    employee = compose(kb, gazetteer, kb.topics["lapse"], Case(scheme="employee"))
    resident = compose(kb, gazetteer, kb.topics["lapse"], Case(scheme="resident"))
    assert "3个月（含）以内" in employee.arguments["direct"]
    assert "等待期" in resident.arguments["direct"]
    assert "3个月（含）" not in resident.arguments["direct"]


def test_buttons_offer_the_other_points_of_the_topic(kb, gazetteer):
    answer = compose(kb, gazetteer, kb.topics["filing_validity"], Case(), "effective")
    titles = [b["title"] for b in answer.buttons]
    assert "办好多久能用" not in titles  # what was asked is answered, not offered
    assert "能用多久" in titles and len(titles) <= 5
    assert answer.buttons[titles.index("能用多久")]["payload"] == (
        '/inform{"facet": "validity"}'
    )


def test_every_answer_fits_a_phone_screen(kb, gazetteer):
    template = "{case}{direct}{filing_case}{steps}{local}{notices}\n{basis}"
    context = context_for(gazetteer, "常熟", "上海", scheme="employee")
    facets = [None, *kb.facets.buttons]
    for topic in kb.topics.values():
        if topic.needs_local:
            continue  # parameter answers have their own layout
        for facet in facets:
            text = template.format(
                **compose(kb, gazetteer, topic, context, facet).arguments
            )
            assert len(text) <= 300, (topic.id, facet, len(text), text)


def test_within_jingjinji_no_filing_is_needed(kb, gazetteer):
    context = context_for(gazetteer, "北京", "天津")
    args = compose(kb, gazetteer, kb.topics["filing_how"], context, "how").arguments
    assert "视同已备案" in args["direct"]
    other = compose(
        kb, gazetteer, kb.topics["filing_how"], context_for(gazetteer, "北京", "上海")
    )
    assert "视同已备案" not in other.arguments["direct"]


def test_the_first_sentence_says_whose_case_it_is(kb, gazetteer):
    context = context_for(gazetteer, "周口", "杭州", patient="parent")
    args = compose(kb, gazetteer, kb.topics["filing_how"], context).arguments
    assert args["case"].startswith("你家老人是河南周口参保、在浙江杭州看病，属于跨省")


def test_chronic_outpatient_care_in_jingjinji_still_needs_its_qualification(
    kb, gazetteer
):
    there = Case(insured=gazetteer.resolve("北京"), treatment=gazetteer.resolve("廊坊"))
    args = compose(kb, gazetteer, kb.topics["outpatient"], there, "possible").arguments
    assert "视同已备案" in args["direct"] and "资格认定" in args["direct"]
    far = Case(insured=gazetteer.resolve("北京"), treatment=gazetteer.resolve("三亚"))
    args = compose(kb, gazetteer, kb.topics["outpatient"], far, "possible").arguments
    assert "视同已备案" not in args["direct"]  # outside the region: the usual rule


@pytest.mark.parametrize(
    "topic", ["manual_claim", "referral", "outpatient", "pharmacy"]
)
def test_going_back_home_after_a_filing_is_answered_from_any_topic(
    kb, gazetteer, topic
):
    args = compose(kb, gazetteer, kb.topics[topic], Case(), "back_home").arguments
    assert "双向" in args["direct"]
