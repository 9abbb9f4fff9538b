"""The flat profile of bench/profile_turns.py: inclusive shares from py-spy's raw
output, a function counted once per stack however deep it recurses."""

from bench.profile_turns import flat_profile

RAW = """\
main (/x/site-packages/rasa/run.py:1);parse (/x/site-packages/rasa/nlu.py:5) 6
main (/x/site-packages/rasa/run.py:1);walk (/x/g.py:3);walk (/x/g.py:4) 3
idle 1
not a sample line
"""


def test_shares_are_inclusive_and_counted_once_per_stack():
    total, shares = flat_profile(RAW)
    assert total == 10
    assert shares["main rasa/run.py"] == 9
    assert shares["parse rasa/nlu.py"] == 6
    assert shares["walk /x/g.py"] == 3  # recursion: once, not twice
    assert shares["idle"] == 1
