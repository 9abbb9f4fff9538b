"""Every city's hospital list (policies/hospitals/): names unique, cities and sources
known."""

from __future__ import annotations

import datetime
from pathlib import Path

from assistant.knowledge.files import KnowledgeBaseError, read_yaml, validate
from assistant.knowledge.models import Hospital, Source
from assistant.places import PROVINCE, Gazetteer


def load_hospitals(
    root: Path, sources: dict[str, Source], gazetteer: Gazetteer
) -> dict[str, Hospital]:
    """Every city's hospital list: names unique, cities and sources known."""
    hospitals: dict[str, Hospital] = {}
    cities: dict[str, Path] = {}
    for path in sorted((root / "hospitals").glob("*.yml")):
        data = read_yaml(path)
        validate(data, "hospitals.schema.yml", path, root)
        city = gazetteer.resolve(data["city"])
        if city is None or gazetteer.is_ambiguous(data["city"]):
            raise KnowledgeBaseError(
                f"{path}: city: '{data['city']}' is not a known city"
            )
        city = gazetteer.prefecture_of(city)
        if city.level == PROVINCE and not city.is_municipality:
            raise KnowledgeBaseError(f"{path}: city: {city.name} is a province")
        if city.code in cities:
            raise KnowledgeBaseError(
                f"{path}: city: {city.name} already has a list, {cities[city.code].name}"
            )
        cities[city.code] = path
        for index, raw in enumerate(data["hospitals"]):
            where = f"{path}: hospitals.{index} ({raw['name']})"
            for key in [raw["source"], *raw.get("also_listed_by", [])]:
                if key not in sources:
                    raise KnowledgeBaseError(f"{where}.source: unknown source '{key}'")
            if raw["name"] in hospitals:
                raise KnowledgeBaseError(
                    f"{where}.name: already listed in {hospitals[raw['name']].file}"
                )
            aliases = tuple(raw.get("aliases") or ())
            city_aliases = tuple(raw.get("city_aliases") or ())
            names = [raw["name"], *aliases, *city_aliases]
            if len(set(names)) != len(names):
                raise KnowledgeBaseError(f"{where}.aliases: a name is repeated")
            hospitals[raw["name"]] = Hospital(
                name=raw["name"],
                city=city.code,
                level=raw["level"],
                grade=raw.get("grade"),
                aliases=aliases,
                city_aliases=city_aliases,
                source=sources[raw["source"]],
                confidence=raw["confidence"],
                checked=datetime.date.fromisoformat(data["checked"]),
                recheck_days=data["recheck_days"],
                file=path.name,
            )
    full_names = set(hospitals)
    for hospital in hospitals.values():
        for alias in hospital.forms[1:]:
            if alias in full_names:
                raise KnowledgeBaseError(
                    f"hospitals/{hospital.file}: {hospital.name}.aliases: '{alias}' "
                    "is the full name of another hospital"
                )
    return hospitals
