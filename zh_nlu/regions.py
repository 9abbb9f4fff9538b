"""China's regions: every province-level division and prefecture-level city.

Names, short names and codes come from the administrative-division data that jionlp
ships; the nicknames and one-character 简称 people also use come from
lexicon/region_aliases.yml. The gazetteer is pure data: no Rasa, no spaCy.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(os.environ.get("ZH_NLU_LEXICON", Path(__file__).parent / "lexicon"))
ALIASES_FILE = "region_aliases.yml"

PROVINCE = "province"
PREFECTURE = "prefecture"

# Hong Kong, Macao and Taiwan are outside mainland basic medical insurance.
_OUTSIDE_MAINLAND = {"香港特别行政区", "澳门特别行政区", "台湾省"}
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


@dataclass(frozen=True)
class Region:
    """A province-level division or a prefecture-level city."""

    name: str  # full name: 江苏省, 苏州市
    short: str  # usual short name: 江苏, 苏州
    code: str  # six-digit administrative code
    level: str  # PROVINCE or PREFECTURE
    province: str  # full name of the province it belongs to (itself for a province)

    @property
    def is_municipality(self) -> bool:
        """Whether this is one of the four municipalities (直辖市)."""
        return self.name in _MUNICIPALITIES


@dataclass
class Gazetteer:
    """All regions, and every surface form that names one of them."""

    regions: dict[str, Region] = field(default_factory=dict)  # by full name
    # surface form -> full name; several full names where a form is ambiguous
    forms: dict[str, list[str]] = field(default_factory=dict)
    # one-character 简称 -> full name (kept apart: they need context to count)
    abbreviations: dict[str, str] = field(default_factory=dict)

    def add_form(self, form: str, full_name: str) -> None:
        """Register a surface form of a region."""
        names = self.forms.setdefault(form, [])
        if full_name not in names:
            names.append(full_name)

    def resolve(self, text: str) -> Region | None:
        """The region a name, short name, nickname or 简称 stands for, if any."""
        text = (text or "").strip()
        if text in self.regions:
            return self.regions[text]
        candidates = self.forms.get(text)
        if candidates:
            return self.regions[self._preferred(candidates)]
        if text in self.abbreviations:
            return self.regions[self.abbreviations[text]]
        return None

    def _preferred(self, names: list[str]) -> str:
        # 吉林 names both a province and a city; the province is what people mean.
        provinces = [n for n in names if self.regions[n].level == PROVINCE]
        return (provinces or names)[0]

    def province_of(self, region: Region) -> Region:
        """The province-level division a region belongs to."""
        return self.regions[region.province]

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """Every (form, full name) pair of two or more characters."""
        for form, names in self.forms.items():
            yield form, self._preferred(names)

    def provinces(self) -> list[Region]:
        """Province-level divisions, by code."""
        return sorted(
            (r for r in self.regions.values() if r.level == PROVINCE),
            key=lambda r: r.code,
        )


def _short_name(info: dict, full_name: str) -> str:
    alias = info.get("_alias")
    if isinstance(alias, list):
        alias = alias[0] if alias else None
    return alias or full_name


def _load_division_data() -> dict:
    from jionlp.dictionary.dictionary_loader import china_location_loader

    return china_location_loader(detail=False)


def build_gazetteer(lexicon_dir: Path = LEXICON_DIR) -> Gazetteer:
    """Build the gazetteer from jionlp's division data and the alias file."""
    gazetteer = Gazetteer()
    for province_name, province_info in _load_division_data().items():
        if province_name in _OUTSIDE_MAINLAND:
            continue
        province = Region(
            name=province_name,
            short=_short_name(province_info, province_name),
            code=province_info["_admin_code"],
            level=PROVINCE,
            province=province_name,
        )
        gazetteer.regions[province.name] = province
        for key, city_info in province_info.items():
            if key.startswith("_") or not isinstance(city_info, dict):
                continue
            if province.is_municipality:
                continue  # 上海市 -> 上海市: the city is the province itself
            city = Region(
                name=key,
                short=_short_name(city_info, key),
                code=city_info["_admin_code"],
                level=PREFECTURE,
                province=province_name,
            )
            gazetteer.regions.setdefault(city.name, city)

    for region in gazetteer.regions.values():
        gazetteer.add_form(region.name, region.name)
        if len(region.short) >= 2:
            gazetteer.add_form(region.short, region.name)

    aliases = yaml.safe_load((lexicon_dir / ALIASES_FILE).read_text(encoding="utf-8"))
    for full_name, forms in aliases["province_abbreviations"].items():
        _require_known(gazetteer, full_name, ALIASES_FILE)
        for form in forms:
            gazetteer.abbreviations[form] = full_name
    for full_name, forms in aliases["nicknames"].items():
        _require_known(gazetteer, full_name, ALIASES_FILE)
        for form in forms:
            gazetteer.add_form(form, full_name)
    return gazetteer


def _require_known(gazetteer: Gazetteer, full_name: str, file_name: str) -> None:
    if full_name not in gazetteer.regions:
        raise ValueError(
            f"{file_name}: '{full_name}' is not a region in the division data"
        )


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built once per process from the project's lexicon."""
    return build_gazetteer()
