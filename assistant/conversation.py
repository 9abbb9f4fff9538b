"""The user's case as the conversation has told it: pure functions, no Rasa."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.knowledge.models import Hospital, KnowledgeBase
from assistant.places import COUNTY, PREFECTURE, PROVINCE, Gazetteer, Region
from assistant.vocabulary import (
    ENTITY_HOSPITAL,
    ENTITY_REGION,
    ENTITY_REGION_UNKNOWN,
    PLACE_COMPARED,
    ROLE_INSURED,
    ROLE_TREATMENT,
)

_SPECIFICITY = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2}


def most_specific(regions: Iterable[Region]) -> Region | None:
    """The most specific of several regions named together (周口 over 河南)."""
    ordered = sorted(regions, key=lambda r: _SPECIFICITY[r.level])
    return ordered[-1] if ordered else None


def _within(inner: Region, outer: Region, gazetteer: Gazetteer) -> bool:
    """Whether `inner` lies in `outer` (合肥 in 安徽, 昆山 in 苏州)."""
    if _SPECIFICITY[inner.level] <= _SPECIFICITY[outer.level]:
        return False
    return outer.code in (
        gazetteer.province_of(inner).code,
        gazetteer.prefecture_of(inner).code,
    )


def merge_nested_places(
    entities: list[dict[str, Any]], gazetteer: Gazetteer
) -> list[dict[str, Any]]:
    """A place written with the place it lies in ("安徽合肥", "江苏苏州昆山") is one
    place, the most specific, with the role either part was given."""
    merged: list[dict[str, Any]] = []
    for entity in sorted(entities, key=lambda e: e.get("start", 0)):
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and entity.get("entity") == ENTITY_REGION == previous.get("entity")
            and isinstance(previous.get("end"), int)
            and previous["end"] == entity.get("start")
        ):
            outer = gazetteer.resolve(str(previous.get("value", "")))
            inner = gazetteer.resolve(str(entity.get("value", "")))
            if outer and inner and _within(inner, outer, gazetteer):
                role = entity.get("role") or previous.get("role")
                merged[-1] = {**entity, "start": previous.get("start"), "role": role}
                continue
        merged.append(entity)
    return merged


def resolve_regions(
    entities: list[dict[str, Any]],
    insured: str | None,
    treatment: str | None,
    gazetteer: Gazetteer,
    insured_first: bool = False,
    pending_role: str | None = None,
    hospital: Hospital | None = None,
) -> tuple[str | None, str | None]:
    """The insured and treatment places after a message's region entities.

    A region with a role replaces that role's place. A region without one ("那北京呢")
    replaces the treatment place, unless only the insured place is known so far or
    the question is about the insured place's own numbers (insured_first); after the
    assistant asked which place was meant, it takes the role of the place asked about.
    A hospital the message names is the treatment place (unless the message names
    another one with that role); a region without a role is then the insured place,
    unless it is the hospital's own city. A place the message only compares with
    ("为什么比在南京低") changes neither place, nor does one already in the case named
    without a role.
    """
    by_role: dict[str | None, list[Region]] = {}
    for entity in merge_nested_places(entities, gazetteer):
        if entity.get("entity") != ENTITY_REGION or entity.get(PLACE_COMPARED):
            continue
        region = gazetteer.resolve(str(entity.get("value", "")))
        if region:
            role = entity.get("role") or pending_role
            by_role.setdefault(role, []).append(region)

    new_insured = most_specific(by_role.get(ROLE_INSURED, []))
    new_treatment = most_specific(by_role.get(ROLE_TREATMENT, []))
    # a place already in the case, named without a role ("比例按上海还是按哈尔滨"),
    # keeps the role it has; so does one this message names again with its role
    # ("那北京呢？儿子在北京": 北京 is where the care is, not also the insured place)
    known = {insured, treatment} - {None}
    known |= {r.code for r in (new_insured, new_treatment) if r is not None}
    unspecified = most_specific(
        [r for r in by_role.get(None, []) if r.code not in known]
    )
    if hospital is not None:
        in_city = [
            r
            for r in by_role.get(None, []) + by_role.get(ROLE_TREATMENT, [])
            if gazetteer.prefecture_of(r).code == hospital.city
        ]
        if new_treatment is None or new_treatment in in_city:
            new_treatment = most_specific(in_city) or gazetteer.regions[hospital.city]
        if unspecified in in_city:
            unspecified = None
        elif unspecified is not None and new_insured is None:
            new_insured, unspecified = unspecified, None
    if unspecified is not None:
        only_insured_known = bool(insured and not treatment)
        if new_insured is None and (insured_first or only_insured_known):
            new_insured = unspecified
        elif new_treatment is None:
            new_treatment = unspecified
        elif new_insured is None:
            new_insured = unspecified
    return (
        new_insured.code if new_insured else insured,
        new_treatment.code if new_treatment else treatment,
    )


def named_hospital(
    entities: list[dict[str, Any]],
    treatment: str | None,
    kb: KnowledgeBase,
    gazetteer: Gazetteer,
) -> Hospital | None:
    """The listed hospital a message names. A short name several hospitals share
    (第一人民医院) counts only when a place named with it, or the treatment place
    known so far, settles which one."""
    codes = [
        str(e.get("value", "")) for e in entities if e.get("entity") == ENTITY_REGION
    ] + ([treatment] if treatment else [])
    places = [gazetteer.resolve(code) for code in codes]
    cities = [gazetteer.prefecture_of(p).code for p in places if p]
    for entity in entities:
        if entity.get("entity") != ENTITY_HOSPITAL:
            continue
        found = kb.hospitals_named(str(entity.get("value", "")), cities)
        if len(found) == 1:
            return found[0]
    return None


@dataclass(frozen=True)
class PlaceQuestion:
    """A place the assistant must ask about: ambiguous, or not found."""

    name: str
    role: str | None
    candidates: list[Region]
    found: bool  # False: the name matched no region


def check_places(
    entities: list[dict[str, Any]], gazetteer: Gazetteer
) -> tuple[list[dict[str, Any]], PlaceQuestion | None]:
    """Settle ambiguous place names by the other places named with them (北京朝阳 ->
    北京市朝阳区); what cannot be settled, or was not found, becomes a question."""
    regions = [e for e in entities if e.get("entity") == ENTITY_REGION]
    named = [gazetteer.resolve(str(e.get("value", ""))) for e in regions]
    settled = []
    for entity in entities:
        if entity.get("entity") == ENTITY_REGION_UNKNOWN:
            name = str(entity.get("value", ""))
            return entities, PlaceQuestion(
                name, entity.get("role"), gazetteer.close_matches(name), found=False
            )
        text = str(entity.get("text", ""))
        if entity.get("entity") != ENTITY_REGION or not gazetteer.is_ambiguous(text):
            settled.append(entity)
            continue
        others = {r.code for r in named if r and r.code != entity.get("value")}
        within = [
            c
            for c in gazetteer.candidates(text)
            if c.province in others or c.prefecture in others
        ]
        if len(within) != 1:
            return entities, PlaceQuestion(
                text, entity.get("role"), gazetteer.candidates(text), found=True
            )
        settled.append({**entity, "value": within[0].code})
    return settled, None
