"""What a message's text becomes before it is understood: traditional characters made
simplified (OpenCC), common miswritings of the domain's words corrected, and the
question sentences of a long paragraph. Pure, no Rasa."""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

TYPOS_FILE = "typos.yml"

# OpenCC's configuration from traditional to simplified characters (with its phrase
# tables, so 乾隆 stays 乾隆 while 乾燥 becomes 干燥).
_OPENCC_CONFIG = "t2s"


@functools.lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC(_OPENCC_CONFIG)


@functools.lru_cache(maxsize=1)
def _names_kept() -> re.Pattern[str] | None:
    """Place names written with a character OpenCC would take for a traditional one
    (乾县, 乾安县): kept as they are written."""
    from assistant.places import default_gazetteer

    convert = _converter().convert
    names = sorted(
        {
            form
            for form, _ in default_gazetteer().surface_forms()
            if convert(form) != form
        },
        key=len,
        reverse=True,
    )
    return re.compile("|".join(map(re.escape, names))) if names else None


def to_simplified(text: str) -> str:
    """The text in simplified characters, character for character: every offset into
    the result is an offset into the original (an entity found in one is found at the
    same place in the other). Simplified text comes back unchanged."""
    if not text or text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) != len(text):  # never seen with t2s; offsets come first
        converted = "".join(
            simple if len(simple := _converter().convert(char)) == 1 else char
            for char in text
        )
    if converted == text:
        return text
    kept = _names_kept()
    if kept is not None:
        for found in kept.finditer(text):
            converted = (
                converted[: found.start()] + found.group() + converted[found.end() :]
            )
    return converted


@functools.lru_cache(maxsize=1)
def _typos() -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The miswritings of zh_nlu/lexicon/typos.yml, wrong form to right word."""
    from assistant.places import LEXICON_DIR

    raw = yaml.safe_load((LEXICON_DIR / TYPOS_FILE).read_text(encoding="utf-8"))
    table = {
        wrong: right
        for right, wrongs in (raw or {}).get("typos", {}).items()
        for wrong in wrongs
    }
    for wrong, right in table.items():
        if len(wrong) != len(right):
            raise ValueError(f"{TYPOS_FILE}: {wrong} is not as long as {right}")
    if not table:
        return None
    return re.compile(
        "|".join(map(re.escape, sorted(table, key=len, reverse=True)))
    ), table


def normalized(text: str) -> str:
    """The text as it is understood: simplified characters, and the domain's words
    written right (夸省 → 跨省, 报消 → 报销), character for character like
    `to_simplified`."""
    simple = to_simplified(text)
    typos = _typos()
    if not simple or simple.isascii() or typos is None:
        return simple
    pattern, table = typos
    return pattern.sub(lambda found: table[found.group()], simple)


# A paragraph (as people write on Q&A sites) tells a story and then asks. Read whole,
# the story drowns the question: the intent classifier, trained on short phrasings,
# grows unsure (nlu_fallback) or picks the topic of the story. Measured with one
# model on 24 paragraphs of 100-150 characters (tests/long_questions.yml): 16
# understood when read whole, 21 when read as the question and the clauses just
# before it (up to FOCUS_WINDOW characters); with a 200-character story put before
# each, 2 and 21. Messages up to FOCUS_ABOVE characters are
# read whole (every training phrasing but the paragraphs is that short).
FOCUS_ABOVE = 60
FOCUS_WINDOW = 60
_CLAUSE = re.compile(r"[^，,、：:。！？!?；;…\n]+[，,、：:。！？!?；;…\n]*")
_QUESTION = re.compile(
    "[?？]|吗|嘛|怎么|怎样|咋|如何|能不能|能否|可不可以|可以不|行不行|是不是|是否|"
    "会不会|要不要|需不需要|用不用|有没有|算不算|多少|多久|多长时间|为何|有何|"
    "哪(?![怕都])|什么(?![都也])|啥(?![都也])"
)


def question_focus(text: str) -> list[tuple[int, int]]:
    """The spans of a message the intent is read from. A long one: its last question
    clause (the end, when none asks) with the clauses just before it, up to
    FOCUS_WINDOW characters. A message of up to FOCUS_ABOVE characters: all of it."""
    if len(text) <= FOCUS_ABOVE:
        return [(0, len(text))]
    clauses = [
        (m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.group().strip()
    ]
    asking = [i for i, (s, e) in enumerate(clauses) if _QUESTION.search(text[s:e])]
    last = asking[-1] if asking else len(clauses) - 1
    end = clauses[last][1]
    first = last
    while first > 0 and end - clauses[first - 1][0] <= FOCUS_WINDOW:
        first -= 1
    start = clauses[first][0]
    if end - start > 2 * FOCUS_WINDOW:  # a run-on clause: its last characters
        start = end - FOCUS_WINDOW
    return [(start, end)]


def focused_text(text: str) -> str:
    """The parts of the text question_focus keeps, joined."""
    return "".join(text[start:end] for start, end in question_focus(text))
