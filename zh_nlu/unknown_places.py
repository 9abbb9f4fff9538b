"""Mentions that look like a place but name none the gazetteer knows (苏洲市, 霍格沃茨县),
so the assistant can say it did not find them instead of ignoring them."""

from __future__ import annotations

import re

from assistant.places import Gazetteer, ordinary_words

# A name ending like a place (…省/市/县/区/州), after a word that introduces a place.
_WITH_SUFFIX = re.compile(
    r"(?:在|去|到|来|是|从|回|住|参保地是?|就医地是?|老家)([\u4e00-\u9fff]{1,5}?(?:省|市|县|区|州))"
)
# Two or three characters before what one does at a place (在苏洲住院).
_BEFORE_ACTIVITY = re.compile(
    r"(?:在|去|到|来|是|从)([\u4e00-\u9fff]{2,3}?)(?:住院|看病|就医|参保|工作|打工|上班|定居|生活|治疗)"
)
# Words with a place-like ending that are not places.
_NOT_PLACES = {
    "市区",
    "城区",
    "郊区",
    "本市",
    "外市",
    "该市",
    "省市",
    "本省",
    "外省",
    "全省",
    "全市",
    "各省",
    "各市",
    "地区",
    "社区",
    "小区",
    "景区",
    "园区",
    "病区",
    "院区",
    "辖区",
    "县区",
    "外地区",
    "老家县",
    "大城市",
    "小城市",
    "省会城市",
    "城市",
    "一个城市",
    "别的城市",
    "其他城市",
    "哪个城市",
    "哪个省",
    "哪个市",
    "这个城市",
    "那个城市",
    "一个省",
    "别的省",
}
_NOT_PLACE_WORDS = {
    "家里", "这里", "那里", "外地", "本地", "当地", "老家", "医院", "外省", "那边", "这边",
    "隔壁", "大城", "其他", "别的", "哪个", "这个", "那个", "一个", "几个", "各个",
}  # fmt: skip
_SUFFIXES = "省市县区州"


def _is_word(core: str) -> bool:
    """Whether a name (or the part before its suffix) is an ordinary word (跨, 隔壁)."""
    if len(core) < 2 or core in _NOT_PLACE_WORDS:
        return True
    return core in ordinary_words().not_places


def unknown_places(
    text: str, covered: list[tuple[int, int]], gazetteer: Gazetteer
) -> list[tuple[int, int, str]]:
    """(start, end, text) of place-like mentions that resolve to no region."""
    found: list[tuple[int, int, str]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in covered)

    for match in _WITH_SUFFIX.finditer(text):
        name = match.group(1)
        start, end = match.span(1)
        if (
            name in _NOT_PLACES
            or _is_word(name[:-1])
            or overlaps(start, end)
            or gazetteer.resolve(name)
        ):
            continue
        found.append((start, end, name))
    for match in _BEFORE_ACTIVITY.finditer(text):
        name = match.group(1)
        start, end = match.span(1)
        if (
            name in _NOT_PLACE_WORDS
            or name in _NOT_PLACES
            or name[-1] in _SUFFIXES  # the first pattern's business
            or _is_word(name)
            or overlaps(start, end)
            or gazetteer.resolve(name)
        ):
            continue
        if any(start < e and s < end for s, e, _ in found):
            continue
        if gazetteer.close_matches(name):  # without a suffix, only likely misspellings
            found.append((start, end, name))
    return found
