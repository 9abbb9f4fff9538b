"""The load generator's pure parts (percentiles, reply checks, aggregation, the
table, the command line), its process readings, and its runner against a small fake
REST channel (no Rasa): errors are counted by kind, a slow answer is a timeout, and
concurrency is not capped by the HTTP client."""

import asyncio
import math
import os
import random
import subprocess
import time

import pytest
from aiohttp import web

from bench import load
from bench.eval_questions import EVAL_FILE, load_questions
from bench.load import (
    EMPTY,
    HTTP_ERROR,
    OK,
    WRONG,
    LoadResult,
    TurnRecord,
    aggregate,
    button_payload,
    check_reply,
    format_table,
    parse_pids,
    parse_users,
    percentile,
    run_load,
)
from bench.load_conversations import (
    ESTIMATE,
    ESTIMATE_SCRIPTS,
    QUESTION_SCRIPTS,
    SCRIPTS,
    Script,
    click,
    pick,
    say,
)

# --- percentiles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([5.0], 99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # order does not matter
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        (list(range(1, 101)), 95, 95.05),
        (list(range(1, 101)), 99, 99.01),
    ],
)
def test_percentiles_interpolate_linearly(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_no_values_have_no_percentile():
    assert math.isnan(percentile([], 50))


# --- reply checks ---------------------------------------------------------------------

TURN = say("江苏医保卡在上海能用吗", "能用", avoid=("【北京】",))
REPLY = [
    {
        "text": "能用，但一般要先备案。",
        "buttons": [{"title": "急诊抢救", "payload": '/inform{"filing_status":"e"}'}],
    }
]


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (200, REPLY, OK),
        (500, REPLY, HTTP_ERROR),
        (429, [{"text": "能用"}], HTTP_ERROR),
        (200, {"text": "能用"}, HTTP_ERROR),  # not a list
        (200, None, HTTP_ERROR),  # not JSON
        (200, [], EMPTY),
        (200, [{"text": ""}], EMPTY),
        (200, [{"text": "   "}], EMPTY),
        (200, [{"text": "不能用"}, {"custom": {"type": "estimate"}}], OK),
        (200, [{"text": "请先备案。"}], WRONG),  # the expected phrase is missing
        (200, [{"text": "能用。【北京】……"}], WRONG),  # a phrase to avoid is there
    ],
)
def test_each_reply_gets_its_outcome(status, body, outcome):
    assert check_reply(status, body, TURN)[0] == outcome


def test_a_custom_payload_alone_is_not_empty():
    assert check_reply(200, [{"custom": {"type": "estimate"}}], say("x"))[0] == OK


def test_the_button_the_next_turn_clicks_must_be_offered():
    assert check_reply(200, REPLY, TURN, next_button="急诊抢救") == (OK, "")
    outcome, detail = check_reply(200, REPLY, TURN, next_button="已备案")
    assert outcome == WRONG and "已备案" in detail


def test_a_wrong_reply_says_what_was_missing():
    _, detail = check_reply(200, [{"text": "请先备案。"}], TURN)
    assert "'能用'" in detail and "请先备案" in detail


def test_a_click_sends_the_buttons_payload():
    assert button_payload(REPLY, "急诊抢救") == '/inform{"filing_status":"e"}'
    assert button_payload(REPLY, "未备案") is None


# --- aggregation and the table --------------------------------------------------------


def record(outcome=OK, latency=50.0, script="s", index=1, timeout=False, started=1.0):
    finished = started + (latency or 100.0) / 1000
    return TurnRecord(
        script, index, "消息", started, finished, latency, outcome, "why", timeout
    )


