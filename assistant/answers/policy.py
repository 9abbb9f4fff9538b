"""Compose a policy answer for the person's case: pure functions, no Rasa.

The answer to the point asked comes first, for this person: their places in their
roles and whether it is 跨省, 省内 or 本地, then the direct answer of the unit that
answers the topic and facet asked (policies/facets.yml, else the topic's summary),
then at most three short steps, then one line with the document it rests on and where
to confirm. What was not asked is offered as buttons. The sentences come from
policies/; this module picks and orders them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.answers.estimate_average import average_notice
from assistant.answers.parameters_text import hospital_line, parameter_lines
from assistant.case import CROSS_PROVINCE, INTRA_PROVINCE, LOCAL, Case, scope
from assistant.knowledge.models import Fact, KnowledgeBase, Parameter, Topic
from assistant.knowledge.units import Unit
from assistant.places import PREFECTURE, PROVINCE, Gazetteer, Region, upwards
from assistant.vocabulary import FILING_STATUSES, ROLE_INSURED, ROLE_TREATMENT

PLACEHOLDER_INSURED = "参保地"
PLACEHOLDER_TREATMENT = "就医地"
PLACEHOLDER_LOCAL = "当地"  # joining the scheme: where one lives and works
FIND_HOSPITAL = "find_hospital"
MATERIALS = "materials"
MAX_STEPS = 3
MAX_LOCAL_FACTS = 1
MAX_BUTTONS = 5
# a question that does not ask how or with what (能不能, 多久, 谁能办, or no point at
# all) gets the first two steps only: a phone screen; the 怎么办理 button gives them all
FULL_STEP_FACETS = ("how", "materials")
# The 省内 topic asked of a case the places make 跨省 is answered as the card topic.
INTRA_PROVINCE_TOPIC = "intra_province"
CARD_ELSEWHERE_TOPIC = "card_elsewhere"
# Going back to the insured place after a filing elsewhere (双向享受).
BACK_HOME = "back_home"
BRIEF_STEPS = 2
HOW = "how"
MAX_LENGTH = 280  # characters of a policy answer, fitting a phone screen
# facets whose answer shows the places' own rules (their channels, local rules)
LOCAL_FACETS = ("how", "where")
# facets whose answer shows the insured place's parameters
PARAMETER_FACETS = (None, "amount", "why")
# facets a group rule of provinces (京津冀: no filing needed) answers; a narrower point
# (whose card, what if lost) keeps its own unit
REGIONAL_FACETS = (None, "possible", "how", "materials", "effective", "validity")


@dataclass
class Answer:
    """The pieces of one answer: template arguments, buttons and what it rests on."""

    topic: Topic
    unit: Unit
    arguments: dict[str, str]
    buttons: list[dict[str, str]]
    facts: list[Fact]


def spoken_name(
    gazetteer: Gazetteer, region: Region, said: Region | None = None
) -> str:
    """A place as people say it, with what it lies in: 上海, 江苏南京, 江苏苏州（常熟）,
    北京（朝阳区）; the province is left out when `said`, named just before, lies in
    it too (江苏南京参保、在苏州看病)."""
    if region.level == PROVINCE:
        return region.short
    province = gazetteer.province_of(region)
    named = province.short
    if said is not None and not province.is_municipality:
        if gazetteer.province_of(said) == province:
            named = ""
    if region.level == PREFECTURE:
        return named + region.short
    if province.is_municipality:
        return f"{province.short}（{region.name}）"
    return f"{named}{gazetteer.prefecture_of(region).short}（{region.short}）"


def case_sentence(kb: KnowledgeBase, gazetteer: Gazetteer, case: Case) -> str:
    """The person's places in their roles, and 跨省 / 省内 / 本地 when both are known."""
    words = kb.case_text
    insured = spoken_name(gazetteer, case.insured) if case.insured else None
    treatment = (
        spoken_name(gazetteer, case.treatment, said=case.insured)
        if case.treatment
        else None
    )
    who = words["who"].get(case.patient or "self", words["who"]["self"])
    where = scope(gazetteer, case)
    province = gazetteer.province_of(case.insured).short if where else None
    if where is None:
        where = (
            "insured_only" if insured else "treatment_only" if treatment else "nowhere"
        )
    if case.long_term and f"{where}_long_term" in words:
        where = f"{where}_long_term"  # living there: 长期住在…, the filing type
    if where not in words:
        return ""
    return words[where].format(
        who=who, insured=insured, treatment=treatment, province=province
    )


def _numbered(lines: Sequence[str]) -> str:
    return "".join(f"\n{i}. {line}" for i, line in enumerate(lines, start=1))


