"""Every normaliser of the estimate form, with the everyday phrasings users type."""

from decimal import Decimal as D

import pytest

from assistant.calculator import (
    EMERGENCY,
    FILE_BEFORE_DISCHARGE,
    LONG_TERM,
    MANUAL_CLAIM,
    REFERRAL,
    TEMPORARY,
)
from assistant.understand import (
    NO_NUMBER,
    NOT_POSITIVE,
    TOO_LARGE,
    Amount,
    InvalidAmount,
    correction,
    parse_amount,
    parse_filing,
    parse_level,
    parse_ratio,
    parse_scheme,
    parse_status,
    place_named,
    says_unknown,
    stated_amounts,
    stated_ratio,
    stated_reduction,
    unnamed_amount,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5万", Amount(D(50000))),
        ("五万块", Amount(D(50000))),
        ("3.5w", Amount(D(35000))),
        ("三万五千元", Amount(D(35000))),
        ("50,000", Amount(D(50000))),
        ("５００００元", Amount(D(50000))),
        ("两万多", Amount(D(20000), approximate=True)),
        ("大概2万左右", Amount(D(20000), approximate=True)),
        ("一万二", Amount(D(12000))),
        ("1万5", Amount(D(15000))),
        ("十二万", Amount(D(120000))),
        ("住院花了8000块钱", Amount(D(8000))),
        ("12345.67元", Amount(D("12345.67"))),
        ("3k", Amount(D(3000))),
        # numbers that count something else are not money
        ("2023年住院花了5万", Amount(D(50000))),
        ("住了10天，花了3万", Amount(D(30000))),
        ("老人75岁，两万多", Amount(D(20000), approximate=True)),
        ("第2次住院，3万", Amount(D(30000))),
        ("住了3个月，十二万", Amount(D(120000))),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", NO_NUMBER),
        ("不知道", NO_NUMBER),
        ("很多钱", NO_NUMBER),
        ("0", NOT_POSITIVE),
        ("零元", NOT_POSITIVE),
        ("-5000", NOT_POSITIVE),
        ("负五千", NOT_POSITIVE),
        ("1000000000000", TOO_LARGE),
        ("其实是三级医院", NO_NUMBER),
        ("报八成", NO_NUMBER),
        ("80%", NO_NUMBER),
    ],
)
def test_amounts_that_are_re_asked(text, reason):
    with pytest.raises(InvalidAmount) as error:
        parse_amount(text)
    assert error.value.reason == reason


@pytest.mark.parametrize(
    "text, level",
    [
        ("三甲", "l3"),
        ("三级医院", "l3"),
        ("二级", "l2"),
        ("二甲医院", "l2"),
        ("社区医院", "l1"),
        ("一级", "l1"),
        ("乡镇卫生院", "l1"),
        ("不清楚", None),
    ],
)
def test_hospital_levels(text, level):
    assert parse_level(text) == level


@pytest.mark.parametrize(
    "text, status",
    [
        ("在职", "in_service"),
        ("还在上班", "in_service"),
        ("退休了", "retired"),
        ("其实我退休了", "retired"),
        ("嗯", None),
    ],
)
def test_status(text, status):
    assert parse_status(text) == status


@pytest.mark.parametrize(
    "text, scheme",
    [
        ("职工医保", "employee"),
        ("单位交的", "employee"),
        ("居民医保", "resident"),
        ("新农合", "resident"),
        ("城乡居民", "resident"),
        ("不知道", None),
    ],
)
def test_scheme(text, scheme):
    assert parse_scheme(text) == scheme


@pytest.mark.parametrize(
    "text, filing",
    [
        ("随子女定居", LONG_TERM),
        ("退休后在儿子那边长期居住", LONG_TERM),
        ("单位派驻外地", LONG_TERM),
        ("出差突然住院", EMERGENCY),
        ("急诊送进去的", EMERGENCY),
        ("医院开了转诊单", REFERRAL),
        ("自己去北京看病", TEMPORARY),
        ("临时备案", TEMPORARY),
        ("忘了备案，还在住院", FILE_BEFORE_DISCHARGE),
        ("没备案，已经出院自费结了", MANUAL_CLAIM),
        ("嗯", None),
        # words any question has are no filing situation, unless answering the question
        ("异地就医备案怎么办", None),
        ("去上海看病", None),
    ],
)
def test_filing_in_everyday_words(text, filing):
    assert parse_filing(text) == filing


def test_plain_words_answer_the_filing_question():
    assert parse_filing("就是去看病", answering=True) == TEMPORARY
    assert parse_filing("嗯", answering=True) is None


@pytest.mark.parametrize(
    "text, ratio",
    [
        ("报销比例80%", D("0.8")),
        ("百分之八十五", D("0.85")),
        ("八成", D("0.8")),
        ("八成五", D("0.85")),
        ("90个点", D("0.9")),
        ("150%", None),
        ("没说", None),
    ],
)
def test_ratios(text, ratio):
    assert parse_ratio(text) == ratio


