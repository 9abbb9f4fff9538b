"""The development questions (shared/eval/dev_questions.jsonl) checked through the REST
channel: a reply passes when it holds one phrase of every `must` group."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.rest import reply_text, say

ROOT = Path(__file__).resolve().parents[1]
EVAL_FILE = Path(
    os.environ.get("EVAL_FILE", ROOT.parent / "shared" / "eval" / "dev_questions.jsonl")
)


@dataclass
class Checked:
    """One question, the reply, and the phrase groups it missed."""

    question: str
    in_scope: bool
    reply: str
    missing: list[list[str]]

    @property
    def passed(self) -> bool:
        """Whether every group has a phrase in the reply."""
        return not self.missing


def load_questions(path: Path = EVAL_FILE) -> list[dict]:
    """The questions, one JSON object a line."""
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def check_all(base_url: str, questions: list[dict]) -> list[Checked]:
    """Ask every question in a fresh conversation and check its reply."""
    checked = []
    for item in questions:
        reply = reply_text(say(base_url, f"eval-{uuid.uuid4().hex[:10]}", item["q"]))
        missing = [
            group for group in item["must"] if not any(p in reply for p in group)
        ]
        checked.append(Checked(item["q"], item["in_scope"], reply, missing))
    return checked
