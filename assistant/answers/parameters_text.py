"""Show a region's reimbursement parameters in words: pure functions, no Rasa.

The words come from `parameter_text` in policies/topics.yml; this module picks the
entries for the user's scheme, status and hospital level and puts them in order.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from assistant.knowledge.models import Hospital, KnowledgeBase, Parameter
from assistant.numbers import money_text, percent_text
from assistant.vocabulary import (
    LEVELS,
    PARAMETER_KINDS,
    SCHEME_RESIDENT,
    SCHEMES,
    STATUSES,
)


def _number(value: float | Decimal) -> str:
    """An amount as people read it (1,300 / 65万 / 约86.6万)."""
    return money_text(Decimal(str(value)))


def _percent(words: dict, value: float) -> str:
    return words["percent"].format(value=percent_text(value).rstrip("%"))


def _by_level(words: dict, values: dict[str, float], level: str | None, render) -> str:
    if level and (level in values or "all" in values):
        return render(values.get(level, values.get("all")))
    keys = [k for k in ("all", *LEVELS) if k in values]
    return "、".join(f"{words['level'][k]}{render(values[k])}" for k in keys)


def year_text(
    words: dict,
    entry: Parameter,
    today: datetime.date | None,
    form: str | None = None,
) -> str:
    """The year a parameter's numbers are from, as its source gives it (written with
    words[form] when it is a plain year, e.g. 2023年), and, once the last day they
    were set for has passed, that they may have changed (2025医保年度，2026-06-30到期、
    可能已调整)."""
    year = entry.year if entry.year not in (None, "unknown") else None
    if year is None:
        text = words["year_unknown"]
    elif form and year.isdigit():
        text = words[form].format(year=year)
    else:
        text = year
    if today is not None and entry.ended(today):
        text = words["ended"].format(year=text, until=entry.valid_until.isoformat())
    return text


def describe(words: dict, entry: Parameter | None, level: str | None) -> str:
    """One parameter in words, e.g. 起付线（每次住院）一级及社区250元、二级500元."""
    if entry is None:
        return ""
    name = words["kind"][entry.kind]
    if not entry.known:
        return f"{name}{words['unknown']}"
    money = lambda v: words["amount"].format(value=_number(v))  # noqa: E731
    ratio = lambda v: _percent(words, v)  # noqa: E731
    if entry.kind == "deductible":
        return f"{name}{words['per'][entry.per]}{_by_level(words, entry.by_level, level, money)}"
    if entry.kind == "annual_cap":
        return f"{name}{money(entry.value)}"
    if entry.by_level:
        return f"{name}{_by_level(words, entry.by_level, level, ratio)}"
    parts = []
    for band in entry.bands:
        span = (
            words["band"].format(start=_number(band.start), end=_number(band.end))
            if band.end is not None
            else words["band_open"].format(start=_number(band.start))
        )
        parts.append(span + _by_level(words, band.by_level, level, ratio))
    return f"{name}：" + "；".join(parts)


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(values))


def _provenance(words: dict, entries: list[Parameter], today: datetime.date) -> str:
    known = [e for e in entries if e.known]
    if not known:
        return ""
    years = (year_text(words, e, None) for e in known)
    ends = "".join(
        words["ended"].format(
            kind=words["kind"][e.kind], until=e.valid_until.isoformat()
        )
        for e in known
        if e.ended(today)
    )
    return (
        "（"
        + words["provenance"].format(
            year="、".join(_distinct(years)),
            source="、".join(_distinct(e.source.said(words) for e in known)),
            confidence="、".join(
                _distinct(words["confidence"][e.confidence] for e in known)
            ),
        )
        + ends
        + "）"
    )


def parameter_lines(
    kb: KnowledgeBase,
    region_code: str,
    region_name: str,
    scheme: str | None,
    status: str | None,
    level: str | None,
    today: datetime.date | None = None,
) -> list[str]:
    """Lines describing a region's inpatient parameters for the user's case; side by
    side for the schemes and statuses the user has not said."""
    today = today or datetime.date.today()
    words = kb.parameter_text
    lines = []
    for each_scheme in [scheme] if scheme else SCHEMES:
        statuses = (
            [None]
            if each_scheme == SCHEME_RESIDENT
            else [status]
            if status
            else STATUSES
        )
        for each_status in statuses:
            entries = [
                kb.parameter(region_code, each_scheme, k, each_status)
                for k in PARAMETER_KINDS
            ]
            if not any(e and e.known for e in entries):
                continue
            header = words["header"].format(
                region=region_name,
                scheme=words["scheme"][each_scheme],
                status=words["status"][each_status or "any"],
            )
            parts = [describe(words, e, level) for e in entries]
            parts += [e.rule for e in entries if e and e.known and e.rule]
            body = "；".join(filter(None, parts))
            lines.append(
                header + body + _provenance(words, [e for e in entries if e], today)
            )
    return lines


def has_known_parameters(kb: KnowledgeBase, region_code: str) -> bool:
    """Whether the knowledge base knows any number for a region."""
    return any(p.known for p in kb.region_parameters(region_code))


def hospital_line(kb: KnowledgeBase, hospital: Hospital, city: str) -> str:
    """Which hospital the answer is for: its city and level, with the list's source."""
    words = kb.parameter_text
    if hospital.level is None:
        return words["hospital_no_level"].format(
            name=hospital.name, city=city, source=hospital.source.said(words)
        )
    level = words["level"][hospital.level].replace("及社区", "")
    return words["hospital"].format(
        name=hospital.name,
        city=city,
        level=level + (hospital.grade or ""),
        source=hospital.source.said(words),
        confidence=words["confidence"][hospital.confidence],
    )
