"""bench/flood.py's report: the flood's limited share and the other user's ratios."""

from bench.flood import report


def test_the_report_gives_the_limited_share_and_the_ratios():
    text = report(
        {
            "flood_rate": 20.0,
            "flood_requests": 200,
            "flood_limited": 80,
            "normal_turns": 50,
            "seconds": 2.3,
            "alone_p50": 40.0,
            "alone_p95": 50.0,
            "during_p50": 48.0,
            "during_p95": 55.0,
        }
    )
    assert "limited 80 (40%)" in text
    assert "p50 1.20, p95 1.10" in text
