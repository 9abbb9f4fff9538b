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

from assistant.answers.parameters_text import year_text
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
from assistant.numbers import money_text, percent_text
from assistant.places import Gazetteer, Region, upwards
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


def _header(words: dict, request: Request, place: Region | None, filing) -> str:
    """【估算】 and the case as far as it is known."""
    who = "".join(
        (
            place.short if place else "",
            words["scheme"].get(request.scheme or "", ""),
            words["status"].get(request.status or "", ""),
        )
    )
    cross = (
        request.insured is not None
        and request.treatment is not None
        and request.insured.province != request.treatment.province
    )
    hospital = words["hospital_cross" if cross else "hospital"]
    parts = [
        who,
        hospital.format(level=words["level"][request.level]) if request.level else "",
        words["filing"][filing] if filing else words["filing_unsaid"],
    ]
    return words["header"].format(case="，".join(p for p in parts if p))


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


def _yuan(value: Decimal) -> str:
    """An amount in a step: exact enough to check (79,200 / 65万)."""
    return money_text(value, exact=True)


def _span(low: Decimal, high: Decimal) -> str:
    """A result as read: 约6.7万, 约2.9万～3.9万."""
    return money_text(low, high)


def _catalogue_line(words: dict, request: Request, result: Estimate) -> str:
    given = {"self_paid": request.self_paid, "partial_self": request.partial_self}
    parts = [
        words["catalogue_parts"][kind].format(value=_yuan(value))
        for kind, value in given.items()
        if value
    ]
    if not parts:
        return words["all_in_catalogue"].format(policy=_yuan(result.policy_amount))
    return words["minus_catalogue"].format(
        parts="、".join(parts), policy=_yuan(result.policy_amount)
    )


def _paid(words: dict, result: Estimate) -> str:
    """What the ratio gives before the cap, exact: one amount, or a range."""
    paid = sorted(money(o.paid) for o in result.outcomes if o.paid is not None)
    if not paid:
        return ""
    return words["paid"].format(paid=money_text(paid[0], paid[-1], exact=True))


def _ratio_line(
    words: dict, result: Estimate, insured: str, user_reduction: bool = False
) -> str:
    rates = result.rates
    if not rates.has_ratio:
        return words["ratio_unknown"].format(insured=insured)
    reductions = [o.reduction for o in result.outcomes]
    reduced = ""
    if result.is_range:
        reduced = words["reduced"].format(
            points=format(max(reductions), "f"), insured=insured
        )
    elif reductions and reductions[0]:
        reduced = words["reduced_user" if user_reduction else "reduced_known"].format(
            insured=insured, points=format(reductions[0], "f")
        )
    paid = _paid(words, result)
    if rates.ratio is not None:
        return words["ratio"].format(
            ratio=percent_text(rates.ratio), paid=paid, reduced=reduced
        )
    parts = [
        words["band" if b.end is not None else "band_open"].format(
            start=_yuan(b.start),
            end=_yuan(b.end) if b.end is not None else "",
            ratio=percent_text(b.ratio),
        )
        for b in rates.bands
    ]
    return words["ratio_bands"].format(
        bands="；".join(parts), paid=paid, reduced=reduced
    )


def _cap_line(words: dict, result: Estimate) -> str:
    if result.rates.cap is None:
        return words["cap_unknown"]
    left = ""
    if result.bill.cap_used:
        left = words["cap_left"].format(left=money_text(result.cap_left))
    capped = words["capped"] if any(o.capped for o in result.outcomes) else ""
    return words["cap"].format(
        cap=money_text(result.rates.cap), left=left, capped=capped
    )