def test_amounts_stated_by_name():
    found = stated_amounts("在上海三甲医院住院花了5万，其中自费3000，乙类自付2000")
    assert found["total"] == Amount(D(50000))
    assert found["self_paid"] == Amount(D(3000))
    assert found["partial_self"] == Amount(D(2000))
    assert stated_amounts("起付线1000，封顶30万") == {
        "deductible": Amount(D(1000)),
        "cap": Amount(D(300000)),
    }
    # a level is not an amount, and an amount without its cue is not named
    assert stated_amounts("在三甲医院住院") == {}
    assert stated_amounts("先自费垫付了") == {}


def test_a_ratio_stated_by_name():
    assert stated_ratio("起付线1000，报销比例80%") == D("0.8")
    assert stated_ratio("比例是八成五") == D("0.85")
    assert stated_ratio("三甲医院") is None


@pytest.mark.parametrize("text", ["不知道", "不清楚", "没有", "跳过"])
def test_saying_one_does_not_know(text):
    assert says_unknown(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5万，自费2000", Amount(D(50000))),
        ("大概3万吧，其中自费5000", Amount(D(30000))),
        ("自费2000", None),
        ("起付线1000", None),
        ("4万", Amount(D(40000))),
    ],
)
def test_the_amount_said_before_the_named_ones(text, expected):
    assert unnamed_amount(text) == expected


@pytest.mark.parametrize(
    "text, said",
    [
        ("两万多", "两万多"),
        ("住院花了两万多吧，具体记不清了", "两万多"),
        ("2023年住了10天，5万左右", "5万左右"),
        ("3.5w", "3.5w"),
        # markup and links around it are never quoted back (issue 12)
        ("大概两万多吧 <a href=http://evil.cn>点我领补贴</a>", "两万多"),
        ("两万多 RMB <img src=x onerror=alert(1)>", "两万多 RMB"),
        ("两万多，详见 https://evil.cn/?q=身份证", "两万多"),
    ],
)
def test_an_amount_keeps_only_the_words_it_was_read_from(text, said):
    assert parse_amount(text).said == said


def test_a_bill_said_right_after_住院_is_the_total():
    text = "退休职工，异地安置备案，外省二级医院住院8万，我们那起付线800、比例85%，能报多少"
    amounts = stated_amounts(text)
    assert amounts["total"].value == D(80000)
    assert amounts["deductible"].value == D(800)
    assert stated_ratio(text) == D("0.85")
    assert "total" not in stated_amounts("住院起付线800")


@pytest.mark.parametrize(
    "text, code",
    [
        ("洛阳", "410300"),
        ("温州", "330300"),
        ("赣州", "360700"),
        ("河南洛阳", "410300"),
        ("河南省洛阳市", "410300"),
        ("昆山", "320583"),
        ("江苏苏州昆山", "320583"),
        ("我是洛阳的", "410300"),
        ("在温州参保", "330300"),
        ("洛阳能报吗", None),
        ("苏州上海", None),  # two places, not one
        ("上海看病", None),
        ("不知道", None),
        ("", None),
    ],
)
def test_a_message_that_is_a_place(gazetteer, text, code):
    place = place_named(text, gazetteer)
    assert (place.code if place else None) == code


@pytest.mark.parametrize(
    "text, changes",
    [
        ("其实我退休了", {"status": "retired", "scheme": "employee"}),
        ("不对，是二级医院", {"level": "l2"}),
        ("其中自费药8000", {"self_paid": D(8000)}),
        ("总共是12万", {"total": D(120000)}),
        ("退休了医保能转回老家吗", {}),
        ("二级医院能报多少", {}),
        ("我退休了", {"status": "retired", "scheme": "employee"}),
        ("退休人员异地住院报销的规定", {}),  # a new question, not a correction
        ("搞错了，是在职的，没退休", {"status": "in_service", "scheme": "employee"}),
    ],
)
def test_a_correction_says_what_it_changes(text, changes):
    said = correction(text)
    found = {k: v for k, v in vars(said).items() if v and k != "amounts"}
    found.update({k: a.value for k, a in said.amounts.items()})
    assert found == changes
    assert bool(said) == bool(changes)


def test_a_ratio_said_with_bao_and_a_reduction_said_in_points():
    assert stated_ratio("起付线1500，报55%") == D("0.55")
    assert stated_ratio("起付线按1200、比例按92%算") == D("0.92")
    assert stated_ratio("报销不了") is None
    assert stated_reduction("那按降10个点算，能报多少？") == D("10")
    assert stated_reduction("比例低二十个百分点") == D("20")
    assert stated_reduction("降到了80%") is None
