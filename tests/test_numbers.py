"""Numbers as people read them: one table, each row checked by eye."""

from decimal import Decimal as D

import pytest

from assistant.numbers import money_text, percent_text


@pytest.mark.parametrize(
    "low, high, exact, expected",
    [
        # readable (results): exact below 10,000, in 万 above, 约 when rounded
        (D(650000), None, False, "65万"),
        (D(865728), None, False, "约86.6万"),
        (D(67320), None, False, "约6.7万"),
        (D(20000), None, False, "2万"),
        (D(99999), None, False, "约10万"),
        (D(8000), None, False, "8,000"),
        (D("1234.5"), None, False, "1,234.50"),
        (D(0), None, False, "0"),
        (D(150000000), None, False, "1.5亿"),
        # ranges: 约 once, the unit with each end, one reading when both read alike
        (D(15432), D(16789), False, "约1.5万～1.7万"),
        (D(15000), D(17000), False, "1.5万～1.7万"),
        (D(29400), D(39200), False, "约2.9万～3.9万"),
        (D(8000), D(12000), False, "8,000～1.2万"),
        (D(67310), D(67320), False, "约6.7万"),
        # exact (steps): to the yuan, the fen only when there are some, no .00
        (D(79200), None, True, "79,200"),
        (D(865728), None, True, "865,728"),
        (D("865728.00"), None, True, "865,728"),
        (D("1234.56"), None, True, "1,234.56"),
        (D(50000), None, True, "5万"),
        (D(29400), D(39200), True, "29,400～39,200"),
        (800, None, True, "800"),
    ],
)
def test_money(low, high, exact, expected):
    assert money_text(low, high, exact=exact) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (D("0.8"), "80%"),
        (D("0.85"), "85%"),
        (D("0.825"), "82.5%"),
        (1, "100%"),
        (0.9, "90%"),
    ],
)
def test_percent(value, expected):
    assert percent_text(value) == expected
