"""Answer units at the level of detail people ask (policies/facets.yml): for a topic
and the precise point asked (its facet), the direct answer, at most three steps and
the facts they rest on. Loaded and checked with the rest of the knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.vocabulary import CROSS_PROVINCE, INTRA_PROVINCE

SUMMARY = "summary"  # a unit that replaces a topic's summary (for one scheme)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Unit:
    """The answer to one point of one topic."""

    topic: str
    facet: str | None
    direct: str
    steps: tuple[str, ...]
    facts: tuple[str, ...]
    more: tuple[str, ...] = ()
    scheme: str | None = None  # only for this scheme (employee / resident)


@dataclass(frozen=True)
class Regional:
    """A rule of a group of provinces (京津冀) that replaces the national answer to
    some topics when both of the person's places are in the group."""

    provinces: frozenset[str]
    topics: frozenset[str]
    unit: Unit
    deemed_filed: bool = False  # an estimate within the group: filed, rate unchanged
    within: str = CROSS_PROVINCE  # or INTRA_PROVINCE: one province's own rule


@dataclass
class Facets:
    """Every unit, the facets' follow-up buttons and where a facet is answered."""

    buttons: dict[str, str] = field(default_factory=dict)  # facet -> button title
    more: dict[str, str] = field(default_factory=dict)  # topic id -> button title
    see: dict[str, dict[str, str]] = field(default_factory=dict)
    elsewhere_only: frozenset[str] = frozenset()
    units: dict[tuple[str, str], list[Unit]] = field(default_factory=dict)
    regional: tuple[Regional, ...] = ()
    other_reading: str = "{title}"

    def regional_unit(
        self,
        topic: str,
        provinces: tuple[str, str],
        facet: str | None,
        within: str = CROSS_PROVINCE,
    ) -> Unit | None:
        """The group rule for this topic when both provinces are in its group: a
        cross-province group (京津冀) for care across its provinces, a province's
        own rule (省内免备案) for care within it."""
        for rule in self.regional:
            if (
                rule.within == within
                and topic in rule.topics
                and set(provinces) <= rule.provinces
            ):
                return Unit(rule.unit.topic, facet, *_rest(rule.unit))
        return None

    def deemed_filed(self, provinces: tuple[str, str]) -> bool:
        """Whether care with both provinces in one group counts as filed (京津冀)."""
        return any(
            rule.deemed_filed
            and rule.within == CROSS_PROVINCE
            and set(provinces) <= rule.provinces
            for rule in self.regional
        )

    def facets_of(self, topic: str) -> list[str]:
        """The facets the topic has a unit of its own for, in file order."""
        return [f for (t, f) in self.units if t == topic and f != SUMMARY]

    def find(self, topic: str, facet: str, scheme: str | None) -> Unit | None:
        """The unit for a topic and facet: the one for the person's scheme, else the
        one for every scheme."""
        units = self.units.get((topic, facet), [])
        for unit in units:
            if unit.scheme == scheme and scheme is not None:
                return unit
        return next((u for u in units if u.scheme is None), None)


def _rest(unit: Unit) -> tuple:
    return unit.direct, unit.steps, unit.facts, unit.more, unit.scheme


class UnitError(ValueError):
    """A unit that names an unknown topic, facet or fact, or an unsupported number."""


def load_facets(
    data: dict[str, Any],
    path: Path,
    topics: set[str],
    evidence: dict[str, str],
) -> Facets:
    """Check and type the parsed facets.yml (already validated by its schema)."""
    buttons = dict(data["facets"])
    more = dict(data.get("more", {}))
    for key in more:
        if key not in topics:
            raise UnitError(f"{path}: more.{key}: unknown topic")
    see = data.get("see", {})
    for topic, targets in see.items():
        for facet, target in targets.items():
            if topic not in topics or target not in topics or facet not in buttons:
                raise UnitError(f"{path}: see.{topic}.{facet}: unknown topic or facet")
    elsewhere = frozenset(data.get("elsewhere_only", ()))
    if elsewhere - topics:
        raise UnitError(
            f"{path}: elsewhere_only: unknown topics {sorted(elsewhere - topics)}"
        )
    units: dict[tuple[str, str], list[Unit]] = {}
    for index, raw in enumerate(data["units"]):
        where = f"{path}: units.{index} ({raw['topic']}/{raw['facet']})"
        if raw["topic"] not in topics:
            raise UnitError(f"{where}.topic: unknown topic")
        if raw["facet"] not in buttons and raw["facet"] != SUMMARY:
            raise UnitError(f"{where}.facet: unknown facet")
        same = units.get((raw["topic"], raw["facet"]), [])
        if any(u.scheme == raw.get("scheme") for u in same):
            raise UnitError(f"{where}: a second unit for this topic, facet and scheme")
        for key in raw.get("more", ()):
            if key not in more:
                raise UnitError(f"{where}.more: unknown follow-up '{key}'")
        _check_numbers(where, raw, evidence)
        unit = Unit(
            topic=raw["topic"],
            facet=raw["facet"],
            direct=raw["direct"],
            steps=tuple(raw["steps"]),
            facts=tuple(raw["facts"]),
            more=tuple(raw.get("more", ())),
            scheme=raw.get("scheme"),
        )
        units.setdefault((unit.topic, unit.facet), []).append(unit)
    regional = []
    for index, raw in enumerate(data.get("regional", ())):
        where = f"{path}: regional.{index}"
        if set(raw["topics"]) - topics:
            raise UnitError(f"{where}.topics: unknown topics")
        within = raw.get("within", CROSS_PROVINCE)
        if (within == INTRA_PROVINCE) != (len(raw["provinces"]) == 1):
            raise UnitError(
                f"{where}.provinces: one province for a rule within it, "
                "two or more for a group"
            )
        _check_numbers(where, raw, evidence)
        unit = Unit(
            raw["topics"][0],
            None,
            raw["direct"],
            tuple(raw["steps"]),
            tuple(raw["facts"]),
        )
        regional.append(
            Regional(
                frozenset(raw["provinces"]),
                frozenset(raw["topics"]),
                unit,
                bool(raw.get("deemed_filed")),
                raw.get("within", CROSS_PROVINCE),
            )
        )
    return Facets(
        buttons,
        more,
        see,
        elsewhere,
        units,
        tuple(regional),
        data.get("other_reading", "{title}"),
    )


def _check_numbers(where: str, raw: dict[str, Any], evidence: dict[str, str]) -> None:
    for fact in raw["facts"]:
        if fact not in evidence:
            raise UnitError(f"{where}.facts: unknown fact '{fact}'")
    supported = " ".join(evidence[f] for f in raw["facts"])
    for text in [raw["direct"], *raw["steps"]]:
        for number in _NUMBER.findall(text):
            if number not in supported:
                raise UnitError(
                    f"{where}: the number {number} in “{text}” stands in none of "
                    f"its facts ({', '.join(raw['facts'])})"
                )
