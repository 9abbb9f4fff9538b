"""Held-out NLU evaluation: intent accuracy and macro-F1 on tests/test_nlu.yml."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "test_nlu.yml"
FALLBACK = "nlu_fallback"


def load_examples(path: Path = HELD_OUT) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


@dataclass
class NluReport:
    """Figures of one evaluation run."""

    accuracy: float
    macro_f1: float
    top_accuracy: float  # ignoring the fallback: the classifier's own first choice
    total: int
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    per_intent_f1: dict[str, float] = field(default_factory=dict)


def evaluate(model_path: Path, examples: list[tuple[str, str]]) -> NluReport:
    """Parse every example with the trained model and score the intents."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from sklearn.metrics import f1_score

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model_path))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text, _ in examples]

    results = asyncio.run(parse_all())
    gold = [intent for _, intent in examples]
    predicted = [r["intent"]["name"] for r in results]
    top = [
        next(
            (i["name"] for i in r.get("intent_ranking", []) if i["name"] != FALLBACK),
            FALLBACK,
        )
        for r in results
    ]
    labels = sorted(set(gold))
    per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    return NluReport(
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=False)) / len(gold),
        macro_f1=float(
            f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)
        ),
        top_accuracy=sum(g == p for g, p in zip(gold, top, strict=False)) / len(gold),
        total=len(gold),
        errors=[
            (t, g, p) for (t, g), p in zip(examples, predicted, strict=False) if g != p
        ],
        per_intent_f1=dict(zip(labels, map(float, per_intent), strict=False)),
    )
