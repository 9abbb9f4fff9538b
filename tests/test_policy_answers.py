"""Answers composed from the knowledge base (pure functions)."""

import datetime

from assistant.answers.policy import compose
from assistant.case import Case


def test_an_answer_has_direct_steps_rule_basis_and_channel(kb, gazetteer):
    answer = compose(kb, gazetteer, kb.topics["emergency"], Case())
    args = answer.arguments
    assert args["direct"].startswith("外地急诊抢救视同已备案")
    assert args["steps"].startswith("1. ")
    assert "就医地目录、参保地政策" in args["rule"]
    assert "医保发〔2022〕22号" in args["basis"]
    assert args["checked"] == "2026-11-24"
    assert "12393" in args["channel"] and "参保地医保经办机构" in args["channel"]


def test_unknown_filing_situation_shows_the_cases_side_by_side_with_buttons(
    kb, gazetteer
):
    answer = compose(kb, gazetteer, kb.topics["card_elsewhere"], Case())
    for label in ("已备案", "未备案", "急诊抢救"):
        assert f"· {label}：" in answer.arguments["cases"]
    assert [b["title"] for b in answer.buttons] == ["已备案", "未备案", "急诊抢救"]
    assert answer.buttons[1]["payload"] == '/inform{"filing_status": "not_filed"}'


def test_a_known_filing_situation_shows_only_that_case(kb, gazetteer):
    answer = compose(
        kb,
        gazetteer,
        kb.topics["card_elsewhere"],
        Case(filing_status="not_filed"),
    )
    assert answer.arguments["cases"].startswith("\n未备案：")
    assert "已备案：" not in answer.arguments["cases"]
    assert answer.buttons == []


def test_the_insured_place_makes_the_answer_specific(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("上海"), treatment=gazetteer.resolve("杭州")
    )
    args = compose(kb, gazetteer, kb.topics["manual_claim"], context).arguments
    assert "【上海】" in args["local"] and "6个月内" in args["local"]
    assert args["channel"].startswith("请以上海医保经办机构")


def test_a_region_fact_only_applies_in_its_role(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("江苏"), treatment=gazetteer.resolve("上海")
    )
    args = compose(kb, gazetteer, kb.topics["manual_claim"], context).arguments
    assert args["local"] == ""  # 上海's claim deadline is for people insured in 上海


def test_a_city_inherits_its_province_facts(kb, gazetteer):
    context = Case(insured=gazetteer.resolve("杭州"))
    args = compose(kb, gazetteer, kb.topics["family_account"], context).arguments
    assert "【浙江】" in args["local"]


def test_two_places_in_one_province_are_intra_provincial(kb, gazetteer):
    context = Case(
        insured=gazetteer.resolve("苏州"), treatment=gazetteer.resolve("南京")
    )
    args = compose(kb, gazetteer, kb.topics["card_elsewhere"], context).arguments
    assert "都在江苏，属于省内异地就医" in args["notices"]


def test_low_confidence_facts_are_flagged(kb, gazetteer):
    context = Case(treatment=gazetteer.resolve("上海"))
    args = compose(kb, gazetteer, kb.topics["enrol_outsider"], context).arguments
    assert "可信度较低" in args["notices"]


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
    context = Case(insured=gazetteer.resolve("拉萨"))
    args = compose(kb, gazetteer, kb.topics["estimate"], context).arguments
    assert "还没有拉萨的起付线、报销比例等具体参数" in args["notices"]
    assert "%" not in args["local"]


def test_known_parameters_of_the_insured_place_are_given_with_their_source(
    kb, gazetteer
):
    context = Case(insured=gazetteer.resolve("上海"))
    args = compose(kb, gazetteer, kb.topics["estimate"], context).arguments
    assert "【上海·职工医保（在职）·住院】起付线（每年）各级1,500元" in args["local"]
    assert "报销比例各级85%" in args["local"] and "来源：" in args["local"]
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
    assert "数据年份：2023；可信度中" in local
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
    args = compose(kb, gazetteer, kb.topics["filing_how"], context).arguments
    assert "江苏医保云" in args["local"]
    assert "可信度较低" in args["notices"]
    assert "江苏的医保服务电话，我这里还没有可靠来源" in args["notices"]


def test_unknown_filing_channels_are_said_to_be_unknown(kb, gazetteer):
    context = context_for(gazetteer, "130100", "110000")  # 石家庄 -> 北京
    args = compose(kb, gazetteer, kb.topics["filing_how"], context).arguments
    assert "河北自己的备案App或小程序，我这里还没有可靠来源" in args["notices"]
    assert "国家医保服务平台App" in args["notices"]


def test_service_facts_only_where_the_topic_shows_them(kb, gazetteer):
    context = context_for(gazetteer, "320100", "310000")
    args = compose(kb, gazetteer, kb.topics["emergency"], context).arguments
    assert "江苏医保云" not in args["local"]
    assert "还没有可靠来源" not in args["notices"]


def test_a_local_filing_rule_of_the_insured_place(kb, gazetteer):
    context = context_for(gazetteer, "540100", "510100")  # 拉萨 -> 成都
    args = compose(kb, gazetteer, kb.topics["filing_how"], context).arguments
    assert "西藏医保" in args["local"]
    assert "不用审核，立即生效" in args["local"]
