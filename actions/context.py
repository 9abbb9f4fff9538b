"""The user's case as the conversation has told it: pure functions, no Rasa."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from actions.constants import ENTITY_REGION, ROLE_INSURED, ROLE_TREATMENT
from zh_nlu.regions import PREFECTURE, Gazetteer, Region


def most_specific(regions: Iterable[Region]) -> Region | None:
    """The most specific of several regions named together (周口 over 河南)."""
    regions = list(regions)
    prefectures = [r for r in regions if r.level == PREFECTURE]
    return (prefectures or regions or [None])[-1]


def resolve_regions(
    entities: list[dict[str, Any]],
    insured: str | None,
    treatment: str | None,
    gazetteer: Gazetteer,
    insured_first: bool = False,
) -> tuple[str | None, str | None]:
    """The insured and treatment places after a message's region entities.

    A region with a role replaces that role's place. A region without one ("那北京呢")
    replaces the treatment place, unless only the insured place is known so far or
    the question is about the insured place's own numbers (insured_first).
    """
    by_role: dict[str | None, list[Region]] = {}
    for entity in entities:
        if entity.get("entity") != ENTITY_REGION:
            continue
        region = gazetteer.resolve(str(entity.get("value", "")))
        if region:
            by_role.setdefault(entity.get("role"), []).append(region)

    new_insured = most_specific(by_role.get(ROLE_INSURED, []))
    new_treatment = most_specific(by_role.get(ROLE_TREATMENT, []))
    unspecified = most_specific(by_role.get(None, []))
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
