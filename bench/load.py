"""Load generator: N simulated users having scripted multi-turn conversations with
the assistant through the REST channel, closed loop, for a fixed time per N.

For each number of users it prints the conversations completed, the turns, the
throughput, the turn latency (p50/p95/p99), the errors (HTTP, empty replies, wrong
replies), the peak memory and the CPU use of the server's processes, and, measured
in the same run on the same (idle) server, the bare /model/parse latency with the
ratio of the two, which is what stays comparable on a noisy machine.

    .venv/bin/python -m bench.load --start single
    .venv/bin/python -m bench.load --users 1,10 --duration 10 --start single
    .venv/bin/python -m bench.load --url http://127.0.0.1:5005 --pids rasa=123,actions=456
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.load_conversations import SCRIPTS, Script, Turn, pick
from bench.rest import reply_text

OK = "ok"
HTTP_ERROR = "http"
EMPTY = "empty"
WRONG = "wrong"
ERROR_KINDS = (HTTP_ERROR, EMPTY, WRONG)
FAILURE_EXAMPLES = 5
# Memory is sampled every 2 s, not more often: reading a process's proportional set
# size makes the kernel walk its page tables (42 ms of CPU per sample of a Rasa
# server with two workers, measured with bench.load.memory_mb), on the cores the
# servers share, under their memory lock; at 4 samples a second that was a sixth of
# a core taken from the servers. Their memory changes over minutes, not seconds.
SAMPLE_EVERY_S = 2.0
PARSE_WARMUP = 5


# --- pure parts: percentiles, turn checks, aggregation, the table -------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def button_payload(messages: list[dict[str, Any]], title: str) -> str | None:
    """The payload of the reply's button with this title, if there is one."""
    for message in messages:
        for button in message.get("buttons") or []:
            if button.get("title") == title:
                return str(button.get("payload", ""))
    return None


def check_reply(
    status: int, body: Any, turn: Turn, next_button: str | None = None
) -> tuple[str, str]:
    """The outcome of a turn (OK, HTTP_ERROR, EMPTY or WRONG) and what was wrong:
    the status must be 200, the body a JSON list of messages with some content, the
    reply must hold every expected phrase and none to avoid, and, when the next turn
    clicks a button, it must offer that button."""
    if status != 200:
        return HTTP_ERROR, f"status {status}"
    if not isinstance(body, list):
        return HTTP_ERROR, f"body is not a JSON list: {str(body)[:80]}"
    text = reply_text(body)
    if not text.strip() and not any("custom" in m for m in body if isinstance(m, dict)):
        return EMPTY, "empty reply"
    missing = [p for p in turn.expect if p not in text]
    present = [p for p in turn.avoid if p in text]
    if next_button is not None and button_payload(body, next_button) is None:
        missing.append(f"[button {next_button}]")
    if missing or present:
        problems = [f"missing {p!r}" for p in missing]
        problems += [f"unexpected {p!r}" for p in present]
        return WRONG, "; ".join(problems) + f" in {text[:120]!r}"
    return OK, ""


@dataclass
class TurnRecord:
    """One turn: when it started and finished (seconds into the run), how long the
    answer took (None when none came: timeout or connection error) and its outcome."""

    script: str
    index: int
    message: str
    started: float
    finished: float
    latency_ms: float | None
    outcome: str
    detail: str = ""
    timeout: bool = False


