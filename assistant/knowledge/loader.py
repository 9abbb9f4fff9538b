"""Load and validate the policy knowledge base once; fail fast, naming file and field."""

from __future__ import annotations

import datetime
import functools
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.knowledge.averages import load_averages
from assistant.knowledge.files import (
    KnowledgeBaseError,
    read_yaml,
    validate,
    validator_for,
)
from assistant.knowledge.hospitals import load_hospitals
from assistant.knowledge.models import (
    Band,
    Fact,
    KnowledgeBase,
    Parameter,
    Source,
    Topic,
)
from assistant.knowledge.units import UnitError, load_facets
from assistant.places import Gazetteer, default_gazetteer

logger = logging.getLogger(__name__)

POLICIES_DIR = Path(
    os.environ.get("POLICIES_DIR", Path(__file__).resolve().parents[2] / "policies")
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _fact(
    raw: dict[str, Any],
    sources: dict[str, Source],
    path: Path,
    index: int,
    region: str | None,
) -> Fact:
    where = f"{path}: facts.{index} ({raw['id']})"
    if raw["source"] not in sources:
        raise KnowledgeBaseError(f"{where}.source: unknown source '{raw['source']}'")
    if region and not (raw.get("role") and (raw.get("topics") or raw.get("kind"))):
        raise KnowledgeBaseError(
            f"{where}: a region fact needs 'role' and 'topics' (or a 'kind')"
        )
    if raw.get("kind") and not region:
        raise KnowledgeBaseError(f"{where}.kind: only a region's facts have a kind")
    statement = " ".join(raw["statement"].split())
    for name, value in (raw.get("values") or {}).items():
        if format(value, "g") not in _NUMBER.findall(statement):
            raise KnowledgeBaseError(
                f"{where}.values.{name}: {value:g} does not stand in the statement"
            )
    return Fact(
        id=raw["id"],
        statement=statement,
        source=sources[raw["source"]],
        effective=datetime.date.fromisoformat(raw["effective"])
        if raw["effective"]
        else None,
        checked=datetime.date.fromisoformat(raw["checked"]),
        recheck_days=raw["recheck_days"],
        confidence=raw["confidence"],
        file=path.name,
        region=region,
        topics=tuple(raw.get("topics", ())),
        role=raw.get("role", "any"),
        kind=raw.get("kind"),
        values=raw.get("values") or {},
    )


def _evidence(raw: dict[str, Any]) -> str:
    """All text of a fact a number in an answer may rest on."""
    keys = ("statement", "quote", "note", "effective_note")
    return " ".join(str(raw.get(k, "")) for k in keys)


def _topic_texts(raw: dict[str, Any]) -> Iterable[str]:
    yield raw["direct"]
    yield from raw["steps"]
    yield from (raw.get("cases") or {}).values()


def _load_facts(root: Path, sources: dict[str, Source], gazetteer: Gazetteer) -> tuple:
    facts: dict[str, Fact] = {}
    evidence: dict[str, str] = {}
    parameters: dict[str, Parameter] = {}
    region_files: dict[str, Path] = {}
    unknown: dict[str, frozenset[str]] = {}
    files = [root / "national.yml"] + sorted((root / "regions").glob("*.yml"))
    for path in files:
        data = read_yaml(path)
        region = None
        if path.parent.name == "regions":
            validate(data, "region.schema.yml", path, root)
            region = _region_code(data, path, gazetteer)
            if region in region_files:
                raise KnowledgeBaseError(
                    f"{path}: region: '{data['region']}' already has a file, "
                    f"{region_files[region].name}"
                )
            region_files[region] = path
            if data.get("facts"):
                validate({"facts": data["facts"]}, "facts.schema.yml", path, root)
            _validate_services(data.get("services") or [], path, root)
            for index, raw in enumerate(data.get("parameters") or []):
                entry = _parameter(raw, sources, path, index, region, root)
                if entry.id in parameters or entry.id in facts:
                    raise KnowledgeBaseError(
                        f"{path}: parameters.{index}.id: '{entry.id}' is already defined"
                    )
                parameters[entry.id] = entry
            unknown[region] = _unknown_services(data, path)
        else:
            validate(data, "facts.schema.yml", path, root)
        every = (data.get("facts") or []) + (data.get("services") or [])
        for index, raw in enumerate(every):
            if raw["id"] in facts or raw["id"] in parameters:
                where = facts[raw["id"]].file if raw["id"] in facts else "a parameter"
                raise KnowledgeBaseError(
                    f"{path}: facts.{index}.id: '{raw['id']}' is already defined in {where}"
                )
            facts[raw["id"]] = _fact(raw, sources, path, index, region)
            evidence[raw["id"]] = _evidence(raw)
    return facts, evidence, parameters, unknown


def _validate_services(services: list[Any], path: Path, root: Path) -> None:
    """Service facts are facts with a kind; errors name them as services.N."""
    for index, raw in enumerate(services):
        try:
            validate({"facts": [raw]}, "facts.schema.yml", path, root)
        except KnowledgeBaseError as error:
            raise KnowledgeBaseError(
                str(error).replace(": facts.0", f": services.{index}", 1)
            ) from error
        if not raw.get("kind"):
            raise KnowledgeBaseError(
                f"{path}: services.{index} ({raw['id']}): a service fact needs a 'kind'"
            )


def _unknown_services(data: dict[str, Any], path: Path) -> frozenset[str]:
    """The service kinds a region records as unknown; none may also have a fact."""
    kinds = [entry["kind"] for entry in data.get("unknown") or []]
    known = {raw.get("kind") for raw in data.get("services") or []}
    for kind in kinds:
        if kind in known:
            raise KnowledgeBaseError(
                f"{path}: unknown: '{kind}' is recorded as unknown and also has a fact"
            )
    if len(set(kinds)) != len(kinds):
        raise KnowledgeBaseError(f"{path}: unknown: a kind is listed twice")
    return frozenset(kinds)


def _region_code(data: dict[str, Any], path: Path, gazetteer: Gazetteer) -> str:
    resolved = gazetteer.resolve(data["region"])
    if resolved is None or gazetteer.is_ambiguous(data["region"]):
        raise KnowledgeBaseError(
            f"{path}: region: '{data['region']}' is not a known region"
            + (" (the name is ambiguous)" if resolved else "")
        )
    if "code" in data and data["code"] != resolved.code:
        raise KnowledgeBaseError(
            f"{path}: code: '{data['code']}' is not the code of {data['region']} "
            f"({resolved.code})"
        )
    return resolved.code


def _parameter(
    raw: dict[str, Any],
    sources: dict[str, Source],
    path: Path,
    index: int,
    region: str,
    root: Path,
) -> Parameter:
    where = f"{path}: parameters.{index}"
    validator = validator_for(root / "schema" / "parameters.schema.yml")
    errors = sorted(validator.iter_errors([raw]), key=lambda e: list(e.absolute_path))
    if errors:
        field = ".".join(str(p) for p in list(errors[0].absolute_path)[1:]) or "(entry)"
        raise KnowledgeBaseError(f"{where}.{field}: {errors[0].message}")
    where = f"{where} ({raw['id']})"
    if raw.get("source") and raw["source"] not in sources:
        raise KnowledgeBaseError(f"{where}.source: unknown source '{raw['source']}'")
    ratios = []
    if raw["kind"] == "ratio":
        ratios += list((raw.get("by_level") or {}).values())
        for band in raw.get("bands") or []:
            ratios += list(band["by_level"].values())
    for ratio in ratios:
        if not 0 < ratio <= 1:
            raise KnowledgeBaseError(f"{where}: ratio {ratio} is not between 0 and 1")
    bands = tuple(
        Band(start=b["from"], end=b.get("to"), by_level=b["by_level"])
        for b in raw.get("bands") or []
    )
    for number, band in enumerate(bands):
        if band.end is not None and band.end <= band.start:
            raise KnowledgeBaseError(
                f"{where}.bands.{number}: 'to' is not above 'from'"
            )
        if number and (
            bands[number - 1].end is None or band.start < bands[number - 1].end
        ):
            raise KnowledgeBaseError(
                f"{where}.bands.{number}: overlaps the band before it"
            )
    return Parameter(
        id=raw["id"],
        region=region,
        care=raw["care"],
        scheme=raw["scheme"],
        status=raw["status"],
        kind=raw["kind"],
        known=raw["known"],
        file=path.name,
        per=raw.get("per"),
        by_level=raw.get("by_level"),
        bands=bands,
        value=raw.get("value"),
        above_cap=raw.get("above_cap"),
        rule=raw.get("rule"),
        source=sources.get(raw.get("source", "")),
        year=raw.get("year"),
        checked=datetime.date.fromisoformat(raw["checked"])
        if raw.get("checked")
        else None,
        recheck_days=raw.get("recheck_days"),
        confidence=raw.get("confidence"),
        note=raw.get("note"),
        valid_until=datetime.date.fromisoformat(raw["valid_until"])
        if raw.get("valid_until")
        else None,
    )


def _load_topics(root: Path, facts: dict[str, Fact], evidence: dict[str, str]) -> tuple:
    path = root / "topics.yml"
    data = read_yaml(path)
    validate(data, "topics.schema.yml", path, root)
    topics: dict[str, Topic] = {}
    by_intent: dict[str, Topic] = {}
    for index, raw in enumerate(data["topics"]):
        where = f"{path}: topics.{index} ({raw['id']})"
        if raw["id"] in topics:
            raise KnowledgeBaseError(f"{where}.id: duplicate topic id")
        for fact_id in raw["facts"]:
            if fact_id not in facts:
                raise KnowledgeBaseError(f"{where}.facts: unknown fact '{fact_id}'")
        supported = " ".join(evidence[f] for f in raw["facts"])
        for text in _topic_texts(raw):
            for number in _NUMBER.findall(text):
                if number not in supported:
                    raise KnowledgeBaseError(
                        f"{where}: the number {number} in “{text}” stands in none of "
                        f"its facts ({', '.join(raw['facts'])})"
                    )
        topic = Topic(
            id=raw["id"],
            title=raw["title"],
            intents=tuple(raw["intents"]),
            direct=raw["direct"],
            steps=tuple(raw["steps"]),
            channel=raw["channel"],
            facts=tuple(raw["facts"]),
            cases=raw.get("cases"),
            materials_topic=raw.get("materials_topic"),
            needs_local=raw.get("needs_local", False),
            services=tuple(raw.get("services", ())),
        )
        topics[topic.id] = topic
        for intent in topic.intents:
            if intent in by_intent:
                raise KnowledgeBaseError(
                    f"{where}.intents: '{intent}' is already answered by "
                    f"topic '{by_intent[intent].id}'"
                )
            by_intent[intent] = topic
    for topic in topics.values():
        if topic.materials_topic and topic.materials_topic not in topics:
            raise KnowledgeBaseError(
                f"{path}: topic {topic.id}.materials_topic: unknown topic "
                f"'{topic.materials_topic}'"
            )
    return data, topics, by_intent


def _check_region_topics(facts: dict[str, Fact], topics: dict[str, Topic]) -> None:
    for fact in facts.values():
        for topic in fact.topics:
            if topic not in topics:
                raise KnowledgeBaseError(
                    f"regions/{fact.file}: {fact.id}.topics: unknown topic '{topic}'"
                )


def load_knowledge_base(
    root: Path = POLICIES_DIR, gazetteer: Gazetteer | None = None
) -> KnowledgeBase:
    """Read, validate and cross-check every file of the knowledge base."""
    gazetteer = gazetteer or default_gazetteer()
    sources_path = root / "sources.yml"
    raw_sources = read_yaml(sources_path)
    validate(raw_sources, "sources.schema.yml", sources_path, root)
    sources = {
        key: Source(
            key=key,
            title=value["title"],
            kind=value["kind"],
            doc_number=value.get("doc_number"),
            short=value.get("short"),
            issued=value.get("issued"),
            url=value.get("url"),
        )
        for key, value in raw_sources["sources"].items()
    }
    facts, evidence, parameters, unknown = _load_facts(root, sources, gazetteer)
    data, topics, by_intent = _load_topics(root, facts, evidence)
    _check_region_topics(facts, topics)
    hospitals = load_hospitals(root, sources, gazetteer)
    for topic_id in data.get("materials_keywords", {}):
        if topic_id not in topics:
            raise KnowledgeBaseError(
                f"{root / 'topics.yml'}: materials_keywords: unknown topic '{topic_id}'"
            )
    facets_path = root / "facets.yml"
    raw_facets = read_yaml(facets_path)
    validate(raw_facets, "facets.schema.yml", facets_path, root)
    try:
        facets = load_facets(raw_facets, facets_path, set(topics), evidence)
    except UnitError as error:
        raise KnowledgeBaseError(str(error)) from error
    kb = KnowledgeBase(
        sources=sources,
        facts=facts,
        topics=topics,
        channels=data["channels"],
        case_text=data["case_text"],
        basis_text=data["basis_text"],
        facets=facets,
        notices=data["notices"],
        case_labels=data["cases"],
        materials_keywords=data.get("materials_keywords", {}),
        parameters=parameters,
        parameter_text=data.get("parameter_text", {}),
        estimate_text=data.get("estimate_text", {}),
        by_intent=by_intent,
        hospitals=hospitals,
        unknown_services=unknown,
        averages=load_averages(root, sources),
    )
    logger.info(
        "Loaded the knowledge base: %d sources, %d facts, %d parameters, %d topics, "
        "%d hospitals",
        len(sources),
        len(facts),
        len(parameters),
        len(topics),
        len(hospitals),
    )
    return kb


@functools.lru_cache(maxsize=1)
def default_knowledge_base() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    return load_knowledge_base()
