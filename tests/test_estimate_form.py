"""The estimate form's logic on plain values: no Rasa, no tracker."""

from decimal import Decimal as D

import pytest

from assistant import estimate_form as form

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
        # the user's own deductible and ratio: no place needed
        (OWN, [f for f in form.ASKED if f != form.INSURED]),
        ({**OWN, form.DEDUCTIBLE: "unknown"}, list(form.ASKED)),
        # 拉萨's numbers are not in the knowledge base: asked
        (LHASA, [*form.ASKED, form.DEDUCTIBLE, form.RATIO]),
        ({**LHASA, form.INSURED: "440100"}, list(form.ASKED)),
    ],
)
def test_required_fields(kb, gazetteer, values, expected):
    assert form.required_fields(values, kb, gazetteer) == expected


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
