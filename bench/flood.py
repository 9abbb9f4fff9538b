"""Other users during a flood: how a normal user's turns fare while one client
address floods the REST channel with a new sender id on every request.

Both come through the trusted proxy (loopback) with their addresses in
X-Forwarded-For, as nginx forwards them in a deployment. Printed: the flood's
requests and how many were limited, and the normal user's median and p95 latency
alone and during the flood, with their ratio (the machine is noisy: compare ratios).

    python -m bench.flood [--rate 20] [--turns 50] [--lead 8] [--url http://…:5005]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import aiohttp

from bench.load import percentile, post
from bench.servers import running_assistant
from channels.guard import USER_TEXTS

FLOODER = "203.0.113.9"
NORMAL_USER = "198.51.100.4"
OTHER_USER = "198.51.100.5"
QUESTIONS = (
    "江苏医保在上海住院能直接结算吗",
    "异地就医备案怎么办",
    "没备案在外地住院能报销吗",
    "转诊单能用多久",
)


async def _turn(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[float | None, bool]:
    """One REST turn (the session carries the client's address): its latency in ms
    and whether it was limited."""
    status, body, latency, _ = await post(
        session,
        f"{url}/webhooks/rest/webhook",
        {"sender": sender, "message": text},
        60,
    )
    texts = [m.get("text") for m in body or [] if isinstance(m, dict)]
    return latency, status == 200 and texts == [USER_TEXTS["rate_limited"]]


def _from(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(headers={"X-Forwarded-For": address})


async def normal_user(url: str, turns: int, address: str = NORMAL_USER) -> list[float]:
    """A user asking one question after another (a new conversation every ten
    turns, within the per-conversation limit); the latency of each turn."""
    latencies: list[float] = []
    async with _from(address) as session:
        conversation = ""
        for n in range(turns):
            if n % 10 == 0:
                conversation = f"normal-{uuid.uuid4().hex[:10]}"
            latency, _ = await _turn(
                session, url, conversation, QUESTIONS[n % len(QUESTIONS)]
            )
            if latency is not None:
                latencies.append(latency)
    return latencies


async def flood(url: str, rate: float, stop: asyncio.Event) -> tuple[int, int]:
    """Requests at `rate` a second from one address, each with a new sender id,
    until `stop`; how many were sent and how many limited."""
    sent = limited = 0
    tasks: set[asyncio.Task] = set()
    async with _from(FLOODER) as session:

        async def one() -> None:
            nonlocal limited
            _, was_limited = await _turn(
                session, url, f"flood-{uuid.uuid4().hex[:10]}", "在吗"
            )
            limited += was_limited

        while not stop.is_set():
            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks, return_exceptions=True)
    return sent, limited


async def measure(url: str, rate: float, turns: int, lead: float) -> dict[str, Any]:
    """The normal user alone, then during a flood that has run `lead` seconds (past
    the address limit at the default rate)."""
    await normal_user(url, 4, OTHER_USER)  # warm up
    alone = await normal_user(url, turns)
    stop = asyncio.Event()
    flooding = asyncio.create_task(flood(url, rate, stop))
    await asyncio.sleep(lead)
    started = time.perf_counter()
    during = await normal_user(url, turns, OTHER_USER)
    seconds = time.perf_counter() - started
    stop.set()
    sent, limited = await flooding
    return {
        "flood_rate": rate,
        "flood_requests": sent,
        "flood_limited": limited,
        "normal_turns": len(during),
        "seconds": round(seconds, 1),
        "alone_p50": percentile(alone, 50),
        "alone_p95": percentile(alone, 95),
        "during_p50": percentile(during, 50),
        "during_p95": percentile(during, 95),
    }


def report(figures: dict[str, Any]) -> str:
    """The figures as lines."""
    ratio50 = figures["during_p50"] / figures["alone_p50"]
    ratio95 = figures["during_p95"] / figures["alone_p95"]
    return "\n".join(
        [
            f"flood: {figures['flood_requests']} requests at "
            f"{figures['flood_rate']:g}/s from one address, new sender id each; "
            f"limited {figures['flood_limited']} "
            f"({figures['flood_limited'] / max(1, figures['flood_requests']):.0%})",
            f"other user alone:        p50 {figures['alone_p50']:.0f} ms, "
            f"p95 {figures['alone_p95']:.0f} ms",
            f"other user during flood: p50 {figures['during_p50']:.0f} ms, "
            f"p95 {figures['during_p95']:.0f} ms "
            f"({figures['normal_turns']} turns in {figures['seconds']} s)",
            f"ratio during/alone:      p50 {ratio50:.2f}, p95 {ratio95:.2f}",
        ]
    )


@contextlib.contextmanager
def target(url: str | None) -> Iterator[str]:
    """The given server, or one started for the run."""
    if url:
        yield url
        return
    with running_assistant() as assistant:
        yield assistant.url


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--lead", type=float, default=8.0, help="flood seconds first")
    parser.add_argument("--url", help="a running assistant (default: start one)")
    args = parser.parse_args(argv)
    with target(args.url) as url:
        figures = asyncio.run(measure(url, args.rate, args.turns, args.lead))
    print("Other users during a flood (bench.flood)")
    print(report(figures))


if __name__ == "__main__":
    main()
