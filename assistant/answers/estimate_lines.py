"""The estimate's lines in the knowledge base's words (`estimate_text` in
policies/topics.yml): the case, the steps from the total to the fund's share, and
the parameters used with their sources. Pure functions, no Rasa; the estimate
itself is composed in assistant/answers/estimate.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answers.parameters_text import year_text
from assistant.calculator import Estimate, Rates, money
from assistant.knowledge.models import Parameter
from assistant.numbers import money_text, percent_text
from assistant.places import Region
from assistant.vocabulary import PARAMETER_KINDS

if TYPE_CHECKING:
    from decimal import Decimal

    from assistant.answers.estimate import Request


def header(words: dict, request: Request, place: Region | None, filing) -> str:
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


def yuan(value: Decimal) -> str:
    """An amount in a step: exact enough to check (79,200 / 65万)."""
    return money_text(value, exact=True)


def span(low: Decimal, high: Decimal) -> str:
    """A result as read: 约6.7万, 约2.9万～3.9万."""
    return money_text(low, high)


def catalogue_line(words: dict, request: Request, result: Estimate) -> str:
    given = {"self_paid": request.self_paid, "partial_self": request.partial_self}
    parts = [
        words["catalogue_parts"][kind].format(value=yuan(value))
        for kind, value in given.items()
        if value
    ]
    if not parts:
        return words["all_in_catalogue"].format(policy=yuan(result.policy_amount))
    return words["minus_catalogue"].format(
        parts="、".join(parts), policy=yuan(result.policy_amount)
    )


def paid_text(words: dict, result: Estimate) -> str:
    """What the ratio gives before the cap, exact: one amount, or a range."""
    paid = sorted(money(o.paid) for o in result.outcomes if o.paid is not None)
    if not paid:
        return ""
    return words["paid"].format(paid=money_text(paid[0], paid[-1], exact=True))


def ratio_line(
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
    paid = paid_text(words, result)
    if rates.ratio is not None:
        return words["ratio"].format(
            ratio=percent_text(rates.ratio), paid=paid, reduced=reduced
        )
    parts = [
        words["band" if b.end is not None else "band_open"].format(
            start=yuan(b.start),
            end=yuan(b.end) if b.end is not None else "",
            ratio=percent_text(b.ratio),
        )
        for b in rates.bands
    ]
    return words["ratio_bands"].format(
        bands="；".join(parts), paid=paid, reduced=reduced
    )


def cap_line(words: dict, result: Estimate) -> str:
    if result.rates.cap is None:
        return words["cap_unknown"]
    left = ""
    if result.bill.cap_used:
        left = words["cap_left"].format(left=money_text(result.cap_left))
    capped = words["capped"] if any(o.capped for o in result.outcomes) else ""
    return words["cap"].format(
        cap=money_text(result.rates.cap), left=left, capped=capped
    )


def parameter_items(
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
            value=parameter_value(kind, shown[kind]),
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


def parameter_value(kind: str, value: Decimal | None) -> str:
    if value is None:
        return ""
    if kind == "ratio":
        return percent_text(value)
    return money_text(value, exact=kind == "deductible") + "元"


def deductible_line(
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
        deductible=yuan(rates.deductible),
        per=words["per"].get(per or "", ""),
        above=yuan(result.above_deductible),
    )
