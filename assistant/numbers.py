"""Numbers as people read them: amounts of money and ratios, pure, no Rasa.

The digits, the grouping and the 万/亿 units come from Babel (CLDR's Chinese number
patterns, maintained with the Unicode locale data) rather than hand-made rules. The
callers' templates add 元.

- exact (the steps of an estimate, the parameters): 79,200 / 1,234.50 / 65万; the fen
  only when there are some, 万 only when nothing is lost.
- readable (a result): below 10,000 exact; from 10,000 in 万 with one decimal where it
  matters (约6.7万, 65万); a range as 约1.5万～1.7万, with 约 said once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_compact_decimal, format_decimal

LOCALE = "zh_Hans_CN"
WAN = Decimal(10000)
_TENTH = Decimal("0.1")
_FEN = Decimal("0.01")
# Number notation, like the 万 Babel writes: "about" and "from ... to".
ABOUT = "约"
RANGE = "～"


def _exact(value: Decimal) -> str:
    value = value.quantize(_FEN, rounding=ROUND_HALF_UP)
    if value >= WAN and value % 1000 == 0:
        return format_compact_decimal(value, locale=LOCALE, fraction_digits=1)
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return format_decimal(value, format=pattern, locale=LOCALE)


def _readable(value: Decimal) -> tuple[str, bool]:
    """The value as read, and whether that is rounded."""
    if value < WAN:
        return _exact(value), value != value.quantize(_FEN, rounding=ROUND_HALF_UP)
    unit = WAN if value < WAN * WAN else WAN * WAN
    shown = (value / unit).quantize(_TENTH, rounding=ROUND_HALF_UP) * unit
    text = format_compact_decimal(shown, locale=LOCALE, fraction_digits=1)
    return text, shown != value


def money_text(
    low: Decimal | int | str, high: Decimal | int | str | None = None, exact=False
) -> str:
    """An amount (or a range low～high) in yuan, without the 元: exact for steps one
    can check, readable for results."""
    values = [Decimal(str(low))] + ([] if high is None else [Decimal(str(high))])
    if exact:
        texts, rounded = [_exact(v) for v in values], False
    else:
        read = [_readable(v) for v in values]
        texts, rounded = [t for t, _ in read], any(r for _, r in read)
    texts = list(dict.fromkeys(texts))  # a range whose ends read the same is one
    return (ABOUT if rounded else "") + RANGE.join(texts)


def percent_text(value: Decimal | float | str) -> str:
    """A ratio as a percentage: 0.8 -> 80%, 0.825 -> 82.5%."""
    hundredths = Decimal(str(value)) * 100
    return format_decimal(hundredths, format="0.##", locale=LOCALE) + "%"
