"""The reimbursement estimate for the user's case: the insured place's parameters from
the knowledge base (or the user's own figures), the calculator, and the result as
text lines and as a structured card. Pure functions, no Rasa.

The words come from `estimate_text` in policies/topics.yml; this module picks the
lines and fills in the numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assistant.answers import estimate_lines as lines_of
from assistant.answers.estimate_average import Averages, average_lines, averages_for
from assistant.calculator import (
    FILE_BEFORE_DISCHARGE,
    FILED,
    LOCAL,
    LONG_TERM,
    MANUAL_CLAIM,
    Band,
    Bill,
    Estimate,
    Limits,
    Rates,
    UserFigures,
    estimate,
    money,
)
from assistant.case import LOCAL as LOCAL_SCOPE
from assistant.case import Case, scope
from assistant.knowledge.models import KnowledgeBase, Parameter
from assistant.places import PROVINCE, Gazetteer, Region, upwards
from assistant.vocabulary import PARAMETER_KINDS

REDUCTION_FACT = "temporary_reduction"
YUAN = "元"


@dataclass(frozen=True)
class Request:
    """Everything the estimate needs, normalised."""

    insured: Region | None  # None: the user gave their own deductible and ratio
    scheme: str | None  # employee / resident; None only with the user's own figures
    level: str | None  # l1 / l2 / l3; None only with the user's own figures
    filing: str | None  # a filing type of the calculator; None: not said
    total: Decimal
    reduction: Decimal | None = None  # percentage points the user says it is lowered
    status: str | None = None  # in_service / retired, for 职工医保
    treatment: Region | None = None
    said_total: str | None = None  # what the user said, when it was approximate
    self_paid: Decimal | None = None
    partial_self: Decimal | None = None
    user: UserFigures = UserFigures()
    today: datetime.date = field(default_factory=datetime.date.today)


@dataclass(frozen=True)
class Result:
    """The estimate, its text lines and a card payload for the web channels."""

    estimate: Estimate
    lines: list[str]
    card: dict[str, Any]


def limits(kb: KnowledgeBase) -> Limits:
    """The national ceilings on a temporary filing's reduction, from the facts."""
    values = kb.facts[REDUCTION_FACT].values
    return Limits(
        referral=Decimal(str(values["referral_points"])),
        temporary=Decimal(str(values["temporary_points"])),
    )


def parameters_for(
    kb: KnowledgeBase, gazetteer: Gazetteer, request: Request
) -> tuple[Region | None, dict[str, Parameter | None]]:
    """The insured place's parameter entries (its own, else its city's, else its
    province's) for the person's scheme and status, and the place they belong to;
    none without an insured place."""
    if request.insured is None:
        return None, dict.fromkeys(PARAMETER_KINDS)
    for place in upwards(gazetteer, request.insured):
        if kb.region_parameters(place.code):
            return place, {
                kind: kb.parameter(place.code, request.scheme, kind, request.status)
                for kind in PARAMETER_KINDS
            }
    return request.insured, dict.fromkeys(PARAMETER_KINDS)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def rates_from(entries: dict[str, Parameter | None], level: str) -> Rates:
    """The calculator's rates for one hospital level; None where not known."""
    known = {k: e for k, e in entries.items() if e is not None and e.known}
    deductible = known.get("deductible")
    ratio = known.get("ratio")
    cap = known.get("annual_cap")
    bands: tuple[Band, ...] = ()
    if ratio and ratio.bands:
        bands = tuple(
            Band(
                _decimal(b.start),
                _decimal(b.end),
                _decimal(b.by_level.get(level, b.by_level.get("all"))),
            )
            for b in ratio.bands
            if b.by_level.get(level, b.by_level.get("all")) is not None
        )
    return Rates(
        deductible=_decimal(deductible.level_value(level)) if deductible else None,
        ratio=_decimal(ratio.level_value(level)) if ratio and not bands else None,
        bands=bands,
        cap=_decimal(cap.value) if cap else None,
    )


def filing_for(gazetteer: Gazetteer, request: Request) -> str | None:
    """Treated where insured counts as local whatever was said about filing."""
    case = Case(insured=request.insured, treatment=request.treatment)
    return LOCAL if scope(gazetteer, case) == LOCAL_SCOPE else request.filing


def bill_for(request: Request, filing: str | None) -> Bill:
    """The calculator's bill. The user's own ratio is taken as the one applied: it is
    lowered only by the points they say (按降10个点算), or, where they named a
    temporary filing, by the range the rules allow; an unsaid filing lowers nothing."""
    reduction = request.reduction
    if reduction is None and filing is None:
        reduction = Decimal(0)
    return Bill(
        total=request.total,
        filing=filing or FILED,
        self_paid=request.self_paid or Decimal(0),
        partial_self=request.partial_self or Decimal(0),
        reduction_points=reduction,
    )


