"""The real-question sets (tests/realq/): questions people asked in public and
multi-turn conversations, each reply checked for its key phrases through the REST
channel. Held out: never copied into data/.

    .venv/bin/python -m bench.real_questions   (prints the figures; make bench too)
"""

from __future__ import annotations

import json
import statistics
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.rest import say

ROOT = Path(__file__).resolve().parents[1]
REALQ_DIR = ROOT / "tests" / "realq"
# What the assistant says when it is unsure of the question (utter_clarify, utter_ask_topic).
FALLBACK_MARKS = ("我不太确定", "你想了解哪方面")
DECLINE_MARKS = ("不在我能回答的范围",)
ESTIMATE_MARK = "【估算】"


@dataclass
class Turn:
    """One user message, the reply, and what the reply missed."""

    text: str
    reply: str
    missing: list[list[str]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every key-phrase group present and no forbidden phrase."""
        return not self.missing and not self.forbidden

    @property
    def fell_back(self) -> bool:
        """The assistant said it was unsure what was asked."""
        return any(mark in self.reply for mark in FALLBACK_MARKS)

    @property
    def declined(self) -> bool:
        """The assistant declined the question as out of scope."""
        return any(mark in self.reply for mark in DECLINE_MARKS)

    @property
    def is_estimate(self) -> bool:
        """The reply is an estimate (its own compact layout, not a policy answer)."""
        return ESTIMATE_MARK in self.reply


def load_jsonl(paths: Iterable[Path]) -> list[dict]:
    """Every JSON object of the files, one a line."""
    items = []
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def questions(directory: Path = REALQ_DIR) -> list[dict]:
    """The single questions (questions_*.jsonl)."""
    return load_jsonl(directory.glob("questions_*.jsonl"))


def conversations(directory: Path = REALQ_DIR) -> list[dict]:
    """The multi-turn conversations (conversations*.jsonl)."""
    return load_jsonl(directory.glob("conversations*.jsonl"))


def reply_of(messages: list[dict]) -> str:
    """The text the person reads (buttons' titles are not part of the answer)."""
    return "\n".join(m.get("text") or "" for m in messages if m.get("text"))


def check(text: str, reply: str, item: dict) -> Turn:
    """The reply against the item's `must` groups and `must_not` phrases."""
    missing = [g for g in item.get("must", []) if not any(p in reply for p in g)]
    forbidden = [p for p in item.get("must_not", []) if p in reply]
    return Turn(text, reply, missing, forbidden)


def ask_questions(base_url: str, items: list[dict]) -> list[tuple[dict, Turn]]:
    """Each question in a fresh conversation."""
    results = []
    for item in items:
        sender = f"realq-{uuid.uuid4().hex[:12]}"
        results.append(
            (item, check(item["q"], reply_of(say(base_url, sender, item["q"])), item))
        )
    return results


def hold_conversations(
    base_url: str, items: list[dict]
) -> list[tuple[dict, list[Turn]]]:
    """Each conversation, turn by turn, in one fresh conversation."""
    results = []
    for item in items:
        sender = f"realc-{uuid.uuid4().hex[:12]}"
        turns = []
        for turn in item["turns"]:
            reply = reply_of(say(base_url, sender, turn["user"]))
            turns.append(check(turn["user"], reply, turn))
        results.append((item, turns))
    return results


@dataclass
class Figures:
    """The figures `make bench` prints and the tests hold to their bars."""

    in_scope: int
    in_scope_passed: int
    out_of_scope: int
    declined: int
    turns: int
    turns_passed: int
    fallbacks: int
    median_length: float
    longest_policy_answer: int

    @property
    def in_scope_rate(self) -> float:
        return self.in_scope_passed / max(self.in_scope, 1)

    @property
    def decline_rate(self) -> float:
        return self.declined / max(self.out_of_scope, 1)

    @property
    def turn_rate(self) -> float:
        return self.turns_passed / max(self.turns, 1)

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / max(self.in_scope, 1)

    def lines(self) -> list[str]:
        """The figures as printed lines."""
        return [
            f"  in-scope questions with every key phrase {self.in_scope_rate:.3f} ({self.in_scope_passed}/{self.in_scope})",
            f"  out-of-scope questions declined          {self.decline_rate:.3f} ({self.declined}/{self.out_of_scope})",
            f"  conversation turns passed                {self.turn_rate:.3f} ({self.turns_passed}/{self.turns})",
            f"  fallbacks on in-scope questions          {self.fallback_rate:.3f} ({self.fallbacks}/{self.in_scope})",
            f"  median reply length (characters)         {self.median_length:.0f}",
            f"  longest policy answer (characters)       {self.longest_policy_answer}",
        ]


def figures(
    asked: list[tuple[dict, Turn]], held: list[tuple[dict, list[Turn]]]
) -> Figures:
    """The figures of one run."""
    in_scope = [t for item, t in asked if item.get("in_scope", True)]
    out_of_scope = [t for item, t in asked if not item.get("in_scope", True)]
    turns = [t for _, ts in held for t in ts]
    replies = [t for t in in_scope + turns if t.reply]
    policy = [len(t.reply) for t in replies if not t.is_estimate]
    return Figures(
        in_scope=len(in_scope),
        in_scope_passed=sum(t.passed for t in in_scope),
        out_of_scope=len(out_of_scope),
        declined=sum(t.passed for t in out_of_scope),
        turns=len(turns),
        turns_passed=sum(t.passed for t in turns),
        fallbacks=sum(t.fell_back for t in in_scope),
        median_length=statistics.median(len(t.reply) for t in replies)
        if replies
        else 0,
        longest_policy_answer=max(policy, default=0),
    )


def failures(
    asked: list[tuple[dict, Turn]], held: list[tuple[dict, list[Turn]]]
) -> str:
    """What failed, for a test's message."""
    lines = []
    for _, turn in asked:
        if not turn.passed:
            lines.append(
                f"- {turn.text[:80]}\n  missing {turn.missing} forbidden {turn.forbidden}\n  reply {turn.reply[:200]!r}"
            )
    for item, turns in held:
        for i, turn in enumerate(turns):
            if not turn.passed:
                lines.append(
                    f"- [{item.get('id')} turn {i + 1}] {turn.text[:80]}\n  missing {turn.missing} forbidden {turn.forbidden}\n  reply {turn.reply[:200]!r}"
                )
    return "\n".join(lines)


def main() -> None:
    """Start the servers, run both sets, print the figures and what failed."""
    import argparse

    from bench.servers import running_assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="print each failure")
    args = parser.parse_args()
    with running_assistant() as assistant:
        asked = ask_questions(assistant.url, questions())
        held = hold_conversations(assistant.url, conversations())
    print(
        f"Real questions (tests/realq/, {len(asked)} questions, {len(held)} conversations)"
    )
    print("\n".join(figures(asked, held).lines()))
    if args.failures:
        print(failures(asked, held))


if __name__ == "__main__":
    main()
