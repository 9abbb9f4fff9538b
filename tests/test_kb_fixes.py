"""The knowledge base's 2026 fixes without Rasa (issue 13): parameters with a known
end (a 医保年度's cap) say after it that the figure may have changed, and `make
kb-report` lists them; the 上海 cap is the audit's R1 (65万 for the 2025 医保年度, not
59万); an estimate within 京津冀 takes the visit as filed (N1) with 北京's retired
bands (R3)."""

import dataclasses
import datetime

from assistant import estimate_form as form
from assistant.answers.estimate import compose_estimate
from assistant.answers.parameters_text import parameter_lines, year_text
from assistant.knowledge.report import ended

SHANGHAI = {
    form.INSURED: "310000",
    form.SCHEME: "employee",
    form.STATUS: "in_service",
    form.LEVEL: "3",
    form.FILING: "long_term",
    form.TOTAL: "800000",
}
IN_YEAR = datetime.date(2026, 3, 1)
AFTER = datetime.date(2026, 12, 4)


def shanghai_cap(kb):
    return kb.parameter("310000", "employee", "annual_cap", "in_service")


def test_the_shanghai_cap_is_the_2025_medical_insurance_years(kb):
    cap = shanghai_cap(kb)
    assert cap.value == 650000 and cap.year == "2025医保年度"
    assert cap.valid_until == datetime.date(2026, 6, 30)
    assert cap.source.url.startswith("http")


def test_the_year_says_the_figure_may_have_changed_only_after_its_end(kb):
    words = kb.estimate_text
    cap = shanghai_cap(kb)
    assert year_text(words, cap, IN_YEAR, "year") == "2025医保年度"
    assert (
        year_text(words, cap, AFTER, "year")
        == "2025医保年度，2026-06-30到期、可能已调整"
    )
    plain = dataclasses.replace(cap, year="2023", valid_until=None)
    assert year_text(words, plain, AFTER, "year") == "2023年"


def test_an_estimate_at_the_cap_names_it_and_its_end(kb, gazetteer):
    request = form.request_from(SHANGHAI, gazetteer)
    during = dataclasses.replace(request, today=IN_YEAR)
    after = dataclasses.replace(request, today=AFTER)
    lines_during = "\n".join(compose_estimate(kb, gazetteer, during).lines)
    lines_after = "\n".join(compose_estimate(kb, gazetteer, after).lines)
    assert "65万" in lines_during and "59万" not in lines_during
    assert "可能已调整" not in lines_during
    assert "2026-06-30到期、可能已调整" in lines_after


def test_the_parameter_lines_say_it_too(kb):
    lines = parameter_lines(kb, "310000", "上海", "employee", "in_service", "l3", AFTER)
    text = "\n".join(lines)
    assert "65万" in text and "年度最高支付限额2026-06-30到期、可能已调整）" in text
    before = parameter_lines(
        kb, "310000", "上海", "employee", "in_service", "l3", IN_YEAR
    )
    assert "可能已调整" not in "\n".join(before)


def test_the_report_lists_what_is_past_its_end(kb):
    past = ended(kb, AFTER)
    assert any("shanghai_employee_annual_cap" in item for item in past)
    assert any("guangzhou_employee_annual_cap" in item for item in past)
    assert not any("shanghai" in item for item in ended(kb, IN_YEAR))


def test_within_jingjinji_the_filing_is_deemed_and_not_asked(kb, gazetteer):
    values = {
        form.INSURED: "110000",
        form.TREATMENT: "120000",
        form.SCHEME: "employee",
        form.STATUS: "retired",
        form.LEVEL: "3",
        form.TOTAL: "50000",
    }
    assert form.FILING not in form.required_fields(values, kb, gazetteer)
    filled = form.with_deemed_filing(values, kb, gazetteer)
    assert filled[form.FILING] == "deemed"
    lines = "\n".join(
        compose_estimate(kb, gazetteer, form.request_from(filled, gazetteer)).lines
    )
    assert "视同已备案（比例不变）" in lines and "95.5%" in lines
    # what the person said wins; outside the region nothing is filled in
    said = {**values, form.FILING: "manual_claim"}
    assert form.with_deemed_filing(said, kb, gazetteer)[form.FILING] == "manual_claim"
    shanghai = {**values, form.TREATMENT: "310000"}
    assert form.FILING in form.required_fields(shanghai, kb, gazetteer)