@dataclass
class LoadResult:
    """The figures of one load level (N users): the turns started in the measured
    window (latencies, errors) and those finished in it (throughput)."""

    users: int
    elapsed_s: float
    turns: int
    completed: int
    conversations: int
    conversations_failed: int
    errors: dict[str, int]
    timeouts: int
    latencies_ms: list[float] = field(repr=False)
    parse_ms: list[float] = field(repr=False)
    memory_mb: dict[str, float]
    cpu_percent: dict[str, float]
    failures: list[str]
    scripts_run: dict[str, int]
    client_cpu_percent: float = math.nan

    @property
    def error_count(self) -> int:
        """Turns that failed in any way."""
        return sum(self.errors.values())

    @property
    def error_rate(self) -> float:
        """Failed turns, in percent of all turns."""
        return 100 * self.error_count / self.turns if self.turns else 0.0

    @property
    def throughput(self) -> float:
        """Turns finished per second over the measured window."""
        return self.completed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def latency(self, q: float) -> float:
        """The q-th percentile of the turn latency, ms."""
        return percentile(self.latencies_ms, q)

    def parse(self, q: float) -> float:
        """The q-th percentile of the bare /model/parse latency, ms."""
        return percentile(self.parse_ms, q)

    def ratio(self, q: float) -> float:
        """Turn latency over parse latency at the same percentile."""
        parse = self.parse(q)
        return self.latency(q) / parse if parse and not math.isnan(parse) else math.nan

    def summary(self) -> dict[str, Any]:
        """The figures as plain data (for --json)."""
        data = asdict(self)
        data.pop("latencies_ms")
        data.pop("parse_ms")
        data.update(
            throughput=self.throughput,
            error_rate=self.error_rate,
            latency_ms={f"p{q}": self.latency(q) for q in (50, 95, 99)},
            parse_ms={f"p{q}": self.parse(q) for q in (50, 95)},
            ratio={f"p{q}": self.ratio(q) for q in (50, 95)},
        )
        return data


def aggregate(
    users: int,
    turns: Sequence[TurnRecord],
    conversation_outcomes: Sequence[str],
    window: tuple[float, float],
    parse_ms: Sequence[float] = (),
    memory_mb: Mapping[str, float] | None = None,
    cpu_percent: Mapping[str, float] | None = None,
    client_cpu_percent: float = math.nan,
) -> LoadResult:
    """The figures of a load level from its turns, the measured window (start, end:
    seconds into the run) and the outcomes of the conversations that ended in it (OK
    or the error kind that ended one). Latencies and errors are those of the turns
    started in the window, throughput counts the turns finished in it: a slow tail
    after the window neither drops slow turns nor lowers the throughput."""
    start, end = window
    records = [r for r in turns if start <= r.started < end]
    errors = Counter(r.outcome for r in records if r.outcome != OK)
    failures = [
        f"{r.script} turn {r.index + 1} ({r.message!r}): {r.outcome}: {r.detail}"
        for r in records
        if r.outcome != OK
    ][:FAILURE_EXAMPLES]
    return LoadResult(
        users=users,
        elapsed_s=end - start,
        turns=len(records),
        completed=sum(1 for r in turns if start <= r.finished <= end),
        conversations=sum(1 for o in conversation_outcomes if o == OK),
        conversations_failed=sum(1 for o in conversation_outcomes if o != OK),
        errors={kind: errors.get(kind, 0) for kind in ERROR_KINDS},
        timeouts=sum(1 for r in records if r.timeout),
        latencies_ms=[r.latency_ms for r in records if r.latency_ms is not None],
        parse_ms=list(parse_ms),
        memory_mb=dict(memory_mb or {}),
        cpu_percent=dict(cpu_percent or {}),
        failures=failures,
        scripts_run=dict(Counter(r.script for r in records if r.index == 0)),
        client_cpu_percent=client_cpu_percent,
    )


