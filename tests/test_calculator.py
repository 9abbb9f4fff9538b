"""The estimate calculator: one table of cases, each checked by hand."""

from decimal import Decimal as D

import pytest

from assistant.calculator import (
    EMERGENCY,
    FILE_BEFORE_DISCHARGE,
    LOCAL,
    LONG_TERM,
    MANUAL_CLAIM,
    REFERRAL,
    TEMPORARY,
    Band,
    Bill,
    Limits,
    Rates,
    UserFigures,
    estimate,
    money,
)

LIMITS = Limits(referral=D(10), temporary=D(20))
FLAT = Rates(deductible=D(1000), ratio=D("0.85"), cap=D(400000))
# 北京-style bands: the ratio depends on the part of the year's cost.
BANDS = Rates(
    deductible=D(1300),
    bands=(
        Band(D(1300), D(30000), D("0.85")),
        Band(D(30000), D(40000), D("0.90")),
        Band(D(40000), D(100000), D("0.95")),
    ),
    cap=D(500000),
)


def fund(bill, rates=FLAT):
    return estimate(bill, rates, LIMITS).fund


@pytest.mark.parametrize(
    "bill, rates, expected",
    [
        # below the deductible: nothing
        (Bill(D(800), LONG_TERM), FLAT, (D("0.00"), D("0.00"))),
        # between: (50000 - 1000) * 0.85
        (Bill(D(50000), LONG_TERM), FLAT, (D("41650.00"), D("41650.00"))),
        # treated where insured: no reduction either
        (Bill(D(50000), LOCAL), FLAT, (D("41650.00"), D("41650.00"))),
        # catalogue: minus 目录外 and 乙类先行自付 first: (50000-5000-2000-1000)*0.85
        (
            Bill(D(50000), LONG_TERM, self_paid=D(5000), partial_self=D(2000)),
            FLAT,
            (D("35700.00"), D("35700.00")),
        ),
        # above the cap: (1000000-1000)*0.85 = 849150 > 400000
        (Bill(D(1000000), LONG_TERM), FLAT, (D("400000.00"), D("400000.00"))),
        # cap partly used this year: 400000 - 380000 left
        (Bill(D(50000), LONG_TERM, cap_used=D(380000)), FLAT, (D("20000.00"),) * 2),
        # referral, reduction unknown: 75% .. 85%
        (Bill(D(50000), REFERRAL), FLAT, (D("36750.00"), D("41650.00"))),
        (Bill(D(50000), EMERGENCY), FLAT, (D("36750.00"), D("41650.00"))),
        # other temporary: 65% .. 85%
        (Bill(D(50000), TEMPORARY), FLAT, (D("31850.00"), D("41650.00"))),
        (Bill(D(50000), FILE_BEFORE_DISCHARGE), FLAT, (D("31850.00"), D("41650.00"))),
        (Bill(D(50000), MANUAL_CLAIM), FLAT, (D("31850.00"), D("41650.00"))),
        # the insured place's actual reduction known: 5 points -> 80%
        (
            Bill(D(50000), TEMPORARY, reduction_points=D(5)),
            FLAT,
            (D("39200.00"), D("39200.00")),
        ),
        # bands: 28700*0.85 + 10000*0.90 + 10000*0.95 = 24395 + 9000 + 9500
        (Bill(D(50000), LONG_TERM), BANDS, (D("42895.00"), D("42895.00"))),
        # bands with a 10-point reduction: 28700*0.75 + 10000*0.80 + 10000*0.85
        (Bill(D(50000), REFERRAL), BANDS, (D("38025.00"), D("42895.00"))),
        # beyond the last band nothing more is paid by the basic fund
        (
            Bill(D(200000), LONG_TERM),
            BANDS,
            (D("24395.00") + D(9000) + D(57000),) * 2,
        ),
        # zero bill
        (Bill(D(0), LONG_TERM), FLAT, (D("0.00"), D("0.00"))),
        # rounding only at the end: (1234.565 - 1000) * 0.85 = 199.38025 -> 199.38
        (Bill(D("1234.565"), LONG_TERM), FLAT, (D("199.38"), D("199.38"))),
        # half up at the fen: (1001.01 - 1000) * 0.85 = 0.8585 -> 0.86
        (Bill(D("1001.01"), LONG_TERM), FLAT, (D("0.86"), D("0.86"))),
    ],
)
def test_the_fund_pays(bill, rates, expected):
    assert fund(bill, rates) == expected


def test_a_huge_bill_stops_at_the_cap_and_the_user_pays_the_rest():
    result = estimate(Bill(D(99999999), LONG_TERM), FLAT, LIMITS)
    assert result.fund == (D("400000.00"), D("400000.00"))
    assert result.own_share == (D("99599999.00"), D("99599999.00"))
    assert all(o.capped for o in result.outcomes)


def test_a_range_says_which_end_is_which():
    result = estimate(Bill(D(50000), TEMPORARY), FLAT, LIMITS)
    assert result.is_range
    assert [o.reduction for o in result.outcomes] == [D(20), D(0)]
    assert result.own_share == (D("8350.00"), D("18150.00"))


@pytest.mark.parametrize(
    "rates, missing",
    [
        (Rates(deductible=None, ratio=D("0.8")), ("deductible",)),
        (Rates(deductible=D(1000)), ("ratio",)),
        (Rates(deductible=None), ("deductible", "ratio")),
    ],
)
def test_an_unknown_parameter_gives_no_number(rates, missing):
    result = estimate(Bill(D(50000), LONG_TERM), rates, LIMITS)
    assert result.missing == missing
    assert result.fund is None and result.own_share is None
    assert result.policy_amount == D(50000)


def test_no_cap_known_means_no_capping():
    rates = Rates(deductible=D(1000), ratio=D("0.9"))
    assert fund(Bill(D(10000000), LONG_TERM), rates)[0] == D("8999100.00")


def test_the_users_figures_override_the_knowledge_base():
    mine = UserFigures(deductible=D(500), ratio=D("0.8")).apply(BANDS)
    assert mine == Rates(deductible=D(500), ratio=D("0.8"), bands=(), cap=D(500000))
    assert fund(Bill(D(10500), LONG_TERM), mine) == (D("8000.00"),) * 2


def test_the_users_figures_fill_what_is_unknown():
    mine = UserFigures(deductible=D(800)).apply(Rates(deductible=None, ratio=D("0.7")))
    assert fund(Bill(D(10800), LONG_TERM), mine) == (D("7000.00"),) * 2


def test_money_rounds_half_up_to_the_fen():
    assert money(D("0.005")) == D("0.01")
    assert money(D("2.675")) == D("2.68")


def test_each_outcome_keeps_what_the_ratio_gave_before_the_cap():
    # (1000000 - 1000) x 0.85 = 849150, capped at 400000
    (outcome,) = estimate(Bill(D(1000000), LONG_TERM), FLAT, LIMITS).outcomes
    assert outcome.capped and outcome.fund == D(400000)
    assert money(outcome.paid) == D("849150.00")
