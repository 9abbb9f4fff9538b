"""The estimate form's logic on plain values: no Rasa, no tracker."""

from decimal import Decimal as D

import pytest

from assistant import estimate_form as form
from assistant.answers.estimate import compose_estimate

LHASA = {
    form.INSURED: "540100",
    form.SCHEME: "employee",
    form.STATUS: "retired",
    form.LEVEL: "2",
    form.FILING: "long_term",
    form.TOTAL: "80000",
}
OWN = {form.DEDUCTIBLE: "800", form.RATIO: "0.85"}


@pytest.mark.parametrize(
    "values, expected",
    [
        ({}, list(form.ASKED)),
        ({form.SCHEME: "resident"}, [f for f in form.ASKED if f != form.STATUS]),
        # the user's own deductible and ratio: only the total is still needed
        (OWN, [form.TOTAL]),
        ({**OWN, form.TOTAL: "12000"}, []),
        ({**OWN, form.DEDUCTIBLE: "unknown"}, list(form.ASKED)),
        # 拉萨's numbers are not in the knowledge base: asked
        # no figures of its own: the national average, nothing more to ask
        (LHASA, list(form.ASKED)),
        # the user's own ratio: their deductible is asked, not the average used
        ({**LHASA, form.RATIO: "0.8"}, [*form.ASKED, form.DEDUCTIBLE, form.RATIO]),
        ({**LHASA, form.INSURED: "440100"}, list(form.ASKED)),
    ],
)
def test_required_fields(kb, gazetteer, values, expected):
    assert form.required_fields(values, kb, gazetteer) == expected


def test_own_figures_and_a_total_are_a_request_on_their_own(kb, gazetteer):
    request = form.request_from({**OWN, form.TOTAL: "12000"}, gazetteer)
    assert request.scheme is None and request.level is None and request.filing is None
    lines = "\n".join(compose_estimate(kb, gazetteer, request).lines)
    # (12000 - 800) x 85% = 9520: the user's ratio, not lowered when no filing is said
    assert "得9,520元" in lines and "不再下调" in lines and "None" not in lines
    lowered = {**OWN, form.TOTAL: "12000", **form.figures_from_text("按降10个点算")}
    request = form.request_from(lowered, gazetteer)
    # (12000 - 800) x 75% = 8400
    assert "得8,400元（按你说的降10个百分点）" in "\n".join(
        compose_estimate(kb, gazetteer, request).lines
    )


def test_a_correction_that_is_only_an_amount_is_the_total():
    assert form.corrections_from_text("其实是2万8")[form.TOTAL] == "28000"
    assert form.corrections_from_text("改一下，花的是6万5")[form.TOTAL] == "65000"
    said = form.corrections_from_text("更正一下，我退休了，比例是92%")
    assert form.TOTAL not in said and said[form.RATIO] == "0.92"
    assert form.corrections_from_text("不对，是二级医院") == {form.LEVEL: "2"}


def test_own_figures_make_a_request_without_a_place(gazetteer):
    values = {**LHASA, **OWN, form.INSURED: None}
    request = form.request_from(values, gazetteer)
    assert request.insured is None
    assert request.user.deductible == D(800) and request.user.ratio == D("0.85")
    assert form.request_from({**values, form.RATIO: "unknown"}, gazetteer) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("其实我退休了", {form.SCHEME: "employee", form.STATUS: "retired"}),
        ("不对，是二级医院", {form.LEVEL: "2"}),
        ("其中自费药8000", {form.SELF_PAID: "8000"}),
        ("总共是12万", {form.TOTAL: "120000", form.TOTAL_SAID: None}),
        ("总共是两万多", {form.TOTAL: "20000", form.TOTAL_SAID: "两万多"}),
        ("退休了还要交医保吗", {}),
    ],
)
def test_corrections_from_text(text, expected):
    assert form.corrections_from_text(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("0.85", D("0.85")), ("85%", D("0.85")), ("八成五", D("0.85")), ("150%", None)],
)
def test_ratio_answer(value, expected):
    assert form.ratio_answer(value) == expected
