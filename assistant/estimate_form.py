"""The estimate form's logic on plain values, pure, no Rasa: what a message fills,
what is still needed (in the order it is asked), each answer normalised, and the
request once everything is there. The actions map these fields to their slots.

Values are the slots' own: strings ("50000", "0.85", "3", a region code), or
"unknown" for a figure the user does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from assistant.answers.estimate import Request, parameters_for
from assistant.answers.estimate_average import averages_for
from assistant.calculator import DEEMED, FILING_TYPES, UserFigures
from assistant.knowledge.models import KnowledgeBase
from assistant.places import Gazetteer
from assistant.understand import (
    Amount,
    correction,
    parse_ratio,
    stated_amounts,
    stated_ratio,
    stated_reduction,
)
from assistant.vocabulary import SCHEME_EMPLOYEE, SCHEME_RESIDENT

# The form's fields, in the order they are asked.
INSURED = "insured"
SCHEME = "scheme"
STATUS = "status"
LEVEL = "level"
FILING = "filing"
TOTAL = "total"
DEDUCTIBLE = "deductible"
RATIO = "ratio"
# Filled along the way, never asked.
TREATMENT = "treatment"
TOTAL_SAID = "total_said"
SELF_PAID = "self_paid"
PARTIAL_SELF = "partial_self"
REDUCTION = "reduction"  # percentage points the user says the ratio is lowered

ASKED = (INSURED, SCHEME, STATUS, LEVEL, FILING, TOTAL)
LEVELS = ("1", "2", "3")


def number(value: Any) -> Decimal | None:
    """A field's normalised number; None for unknown, empty or unvalidated text."""
    try:
        return None if value is None else Decimal(str(value))
    except ArithmeticError:
        return None


def own_figures(values: Mapping[str, Any]) -> bool:
    """Whether the user gave their own deductible and ratio."""
    return all(number(values.get(f)) is not None for f in (DEDUCTIBLE, RATIO))


def request_from(values: Mapping[str, Any], gazetteer: Gazetteer) -> Request | None:
    """The estimate request, once every required field is filled."""
    insured = gazetteer.resolve(values.get(INSURED) or "")
    scheme = values.get(SCHEME)
    status = values.get(STATUS) if scheme == SCHEME_EMPLOYEE else None
    level = values.get(LEVEL)
    filing = values.get(FILING)
    total = number(values.get(TOTAL))
    if not total:
        return None
    # the user's own deductible and ratio need nothing else: the place, scheme,
    # level and filing only choose the knowledge base's figures
    if not own_figures(values) and not (
        insured
        and scheme
        and level in LEVELS
        and filing in FILING_TYPES
        and (status or scheme != SCHEME_EMPLOYEE)
    ):
        return None
    return Request(
        insured=insured,
        scheme=scheme if scheme in (SCHEME_EMPLOYEE, SCHEME_RESIDENT) else None,
        status=status,
        level=f"l{level}" if level in LEVELS else None,
        filing=filing if filing in FILING_TYPES else None,
        reduction=number(values.get(REDUCTION)),
        total=total,
        treatment=gazetteer.resolve(values.get(TREATMENT) or ""),
        said_total=values.get(TOTAL_SAID),
        self_paid=number(values.get(SELF_PAID)),
        partial_self=number(values.get(PARTIAL_SELF)),
        user=UserFigures(
            deductible=number(values.get(DEDUCTIBLE)),
            ratio=number(values.get(RATIO)),
        ),
    )


def with_deemed_filing(
    values: Mapping[str, Any], kb: KnowledgeBase, gazetteer: Gazetteer
) -> dict[str, Any]:
    """The fields, with the filing filled in when both places are in a region that
    counts as filed (京津冀: 视同已备案, the rate unchanged) and none was said: it is
    then neither asked nor guessed."""
    filled = dict(values)
    if filled.get(FILING):
        return filled
    insured = gazetteer.resolve(filled.get(INSURED) or "")
    treatment = gazetteer.resolve(filled.get(TREATMENT) or "")
    if insured and treatment and insured.province != treatment.province:
        if kb.facets.deemed_filed((insured.province, treatment.province)):
            filled[FILING] = DEEMED
    return filled


def required_fields(
    values: Mapping[str, Any], kb: KnowledgeBase, gazetteer: Gazetteer
) -> list[str]:
    """The fields the estimate still depends on, in the order they are asked: the
    person's status only for 职工医保, the insured place only without the user's own
    deductible and ratio, and those two only where the knowledge base lacks them
    and has no national average to fall back on (or the user gave one of them)."""
    if own_figures(values):  # their own numbers: only the total is still needed
        return [] if number(values.get(TOTAL)) else [TOTAL]
    values = with_deemed_filing(values, kb, gazetteer)
    fields = list(ASKED)
    if values.get(FILING) == DEEMED:
        fields.remove(FILING)
    if values.get(SCHEME) == SCHEME_RESIDENT:
        fields.remove(STATUS)
    request = request_from(values, gazetteer)
    if request is None:
        return fields
    _, entries = parameters_for(kb, gazetteer, request)
    user = request.user
    if averages_for(
        kb, request.scheme, request.level, entries, user.deductible, user.ratio
    ):
        return fields  # a labelled national-average range: nothing more to ask
    for kind in (DEDUCTIBLE, RATIO):
        if entries[kind] is None or not entries[kind].known:
            fields.append(kind)
    return fields


def said_if_approximate(amount: Amount) -> str | None:
    """The words the user said for a total (两万多, not the whole message), kept only
    when approximate: a later exact total must not be shown as "你说的是两万多"."""
    return amount.said if amount.approximate else None


def figures_from_text(text: str) -> dict[str, str | None]:
    """The figures a message states by name (总共5万, 自费3000, 起付线1000, 报销比例
    80%): the user's figures win over the knowledge base's."""
    found: dict[str, str | None] = {}
    amounts = stated_amounts(text)
    for field in (TOTAL, SELF_PAID, PARTIAL_SELF, DEDUCTIBLE):
        if field in amounts:
            found[field] = str(amounts[field].value)
    if TOTAL in amounts:
        found[TOTAL_SAID] = said_if_approximate(amounts[TOTAL])
    ratio = stated_ratio(text)
    if ratio is not None:
        found[RATIO] = str(ratio)
    reduction = stated_reduction(text)
    if reduction is not None:
        found[REDUCTION] = str(reduction)
    return found


def corrections_from_text(text: str) -> dict[str, str | None]:
    """What a statement after an estimate changes (其实我退休了, 不对，是二级医院,
    其中自费药8000, 总共是12万); nothing for a question."""
    said = correction(text)
    found: dict[str, str | None] = {
        field: value
        for field, value in (
            (SCHEME, said.scheme),
            (STATUS, said.status),
            (LEVEL, said.level.lstrip("l") if said.level else None),
            (FILING, said.filing),
        )
        if value
    }
    if not said:
        return {}
    total = said.amounts.get(TOTAL)
    if total is not None:  # 其实是2万8: a total said without a cue
        found[TOTAL] = str(total.value)
        found[TOTAL_SAID] = said_if_approximate(total)
    return {**found, **figures_from_text(text)}


def ratio_answer(value: Any) -> Decimal | None:
    """A payment ratio the user gave (0.85, 85%, 八成五), within (0, 1]."""
    try:
        ratio = Decimal(str(value))
    except ArithmeticError:
        ratio = parse_ratio(str(value))
    return ratio if ratio is not None and 0 < ratio <= 1 else None
