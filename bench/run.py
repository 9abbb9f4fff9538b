"""Benchmarks: held-out NLU accuracy and macro-F1; per-turn latency through the
REST channel (with the action server) next to the bare /model/parse latency, both
measured in the same run against the same server; and the real-question sets
(tests/realq/): key phrases, declines, conversation turns, fallbacks, reply length.

    make bench            (or: .venv/bin/python -m bench.run --turns 300)
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench import real_questions as real
from bench.nlu_eval import evaluate, load_examples
from bench.rest import parse, say
from bench.servers import MODEL, running_assistant

CONVERSATION = [
    "我是江苏参保的，在上海住院能刷卡吗",
    "已经备案了",
    "那北京呢",
    "要带什么材料？",
    "忘了备案怎么办",
    "为什么外地报销比例低",
    "谢谢",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Milliseconds of each call, in order."""
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def interleaved(
    url: str, turns: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    """Milliseconds of each REST turn and of the bare parse of its text, one right
    after the other, so that both see the same machine (a noisy neighbour slows
    both, not one of them)."""
    rest: list[float] = []
    bare: list[float] = []
    for sender, text in turns:
        rest += timed([lambda s=sender, t=text: say(url, s, t)])
        bare += timed([lambda t=text: parse(url, t)])
    return rest, bare


def training_time() -> str:
    """How long the model took to train (make writes models/training-seconds)."""
    path = Path(MODEL).parent / "training-seconds"
    if not path.exists():
        return "Training time: not recorded (trained before make recorded it)"
    seconds = int(path.read_text().strip() or 0)
    return f"Training time: {seconds} s ({seconds / 60:.1f} min, make train on this machine)"


def main() -> None:
    """Run both benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=420, help="REST turns to time")
    args = parser.parse_args()

    print(training_time())
    report = evaluate(MODEL, load_examples())
    print(f"NLU held-out (tests/test_nlu.yml, {report.total} phrasings)")
    print(f"  intent accuracy      {report.accuracy:.3f}")
    print(f"  macro-F1             {report.macro_f1:.3f}")
    print(f"  accuracy w/o fallback {report.top_accuracy:.3f}")

    with running_assistant() as assistant:
        for text in CONVERSATION:  # warm up both paths
            say(assistant.url, "warmup", text)
            parse(assistant.url, text)
        run_id = uuid.uuid4().hex[:6]
        turns = [
            (
                f"bench-{run_id}-{i // len(CONVERSATION)}",
                CONVERSATION[i % len(CONVERSATION)],
            )
            for i in range(args.turns)
        ]
        rest, bare = interleaved(assistant.url, turns)
        asked = real.ask_questions(assistant.url, real.questions())
        held = real.hold_conversations(assistant.url, real.conversations())

    print(
        f"Real questions (tests/realq/: {len(asked)} questions, "
        f"{len(held)} conversations)"
    )
    print("\n".join(real.figures(asked, held).lines()))

    print(f"Latency over {args.turns} turns (ms)      p50      p95     mean")
    for name, values in (
        ("REST turn + action server", rest),
        ("bare /model/parse", bare),
    ):
        print(
            f"  {name:28s}{percentile(values, 50):8.1f}{percentile(values, 95):9.1f}"
            f"{statistics.mean(values):9.1f}"
        )
    print(
        f"  ratio REST p95 / parse p95  {percentile(rest, 95) / percentile(bare, 95):.2f}"
    )


if __name__ == "__main__":
    main()