def _parameter_items(
    words: dict,
    request: Request,
    entries: dict[str, Parameter | None],
    rates: Rates,
) -> list[str]:
    """The parameters used, grouped by where they come from: the user's own, then
    the knowledge base's by year and confidence, with their sources."""
    mine = {
        "deductible": request.user.deductible,
        "ratio": request.user.ratio,
        "annual_cap": request.user.cap,
    }
    shown = {
        "deductible": rates.deductible,
        "ratio": None if rates.bands else rates.ratio,  # bands: shown above
        "annual_cap": rates.cap,
    }
    mine_items: list[str] = []
    groups: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for kind in PARAMETER_KINDS:
        text = words["parameter_value"].format(
            name=words["parameter_names"][kind],
            value=_parameter_value(kind, shown[kind]),
        )
        entry = entries.get(kind)
        if mine[kind] is not None:
            mine_items.append(text)
        elif entry is not None and entry.known:
            values, sources = groups.setdefault(
                (year_text(words, entry, request.today, "year"), entry.confidence),
                ([], []),
            )
            values.append(text)
            said = entry.source.said(words)
            if said not in sources:
                sources.append(said)
    items = [
        words["parameter"].format(
            values="、".join(values),
            year=year,
            confidence=words["confidence"][confidence],
            source="、".join(sources),
        )
        for (year, confidence), (values, sources) in groups.items()
    ]
    if mine_items:
        items.insert(0, words["user_parameter"].format(values="、".join(mine_items)))
    return items


def _parameter_value(kind: str, value: Decimal | None) -> str:
    if value is None:
        return ""
    if kind == "ratio":
        return percent_text(value)
    return money_text(value, exact=kind == "deductible") + "元"


def _deductible_line(
    words: dict,
    request: Request,
    entries: dict[str, Parameter | None],
    rates: Rates,
    result: Estimate,
    insured: str,
) -> str:
    if rates.deductible is None:
        return words["deductible_unknown"].format(insured=insured)
    entry = entries.get("deductible")
    per = (
        entry.per if entry and entry.known and request.user.deductible is None else None
    )
    return words["deductible"].format(
        deductible=_yuan(rates.deductible),
        per=words["per"].get(per or "", ""),
        above=_yuan(result.above_deductible),
    )


def compose_estimate(
    kb: KnowledgeBase, gazetteer: Gazetteer, request: Request
) -> Result:
    """The estimate for a request, with every step shown: a header with the case, the
    steps, the result, the parameters' source and where to confirm."""
    words = kb.estimate_text
    place, entries = parameters_for(kb, gazetteer, request)
    rates = request.user.apply(rates_from(entries, request.level))
    filing = filing_for(gazetteer, request)
    result = estimate(bill_for(request, filing), rates, limits(kb))
    insured = request.insured.short if request.insured else words["insured_unknown"]
    treatment = (
        request.treatment.short if request.treatment else words["treatment_unknown"]
    )
    said = request.said_total
    lines = [
        _header(words, request, place, filing),
        words["total"].format(
            total=_yuan(request.total),
            approx=words["approx"].format(said=said, total=_yuan(request.total))
            if said
            else "",
        ),
        _catalogue_line(words, request, result),
        _deductible_line(words, request, entries, rates, result, insured),
        _ratio_line(words, result, insured, request.reduction is not None),
        _cap_line(words, result),
    ]
    if result.fund is None:
        missing = "、".join(words["missing"][m] for m in result.missing)
        lines.append(words["no_result"].format(missing=missing))
    else:
        lines.append(
            words["result"].format(
                fund=_span(*result.fund), own=_span(*result.own_share)
            )
        )
    items = _parameter_items(words, request, entries, rates)
    if items:
        lines.append(words["parameters"].format(items="；".join(items)))
    if filing == MANUAL_CLAIM:
        lines.append(words["manual_claim_note"].format(insured=insured))
    elif filing == FILE_BEFORE_DISCHARGE:
        lines.append(words["file_before_discharge_note"])
    lines.append(words["confirm"].format(insured=insured, treatment=treatment))
    return Result(result, lines, _card(request, result, place, filing, items))


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
            "total": _yuan(request.total) + YUAN,
            "policy_amount": _yuan(result.policy_amount) + YUAN,
            "fund": _span(*result.fund) + YUAN if result.fund else None,
            "own": _span(*result.own_share) + YUAN if result.own_share else None,
        },
    }
