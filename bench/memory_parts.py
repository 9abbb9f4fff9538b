"""Where a Rasa process's memory goes: the resident size after each part is loaded,
in the order the server loads them, then the trained model and a first message.

    python -m bench.memory_parts [--model models/current.tar.gz]

Each line is a part and the megabytes it added (RSS, this process alone; the parts
of the model the earlier lines already loaded are not counted again). `make load`
prints the whole servers' memory under load; this says which part to work on."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from bench.servers import MODEL


def resident_mb() -> float:
    """This process's resident set size in MB (Linux)."""
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc: Linux only")


def _rasa() -> None:
    import rasa.core.agent  # noqa: F401  (TensorFlow with it)


def _jieba() -> None:
    import jieba

    from assistant.places import LEXICON_DIR

    jieba.initialize()
    for path in sorted((LEXICON_DIR / "jieba").glob("*.txt")):
        jieba.load_userdict(str(path))


def _plain_jieba() -> None:
    from zh_nlu.components import _plain_jieba as plain

    list(plain().tokenize("我在大城市打工"))


def _gazetteer() -> None:
    from assistant.places import default_gazetteer

    default_gazetteer()


def parts(model: Path) -> list[tuple[str, Callable[[], None]]]:
    """(name, load) in the order a Rasa server meets them."""
    agent = {}

    def load_model() -> None:
        from rasa.core.agent import Agent

        agent["agent"] = Agent.load(str(model))

    def first_message() -> None:
        asyncio.run(
            agent["agent"].parse_message("我在上海退休的，现在在哈尔滨老家住院能报多少")
        )

    return [
        ("Python, Rasa and TensorFlow imported", _rasa),
        ("jieba's dictionary with the domain words", _jieba),
        ("plain jieba (zh_nlu.plain_jieba)", _plain_jieba),
        ("gazetteer (regions, their forms and sounds)", _gazetteer),
        (
            "the rest of the trained model (entity ruler, DIET, featurizers, "
            "policies)",
            load_model,
        ),
        ("first message parsed", first_message),
    ]


def main(argv: list[str] | None = None) -> None:
    """Print each part's megabytes and the total."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    start = previous = resident_mb()
    print(f"{'part':<76}{'MB':>8}")
    for name, load in parts(args.model):
        load()
        now = resident_mb()
        print(f"{name:<76}{now - previous:>8.0f}")
        previous = now
    print(f"{'total (resident)':<76}{previous:>8.0f}  (start {start:.0f})")


if __name__ == "__main__":
    main()
