"""A province's own rule for care in another of its cities (issue 13, item 3:
省内免备案 where a source says so) replaces the national answer only for 省内 cases
of that province; 京津冀's group rule stays a cross-province rule. No Rasa."""

import pytest

from assistant.answers.policy import compose
from assistant.case import Case


def direct(kb, gazetteer, insured, treatment, topic="intra_province", facet=None):
    case = Case(
        insured=gazetteer.resolve(insured), treatment=gazetteer.resolve(treatment)
    )
    return compose(kb, gazetteer, kb.topics[topic], case, facet).arguments["direct"]


@pytest.mark.parametrize(
    "insured, treatment, said",
    [
        ("南宁", "柳州", "广西区内异地就医从2023年7月1日开始不需要备案"),
        ("临沂", "济南", "山东省内临时外出就医免备案"),
        ("六盘水", "贵阳", "贵州省内异地住院从2022年1月1日起不用备案"),
    ],
)
def test_a_province_without_filing_within_it_says_so(
    kb, gazetteer, insured, treatment, said
):
    for topic in ("intra_province", "filing_how", "card_elsewhere", "not_filed"):
        assert said in direct(kb, gazetteer, insured, treatment, topic), topic


def test_shandong_says_part_is_paid_first(kb, gazetteer):
    case = Case(insured=gazetteer.resolve("临沂"), treatment=gazetteer.resolve("济南"))
    args = compose(kb, gazetteer, kb.topics["filing_how"], case, "how").arguments
    assert "先自付" in args["direct"] and "20%" in args["steps"]


def test_the_rule_stays_in_its_province(kb, gazetteer):
    # from 广西 to another province: the national answer (file first)
    assert "不需要备案" not in direct(kb, gazetteer, "南宁", "广州", "card_elsewhere")
    # another province's 省内 case: the national answer
    assert "免备案" not in direct(kb, gazetteer, "苏州", "南京")
    # 京津冀's group rule is not a 河北 省内 rule
    assert "视同已备案" not in direct(kb, gazetteer, "石家庄", "保定", "filing_how")
    assert "视同已备案" in direct(kb, gazetteer, "石家庄", "北京", "filing_how")


def test_a_single_province_rule_must_say_it_is_within_it(kb):
    rules = [r for r in kb.facets.regional if r.within == "intra_province"]
    assert {next(iter(r.provinces)) for r in rules} == {"450000", "370000", "520000"}
    assert all(len(r.provinces) == 1 and not r.deemed_filed for r in rules)
