"""Typed views of the policy knowledge base (policies/)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

INSURED = "insured"
TREATMENT = "treatment"
ANY = "any"
CASE_KEYS = ("filed", "not_filed", "emergency")
MATERIALS_INTENT = "ask_materials"


@dataclass(frozen=True)
class Source:
    """A document or page facts rest on."""

    key: str
    title: str
    doc_number: Optional[str] = None
    issued: Optional[str] = None
    url: Optional[str] = None

    @property
    def citation(self) -> str:
        """How the source is cited in an answer: its document number, else its title."""
        return self.doc_number or f"《{self.title}》"


@dataclass(frozen=True)
class Fact:
    """One policy fact with its provenance."""

    id: str
    statement: str
    source: Source
    effective: datetime.date
    checked: datetime.date
    recheck_days: int
    confidence: str
    file: str
    region: Optional[str] = None  # full region name, for region facts
    topics: Tuple[str, ...] = ()
    role: str = ANY

    def overdue(self, today: datetime.date) -> bool:
        """Whether the fact is past its re-check date."""
        return today > self.checked + datetime.timedelta(days=self.recheck_days)


@dataclass(frozen=True)
class Topic:
    """How one kind of question is answered."""

    id: str
    title: str
    intents: Tuple[str, ...]
    direct: str
    steps: Tuple[str, ...]
    rule: str
    channel: str
    facts: Tuple[str, ...]
    cases: Optional[Dict[str, str]] = None
    materials_topic: Optional[str] = None
    rule_note: Optional[str] = None
    declined: bool = False


@dataclass
class KnowledgeBase:
    """The whole knowledge base, validated."""

    sources: Dict[str, Source]
    facts: Dict[str, Fact]
    topics: Dict[str, Topic]
    rules: Dict[str, str]
    channels: Dict[str, str]
    notices: Dict[str, str]
    case_labels: Dict[str, str]
    materials_keywords: Dict[str, List[str]] = field(default_factory=dict)
    by_intent: Dict[str, Topic] = field(default_factory=dict)

    def topic_for_intent(self, intent: str) -> Optional[Topic]:
        """The topic that answers an intent, if any."""
        return self.by_intent.get(intent)

    def materials_topic(self, text: str, context_topic: Optional[str]) -> Topic:
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
        return self.by_intent[MATERIALS_INTENT]

    def region_facts(self, region: str, topic: str, role: str) -> List[Fact]:
        """Facts of a region that make a topic specific, for the region's role."""
        return [
            f
            for f in self.facts.values()
            if f.region == region
            and topic in f.topics
            and (f.role == ANY or f.role == role)
        ]