def test_turns_errors_and_conversations_are_counted_by_kind():
    records = [
        record(index=0),
        record(latency=30.0),
        record(HTTP_ERROR, latency=None, timeout=True),
        record(HTTP_ERROR, latency=12.0),
        record(EMPTY),
        record(WRONG),
        record(WRONG, script="t", index=0),
    ]
    result = aggregate(10, records, [OK, OK, OK, WRONG, HTTP_ERROR], (0.0, 2.0))
    assert result.users == 10
    assert result.turns == 7
    assert result.errors == {HTTP_ERROR: 2, EMPTY: 1, WRONG: 2}
    assert result.error_count == 5
    assert result.error_rate == pytest.approx(100 * 5 / 7)
    assert result.timeouts == 1
    assert result.conversations == 3 and result.conversations_failed == 2
    assert result.throughput == pytest.approx(3.5)
    # a turn with no answer has no latency
    assert sorted(result.latencies_ms) == [12.0, 30.0, 50.0, 50.0, 50.0, 50.0]
    assert result.scripts_run == {"s": 1, "t": 1}
    assert len(result.failures) == 5
    assert result.failures[0].startswith("s turn 2 ('消息'): http: why")


def test_failure_examples_are_capped():
    result = aggregate(1, [record(WRONG)] * 50, [], (0.0, 2.0))
    assert len(result.failures) == load.FAILURE_EXAMPLES


def test_latency_is_compared_with_the_parse_latency():
    result = aggregate(
        1,
        [record(latency=v) for v in (40.0, 60.0)],
        [OK],
        (0.0, 2.0),
        parse_ms=[10.0, 10.0],
    )
    assert result.latency(50) == 50.0 and result.parse(50) == 10.0
    assert result.ratio(50) == pytest.approx(5.0)
    assert math.isnan(aggregate(1, [record()], [OK], (0.0, 2.0)).ratio(50))


def test_the_window_decides_what_counts():
    turns = [
        record(latency=10.0, started=0.5),  # warm-up: not counted
        record(latency=900.0, started=0.9),  # finished in the window: throughput
        record(latency=20.0, started=1.0),
        record(latency=3000.0, started=2.5),  # finished after it: latency only
        record(latency=30.0, started=4.0),  # after the window: not counted
    ]
    result = aggregate(1, turns, [OK], (1.0, 3.0))
    assert result.turns == 2 and sorted(result.latencies_ms) == [20.0, 3000.0]
    assert result.completed == 2 and result.elapsed_s == 2.0
    assert result.throughput == 1.0


def test_nothing_measured_is_no_division_by_zero():
    result = aggregate(1, [], [], (0.0, 0.0))
    assert result.throughput == 0.0 and result.error_rate == 0.0


def results() -> list[LoadResult]:
    one = aggregate(
        1,
        [record(latency=v) for v in (40.0, 50.0, 60.0)],
        [OK],
        (0.0, 1.5),
        parse_ms=[10.0, 12.0],
        memory_mb={"rasa": 1150.4, "actions": 260.2},
        cpu_percent={"rasa": 70.0, "actions": 3.0},
        client_cpu_percent=2.0,
    )
    hundred = aggregate(
        100,
        [record(latency=4000.0), record(WRONG, latency=3000.0)],
        [OK, WRONG],
        (0.0, 30.0),
        parse_ms=[9.0],
        memory_mb={"rasa": 1170.0, "actions": 262.0},
        cpu_percent={"rasa": 99.0, "actions": 4.0},
    )
    return [one, hundred]


def test_the_table_has_every_column_and_a_row_per_load_level():
    lines = format_table(results()).splitlines()
    header = lines[0]
    for column in (
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
        "PSS actions MB",
        "PSS rasa MB",
        "CPU% actions",
        "CPU% rasa",
        "CPU% client",
    ):
        assert column in header
    assert len(lines) == 3
    assert len({len(line) for line in lines}) == 1  # aligned
    first = lines[1].split()
    assert first[:4] == ["1", "1", "3", "2.0"]
    assert first[4] == "50.0" and first[11] == "11.0" and first[13] == "4.55"
    assert first[15:] == ["260", "1150", "3", "70", "2"]
    last = lines[2].split()
    assert last[7] == "50.00" and last[10] == "1"  # error rate, wrong replies
    assert last[-1] == "-"  # no client CPU reading


def test_a_process_missing_from_a_level_shows_a_dash():
    first, second = results()
    second.memory_mb = {"rasa-1": 800.0}
    header, *rows = format_table([first, second]).splitlines()
    assert "PSS rasa-1 MB" in header
    assert rows[0].split()[15] == "260" and "-" in rows[1].split()


