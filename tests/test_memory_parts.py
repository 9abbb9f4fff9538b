"""bench.memory_parts: one line per part with the megabytes it added, then the total."""

from bench import memory_parts


def test_each_part_is_printed_with_what_it_added(monkeypatch, capsys):
    held = []

    def grow():
        held.append(bytearray(64 * 1024 * 1024))  # touched: resident

    monkeypatch.setattr(
        memory_parts,
        "parts",
        lambda model: [("nothing", lambda: None), ("64 MB", grow)],
    )
    memory_parts.main([])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("nothing") and abs(float(lines[1].split()[-1])) < 8
    assert lines[2].startswith("64 MB") and 56 <= float(lines[2].split()[-1]) <= 72
    assert lines[3].startswith("total (resident)")
