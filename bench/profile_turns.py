"""Where a turn's time goes in the Rasa server: py-spy samples the Rasa process while
one client sends 7-turn conversations back to back through the REST channel, and the
flat profile (inclusive share per function) is printed. Needs py-spy on PATH or at
PY_SPY (not a dependency of the assistant: `pip install py-spy` anywhere).

    python -m bench.profile_turns [--seconds 28] [--top 40] [--match REGEX]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid

from bench.rest import say
from bench.run import CONVERSATION
from bench.servers import running_assistant

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>.*?):\d+\)$")


def flat_profile(raw: str) -> tuple[int, collections.Counter[str]]:
    """Samples in all, and samples per function (each stack counted once per
    function, so a share is inclusive), from py-spy's raw (collapsed) output."""
    total, shares = 0, collections.Counter[str]()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        total += int(count)
        seen = set()
        for frame in stack.split(";"):
            found = _FRAME.match(frame)
            if found is None:
                key = frame
            else:
                where = found["file"].split("site-packages/")[-1]
                key = f"{found['name']} {where.replace(os.getcwd() + '/', '')}"
            if key not in seen:
                seen.add(key)
                shares[key] += int(count)
    return total, shares


def main() -> None:
    """Profile the Rasa server under one client's back-to-back turns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=28)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only functions matching this")
    args = parser.parse_args()
    spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not spy:
        raise SystemExit("py-spy not found: pip install py-spy, or set PY_SPY")
    out = os.path.join(tempfile.mkdtemp(prefix="profile-"), "raw.txt")
    with running_assistant(env={"GUARD_RATE_LIMIT_MESSAGES": "0"}) as assistant:
        for text in CONVERSATION:
            say(assistant.url, "warmup", text)
        command = [spy, "record", "-p", str(assistant.pids()["rasa"]), "-o", out]
        command += ["-f", "raw", "-r", "200", "-d", str(int(args.seconds) + 2)]
        sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        time.sleep(1)
        turns, end = 0, time.monotonic() + args.seconds
        while time.monotonic() < end:
            sender = f"profile-{uuid.uuid4().hex[:6]}"
            for text in CONVERSATION:
                say(assistant.url, sender, text)
                turns += 1
        sampler.wait()
    with open(out, encoding="utf-8") as raw:
        total, shares = flat_profile(raw.read())
    print(f"{turns} turns in {args.seconds:.0f} s; {total} samples of the Rasa server")
    shown = [(k, v) for k, v in shares.most_common() if re.search(args.match, k)]
    for key, count in shown[: args.top]:
        print(f"{100 * count / total:5.1f}%  {key}")


if __name__ == "__main__":
    main()
