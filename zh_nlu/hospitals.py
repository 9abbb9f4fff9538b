"""Hospital names for the entity ruler, read from the knowledge base's hospital lists
(policies/hospitals/*.yml).

The lists are validated by assistant.knowledge; here only the names are needed. A name
that one hospital goes by maps to that hospital's full name; a short name several
hospitals share, or one hospitals in other cities also go by (city_aliases: 中山医院,
第一人民医院), maps to itself, and the action settles it by the city.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import yaml

HOSPITALS_DIR = Path(
    os.environ.get(
        "HOSPITALS_DIR", Path(__file__).resolve().parents[1] / "policies" / "hospitals"
    )
)


def hospital_files(directory: Path = HOSPITALS_DIR) -> list[Path]:
    """The hospital lists, one per city."""
    return sorted(directory.glob("*.yml"))


def hospital_forms(directory: Path = HOSPITALS_DIR) -> dict[str, str]:
    """Every name a listed hospital goes by, mapped to the entity value."""
    owners: dict[str, set[str]] = defaultdict(set)
    for path in hospital_files(directory):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for hospital in data.get("hospitals") or []:
            for form in [hospital["name"], *(hospital.get("aliases") or [])]:
                owners[form].add(hospital["name"])
            for form in hospital.get("city_aliases") or []:
                owners[form].update((hospital["name"], form))
    return {
        form: next(iter(names)) if len(names) == 1 else form
        for form, names in owners.items()
    }