def test_the_summary_is_plain_data():
    summary = results()[0].summary()
    assert summary["latency_ms"]["p50"] == 50.0 and summary["ratio"]["p50"] > 1
    assert "latencies_ms" not in summary


# --- the command line -----------------------------------------------------------------


def test_users_and_pids_are_read_from_the_command_line():
    assert parse_users("1,10, 50,100") == [1, 10, 50, 100]
    assert parse_pids("rasa=123,actions=456") == {"rasa": 123, "actions": 456}
    for bad in ("", "0", "a,b"):
        with pytest.raises(Exception, match="number|least"):
            parse_users(bad)
    with pytest.raises(Exception, match="name=pid"):
        parse_pids("rasa:123")


def test_a_target_is_given_or_started():
    with pytest.raises(SystemExit):
        load._arguments(["--users", "1"])
    args = load._arguments(["--url", "http://x", "--pids", "rasa=1"])
    assert args.users == [1, 10, 50, 100] and args.duration == 30
    assert args.think == 0 and args.timeout == 60
    assert load._arguments(["--start", "single"]).start == "single"
    assert "single" in load.STARTERS


# --- the server's processes -----------------------------------------------------------


def test_memory_and_cpu_include_child_processes():
    child = subprocess.Popen(["sleep", "30"])
    try:
        deadline = time.monotonic() + 5
        while child.pid not in load.process_tree(os.getpid()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert load.memory_mb(os.getpid()) > load.memory_mb(child.pid) > 0
    finally:
        child.kill()
        child.wait()
    assert load.cpu_seconds(os.getpid()) > 0
    assert load.memory_mb(child.pid) == 0  # gone


# --- the scripted conversations -------------------------------------------------------


def test_every_conversation_stays_under_the_per_sender_rate_limit():
    for script in SCRIPTS:
        assert 0 < len(script.turns) < 20, script.name


def test_there_are_questions_and_estimates_and_every_turn_checks_something():
    assert len(QUESTION_SCRIPTS) >= 8 and len(ESTIMATE_SCRIPTS) >= 6
    assert len({s.name for s in SCRIPTS}) == len(SCRIPTS)
    for script in SCRIPTS:
        assert script.turns[0].button is None, script.name  # nothing to click yet
        for turn in script.turns:
            assert turn.expect and (turn.message or turn.button), script.name


def test_an_estimate_walks_the_form_to_a_result():
    walked = [s for s in ESTIMATE_SCRIPTS if len(s.turns) >= 7]
    assert len(walked) >= 4
    for script in walked:
        assert any("【估算】" in p for p in script.turns[-1].expect), script.name


def test_the_phrasings_are_not_the_held_out_questions():
    if not EVAL_FILE.exists():
        pytest.skip("no evaluation questions here")
    held_out = {q["q"] for q in load_questions(EVAL_FILE)}
    ours = {t.message for s in SCRIPTS for t in s.turns if t.message}
    assert not ours & held_out


def test_the_share_of_estimates_is_respected():
    rng = random.Random(1)
    assert {pick(rng, 1.0).kind for _ in range(50)} == {ESTIMATE}
    assert ESTIMATE not in {pick(rng, 0.0).kind for _ in range(50)}
    drawn = [pick(rng, 0.4).kind for _ in range(2000)]
    assert 0.35 < drawn.count(ESTIMATE) / len(drawn) < 0.45


# --- the runner against a fake REST channel -------------------------------------------

ECHO = (
    Script(
        "echo",
        "question",
        (
            say("你好", "回声：你好"),
            click("下一步", "回声：/next"),
            say("再见", "回声：再见"),
        ),
    ),
)


async def _serve(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", handler)
    app.router.add_post("/model/parse", _parsed)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, "http://{}:{}".format(*runner.addresses[0][:2])


async def _parsed(request: web.Request) -> web.Response:
    return web.json_response({"intent": {"name": "greet"}})


async def _echo(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response(
        [
            {
                "text": f"回声：{body['message']}",
                "buttons": [{"title": "下一步", "payload": "/next"}],
            }
        ]
    )


def _run(handler, scripts=ECHO, **options) -> LoadResult:
    async def main() -> LoadResult:
        runner, url = await _serve(handler)
        try:
            return await run_load(url, scripts=scripts, parse_samples=3, **options)
        finally:
            await runner.cleanup()

    return asyncio.run(main())


def test_conversations_run_to_the_end_with_their_checks():
    result = _run(
        _echo, users=3, duration_s=None, conversations=6, pids={"me": os.getpid()}
    )
    assert result.conversations == 6 and result.turns == 18
    assert result.error_count == 0 and result.timeouts == 0
    assert len(result.parse_ms) == 3
    assert result.memory_mb["me"] > 0 and "me" in result.cpu_percent


def test_a_fixed_duration_stops_the_users_and_measures_after_the_warm_up():
    start = time.monotonic()
    result = _run(_echo, users=2, duration_s=0.5, warmup_s=0.3)
    took = time.monotonic() - start
    assert 0.8 <= took < 5
    assert result.turns > 0 and result.error_count == 0
    assert result.elapsed_s == pytest.approx(0.5, abs=0.3)


def test_errors_are_counted_by_kind_and_end_the_conversation():
    async def flaky(request: web.Request) -> web.Response:
        message = (await request.json())["message"]
        if message == "坏了":
            return web.Response(status=500, text="oops")
        if message == "空的":
            return web.json_response([])
        if message == "答错":
            return web.json_response([{"text": "答非所问"}])
        return await _echo(request)

    scripts = [
        Script(
            name,
            "question",
            (say("你好", "回声"), say(message, "回声"), say("再见", "回声")),
        )
        for name, message in (
            ("ok", "好的"),
            ("a", "坏了"),
            ("b", "空的"),
            ("c", "答错"),
        )
    ]
    result = _run(flaky, scripts, users=2, duration_s=None, conversations=8)
    assert result.errors == {HTTP_ERROR: 2, EMPTY: 2, WRONG: 2}
    assert result.conversations == 2 and result.conversations_failed == 6
    # a failed conversation stops at its failure: 2 x 3 turns + 6 x 2 turns
    assert result.turns == 18
    assert result.scripts_run == {"ok": 2, "a": 2, "b": 2, "c": 2}


def test_the_parse_latency_is_timed_where_the_http_api_answers():
    async def main() -> tuple[LoadResult, LoadResult]:
        channels = web.Application()  # a proxy that serves only the channels
        channels.router.add_post("/webhooks/rest/webhook", _echo)
        proxy = web.AppRunner(channels)
        await proxy.setup()
        await web.TCPSite(proxy, "127.0.0.1", 0).start()
        url = "http://{}:{}".format(*proxy.addresses[0][:2])
        replica, replica_url = await _serve(_echo)
        try:
            options = dict(
                duration_s=None, conversations=1, parse_samples=4, scripts=ECHO
            )
            there = await run_load(url, 1, parse_url=replica_url, **options)
            not_there = await run_load(url, 1, **options)
            return there, not_there
        finally:
            await proxy.cleanup()
            await replica.cleanup()

    there, not_there = asyncio.run(main())
    assert len(there.parse_ms) == 4 and there.error_count == 0
    assert not_there.parse_ms == [] and math.isnan(not_there.ratio(50))


def test_a_slow_answer_is_a_timeout():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return await _echo(request)

    result = _run(slow, users=2, duration_s=None, conversations=2, timeout_s=0.2)
    assert result.errors[HTTP_ERROR] == 2 and result.timeouts == 2
    assert result.latencies_ms == []


def test_the_client_does_not_cap_concurrency():
    users = 120  # more than aiohttp's default limit of 100 connections
    waiting: list[asyncio.Future] = []

    async def together(request: web.Request) -> web.Response:
        # every user's first message is held until all of them have arrived
        body = await request.json()
        if body["message"] == "你好":
            arrived = asyncio.get_running_loop().create_future()
            waiting.append(arrived)
            if len(waiting) == users:
                for future in waiting:
                    future.set_result(None)
            await asyncio.wait_for(arrived, 5)
        return await _echo(request)

    result = _run(
        together, users=users, duration_s=None, conversations=users, timeout_s=10
    )
    assert result.error_count == 0 and result.conversations == users
