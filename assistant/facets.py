"""The precise point a question asks about its topic (its facet), and the narrower
topic a broad one gives way to when the question names it (转院 in a 新农合 question
is a referral question): rules over the simplified text, read from
assistant/facets.yml. Pure functions, no Rasa."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import yaml

from assistant.scope import other_scheme

FACETS_FILE = Path(
    os.environ.get("FACETS_FILE", Path(__file__).resolve().parent / "facets.yml")
)


@functools.cache
def _lexicon(path: Path = FACETS_FILE) -> dict:
    """facets.yml, read once."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@functools.cache
def _patterns(path: Path = FACETS_FILE) -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = _lexicon(path)
    order = data["order"]
    unknown = set(data["patterns"]) - set(order)
    if unknown:
        raise ValueError(f"{path}: patterns for facets not in `order`: {unknown}")
    return tuple(
        (facet, re.compile("|".join(f"(?:{p})" for p in data["patterns"][facet])))
        for facet in order
        if data["patterns"].get(facet)
    )


def facet_of(text: str) -> str | None:
    """The first facet (in the lexicon's order) whose pattern the text matches."""
    for facet, pattern in _patterns():
        if pattern.search(text or ""):
            return facet
    return None


def facets_of(text: str) -> list[str]:
    """Every facet the text matches, in the lexicon's order."""
    return [facet for facet, pattern in _patterns() if pattern.search(text or "")]


ANY_TOPIC = "*"  # a narrower rule `from` every topic (工伤), and the topic of none


@functools.cache
def _narrower(
    path: Path = FACETS_FILE,
) -> tuple[tuple[re.Pattern[str], str, frozenset[str]], ...]:
    return tuple(
        (re.compile(rule["words"]), rule["topic"], frozenset(rule["from"]))
        for rule in _lexicon(path).get("narrower", [])
    )


def narrower_topic(text: str, topic_id: str) -> str | None:
    """The narrower topic the question names instead of a broad one (跨市的合作医疗 is
    about 省内 care, not 新农合 in general); None when it names none."""
    for words, narrower, broad in _narrower():
        if (topic_id in broad or ANY_TOPIC in broad) and words.search(text or ""):
            return narrower
    return None


@functools.cache
def _cues(path: Path = FACETS_FILE) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(rule["words"]), rule["topic"])
        for rule in _lexicon(path).get("cues", [])
    )


def cued_topic(text: str) -> str | None:
    """The topic a question names plainly (共济, 断缴, 急诊, 外地住院…报销), for a
    question the classifier is unsure of; None when its words name none."""
    for words, topic in _cues():
        if words.search(text or ""):
            return topic
    return None


# What asks for an estimate of a bill: an amount, or words asking how much is paid.
_ESTIMATE_ASKED = re.compile(
    r"[0-9０-９]|[一二两三四五六七八九十百千万]+(块|元|万)|报(多少|几成|百分之几)|能报|"
    r"报销多少|给报多少|算一?算|计算|测算|估|金额|多少钱|花了|花费|费用|住院费|医药费"
)
# A message that is only an amount or a percentage: the answer to the form's question
# (1200元, 80%, 两万多), whatever the classifier made of it.
_ONLY_A_FIGURE = re.compile(
    r"^\s*(大概|大约|约|差不多)?\s*[0-9０-９.,，一二两三四五六七八九十百千万]+\s*"
    r"(元|块钱|块|万元?|千|%|％|个点)?\s*(左右|上下|多)?\s*[。.!！]?\s*$"
)
# A short follow-up that names only a new circumstance: 那要是去魔都呢？
_FOLLOW_UP = re.compile(
    r"^(那|那么|那要是|要是|如果|假如|换成|改成)[^，。,.？?]{0,12}[呢吗？?]*$"
)


def asks_estimate(text: str) -> bool:
    """Whether a message asks how much of a bill is paid (花了3万能报多少, 帮我算算):
    the estimate is never started for a message that does not (一次能转多少,
    那要是去魔都呢)."""
    return bool(_ESTIMATE_ASKED.search(text or "")) and not other_scheme(text)


def is_follow_up(text: str) -> bool:
    """A short follow-up naming a new circumstance only (那北京呢, 要是急诊呢)."""
    return bool(_FOLLOW_UP.match((text or "").strip()))


# A short question mid-conversation: 去南京呢？ (with a place), 一次能转多少？ (a point)
_SHORT = 14
_ENDS_WITH_NE = re.compile(r"呢[？?！!。.]*$")
# the points a short question may ask of the topic being talked about
_POINTS_OF_A_TOPIC = (
    "effective",
    "validity",
    "change",
    "who",
    "time_limit",
    "materials",
    "where",
    "amount",
    "lost",
    "back_home",
)


def continues_topic(text: str, names_a_place: bool) -> bool:
    """Whether a message the classifier was unsure of (or took for something else)
    goes on with the topic being talked about: 那回湖南老家呢; a short 去南京呢 that
    names a place; a short question asking one point of it (一次能转多少)."""
    text = (text or "").strip()
    if is_follow_up(text):
        return True
    if len(text) > _SHORT:
        return False
    if names_a_place and _ENDS_WITH_NE.search(text):
        return True
    return facet_of(text) in _POINTS_OF_A_TOPIC


def only_a_figure(text: str) -> bool:
    """Whether a message is only an amount or a percentage (1200元, 80%, 两万多)."""
    return bool(_ONLY_A_FIGURE.match(text or ""))