def _figure(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def format_table(results: Sequence[LoadResult]) -> str:
    """The figures of every load level as an aligned text table: one row per N, the
    latencies in ms, memory as the peak PSS in MB of each process (with its children: see memory_mb),
    CPU in percent of one core over the measured window."""
    names = sorted({n for r in results for n in (*r.memory_mb, *r.cpu_percent)})
    header = [
        "users",
        "convs",
        "turns",
        "turns/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "err %",
        "http",
        "empty",
        "wrong",
        "parse p50",
        "parse p95",
        "p50/parse",
        "p95/parse",
    ]
    header += [f"PSS {n} MB" for n in names] + [f"CPU% {n}" for n in names]
    header.append("CPU% client")
    rows = [header]
    for r in results:
        row = [
            str(r.users),
            str(r.conversations),
            str(r.turns),
            _figure(r.throughput),
            _figure(r.latency(50)),
            _figure(r.latency(95)),
            _figure(r.latency(99)),
            _figure(r.error_rate, 2),
            str(r.errors[HTTP_ERROR]),
            str(r.errors[EMPTY]),
            str(r.errors[WRONG]),
            _figure(r.parse(50)),
            _figure(r.parse(95)),
            _figure(r.ratio(50), 2),
            _figure(r.ratio(95), 2),
        ]
        row += [_figure(r.memory_mb.get(n, math.nan), 0) for n in names]
        row += [_figure(r.cpu_percent.get(n, math.nan), 0) for n in names]
        row.append(_figure(r.client_cpu_percent, 0))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


# --- the server's processes: memory and CPU from /proc -------------------------------


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
    return children


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (those alive now)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        if current in tree:
            continue
        tree.append(current)
        pending += _children(current)
    return tree


def memory_mb(pid: int) -> float:
    """Memory of a process and its descendants, MB (0 if gone): the sum of their
    proportional set sizes (Pss), where a page shared by n processes counts 1/n to
    each, so pages Sanic's workers share with their parent (forked after the
    imports) count once, as the machine holds them. Where the kernel gives no Pss,
    resident memory (VmRSS)."""
    total_kb = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            total_kb += _status_kb(member, "smaps_rollup", "Pss:") or _status_kb(
                member, "status", "VmRSS:"
            )
    return total_kb / 1024


def _status_kb(pid: int, name: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants, s."""
    ticks = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{member}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class ProcessMonitor:
    """Samples the named processes' memory while a load runs (the peak is kept) and
    their CPU time, and this process's (the load generator's), at the start and end
    of the measured window."""

    def __init__(self, pids: Mapping[str, int]):
        self.pids = dict(pids)
        self.peak_mb = dict.fromkeys(self.pids, 0.0)
        self._cpu_start: dict[str, float] = {}
        self._window_start = 0.0
        self.cpu_percent: dict[str, float] = {}
        self._client_start = 0.0
        self.client_cpu_percent = math.nan

    def sample(self) -> None:
        """Read every process's memory once and keep the peak."""
        for name, pid in self.pids.items():
            self.peak_mb[name] = max(self.peak_mb[name], memory_mb(pid))

    def start_window(self) -> None:
        """The measured window starts: note the CPU time used so far."""
        self._window_start = time.monotonic()
        self._cpu_start = {n: cpu_seconds(p) for n, p in self.pids.items()}
        self._client_start = time.process_time()

    def end_window(self) -> None:
        """The measured window ends: CPU use over it, percent of one core."""
        seconds = time.monotonic() - self._window_start
        self.cpu_percent = {
            n: 100 * (cpu_seconds(p) - self._cpu_start.get(n, 0.0)) / seconds
            for n, p in self.pids.items()
            if seconds > 0
        }
        if seconds > 0:
            used = time.process_time() - self._client_start
            self.client_cpu_percent = 100 * used / seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Sample until told to stop."""
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
        self.sample()


# --- the simulated users --------------------------------------------------------------


async def post(
    session: aiohttp.ClientSession, url: str, payload: dict[str, Any], timeout_s: float
) -> tuple[int, Any, float | None, bool]:
    """POST JSON: the status (0 when no answer came), the decoded body (None when it
    is not JSON), the latency in ms (None when no answer came) and whether it timed
    out."""
    start = time.perf_counter()
    try:
        async with session.post(
            url, json=payload, timeout=aiohttp.ClientTimeout(total=timeout_s)
        ) as response:
            raw = await response.read()
            latency = (time.perf_counter() - start) * 1000
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            return response.status, body, latency, False
    except asyncio.TimeoutError:
        return 0, None, None, True
    except aiohttp.ClientError:
        return 0, None, None, False


class _Plan:
    """Which script each new conversation runs, and when users stop starting them."""

    def __init__(
        self,
        scripts: Sequence[Script],
        order: str,
        seed: int,
        conversations: int | None,
        estimate_share: float,
    ):
        self._scripts = list(scripts)
        self._rng = random.Random(seed)
        self._cycle = itertools.cycle(scripts)
        self._order = order
        self._limit = conversations
        self._share = estimate_share
        self.started = 0

    def next(self) -> Script | None:
        """The script of the next conversation, or None when there are no more."""
        if self._limit is not None and self.started >= self._limit:
            return None
        self.started += 1
        if self._order == "random":
            return pick(self._rng, self._share, self._scripts)
        return next(self._cycle)


async def _user(
    session: aiohttp.ClientSession,
    base_url: str,
    plan: _Plan,
    run_start: float,
    deadline: float | None,
    think_s: float,
    timeout_s: float,
    records: list[TurnRecord],
    outcomes: list[tuple[float, str]],
) -> None:
    """One simulated user: conversations back to back, each with a fresh sender id,
    until the deadline (no new turn after it) or the planned conversations are done.
    A conversation stops at its first failed turn. Every turn is recorded, and every
    conversation that ran to its end or to a failure, with the time it ended."""
    webhook = f"{base_url}/webhooks/rest/webhook"
    while deadline is None or time.monotonic() < deadline:
        script = plan.next()
        if script is None:
            return
        sender = f"load-{uuid.uuid4().hex[:12]}"
        previous: list[dict[str, Any]] = []
        outcome, cut = OK, False
        for index, turn in enumerate(script.turns):
            if deadline is not None and time.monotonic() >= deadline:
                cut = True
                break
            message = turn.message
            if turn.button is not None:
                message = button_payload(previous, turn.button) or turn.button
            following = (
                script.turns[index + 1] if index + 1 < len(script.turns) else None
            )
            started = time.monotonic()
            status, body, latency, timed_out = await post(
                session, webhook, {"sender": sender, "message": message}, timeout_s
            )
            if timed_out:
                kind, detail = HTTP_ERROR, f"no answer in {timeout_s:g} s"
            elif latency is None:
                kind, detail = HTTP_ERROR, "connection failed"
            else:
                kind, detail = check_reply(
                    status, body, turn, following.button if following else None
                )
            records.append(
                TurnRecord(
                    script.name,
                    index,
                    message,
                    started - run_start,
                    time.monotonic() - run_start,
                    latency,
                    kind,
                    detail,
                    timed_out,
                )
            )
            if kind != OK:
                outcome = kind
                break
            previous = body
            if think_s:
                await asyncio.sleep(think_s)
        if not cut:
            outcomes.append((time.monotonic() - run_start, outcome))


def parse_texts(scripts: Sequence[Script] = SCRIPTS) -> list[str]:
    """The typed messages of the scripts (what /model/parse is timed on)."""
    return [t.message for s in scripts for t in s.turns if t.button is None]


async def parse_latency(
    session: aiohttp.ClientSession,
    base_url: str,
    texts: Sequence[str],
    samples: int,
    timeout_s: float = 60,
) -> list[float]:
    """Milliseconds of `samples` sequential /model/parse calls over the texts (after
    a few that are not counted, to warm the path up)."""
    times = []
    calls = itertools.islice(itertools.cycle(texts), PARSE_WARMUP + samples)
    for number, text in enumerate(calls):
        status, _, latency, _ = await post(
            session, f"{base_url}/model/parse", {"text": text}, timeout_s
        )
        if number >= PARSE_WARMUP and status == 200 and latency is not None:
            times.append(latency)
    return times


async def run_load(
    base_url: str,
    users: int,
    duration_s: float | None = 30,
    conversations: int | None = None,
    warmup_s: float = 5,
    think_s: float = 0,
    timeout_s: float = 60,
    pids: Mapping[str, int] | None = None,
    scripts: Sequence[Script] = SCRIPTS,
    order: str = "cycle",
    estimate_share: float = 0.4,
    seed: int = 0,
    parse_samples: int = 40,
    parse_url: str | None = None,
) -> LoadResult:
    """Run `users` simulated users against the assistant at base_url and measure.

    With `duration_s`, users run conversations for `warmup_s` (not measured) and then
    `duration_s` (measured: the latency and errors of the turns started in that
    window, the throughput of those finished in it, CPU use over it); with
    `conversations`, they run that many conversations in all and everything is
    measured. `order` "cycle"
    goes through the scripts in turn (every script runs once the count reaches their
    number), "random" draws them (estimates with probability `estimate_share`). The
    bare /model/parse latency is measured first, sequentially, on the idle server
    (at `parse_url` when the HTTP API is not at base_url)."""
    if (duration_s is None) == (conversations is None):
        raise ValueError("give either duration_s or conversations")
    monitor = ProcessMonitor(pids or {})
    connector = aiohttp.TCPConnector(limit=0)  # no cap on concurrent connections
    async with aiohttp.ClientSession(connector=connector) as session:
        parse_ms = await parse_latency(
            session,
            parse_url or base_url,
            parse_texts(scripts),
            parse_samples,
            timeout_s,
        )
        plan = _Plan(scripts, order, seed, conversations, estimate_share)
        records: list[TurnRecord] = []
        outcomes: list[tuple[float, str]] = []
        run_start = time.monotonic()
        window_start = run_start + (warmup_s if duration_s is not None else 0.0)
        deadline = None if duration_s is None else window_start + duration_s
        stop = asyncio.Event()
        sampler = asyncio.create_task(monitor.run(stop))

        async def window() -> None:
            await asyncio.sleep(max(0.0, window_start - time.monotonic()))
            monitor.start_window()
            if deadline is not None:
                await asyncio.sleep(max(0.0, deadline - time.monotonic()))
                monitor.end_window()

        measuring = asyncio.create_task(window())
        await asyncio.gather(
            *(
                _user(
                    session,
                    base_url,
                    plan,
                    run_start,
                    deadline,
                    think_s,
                    timeout_s,
                    records,
                    outcomes,
                )
                for _ in range(users)
            )
        )
        await measuring
        if deadline is None:
            monitor.end_window()
        stop.set()
        await sampler
    start = window_start - run_start
    if deadline is None:
        ends = [r.finished for r in records] + [ended for ended, _ in outcomes]
        end = max(ends, default=start)
    else:
        end = deadline - run_start
    return aggregate(
        users,
        records,
        [outcome for ended, outcome in outcomes if start <= ended <= end],
        (start, end),
        parse_ms,
        monitor.peak_mb,
        monitor.cpu_percent,
        monitor.client_cpu_percent,
    )


# --- where the assistant runs: started here, or given -----------------------------


@dataclass
class Target:
    """A running assistant to measure: the base URL the users talk to, its processes
    by name, and where Rasa's HTTP API answers /model/parse when not at that URL (a
    replica's own port behind a proxy that serves only the channels)."""

    url: str
    pids: dict[str, int]
    logs: Path | None = None
    parse_url: str | None = None


def worker_settings(workers: str) -> dict[str, str]:
    """With several workers, no keep-alive (scripts/serve.sh does the same): each
    request is then taken by a worker free to take it, where a kept connection
    stays with the worker that accepted it, busy or not (10 users: 38 turns/s with
    keep-alive, one worker doing nearly all; 66 without)."""
    if int(workers) <= 1:
        return {}
    return {"SANIC_KEEP_ALIVE": os.environ.get("SANIC_KEEP_ALIVE", "False")}


@contextlib.contextmanager
def start_single() -> Iterator[Target]:
    """One action server and one Rasa server (bench.servers.running_assistant) with
    SANIC_WORKERS workers (2 unless set: one per core of this kind of machine)."""
    from bench.servers import running_assistant

    workers = os.environ.get("SANIC_WORKERS") or "2"
    env = {"SANIC_WORKERS": workers, **worker_settings(workers)}
    with running_assistant(env=env) as assistant:
        yield Target(assistant.url, assistant.pids(), assistant.logs)


@contextlib.contextmanager
def start_scaled() -> Iterator[Target]:
    """The scale-out setup (bench.cluster.running_cluster): two Rasa replicas and two
    action servers behind nginx, PostgreSQL and Redis. nginx serves only the
    channels, so /model/parse is timed on a replica's own port."""
    from bench.cluster import running_cluster

    with running_cluster() as cluster:
        yield Target(
            cluster.url, cluster.pids(), cluster.folder, cluster.replica_urls[0]
        )


# --start MODE: each mode names a function that returns a context manager which
# starts the assistant, yields a Target and stops it afterwards. The table gets one
# memory and one CPU column per process name (rasa-1, rasa-2, ...).
STARTERS: dict[str, Callable[[], AbstractContextManager[Target]]] = {
    "single": start_single,
    "scaled": start_scaled,
}


def parse_pids(text: str) -> dict[str, int]:
    """`rasa=123,actions=456` as a mapping from name to process id."""
    pids = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, pid = item.partition("=")
        if not name or not pid.isdigit():
            raise argparse.ArgumentTypeError(f"not name=pid: {item!r}")
        pids[name] = int(pid)
    return pids


def parse_users(text: str) -> list[int]:
    """`1,10,50,100` as a list of user counts."""
    try:
        users = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from error
    if not users or min(users) < 1:
        raise argparse.ArgumentTypeError("user counts must be at least 1")
    return users


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--users", type=parse_users, default=[1, 10, 50, 100])
    parser.add_argument(
        "--duration", type=float, default=30, help="measured seconds per N"
    )
    parser.add_argument(
        "--warmup", type=float, default=5, help="unmeasured seconds before each N"
    )
    parser.add_argument(
        "--think", type=float, default=0, help="seconds a user waits between turns"
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds before a turn is an error"
    )
    parser.add_argument("--order", choices=("cycle", "random"), default="cycle")
    parser.add_argument("--estimate-share", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--parse-samples", type=int, default=40, help="/model/parse calls per N"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running assistant's base URL")
    parser.add_argument(
        "--parse-url", help="with --url: where /model/parse answers, if elsewhere"
    )
    where.add_argument("--start", choices=sorted(STARTERS), help="start one here")
    parser.add_argument(
        "--pids",
        type=parse_pids,
        default={},
        help="with --url: the processes to watch, e.g. rasa=123,actions=456",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure each N in turn and print the table."""
    args = _arguments(argv)
    if args.start:
        target_context: AbstractContextManager[Target] = STARTERS[args.start]()
    else:
        target_context = contextlib.nullcontext(
            Target(args.url.rstrip("/"), args.pids, parse_url=args.parse_url)
        )
    results: list[LoadResult] = []
    with target_context as target:
        print(f"assistant at {target.url}, processes {target.pids}", file=sys.stderr)
        for users in args.users:
            result = asyncio.run(
                run_load(
                    target.url,
                    users,
                    duration_s=args.duration,
                    warmup_s=args.warmup,
                    think_s=args.think,
                    timeout_s=args.timeout,
                    pids=target.pids,
                    order=args.order,
                    estimate_share=args.estimate_share,
                    seed=args.seed,
                    parse_samples=args.parse_samples,
                    parse_url=target.parse_url,
                )
            )
            results.append(result)
            print(
                f"{users} users: {result.turns} turns, {result.throughput:.1f} turns/s,"
                f" p50 {result.latency(50):.0f} ms, {result.error_count} errors",
                file=sys.stderr,
            )
            for failure in result.failures:
                print(f"  {failure}", file=sys.stderr)
        if target.logs:
            print(f"server logs: {target.logs}", file=sys.stderr)
    print(
        f"Load through the REST channel: {args.duration:g} s per N after "
        f"{args.warmup:g} s warm-up, think time {args.think:g} s, "
        f"{len(SCRIPTS)} scripted conversations ({args.order}); latencies in ms; "
        "parse = bare /model/parse on the idle server, sequential, same run"
    )
    print(format_table(results))
    if args.json:
        args.json.write_text(
            json.dumps([r.summary() for r in results], ensure_ascii=False, indent=2)
        )


if __name__ == "__main__":
    main()
