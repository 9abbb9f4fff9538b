"""Typed views of the policy knowledge base (policies/)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.knowledge.units import SUMMARY, Facets, Unit
from assistant.vocabulary import INTENT_MATERIALS

ANY = "any"


POLICY_DOCUMENT = "policy_document"


@dataclass(frozen=True)
class Source:
    """A document or page facts rest on."""

    key: str
    title: str
    kind: str = POLICY_DOCUMENT  # see policies/schema/sources.schema.yml
    doc_number: str | None = None
    short: str | None = None
    issued: str | None = None
    url: str | None = None

    @property
    def citation(self) -> str:
        """How the source is cited in an answer: its document number, else its short
        name, else its title."""
        return self.doc_number or self.short or f"《{self.title}》"

    @property
    def is_document(self) -> bool:
        """A policy document: the only kind of source named to the user (依据)."""
        return self.kind == POLICY_DOCUMENT

    def said(self, words: dict[str, str]) -> str:
        """The source as an answer says it: a policy document by its citation, any
        other page as public material (据公开资料), never by a repost's title."""
        if self.is_document:
            return words["source_document"].format(citation=self.citation)
        return words["source_public"]


@dataclass(frozen=True)
class Fact:
    """One policy fact with its provenance."""

    id: str
    statement: str
    source: Source
    effective: datetime.date | None  # None: the source gives no date
    checked: datetime.date
    recheck_days: int
    confidence: str
    file: str
    region: str | None = None  # region code, for region facts
    topics: tuple[str, ...] = ()
    role: str = ANY
    kind: str | None = None  # filing_channels / hotline / local_rule
    values: dict[str, float] = field(default_factory=dict)

    def overdue(self, today: datetime.date) -> bool:
        """Whether the fact is past its re-check date."""
        return today > self.checked + datetime.timedelta(days=self.recheck_days)


@dataclass(frozen=True)
class Band:
    """A ratio that applies to the part of the cost between two amounts."""

    start: float
    end: float | None
    by_level: dict[str, float]


@dataclass(frozen=True)
class Parameter:
    """One reimbursement parameter group of a region, or the record that it is unknown."""

    id: str
    region: str  # region code
    care: str
    scheme: str  # employee / resident
    status: str  # in_service / retired / any
    kind: str  # deductible / ratio / annual_cap
    known: bool
    file: str
    per: str | None = None
    by_level: dict[str, float] | None = None
    bands: tuple[Band, ...] = ()
    value: float | None = None
    above_cap: str | None = None
    rule: str | None = None
    source: Source | None = None
    year: str | None = None
    checked: datetime.date | None = None
    recheck_days: int | None = None
    confidence: str | None = None
    note: str | None = None
    valid_until: datetime.date | None = None

    def ended(self, today: datetime.date) -> bool:
        """Whether the numbers are past the last day they were set for."""
        return self.valid_until is not None and today > self.valid_until

    def level_value(self, level: str) -> float | None:
        """The by-level value for a hospital level (l1/l2/l3), if any."""
        if not self.by_level:
            return None
        return self.by_level.get(level, self.by_level.get("all"))

    def overdue(self, today: datetime.date) -> bool:
        """Whether the parameter is past its re-check date."""
        if not (self.checked and self.recheck_days):
            return False
        return today > self.checked + datetime.timedelta(days=self.recheck_days)


@dataclass(frozen=True)
class Average:
    """One year's national shares of inpatient costs paid by one scheme's funds
    (policies/averages.yml): an estimate's last resort, never a city's rule."""

    id: str
    scheme: str  # employee / resident
    year: str
    in_policy: dict[str, float]  # level (l1/l2/l3/all) -> 政策范围内 share; may be {}
    source: Source
    quote: str
    checked: datetime.date
    recheck_days: int
    confidence: str
    overall: float | None = None  # 实际 share (out-of-catalogue costs included)

    def share(self, level: str | None) -> float | None:
        """The in-policy share for a hospital level, else for every level."""
        return self.in_policy.get(level or "all", self.in_policy.get("all"))

    def overdue(self, today: datetime.date) -> bool:
        """Whether the figures are past their re-check date."""
        return today > self.checked + datetime.timedelta(days=self.recheck_days)


