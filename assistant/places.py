"""China's regions: provinces, prefecture-level cities and counties/districts.

Names, short names and codes come from the administrative-division data that jionlp
ships; the nicknames and one-character 简称 people also use come from
lexicon/region_aliases.yml. The gazetteer is pure data: no Rasa, no spaCy.

A region is identified by its six-digit code: names repeat (朝阳区 is in 北京 and in
长春), codes do not.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(
    os.environ.get(
        "ZH_NLU_LEXICON", Path(__file__).resolve().parents[1] / "zh_nlu" / "lexicon"
    )
)
ALIASES_FILE = "region_aliases.yml"

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
_LEVEL_RANK = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2}
_PLACE_SUFFIXES = "省市县区州"

# Hong Kong, Macao and Taiwan are outside mainland basic medical insurance.
_OUTSIDE_MAINLAND = {"香港特别行政区", "澳门特别行政区", "台湾省"}
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# Containers in the data, not places: their children are the places.
_CONTAINERS = {"省直辖行政区划", "自治区直辖县级行政区划", "市直辖行政区划", "县"}
# County names that are ordinary words or say nothing alone.
_GENERIC_NAMES = {"城区", "郊区", "矿区", "市中区", "新区", "开发区", "高新区"}
# Short names of cities that are ordinary words (东方市 -> 东方).
_COMMON_WORDS = {"东方"}
# A county's short name (海淀 for 海淀区) is used only if it is not a common word:
# jieba's dictionary knows how common a word is and whether it is a place name.
_COMMON_WORD_FREQUENCY = 1000
_COMMON_NON_PLACE_FREQUENCY = 300


@dataclass(frozen=True)
class Region:
    """A province-level division, a prefecture-level city or a county/district."""

    name: str  # full name: 江苏省, 苏州市, 昆山市
    short: str  # usual short name: 江苏, 苏州, 昆山
    code: str  # six-digit administrative code
    level: str  # PROVINCE, PREFECTURE or COUNTY
    province: str  # code of its province (itself for a province)
    prefecture: str  # code of its prefecture (itself for a prefecture or province)

    @property
    def is_municipality(self) -> bool:
        """Whether this is one of the four municipalities (直辖市)."""
        return self.name in _MUNICIPALITIES


@dataclass
class Gazetteer:
    """All regions, and every surface form that names one of them."""

    regions: dict[str, Region] = field(default_factory=dict)  # by code
    # surface form -> codes of every region it may name
    forms: dict[str, list[str]] = field(default_factory=dict)
    # one-character 简称 -> code (kept apart: they need context to count)
    abbreviations: dict[str, str] = field(default_factory=dict)
    # pinyin without tones -> forms that sound so (for misspelt names)
    sounds: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def add_form(self, form: str, code: str) -> None:
        """Register a surface form of a region."""
        codes = self.forms.setdefault(form, [])
        if code not in codes:
            codes.append(code)

    def candidates(self, text: str) -> list[Region]:
        """Every region a name may stand for, the likeliest first."""
        text = (text or "").strip()
        if text in self.regions:
            return [self.regions[text]]
        codes = self.forms.get(text) or (
            [self.abbreviations[text]] if text in self.abbreviations else []
        )
        return sorted(
            (self.regions[c] for c in codes),
            key=lambda r: (_LEVEL_RANK[r.level], r.code),
        )

    def resolve(self, text: str) -> Region | None:
        """The region a code, name, short name, nickname or 简称 stands for, if any.

        吉林 names a province and a city: the province is what people mean. Where a
        name is ambiguous (see is_ambiguous) this is the likeliest one.
        """
        found = self.candidates(text)
        return found[0] if found else None

    def is_ambiguous(self, text: str) -> bool:
        """Whether a name stands for places in different provinces and for no
        province itself (朝阳: 辽宁朝阳市, 北京朝阳区, 长春朝阳区)."""
        found = self.candidates(text)
        if not found or found[0].level == PROVINCE:
            return False
        return len({r.province for r in found}) > 1

    def province_of(self, region: Region) -> Region:
        """The province-level division a region belongs to."""
        return self.regions[region.province]

    def prefecture_of(self, region: Region) -> Region:
        """The prefecture (for a municipality: the municipality) a region belongs to."""
        return self.regions[region.prefecture]

    def display(self, region: Region) -> str:
        """A name that tells the place apart: 北京市朝阳区, 辽宁省朝阳市."""
        if region.level == PROVINCE:
            return region.name
        province = self.province_of(region)
        if region.level == PREFECTURE or province.is_municipality:
            return province.name + region.name
        return province.name + self.prefecture_of(region).name + region.name

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """Every (form, likeliest code) pair of two or more characters."""
        for form in self.forms:
            yield form, self.candidates(form)[0].code

    def provinces(self) -> list[Region]:
        """Province-level divisions, by code."""
        return sorted(
            (r for r in self.regions.values() if r.level == PROVINCE),
            key=lambda r: r.code,
        )

    def close_matches(self, text: str, limit: int = 3) -> list[Region]:
        """Regions whose names sound or look like a misspelt one (苏洲 -> 苏州)."""
        text = (text or "").strip()
        if not text:
            return []
        sounds = {_sound(text), _sound(text.rstrip(_PLACE_SUFFIXES))}
        matches: list[Region] = []
        for sound in sounds:
            for form in self.sounds.get(sound, []):
                matches += [r for r in self.candidates(form) if r not in matches]
        for form in difflib.get_close_matches(
            text, list(self.forms), n=limit, cutoff=0.6
        ):
            matches += [r for r in self.candidates(form) if r not in matches]
        matches.sort(key=lambda r: _LEVEL_RANK[r.level])
        return matches[:limit]


def upwards(gazetteer: Gazetteer, region: Region) -> list[Region]:
    """A region, then its prefecture, then its province (where parameters may be)."""
    places = [region, gazetteer.prefecture_of(region), gazetteer.province_of(region)]
    return [p for i, p in enumerate(places) if p not in places[:i]]


def _sound(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def _short_name(info: dict, full_name: str) -> str:
    alias = info.get("_alias")
    if isinstance(alias, list):
        alias = alias[0] if alias else None
    return alias or full_name


def _load_division_data() -> dict:
    from jionlp.dictionary.dictionary_loader import china_location_loader

    return china_location_loader(detail=False)


def _children(info: dict) -> Iterator[tuple[str, dict]]:
    """The named places under a node, looking through container nodes."""
    for key, child in info.items():
        if key.startswith("_") or not isinstance(child, dict):
            continue
        if key in _CONTAINERS:
            yield from _children(child)
        else:
            yield key, child


@dataclass(frozen=True)
class OrdinaryWords:
    """The words of jieba's own dictionary that are ordinary words rather than
    place names: common ones not tagged as places (隔壁), and very common ones of any
    tag. Only these are kept (about 17,000 of its 349,000 entries: the whole
    dictionary held as a dict cost each process about 80 MB)."""

    not_places: frozenset[str]  # not tagged ns, frequency at least 300
    very_common: frozenset[str]  # any tag, frequency at least 1000


@functools.lru_cache(maxsize=1)
def ordinary_words() -> OrdinaryWords:
    """jieba's dictionary read once, line by line, keeping the ordinary words."""
    import jieba

    not_places, very_common = set(), set()
    path = Path(jieba.__file__).parent / "dict.txt"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) != 3:
                continue
            word, frequency, tag = parts[0], int(parts[1]), parts[2]
            if tag != "ns" and frequency >= _COMMON_NON_PLACE_FREQUENCY:
                not_places.add(word)
            if frequency >= _COMMON_WORD_FREQUENCY:
                very_common.add(word)
    return OrdinaryWords(frozenset(not_places), frozenset(very_common))