def filing_case_line(kb: KnowledgeBase, topic: Topic, filing_status: str | None) -> str:
    """What the person's filing situation changes, when they have said it."""
    if not topic.cases or filing_status not in topic.cases:
        return ""
    return f"\n{kb.case_labels[filing_status]}：{topic.cases[filing_status]}"


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


def follow_up_buttons(
    kb: KnowledgeBase, topic: Topic, unit: Unit, case: Case
) -> list[dict[str, str]]:
    """What the person did not ask but likely asks next: their filing situation, the
    topic's other points, the units' neighbouring topics."""
    buttons = []
    if unit.facet in (None, "possible"):
        buttons += case_buttons(kb, topic, case.filing_status)
    facets = [f for f in kb.facets.facets_of(topic.id) if f != unit.facet]
    if topic.materials_topic and unit.facet != MATERIALS:
        facets.insert(0, MATERIALS)
    if unit.facet not in FULL_STEP_FACETS and len(unit.steps) > BRIEF_STEPS:
        facets.insert(0, HOW)
    for facet in dict.fromkeys(facets):
        buttons.append(
            {
                "title": kb.facets.buttons[facet],
                "payload": "/inform" + json.dumps({"facet": facet}),
            }
        )
    for key in unit.more:
        target = kb.topics[key]
        buttons.append(
            {"title": kb.facets.more[key], "payload": f"/{target.intents[0]}"}
        )
    return buttons[:MAX_BUTTONS]


def local_facts(
    kb: KnowledgeBase, gazetteer: Gazetteer, topic: Topic, case: Case
) -> list[Fact]:
    """Facts of the person's places that make this topic specific to them."""
    found: list[Fact] = []
    for role, region in (
        (ROLE_INSURED, case.insured),
        (ROLE_TREATMENT, case.treatment),
    ):
        for place in upwards(gazetteer, region) if region else []:
            for fact in kb.region_facts(place.code, topic.id, role):
                if fact not in found:
                    found.append(fact)
    for place in upwards(gazetteer, case.insured) if case.insured else []:
        for kind in topic.services:
            for fact in kb.service(place.code, kind) or []:
                if fact not in found:
                    found.append(fact)
    return found


def insured_parameters(
    kb: KnowledgeBase, gazetteer: Gazetteer, topic: Topic, case: Case
) -> tuple[list[str], list[Parameter]]:
    """The insured place's parameter lines for a topic that needs them, and the
    entries they rest on."""
    if not topic.needs_local or case.insured is None:
        return [], []
    for place in upwards(gazetteer, case.insured):
        entries = kb.region_parameters(place.code)
        if entries:
            lines = parameter_lines(
                kb,
                place.code,
                place.short,
                case.scheme,
                case.status,
                case.level,
                case.today,
            )
            return lines, entries
    return [], []


def _notices(
    kb: KnowledgeBase,
    topic: Topic,
    unit: Unit,
    facts: list[Fact],
    parameters: list[Parameter],
    case: Case,
) -> str:
    notes: list[str] = []
    if topic.needs_local and unit.facet in PARAMETER_FACETS:
        if not any(p.known for p in parameters):
            if case.insured:
                place = case.insured.short
                notes.append(
                    average_notice(kb, place, case.scheme)
                    or kb.notices["no_local_parameters"].format(place=place)
                )
            else:
                notes.append(kb.notices["ask_insured_place"])
    overdue = _documents(
        [f for f in facts if f.overdue(case.today)]
        + [p for p in parameters if p.known and p.overdue(case.today)]
    )
    if overdue:
        notes.append(kb.notices["overdue"].format(facts="、".join(overdue)))
    return "".join(f"\n{note}" for note in notes)


def _documents(facts: Iterable) -> list[str]:
    seen: list[str] = []
    for fact in facts:
        if fact.source.citation not in seen:
            seen.append(fact.source.citation)
    return seen


def _year(fact) -> str | None:
    issued = getattr(fact.source, "issued", None)
    if issued:
        return str(issued)[:4]
    effective = getattr(fact, "effective", None)
    return str(effective.year) if effective else None


def basis_line(kb: KnowledgeBase, topic: Topic, facts: list[Fact], case: Case) -> str:
    """The documents the answer rests on and where to confirm, in one line. Only a
    policy document is named as 依据; a fact that rests only on a public page is
    said to come from 公开资料, with the newest year of those pages."""
    words = kb.basis_text
    documents = _documents(f for f in facts if f.source.is_document)
    # the newest year of the public pages: the date a reader weighs them by
    years = sorted({y for f in facts if not f.source.is_document and (y := _year(f))})[
        -1:
    ]
    public = any(not f.source.is_document for f in facts)
    year_text = f"（{'、'.join(years)}）" if years else ""
    channel = kb.channels[topic.channel].format(
        insured=case.insured.short if case.insured else PLACEHOLDER_INSURED,
        treatment=case.treatment.short if case.treatment else PLACEHOLDER_TREATMENT,
        local=case.treatment.short if case.treatment else PLACEHOLDER_LOCAL,
    )
    checked = min(f.checked for f in facts).isoformat()
    if documents and public:
        key = "documents_and_public"
    elif documents:
        key = "documents"
    else:
        key = "public"
    return words[key].format(
        # the first document names the basis; the others behind 等
        documents=documents[0] + (kb.basis_text["more"] if len(documents) > 1 else "")
        if documents
        else "",
        years=year_text,
        checked=checked,
        channel=channel,
    )


