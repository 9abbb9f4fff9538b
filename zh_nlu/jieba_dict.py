"""Jieba's user dictionary for the domain, generated from the lexicon.

`python -m zh_nlu.jieba_dict` writes lexicon/jieba/terms.txt (insurance terms) and
lexicon/jieba/regions.txt (every region name, short name and nickname). Both files are
committed so that `rasa train` works from a clean checkout; a test checks that they
match what this module generates.
"""

from __future__ import annotations

from pathlib import Path

from assistant.places import LEXICON_DIR, Gazetteer, default_gazetteer
from zh_nlu.spacy_pipeline import load_terms

JIEBA_DIR = LEXICON_DIR / "jieba"
# A high frequency makes jieba keep the word whole (参保地 not 参保/地).
FREQUENCY = 100000


def term_lines(terms: dict) -> list[str]:
    """Dictionary lines for the domain words and every entity surface form."""
    words = list(terms["words"])
    for values in terms["entities"].values():
        for forms in values.values():
            words += [str(f) for f in forms if len(str(f)) > 1]
    return [f"{w} {FREQUENCY} n" for w in sorted(set(words))]


def region_lines(gazetteer: Gazetteer) -> list[str]:
    """Dictionary lines for every region form of two or more characters."""
    forms = sorted({form for form, _ in gazetteer.surface_forms() if len(form) > 1})
    return [f"{form} {FREQUENCY} ns" for form in forms]


def render(
    gazetteer: Gazetteer | None = None, terms: dict | None = None
) -> dict[str, str]:
    """File name -> content of the generated dictionary files."""
    gazetteer = gazetteer or default_gazetteer()
    terms = terms or load_terms()
    return {
        "terms.txt": "\n".join(term_lines(terms)) + "\n",
        "regions.txt": "\n".join(region_lines(gazetteer)) + "\n",
    }


def write(directory: Path = JIEBA_DIR) -> None:
    """Write the dictionary files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in render().items():
        (directory / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    write()
