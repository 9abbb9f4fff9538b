"""Where a turn's wall time goes, phase by phase: the trained model loaded in this
process with the repository's endpoints (a real action server on a loopback port, the
tracker store in a temporary SQLite file), the everyday conversation of bench/run.py
handled turn after turn, and each of the processor's phases timed (parse, reading the
tracker, each policy prediction, each action run, saving the tracker). With `--dask`
Rasa's own dask graph runs are put back, to compare with zh_nlu/speedups.py's direct
ones in the same way.

    .venv/bin/python -m bench.turn_phases [--conversations 60] [--dask]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.run import CONVERSATION
from bench.servers import MODEL, action_server, free_port

PHASES = (
    "handle_message",
    "parse_message",
    "fetch_tracker_and_update_session",
    "_predict_next_with_tracker",
    "_run_action",
    "save_tracker",
)


def timed(method: Callable[..., Any], name: str, times: dict[str, list[float]]) -> Any:
    """`method` (sync or async) recording its wall time in ms under `name`."""
    if asyncio.iscoroutinefunction(method):

        @functools.wraps(method)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                times[name].append((time.perf_counter() - start) * 1000)

        return timed_async

    @functools.wraps(method)
    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            times[name].append((time.perf_counter() - start) * 1000)

    return timed_sync


def table(times: dict[str, list[float]], turns: int) -> list[str]:
    """One line per phase: calls, mean ms per call, ms per turn."""
    lines = [f"{'phase':34} {'calls':>6} {'ms/call':>8} {'ms/turn':>8}"]
    for name in PHASES:
        values = times.get(name, [])
        if values:
            mean = statistics.mean(values)
            lines.append(
                f"{name:34} {len(values):6d} {mean:8.2f} {sum(values) / turns:8.2f}"
            )
    return lines


async def _handle_all(conversations: int, times: dict[str, list[float]]) -> int:
    from rasa.core.agent import load_agent
    from rasa.core.channels import UserMessage
    from rasa.core.utils import AvailableEndpoints

    agent = await load_agent(
        model_path=str(MODEL),
        endpoints=AvailableEndpoints.read_endpoints("endpoints.yml"),
    )
    for text in CONVERSATION:  # warm-up, not timed
        await agent.handle_message(UserMessage(text, sender_id="warm-up"))
    times.clear()
    for _ in range(conversations):
        sender = f"phases-{uuid.uuid4().hex[:8]}"
        for text in CONVERSATION:
            await agent.handle_message(UserMessage(text, sender_id=sender))
    return conversations * len(CONVERSATION)


def main() -> None:
    """Time the phases and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--dask", action="store_true", help="Rasa's own graph runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="turn-phases-"))
    port = free_port()
    actions = action_server(port, folder, dict(os.environ), "actions")
    actions.start(wait=False)
    actions.wait_until_ready()
    os.environ.update(
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{port}/webhook",
        TRACKER_DB=str(folder / "conversations.db"),
        TF_INTRA_OP_PARALLELISM_THREADS="1",
        TF_INTER_OP_PARALLELISM_THREADS="1",
    )
    try:
        import logging

        from rasa.core.processor import MessageProcessor
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        import zh_nlu.components  # noqa: F401  (the speed-ups, as the server has them)

        # as the server runs (its structured debug lines off too)
        configure_logging_and_warnings(logging.WARNING)
        configure_structlog(logging.WARNING)
        if args.dask:
            DaskGraphRunner.run = DaskGraphRunner.run.__wrapped_original__
        times: dict[str, list[float]] = collections.defaultdict(list)
        for name in PHASES:
            setattr(
                MessageProcessor,
                name,
                timed(getattr(MessageProcessor, name), name, times),
            )
        turns = asyncio.run(_handle_all(args.conversations, times))
    finally:
        actions.stop()
    runs = "Rasa's dask" if args.dask else "direct (zh_nlu/speedups.py)"
    print(f"{turns} turns handled in-process, graph runs: {runs}")
    print("\n".join(table(times, turns)))


if __name__ == "__main__":
    main()
