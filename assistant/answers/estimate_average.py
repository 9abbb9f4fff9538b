"""The estimate's last resort: where neither the insured city nor its province has
sourced parameters, and the user gave none of their own, a rough range from the
national statistics bulletins' average shares (policies/averages.yml), labelled as a
national average and never as the place's rule. Pure functions, no Rasa; the words
are `estimate_text.average` in policies/topics.yml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from assistant.calculator import Bill, Estimate, Limits, Share, average_estimate
from assistant.knowledge.models import Average, KnowledgeBase, Parameter
from assistant.numbers import money_text, percent_text
from assistant.vocabulary import CONFIDENCES

LOCAL_KINDS = ("deductible", "ratio")


@dataclass(frozen=True)
class Averages:
    """The national figures one estimate uses: the in-policy share at the hospital
    level, and the share of all costs where a bulletin gives one."""

    in_policy: Average
    overall: Average | None
    level: str | None

    def shares(self) -> list[tuple[Share, Average]]:
        """The shares the range spans, each with the bulletin it comes from: of the
        policy-scope amount, and of the whole bill (the national share of out-of-
        catalogue costs in it), where a bulletin gives that."""
        shares = [(Share(_decimal(self.in_policy.share(self.level))), self.in_policy)]
        if self.overall is not None:
            shares.append((Share(_decimal(self.overall.overall), True), self.overall))
        return shares


def _decimal(value: float | None) -> Decimal:
    return Decimal(str(value))


def averages_for(
    kb: KnowledgeBase,
    scheme: str | None,
    level: str | None,
    entries: dict[str, Parameter | None],
    user_deductible: Decimal | None,
    user_ratio: Decimal | None,
) -> Averages | None:
    """The national averages an estimate falls back on: only where the knowledge
    base lacks the place's deductible or ratio and the user stated neither (a figure
    of their own is used, and the other one asked)."""
    if user_deductible is not None or user_ratio is not None:
        return None
    if all(entries.get(k) is not None and entries[k].known for k in LOCAL_KINDS):
        return None
    found = kb.average(scheme, level)
    if found is None:
        return None
    in_policy, overall = found
    level = level if level in in_policy.in_policy else None
    return Averages(in_policy, overall, level)


def _exact(result: Estimate) -> str:
    fund = result.fund
    return money_text(fund[0], fund[1], exact=True) if fund else ""


def average_lines(
    words: dict,
    bill: Bill,
    averages: Averages,
    limits: Limits,
    insured: str,
) -> tuple[Estimate, list[str], str]:
    """The estimate over the shares and the lines that show it, after the total and
    the policy-scope amount: what is used instead of the place's figures, each
    share's result, the range, the bulletins, and the one question that makes it
    exact; and the bulletins' line alone (for the card)."""
    text = words["average"]
    shares = averages.shares()
    parts = [average_estimate(bill, share, limits) for share, _ in shares]
    # the range over every share and reduction
    result = replace(parts[0], outcomes=tuple(o for p in parts for o in p.outcomes))
    reductions = {o.reduction for o in result.outcomes}
    reduced = (
        text["reduced"].format(points=format(max(reductions), "f"), insured=insured)
        if len(reductions) > 1
        else ""
    )
    lines = [text["instead"].format(insured=insured)]
    for number, ((share, average), part) in enumerate(
        zip(shares, parts, strict=False), start=4
    ):
        lines.append(
            text["overall" if share.of_all else "in_policy"].format(
                number=number,
                year=average.year,
                scheme=words["scheme"].get(average.scheme, ""),
                level=words["level"].get(averages.level or "", text["any_level"]),
                share=percent_text(share.ratio),
                paid=_exact(part),
                reduced="" if share.of_all else reduced,
            )
        )
    lines.append(
        text["result"].format(
            fund=money_text(*result.fund),
            own=money_text(*result.own_share),
            insured=insured,
        )
    )
    cited: list[str] = []
    for _, average in shares:
        name = average.source.short or average.source.title
        if name not in cited:
            cited.append(name)
    confidence = min((a.confidence for _, a in shares), key=CONFIDENCES.index)
    parameter = text["parameter"].format(
        bulletin="、".join(cited), confidence=words["confidence"][confidence]
    )
    lines += [parameter, text["ask"].format(insured=insured)]
    return result, lines, parameter


def average_notice(kb: KnowledgeBase, place: str, scheme: str | None) -> str | None:
    """A parameter answer for a place without figures: the national in-policy
    shares as a reference, by hospital level for the person's scheme (both schemes
    when it is not known), never as the place's rule; None without averages."""
    words = kb.estimate_text
    parts = []
    for each in (scheme,) if scheme else ("employee", "resident"):
        found = kb.average(each, "l3")  # the newest year with a split by level
        if found is None:
            continue
        average = found[0]
        levels = "、".join(
            f"{words['level'][level]}{percent_text(_decimal(average.in_policy[level]))}"
            for level in ("l3", "l2", "l1")
            if level in average.in_policy
        )
        parts.append(
            kb.notices["average_share"].format(
                year=average.year,
                scheme=words["scheme"][each],
                share=percent_text(_decimal(average.in_policy["all"])),
                levels=f"（{levels}）" if levels and scheme else "",
            )
        )
    if not parts:
        return None
    return kb.notices["no_local_parameters_average"].format(
        place=place, shares="；".join(parts)
    )