def _usable_short_name(short: str, full_name: str) -> bool:
    """Whether a county's short name may stand alone for it: not an ordinary word."""
    if len(short) < 2 or short == full_name:
        return False
    words = ordinary_words()
    return short not in words.very_common and short not in words.not_places


def build_gazetteer(lexicon_dir: Path = LEXICON_DIR) -> Gazetteer:
    """Build the gazetteer from jionlp's division data and the alias file."""
    gazetteer = Gazetteer()

    def add(region: Region) -> None:
        gazetteer.regions.setdefault(region.code, region)

    for province_name, province_info in _load_division_data().items():
        if province_name in _OUTSIDE_MAINLAND:
            continue
        province = Region(
            name=province_name,
            short=_short_name(province_info, province_name),
            code=province_info["_admin_code"],
            level=PROVINCE,
            province=province_info["_admin_code"],
            prefecture=province_info["_admin_code"],
        )
        add(province)
        for city_name, city_info in _children(province_info):
            if province.is_municipality:
                prefecture = province  # 上海市 -> 上海市: the city is the province
            else:
                prefecture = Region(
                    name=city_name,
                    short=_short_name(city_info, city_name),
                    code=city_info["_admin_code"],
                    level=PREFECTURE,
                    province=province.code,
                    prefecture=city_info["_admin_code"],
                )
                add(prefecture)
            for county_name, county_info in _children(city_info):
                if "_admin_code" not in county_info:
                    continue
                add(
                    Region(
                        name=county_name,
                        short=_short_name(county_info, county_name),
                        code=county_info["_admin_code"],
                        level=COUNTY,
                        province=province.code,
                        prefecture=prefecture.code,
                    )
                )

    for region in gazetteer.regions.values():
        if region.name in _GENERIC_NAMES:
            continue  # 城区, 郊区: a place only together with its city
        gazetteer.add_form(region.name, region.code)
        if region.level != COUNTY:
            if len(region.short) >= 2 and region.short not in _COMMON_WORDS:
                gazetteer.add_form(region.short, region.code)
        elif _usable_short_name(region.short, region.name):
            gazetteer.add_form(region.short, region.code)

    by_name = {}
    for region in gazetteer.regions.values():
        if region.level != COUNTY:
            by_name.setdefault(region.name, region.code)
    aliases = yaml.safe_load((lexicon_dir / ALIASES_FILE).read_text(encoding="utf-8"))
    for full_name, forms in aliases["province_abbreviations"].items():
        code = _require_known(by_name, full_name, ALIASES_FILE)
        for form in forms:
            gazetteer.abbreviations[form] = code
    for full_name, forms in aliases["nicknames"].items():
        code = _require_known(by_name, full_name, ALIASES_FILE)
        for form in forms:
            gazetteer.add_form(form, code)
    for form in gazetteer.forms:
        gazetteer.sounds.setdefault(_sound(form), []).append(form)
    return gazetteer


def _require_known(by_name: dict[str, str], full_name: str, file_name: str) -> str:
    if full_name not in by_name:
        raise ValueError(
            f"{file_name}: '{full_name}' is not a region in the division data"
        )
    return by_name[full_name]


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built once per process from the project's lexicon."""
    return build_gazetteer()