def stated_case(
    kb: KnowledgeBase,
    scheme: str | None = None,
    status: str | None = None,
    level: str | None = None,
    filing: str | None = None,
) -> str:
    """Details of the case in the estimate header's words (职工医保（在职），急诊抢救
    （视同已备案）), for details stated while the form asked something else."""
    words = kb.estimate_text
    who = (
        words["scheme"][scheme] + words["status"].get(status or "", "")
        if scheme in words["scheme"]
        else words["status_alone"].get(status or "", "")
    )
    parts = [
        who,
        words["hospital"].format(level=words["level"][f"l{level}"])
        if f"l{level}" in words["level"]
        else "",
        words["filing"].get(filing or "", ""),
        # what the filing does to the rate (急诊: at most 10 points lower)
        words.get("filing_effect", {}).get(filing or "", ""),
    ]
    return "，".join(p for p in parts if p)


def compose_estimate(
    kb: KnowledgeBase, gazetteer: Gazetteer, request: Request
) -> Result:
    """The estimate for a request, with every step shown: a header with the case, the
    steps, the result, the parameters' source and where to confirm. Where neither
    the place nor its province has figures and the user gave none, a labelled
    national-average range (assistant/answers/estimate_average.py)."""
    words = kb.estimate_text
    place, entries = parameters_for(kb, gazetteer, request)
    filing = filing_for(gazetteer, request)
    bill = bill_for(request, filing)
    insured = request.insured.short if request.insured else words["insured_unknown"]
    treatment = (
        request.treatment.short if request.treatment else words["treatment_unknown"]
    )
    said = request.said_total
    lines = [
        lines_of.header(words, request, place, filing),
        words["total"].format(
            total=lines_of.yuan(request.total),
            approx=words["approx"].format(said=said, total=lines_of.yuan(request.total))
            if said
            else "",
        ),
    ]
    average = averages_for(
        kb,
        request.scheme,
        request.level,
        entries,
        request.user.deductible,
        request.user.ratio,
    )
    if average is not None:
        result, rest, parameter = average_lines(
            words, bill, average, limits(kb), insured
        )
        lines += [lines_of.catalogue_line(words, request, result), *rest]
        items = [parameter]
    else:
        rates = request.user.apply(rates_from(entries, request.level))
        result = estimate(bill, rates, limits(kb))
        standard = _province_standard(words, request, place)
        lines += [
            lines_of.catalogue_line(words, request, result),
            *([standard] if standard else []),
            lines_of.deductible_line(words, request, entries, rates, result, insured),
            lines_of.ratio_line(words, result, insured, request.reduction is not None),
            lines_of.cap_line(words, result),
        ]
        if result.fund is None:
            missing = "、".join(words["missing"][m] for m in result.missing)
            lines.append(words["no_result"].format(missing=missing))
        else:
            lines.append(
                words["result"].format(
                    fund=lines_of.span(*result.fund),
                    own=lines_of.span(*result.own_share),
                )
            )
        items = lines_of.parameter_items(words, request, entries, rates)
        if items:
            lines.append(words["parameters"].format(items="；".join(items)))
    if filing == MANUAL_CLAIM:
        lines.append(words["manual_claim_note"].format(insured=insured))
    elif filing == FILE_BEFORE_DISCHARGE:
        lines.append(words["file_before_discharge_note"])
    lines.append(words["confirm"].format(insured=insured, treatment=treatment))
    card = _card(request, result, place, filing, items)
    card["basis"] = _basis(request, place, average)
    return Result(result, lines, card)


def _basis(request: Request, place: Region | None, average: Averages | None) -> str:
    """Where the figures come from, for the card: the user's own, the place's, the
    province's standard, or the national average."""
    if average is not None:
        return "national_average"
    if request.user.deductible is not None and request.user.ratio is not None:
        return "user"
    if _is_province_standard(request, place):
        return "province"
    return "local"


def _is_province_standard(request: Request, place: Region | None) -> bool:
    return (
        place is not None
        and request.insured is not None
        and place.code != request.insured.code
        and place.level == PROVINCE
        and not place.is_municipality
    )


def _province_standard(words: dict, request: Request, place: Region | None) -> str:
    """The line that says a province's one standard is used for a city of it."""
    if not _is_province_standard(request, place):
        return ""
    return words["province_standard"].format(
        insured=request.insured.short, province=place.short
    )


def _card(
    request: Request,
    result: Estimate,
    place: Region | None,
    filing: str,
    parameters: list[str],
) -> dict[str, Any]:
    """The estimate as data, for channels that draw it as a card."""

    def pair(values: tuple[Decimal, Decimal] | None) -> list[str] | None:
        return None if values is None else [str(v) for v in values]

    return {
        "type": "estimate",
        "insured": place.name if place else None,
        "scheme": request.scheme,
        "status": request.status,
        "level": request.level,
        "filing": filing,
        "total": str(money(request.total)),
        "policy_amount": str(money(result.policy_amount)),
        "deductible": None
        if result.rates.deductible is None
        else str(money(result.rates.deductible)),
        "fund": pair(result.fund),
        "own": pair(result.own_share),
        "missing": list(result.missing),
        "parameters": parameters,
        "long_term": filing == LONG_TERM,
        # the amounts as people read them (5万元, 约2.9万～3.9万元), for the channels;
        # not "text": the socket.io channel spreads the card over the message
        "readable": {
            "total": lines_of.yuan(request.total) + YUAN,
            "policy_amount": lines_of.yuan(result.policy_amount) + YUAN,
            "fund": lines_of.span(*result.fund) + YUAN if result.fund else None,
            "own": lines_of.span(*result.own_share) + YUAN
            if result.own_share
            else None,
        },
    }
