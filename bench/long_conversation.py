"""A long conversation's turns against a fresh one's (issue 15): one sender id, 240
turns through the REST channel (the everyday questions of bench/run.py, over and
over), the median of turns 1-20 against the median of turns 221-240, with the
tracker store's session limit (endpoints.yml `max_session_events`) and without it.

    make bench            (or: .venv/bin/python -m bench.long_conversation)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import uuid
from pathlib import Path

import yaml

from bench.rest import say
from bench.run import CONVERSATION, timed
from bench.servers import running_assistant

# the per-conversation rate limit (20 a minute) would hold a scripted talker back
UNLIMITED = {"GUARD_RATE_LIMIT_MESSAGES": "0"}


def endpoints_without_limit(folder: Path) -> str:
    """endpoints.yml with the session limit off (0): Rasa's own behaviour."""
    data = yaml.safe_load(Path("endpoints.yml").read_text(encoding="utf-8"))
    data["tracker_store"]["max_session_events"] = 0
    path = folder / "endpoints.nolimit.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def long_run(url: str, turns: int) -> list[float]:
    """Milliseconds of each turn of one conversation."""
    sender = f"long-{uuid.uuid4().hex[:8]}"
    texts = [CONVERSATION[i % len(CONVERSATION)] for i in range(turns)]
    return timed([lambda t=t: say(url, sender, t) for t in texts])


def ends(times: list[float], window: int = 20) -> tuple[float, float]:
    """The median of the first `window` turns and of the last `window` turns."""
    return statistics.median(times[:window]), statistics.median(times[-window:])


def measure(endpoints: str, turns: int) -> tuple[float, float]:
    with running_assistant(endpoints=endpoints, env=UNLIMITED) as assistant:
        for text in CONVERSATION:  # warm up
            say(assistant.url, "warmup", text)
        return ends(long_run(assistant.url, turns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=240)
    parser.add_argument(
        "--only-limited", action="store_true", help="skip the run without the limit"
    )
    args = parser.parse_args()
    runs = [("session limit (endpoints.yml)", "endpoints.yml")]
    with tempfile.TemporaryDirectory() as folder:
        if not args.only_limited:
            runs.append(
                ("no limit (Rasa's own)", endpoints_without_limit(Path(folder)))
            )
        print(
            f"One conversation of {args.turns} turns (ms): median of turns 1-20, "
            f"of turns {args.turns - 19}-{args.turns}, ratio"
        )
        for name, endpoints in runs:
            first, last = measure(endpoints, args.turns)
            print(f"  {name:32s}{first:8.1f}{last:9.1f}{last / first:8.2f}")


if __name__ == "__main__":
    main()
