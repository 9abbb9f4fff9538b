"""Who the care is for (the person, a parent, a spouse, a child), from the words:
rules in assistant/people.yml. Pure functions, no Rasa."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import yaml

PEOPLE_FILE = Path(
    os.environ.get("PEOPLE_FILE", Path(__file__).resolve().parent / "people.yml")
)


@functools.cache
def _lexicon(path: Path = PEOPLE_FILE) -> dict:
    """people.yml, read once."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@functools.cache
def _patterns(path: Path = PEOPLE_FILE) -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = _lexicon(path)
    return tuple(
        (who, re.compile("|".join(f"(?:{p})" for p in data["patterns"][who])))
        for who in data["order"]
    )


@functools.cache
def _companions(path: Path = PEOPLE_FILE) -> re.Pattern[str]:
    companions = _lexicon(path).get("companions", [])
    return re.compile("|".join(f"(?:{p})" for p in companions) or "$^")


def patient_of(text: str) -> str | None:
    """parent, spouse or child when the words say the care is for them, else None
    (a family member one lives with, 跟女儿住, is not the one who is ill)."""
    text = _companions().sub("", text or "")
    for who, pattern in _patterns():
        if pattern.search(text):
            return who
    return None