@dataclass(frozen=True)
class Hospital:
    """A hospital a public list names, with its city and level."""

    name: str
    city: str  # region code of its city
    level: str | None  # l1 / l2 / l3, None when the list does not say
    grade: str | None
    aliases: tuple[str, ...]
    source: Source
    confidence: str
    checked: datetime.date
    recheck_days: int
    file: str
    city_aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every name the hospital goes by."""
        return (self.name, *self.aliases, *self.city_aliases)

    def goes_by(self, name: str, cities: Collection[str]) -> bool:
        """Whether a name means this hospital, in a message about these cities."""
        if name == self.name or name in self.aliases:
            return True
        return name in self.city_aliases and self.city in cities

    def overdue(self, today: datetime.date) -> bool:
        """Whether the list entry is past its re-check date."""
        return today > self.checked + datetime.timedelta(days=self.recheck_days)


@dataclass(frozen=True)
class Topic:
    """How one kind of question is answered."""

    id: str
    title: str
    intents: tuple[str, ...]
    direct: str
    steps: tuple[str, ...]
    channel: str
    facts: tuple[str, ...]
    cases: dict[str, str] | None = None
    materials_topic: str | None = None
    needs_local: bool = False
    services: tuple[str, ...] = ()


@dataclass
class KnowledgeBase:
    """The whole knowledge base, validated."""

    sources: dict[str, Source]
    facts: dict[str, Fact]
    topics: dict[str, Topic]
    channels: dict[str, str]
    notices: dict[str, str]
    case_labels: dict[str, str]
    case_text: dict[str, str] = field(default_factory=dict)
    basis_text: dict[str, str] = field(default_factory=dict)
    facets: Facets = field(default_factory=Facets)
    materials_keywords: dict[str, list[str]] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    parameter_text: dict[str, Any] = field(default_factory=dict)
    estimate_text: dict[str, Any] = field(default_factory=dict)
    by_intent: dict[str, Topic] = field(default_factory=dict)
    hospitals: dict[str, Hospital] = field(default_factory=dict)
    # region code -> the service kinds recorded as unknown there
    unknown_services: dict[str, frozenset[str]] = field(default_factory=dict)
    # national averages by id (assistant/knowledge/averages.py), the last resort of
    # an estimate
    averages: dict[str, Average] = field(default_factory=dict)

    def unit(self, topic: Topic, facet: str | None, scheme: str | None = None) -> Unit:
        """The unit that answers `facet` of `topic` for the person's scheme: the topic's
        own, its materials topic's summary (for materials), the one `see` names, else
        the topic's summary (a scheme's own summary first)."""
        own = self.facets.find(topic.id, facet or "", scheme) if facet else None
        if own is not None:
            return own
        if facet == "materials" and topic.materials_topic:
            return self.summary(self.topics[topic.materials_topic], facet, scheme)
        target = self.facets.see.get(topic.id, {}).get(facet or "")
        if target is not None:
            found = self.facets.find(target, facet or "", scheme)
            return found or self.summary(self.topics[target], facet, scheme)
        return self.summary(topic, None, scheme)

    def summary(self, topic: Topic, facet: str | None, scheme: str | None) -> Unit:
        """A topic's own answer as a unit (the scheme's own summary where there is one)."""
        special = self.facets.find(topic.id, SUMMARY, scheme)
        if special is not None and special.scheme is not None:
            return Unit(
                special.topic,
                facet,
                special.direct,
                special.steps,
                special.facts,
                special.more,
                special.scheme,
            )
        return summary_unit(topic, facet)

    def topic_for_intent(self, intent: str) -> Topic | None:
        """The topic that answers an intent, if any."""
        return self.by_intent.get(intent)

    def materials_topic(self, text: str, context_topic: str | None) -> Topic:
        """The topic answering "what materials?": by the question's words, else by
        the topic being discussed, else the filing materials."""
        for topic_id, words in self.materials_keywords.items():
            if any(word in text for word in words):
                return self.topics[topic_id]
        context = self.topics.get(context_topic or "")
        if context and context.materials_topic:
            return self.topics[context.materials_topic]
        if context and context.id in self.materials_keywords:
            return context
        return self.by_intent[INTENT_MATERIALS]

    def average(
        self, scheme: str | None, level: str | None = None
    ) -> tuple[Average, Average | None] | None:
        """The national averages an estimate uses for a scheme: the most recent
        in-policy share for the hospital level (else for every level), and the most
        recent share of all costs, which the bulletins gave in other years."""
        mine = sorted(
            (a for a in self.averages.values() if a.scheme == scheme),
            key=lambda a: a.year,
            reverse=True,
        )
        in_policy = next((a for a in mine if level and level in a.in_policy), None)
        in_policy = in_policy or next((a for a in mine if "all" in a.in_policy), None)
        if in_policy is None:
            return None
        overall = next((a for a in mine if a.overall is not None), None)
        return in_policy, overall

    def region_parameters(self, region: str) -> list[Parameter]:
        """Every parameter entry of a region (by code)."""
        return [p for p in self.parameters.values() if p.region == region]

    def parameter(
        self, region: str, scheme: str, kind: str, status: str | None
    ) -> Parameter | None:
        """The entry for one parameter: the person's own status first, then 'any'."""
        entries = [
            p
            for p in self.region_parameters(region)
            if p.scheme == scheme and p.kind == kind
        ]
        for wanted in (status, "any"):
            for entry in entries:
                if entry.status == wanted:
                    return entry
        return None

    def hospitals_named(self, name: str, cities: Iterable[str] = ()) -> list[Hospital]:
        """Hospitals going by a name (full or short); where several do, those in the
        given cities (region codes of prefectures), if that leaves any."""
        cities = set(cities)
        found = [h for h in self.hospitals.values() if h.goes_by(name, cities)]
        if len(found) > 1 and cities:
            found = [h for h in found if h.city in cities] or found
        return found

    def service(self, region: str, kind: str) -> list[Fact] | None:
        """A region's facts of a service kind; [] when recorded as unknown, None when
        the region has no record of that kind at all."""
        facts = [
            f for f in self.facts.values() if f.region == region and f.kind == kind
        ]
        if facts:
            return facts
        return [] if kind in self.unknown_services.get(region, ()) else None

    def region_facts(self, region: str, topic: str, role: str) -> list[Fact]:
        """Facts of a region that make a topic specific, for the region's role."""
        return [
            f
            for f in self.facts.values()
            if f.region == region
            and topic in f.topics
            and (f.role == ANY or f.role == role)
        ]


def summary_unit(topic: Topic, facet: str | None) -> Unit:
    """A topic's own answer (its direct answer and steps) as a unit."""
    return Unit(
        topic=topic.id,
        facet=facet,
        direct=topic.direct,
        steps=topic.steps,
        facts=topic.facts,
    )
