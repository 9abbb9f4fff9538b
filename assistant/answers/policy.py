"""Compose an answer from the knowledge base: pure functions, no Rasa.

The sentences come from policies/ (facts, topics) and the layout labels from the
domain response `utter_policy_answer`; this module picks and orders the pieces.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answers.parameters_text import hospital_line, parameter_lines
from assistant.case import INTRA_PROVINCE, LOCAL, Case, scope
from assistant.knowledge.models import Fact, KnowledgeBase, Parameter, Topic
from assistant.places import Gazetteer, upwards
from assistant.vocabulary import FILING_STATUSES, ROLE_INSURED, ROLE_TREATMENT

PLACEHOLDER_INSURED = "参保地"
PLACEHOLDER_TREATMENT = "就医地"
FIND_HOSPITAL = "find_hospital"


@dataclass
class Answer:
    """The pieces of one answer: template arguments and buttons."""

    topic: Topic
    arguments: dict[str, str]
    buttons: list[dict[str, str]]
    facts: list[Fact]


def _numbered(lines: Sequence[str]) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))


def _cases(kb: KnowledgeBase, topic: Topic, filing_status: str | None) -> str:
    if not topic.cases:
        return ""
    if filing_status in topic.cases:
        label = kb.case_labels[filing_status]
        return f"\n{label}：{topic.cases[filing_status]}"
    lines = [f"· {kb.case_labels[k]}：{topic.cases[k]}" for k in FILING_STATUSES]
    return "\n" + "\n".join(lines)


def case_buttons(
    kb: KnowledgeBase, topic: Topic, filing_status: str | None
) -> list[dict[str, str]]:
    """Buttons to pick one's filing situation, when the answer depends on it."""
    if not topic.cases or filing_status in topic.cases:
        return []
    return [
        {
            "title": kb.case_labels[key],
            "payload": "/inform"
            + json.dumps({"filing_status": key}, ensure_ascii=False),
        }
        for key in FILING_STATUSES
    ]


def local_facts(
    kb: KnowledgeBase, gazetteer: Gazetteer, topic: Topic, context: Case
) -> list[Fact]:
    """Facts of the user's places that make this topic specific to them."""
    found: list[Fact] = []
    for role, region in (
        (ROLE_INSURED, context.insured),
        (ROLE_TREATMENT, context.treatment),
    ):
        for place in upwards(gazetteer, region) if region else []:
            for fact in kb.region_facts(place.code, topic.id, role):
                if fact not in found:
                    found.append(fact)
    for place in upwards(gazetteer, context.insured) if context.insured else []:
        for kind in topic.services:
            for fact in kb.service(place.code, kind) or []:
                if fact not in found:
                    found.append(fact)
    return found


def unknown_services(
    kb: KnowledgeBase, gazetteer: Gazetteer, topic: Topic, context: Case
) -> list[str]:
    """The service kinds this answer would show that the insured province has recorded
    as unknown (and no place below it knows)."""
    if context.insured is None:
        return []
    places = upwards(gazetteer, context.insured)
    return [
        kind
        for kind in topic.services
        if not any(kb.service(p.code, kind) for p in places)
        and kb.service(gazetteer.province_of(context.insured).code, kind) == []
    ]


def insured_parameters(
    kb: KnowledgeBase, gazetteer: Gazetteer, topic: Topic, context: Case
) -> tuple[list[str], list[Parameter]]:
    """The insured place's parameter lines for a topic that needs them, and the
    entries they rest on."""
    if not topic.needs_local or context.insured is None:
        return [], []
    for place in upwards(gazetteer, context.insured):
        entries = kb.region_parameters(place.code)
        if entries:
            lines = parameter_lines(
                kb,
                place.code,
                place.short,
                context.scheme,
                context.status,
                context.level,
            )
            return lines, entries
    return [], []


def _notices(
    kb: KnowledgeBase,
    gazetteer: Gazetteer,
    topic: Topic,
    facts: list[Fact],
    parameters: list[Parameter],
    context: Case,
) -> str:
    notes: list[str] = []
    if topic.needs_local and not any(p.known for p in parameters):
        if context.insured:
            notes.append(
                kb.notices["no_local_parameters"].format(place=context.insured.short)
            )
        else:
            notes.append(kb.notices["ask_insured_place"])
    province = gazetteer.province_of(context.insured) if context.insured else None
    for kind in unknown_services(kb, gazetteer, topic, context):
        notes.append(kb.notices[f"no_local_{kind}"].format(province=province.short))
    where = scope(gazetteer, context)
    if where == LOCAL:
        place = gazetteer.prefecture_of(context.insured)
        notes.append(kb.notices["local"].format(place=place.short))
    elif where == INTRA_PROVINCE:
        province = gazetteer.province_of(context.insured)
        notes.append(kb.notices["intra_province"].format(province=province.short))
    low = _citations(f for f in facts if f.confidence == "low")
    if low:
        notes.append(kb.notices["low_confidence"].format(facts=low))
    overdue = _citations(
        [f for f in facts if f.overdue(context.today)]
        + [p for p in parameters if p.known and p.overdue(context.today)]
    )
    if overdue:
        notes.append(kb.notices["overdue"].format(facts=overdue))
    return "".join(f"\n{note}" for note in notes)


def _citations(facts) -> str:
    seen: list[str] = []
    for fact in facts:
        if fact.source.citation not in seen:
            seen.append(fact.source.citation)
    return "、".join(seen)


def compose(
    kb: KnowledgeBase,
    gazetteer: Gazetteer,
    topic: Topic,
    context: Case,
) -> Answer:
    """The answer to a topic for what is known of the user's case."""
    facts = [kb.facts[f] for f in topic.facts]
    local = local_facts(kb, gazetteer, topic, context)
    used = facts + local
    lines, parameters = insured_parameters(kb, gazetteer, topic, context)
    if context.hospital and (topic.needs_local or topic.id == FIND_HOSPITAL):
        city = gazetteer.regions[context.hospital.city].short
        lines.insert(0, hospital_line(kb, context.hospital, city))
        used.append(context.hospital)
    local_text = "".join(
        f"\n【{region_short(gazetteer, f.region)}】{f.statement}" for f in local
    ) + "".join(f"\n{line}" for line in lines)
    arguments = {
        "direct": topic.direct,
        "steps": _numbered(topic.steps),
        "cases": _cases(kb, topic, context.filing_status),
        "local": local_text,
        "notices": _notices(kb, gazetteer, topic, used, parameters, context),
        "rule": kb.rules[topic.rule],
        "basis": _citations(used),
        "checked": min(f.checked for f in used).isoformat(),
        "channel": kb.channels[topic.channel].format(
            insured=context.insured.short if context.insured else PLACEHOLDER_INSURED,
            treatment=context.treatment.short
            if context.treatment
            else PLACEHOLDER_TREATMENT,
        ),
    }
    return Answer(
        topic=topic,
        arguments=arguments,
        buttons=case_buttons(kb, topic, context.filing_status),
        facts=used,
    )


def region_short(gazetteer: Gazetteer, name: str | None) -> str:
    """The short name of a region given by its full name."""
    region = gazetteer.resolve(name or "")
    return region.short if region else (name or "")