def test_a_cross_province_estimate_says_which_level_counts(kb, gazetteer):
    """AUDIT N8: 跨省 settlement uses the hospital's 医保结算等级, not its 医院等级."""
    across = form.request_from({**SHANGHAI, form.TREATMENT: "110000"}, gazetteer)
    header = compose_estimate(kb, gazetteer, across).lines[0]
    assert "三级医院（跨省按其医保结算等级）" in header
    within = form.request_from({**SHANGHAI, form.TREATMENT: "310000"}, gazetteer)
    assert "医保结算等级" not in compose_estimate(kb, gazetteer, within).lines[0]
    assert "医保结算等级" in kb.facts["settlement_level"].statement


def test_shanghai_has_its_hotline_and_12393_an_official_source(kb):
    """N11: 上海's hotline is 12393 (the 医保局's yearly notices), no longer unknown;
    the national 12393 fact rests on those notices, not on a health-news page."""
    (hotline,) = kb.service("310000", "hotline")
    assert "12393" in hotline.statement and hotline.confidence == "medium"
    assert kb.facts["hotline_12393"].source.url.startswith("https://www.jzzjf.com")
    assert kb.sources["gov_2024_38"].issued == "2024-08-01"  # N15


def test_zhengzhou_third_level_is_the_provincial_tier(kb):
    """R7: 郑州's 三级 care is mostly at 省级三甲: 900元 and 88% (retired 93%), the
    市级三级 tier kept in the rule."""
    deductible = kb.parameter("410100", "employee", "deductible", "in_service")
    ratio = kb.parameter("410100", "employee", "ratio", "in_service")
    retired = kb.parameter("410100", "employee", "ratio", "retired")
    assert deductible.level_value("l3") == 900 and ratio.level_value("l3") == 0.88
    assert retired.level_value("l3") == 0.93
    assert "市级三级医院" in deductible.rule and deductible.confidence == "low"


def test_chengdu_keeps_its_community_and_referral_deductibles(kb):
    """R6: 社区160元 and 异地转诊2000元 in the rule; retirees stay unknown (age add-ons)."""
    deductible = kb.parameter("510100", "employee", "deductible", "in_service")
    assert "160" in deductible.rule and "2000" in deductible.rule
    assert not kb.parameter("510100", "employee", "ratio", "retired").known


def test_the_report_says_what_each_provinces_estimates_rest_on(kb, gazetteer):
    """Issue 13 item 6: per province, its prefecture-level cities by what an estimate
    rests on (own parameters, the province's, the national average only), and the
    facts by source kind."""
    from assistant.knowledge.report import (
        basis_rows,
        estimate_basis,
        source_kind_counts,
    )

    rows = {row[0]: row for row in basis_rows(kb, gazetteer)}
    assert len(rows) >= 31
    assert rows["上海"][1:5] == ["1", "1", "0", "0"]  # a municipality counts as one
    henan = rows["河南"]
    assert int(henan[1]) == sum(int(n) for n in henan[2:5]) >= 17
    assert estimate_basis(kb, gazetteer, gazetteer.resolve("周口"), "employee") == (
        "national"
    )
    assert estimate_basis(kb, gazetteer, gazetteer.resolve("郑州"), "employee") == "own"
    counts = source_kind_counts(kb)
    assert counts["official document"] > 0 and counts["Q&A or SEO page"] > 0
    assert sum(counts.values()) >= len(kb.facts)


def test_the_audits_low_findings_n9_n12_n14(kb):
    """N9: a dated statistics fact re-checked every 90 days, and pharmacies rest on
    the 22号文; N12: the personal account in a 跨省 settlement, low and said as 有的地方;
    N14: the e-voucher's channels from 人民网."""
    stats = kb.facts["settlement_statistics"]
    assert stats.recheck_days == 90 and "2.38亿人次" in stats.statement
    assert "41.37万" in stats.statement and stats.confidence == "high"
    pharmacy = kb.facts["pharmacy_settlement"]
    assert pharmacy.source.doc_number == "医保发〔2022〕22号"
    assert pharmacy.confidence == "high"
    account = kb.facts["personal_account_cross_province"]
    assert account.confidence == "low" and "有的地方" in account.statement
    voucher = kb.facts["e_voucher"]
    assert voucher.source.url.startswith("http://healthycities.org.cn")
    assert "coverage" in [
        t for t in kb.topics if "settlement_statistics" in kb.topics[t].facts
    ]


def test_the_report_lists_national_averages_due_for_a_check(kb):
    """The bulletins' shares are re-checked like any fact (a year after 2026-12-04)."""
    from assistant.knowledge.report import overdue

    assert not [i for i in overdue(kb, AFTER) if i.startswith("averages.yml")]
    late = [
        i
        for i in overdue(kb, datetime.date(2028, 1, 1))
        if i.startswith("averages.yml")
    ]
    assert len(late) == len(kb.averages) >= 6
