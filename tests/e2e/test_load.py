"""The load generator against the real servers, briefly (the full run is
`python -m bench.load --start single`): every scripted conversation passes its checks,
and the short command-line run prints every figure with no errors. Behaviour only:
no wall-clock figure is asserted."""

import asyncio
import json

from bench.load import main, run_load
from bench.load_conversations import SCRIPTS


def test_every_scripted_conversation_passes_its_checks(assistant):
    result = asyncio.run(
        run_load(
            assistant.url,
            users=5,
            duration_s=None,
            conversations=len(SCRIPTS),
            pids=assistant.pids(),
            parse_samples=10,
        )
    )
    assert result.failures == []
    assert result.error_count == 0 and result.timeouts == 0
    assert result.conversations == len(SCRIPTS)
    assert set(result.scripts_run) == {s.name for s in SCRIPTS}
    assert result.turns == sum(len(s.turns) for s in SCRIPTS)


def test_the_short_run_prints_every_figure_with_no_errors(assistant, tmp_path, capsys):
    pids = ",".join(f"{name}={pid}" for name, pid in assistant.pids().items())
    figures = tmp_path / "load.json"
    main(
        [
            "--url",
            assistant.url,
            "--pids",
            pids,
            "--users",
            "1,5",
            "--duration",
            "5",
            "--warmup",
            "1",
            "--parse-samples",
            "10",
            "--json",
            str(figures),
        ]
    )
    table = capsys.readouterr().out.splitlines()[-3:]
    for column in (
        "users",
        "convs",
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
        "PSS rasa MB",
        "PSS actions MB",
        "CPU% rasa",
        "CPU% actions",
    ):
        assert column in table[0]
    assert [row.split()[0] for row in table[1:]] == ["1", "5"]
    for level in json.loads(figures.read_text()):
        assert level["failures"] == [], level["failures"]
        assert level["errors"] == {"http": 0, "empty": 0, "wrong": 0}
        assert level["turns"] > 0 and level["conversations"] > 0
        assert level["throughput"] > 0
        assert level["latency_ms"]["p50"] > 0 and level["parse_ms"]["p50"] > 0
        assert level["memory_mb"]["rasa"] > 0 and level["memory_mb"]["actions"] > 0
        assert level["cpu_percent"]["rasa"] > 0
