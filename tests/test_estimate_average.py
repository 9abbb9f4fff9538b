"""Estimates for every insured place (issue 13, item 4): the place's own figures,
else its province's one standard, else a range from the national statistics
bulletins, labelled as a national average and never as the place's rule. No Rasa."""

import random
from decimal import Decimal

import pytest

from assistant import estimate_form as form
from assistant.answers.estimate import compose_estimate
from assistant.calculator import FILED, LONG_TERM, Bill, Limits, Share, average_estimate
from assistant.knowledge.averages import load_averages
from assistant.knowledge.files import KnowledgeBaseError
from assistant.knowledge.loader import POLICIES_DIR
from assistant.places import PREFECTURE, upwards

LIMITS = Limits(referral=Decimal(10), temporary=Decimal(20))


def case(code, scheme="employee", level="3", filing="filed", total="50000", **more):
    values = {
        form.INSURED: code,
        form.SCHEME: scheme,
        form.LEVEL: level,
        form.FILING: filing,
        form.TOTAL: total,
        **more,
    }
    if scheme == "employee":
        values[form.STATUS] = "in_service"
    return values


def estimate_for(kb, gazetteer, values):
    return compose_estimate(kb, gazetteer, form.request_from(values, gazetteer))


def test_a_share_of_the_policy_amount_and_of_the_whole_bill():
    bill = Bill(total=Decimal(50000), filing=LONG_TERM, self_paid=Decimal(10000))
    in_policy = average_estimate(bill, Share(Decimal("0.8")), LIMITS)
    assert in_policy.fund == (Decimal("32000.00"), Decimal("32000.00"))
    whole = average_estimate(bill, Share(Decimal("0.6"), of_all=True), LIMITS)
    assert whole.fund == (Decimal("30000.00"), Decimal("30000.00"))


def test_a_temporary_filing_widens_the_range_by_its_largest_cut():
    bill = Bill(total=Decimal(10000), filing=FILED)
    result = average_estimate(bill, Share(Decimal("0.8")), LIMITS)
    assert result.fund == (Decimal("6000.00"), Decimal("8000.00"))


def test_the_bulletins_shares_by_level_and_of_the_whole_bill(kb):
    in_policy, overall = kb.average("employee", "l3")
    assert (in_policy.year, in_policy.share("l3")) == ("2023", 0.835)
    assert overall.year == "2019" and overall.overall == 0.756
    newest, _ = kb.average("resident", None)
    assert newest.share(None) == 0.681  # no level: the newest all-level share
    assert kb.average("employee", None)[0].share(None) == 0.848  # 2024
    assert kb.average("other", "l3") is None


def test_every_share_must_stand_in_its_quote(tmp_path, kb):
    """A share not in its quote (84.6% against a quote of 84.5%) fails the load."""
    (tmp_path / "schema").mkdir()
    schema = "averages.schema.yml"
    root = POLICIES_DIR
    (tmp_path / "schema" / schema).write_text(
        (root / "schema" / schema).read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "averages.yml").write_text(
        "averages:\n"
        "  - {id: a, scheme: employee, year: '2023', in_policy: {all: 0.846},\n"
        "     source: nhsa_stats_2023, quote: 住院费用目录内基金支付比例为84.5%。,\n"
        "     checked: '2026-12-04', recheck_days: 365, confidence: medium}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match="84.6% does not stand"):
        load_averages(tmp_path, kb.sources)


def test_a_city_without_figures_gets_a_labelled_national_range(kb, gazetteer):
    result = estimate_for(kb, gazetteer, case("411600", treatment="310000"))  # 周口
    text = "\n".join(result.lines)
    assert "没查到周口的起付线、报销比例，下面按全国平均粗算，不是周口的规定" in text
    assert "2023年全国职工医保三级医院住院" in text and "83.5%" in text
    assert "2019年全国平均付75.6%" in text
    assert "医保付约2.8万～4.2万元" in text
    assert "《2023年全国医保统计公报》" in text
    assert "起付线1000，比例80%" in text  # one question for their own figures
    assert "算不出" not in text and "不详，这一步算不了" not in text
    assert result.card["basis"] == "national_average"


def test_the_users_own_figures_always_win(kb, gazetteer):
    own = case("411600", **{form.DEDUCTIBLE: "1000", form.RATIO: "0.8"})
    result = estimate_for(kb, gazetteer, own)
    assert result.card["basis"] == "user"
    assert "全国平均" not in "\n".join(result.lines)


def test_a_city_with_its_own_figures_never_gets_the_average(kb, gazetteer):
    result = estimate_for(kb, gazetteer, case("440100"))  # 广州
    assert result.card["basis"] == "local"
    assert "全国平均" not in "\n".join(result.lines)


def prefectures_without_figures(kb, gazetteer):
    return sorted(
        region.code
        for region in gazetteer.regions.values()
        if region.level == PREFECTURE
        and not any(kb.region_parameters(p.code) for p in upwards(gazetteer, region))
    )


def test_every_prefecture_level_city_gets_a_figure_or_a_labelled_range(kb, gazetteer):
    """Every prefecture-level city of the administrative data, both schemes: a
    figure from its own (or its province's) parameters, or the labelled national
    range; never "算不出" after the questions."""
    cities = [r for r in gazetteer.regions.values() if r.level == PREFECTURE]
    assert len(cities) > 300
    for city in cities:
        for scheme in ("employee", "resident"):
            result = estimate_for(kb, gazetteer, case(city.code, scheme))
            basis = result.card["basis"]
            assert result.estimate.fund is not None, (city.name, scheme)
            text = "\n".join(result.lines)
            if basis == "national_average":
                assert f"不是{city.short}的规定" in text, city.name
            else:
                assert "全国平均" not in text, city.name


def test_twenty_random_cities_say_which_figures_they_use(kb, gazetteer):
    """20 cities drawn from the administrative data with no figures of their own:
    each says, in its own name, that the national average is used."""
    codes = random.Random(13).sample(prefectures_without_figures(kb, gazetteer), 20)
    for code in codes:
        short = gazetteer.regions[code].short
        result = estimate_for(kb, gazetteer, case(code, "resident", level="2"))
        text = "\n".join(result.lines)
        assert text.startswith(f"【估算】{short}城乡居民医保"), text
        assert f"没查到{short}的起付线、报销比例" in text
        assert "2023年全国城乡居民医保二级医院住院" in text and "72.4%" in text