def compose(
    kb: KnowledgeBase,
    gazetteer: Gazetteer,
    topic: Topic,
    case: Case,
    facet: str | None = None,
) -> Answer:
    """The answer to the point asked of a topic, for what is known of the case."""
    if topic.id == INTRA_PROVINCE_TOPIC and scope(gazetteer, case) == CROSS_PROVINCE:
        topic = kb.topics[CARD_ELSEWHERE_TOPIC]  # 省内 asked of a 跨省 case
    unit = kb.unit(topic, facet, case.scheme)
    if facet == BACK_HOME and case.treatment == case.insured:
        case = replace(case, treatment=None)  # going back: not a local visit
    where = scope(gazetteer, case)
    if where in (CROSS_PROVINCE, INTRA_PROVINCE) and facet in REGIONAL_FACETS:
        # a group's rule across its provinces (京津冀), a province's within it
        provinces = (case.insured.province, case.treatment.province)
        unit = kb.facets.regional_unit(unit.topic, provinces, facet, where) or unit
    answering = kb.topics[unit.topic]
    used = [kb.facts[f] for f in unit.facts]
    lines: list[str] = []
    direct, steps = unit.direct, list(unit.steps[:MAX_STEPS])
    if facet not in FULL_STEP_FACETS:
        steps = steps[:BRIEF_STEPS]  # not asked how: the rest behind 怎么办理
    if where == LOCAL and answering.id in kb.facets.elsewhere_only:
        direct, steps = "", []  # the case sentence says it: a local visit
    local: list[Fact] = []
    if facet in LOCAL_FACETS and where != LOCAL:
        local = local_facts(kb, gazetteer, answering, case)[:MAX_LOCAL_FACTS]
        steps = steps[
            : MAX_STEPS - len(local)
        ]  # the place's own rule takes a step's room
    parameters: list[Parameter] = []
    if facet in PARAMETER_FACETS:
        lines, parameters = insured_parameters(kb, gazetteer, answering, case)
        lines = lines[:1]  # the person's own group; the estimate shows the rest
        if case.hospital and answering.needs_local:
            city = gazetteer.regions[case.hospital.city].short
            lines.insert(0, hospital_line(kb, case.hospital, city))
            used.append(case.hospital)
    if case.hospital and answering.id == FIND_HOSPITAL:
        city = gazetteer.regions[case.hospital.city].short
        lines.insert(0, hospital_line(kb, case.hospital, city))
        used.append(case.hospital)
    used += local
    local_text = "".join(
        f"\n【{_region_short(gazetteer, f.region)}】{f.statement}" for f in local
    ) + "".join(f"\n{line}" for line in lines)
    case_text = case_sentence(kb, gazetteer, case)
    basis = basis_line(kb, answering, used, case)
    filing_case = filing_case_line(kb, answering, case.filing_status)
    notices = _notices(kb, answering, unit, used, parameters, case)
    fixed = (
        sum(
            len(part)
            for part in (case_text, direct, basis, local_text, filing_case, notices)
        )
        + 1
    )  # the line break before the basis
    while steps and fixed + len(_numbered(steps)) > MAX_LENGTH:
        steps.pop()  # a phone screen: the last steps give way first
    if fixed > MAX_LENGTH and lines:
        # the place's own numbers are the answer: the general sentence gives way
        direct = ""
    arguments = {
        "case": case_text,
        "direct": direct,
        "filing_case": filing_case,
        "steps": _numbered(steps),
        "local": local_text,
        "notices": notices,
        "basis": basis,
    }
    return Answer(
        topic=answering,
        unit=unit,
        arguments=arguments,
        buttons=follow_up_buttons(kb, answering, unit, case),
        facts=used,
    )


def _region_short(gazetteer: Gazetteer, name: str | None) -> str:
    region = gazetteer.resolve(name or "")
    return region.short if region else (name or "")


__all__ = [
    "CROSS_PROVINCE",
    "INTRA_PROVINCE",
    "LOCAL",
    "Answer",
    "basis_line",
    "case_sentence",
    "compose",
    "spoken_name",
]
