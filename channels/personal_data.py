"""Personal data in what users send: found on the digits' skeleton and masked.

A number is found however it is written: the digits of a run may be ASCII,
full-width or other Unicode decimal digits, or Chinese numeral digits (〇零一…九, 幺),
with separators between them (spaces, - . · / _ and brackets, as in
110105-19491231-002X, 138.1234.5678, (138)1234-5678, 622202 1234567890123). The run
is judged by its digits alone:

- 18 characters (17 digits and a digit or X) in the shape of a 身份证号, or 15 digits
  with a date in place (the old ones): 身份证号;
- 11 digits 1[3-9]…, with or without 86 in front: 手机号;
- 16 to 19 digits passing the Luhn check: 银行卡号; any other 15 or more: a number;
- after a label (社保卡号, 社保卡的号码, 医保卡号, 个人编号, 卡号 …): any code with four
  or more digits: 社保卡号.

Amounts (50000, 12345.67, 3万5), years, dates and date ranges, hotlines (12393,
010-12393, 0571-88888888) and ratios stay as they are. Needs no Rasa.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PII_LABELS: dict[str, str] = {
    "id_card": "身份证号",
    "phone": "手机号",
    "bank_card": "银行卡号",
    "social_card": "社保卡号",
    "number": "证件或账户号码",
}

# What replaces a piece of personal data: no digits, and nothing NLU reads as words.
# A labelled mask such as "[身份证号已隐藏]" made NLU call half the questions around it
# out of scope ("隐藏"); with this one it classifies them about as well as with the
# raw number (35 and 38 of 48 test phrasings). Full-width, so the widget's **bold**
# never pairs up two masks. The kinds go to the log and into the notice instead.
PII_MASK = "＊＊＊"

CHINESE_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")}
CHINESE_DIGITS.update({"〇": "0", "○": "0", "幺": "1"})
# between two digits of one number (at most two in a row)
SEPARATORS = frozenset(" \u00a0\u3000-‐‑‒–—―−－.．·・/／_()（）")
_OPENERS = frozenset("(（+＋")
_MAX_GAP = 2

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_ID18 = re.compile(rf"[1-9][0-9]{{5}}(?:18|19|20)[0-9]{{2}}{_DATE}[0-9]{{3}}[0-9X]")
_ID15 = re.compile(rf"[1-9][0-9]{{7}}{_DATE}[0-9]{{3}}")
_PHONE = re.compile(r"(?:86)?1[3-9][0-9]{9}")
# 2023.01.01-2023.12.31, 2024/3/15: dates written with separators are not numbers
_DATES = re.compile(
    r"(?:(?:19|20)[0-9]{2}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12][0-9]|3[01])"
    r"[-~至到 ]*)+"
)
_LABEL = re.compile(
    r"(?:社会保障卡|社保卡|医保卡|医疗保险卡|社保|医保|参保)(?:的)?"
    r"(?:卡号|号码|编号|账号|号)(?:码)?"
    r"|个人编号|个人账号|卡号(?:码)?"
)
_LABEL_TAIL = re.compile(r"\s*(?:是|为|：|:|=)?\s*")
_CODE_CHARS = re.compile(r"[A-Za-z0-9 \-.]")


def _digit(char: str) -> str | None:
    """The digit a character writes, if it writes one."""
    if char in CHINESE_DIGITS:
        return CHINESE_DIGITS[char]
    if unicodedata.category(char) == "Nd":
        return str(unicodedata.decimal(char))
    return None


@dataclass(frozen=True)
class Run:
    """A run of digits with separators between them: where it is in the text and
    its digits (its skeleton)."""

    start: int
    end: int
    skeleton: str
    ascii_digits: int  # how many of its digits are written as 0-9 (any width)


def digit_runs(text: str) -> list[Run]:
    """Every run of digits in the text, separators between its digits allowed."""
    runs: list[Run] = []
    index = 0
    while index < len(text):
        if _digit(text[index]) is None:
            index += 1
            continue
        start = index
        skeleton: list[str] = []
        ascii_count = 0
        end = index
        while index < len(text):
            digit = _digit(text[index])
            if digit is not None:
                skeleton.append(digit)
                ascii_count += text[index] not in CHINESE_DIGITS
                index += 1
                end = index
                continue
            gap = index
            while (
                gap < len(text) and gap - index < _MAX_GAP and text[gap] in SEPARATORS
            ):
                gap += 1
            if gap > index and gap < len(text) and _digit(text[gap]) is not None:
                index = gap
                continue
            break
        # an ID's check character X closes the run
        if len(skeleton) == 17 and end < len(text) and text[end] in "XxＸｘ":
            skeleton.append("X")
            end += 1
        if start > 0 and text[start - 1] in _OPENERS:
            start -= 1
        runs.append(Run(start, end, "".join(skeleton), ascii_count))
        index = max(index, end)
    return runs


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-character 身份证号 has the right check character (GB 11643)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (bank card numbers)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def kind_of(skeleton: str) -> str | None:
    """What a run of digits is, judged by its digits alone (None: not personal)."""
    if len(skeleton) == 18 and _ID18.fullmatch(skeleton.upper()):
        if id_checksum_ok(skeleton) or not luhn_ok(skeleton):
            return "id_card"  # a mistyped 身份证号 is still one
        return "bank_card"
    if not skeleton.isdigit():
        return None
    if _PHONE.fullmatch(skeleton):
        return "phone"
    if len(skeleton) == 15 and _ID15.fullmatch(skeleton):
        return "id_card"
    if 16 <= len(skeleton) <= 19 and luhn_ok(skeleton):
        return "bank_card"
    if len(skeleton) >= 15:
        return "number"
    return None


def _labelled_codes(text: str) -> list[tuple[int, int]]:
    """Where a code follows a card label (社保卡号是A123 4567): its span, when it
    has four or more digits."""
    spans: list[tuple[int, int]] = []
    for label in _LABEL.finditer(text):
        start = _LABEL_TAIL.match(text, label.end()).end()
        end = start
        while (
            end < len(text)
            and end - start < 32
            and (_CODE_CHARS.match(text[end]) or _digit(text[end]) is not None)
        ):
            end += 1
        while end > start and text[end - 1] in " -.":
            end -= 1
        code = text[start:end]
        if sum(_digit(c) is not None for c in code) >= 4 and not code.isalpha():
            spans.append((start, end))
    return spans


def mask_personal_data(text: str) -> tuple[str, list[str]]:
    """The text with personal data replaced by placeholders without digits, and the
    kinds found (in order of first appearance)."""
    found: list[tuple[int, int, str]] = []
    for run in digit_runs(text):
        if run.ascii_digits == 0 and len(run.skeleton) < 11:
            continue  # 一二三: Chinese numerals are a number only when long
        written = text[run.start : run.end]
        if _DATES.fullmatch(written.strip()):
            continue
        kind = kind_of(run.skeleton)
        if kind:
            found.append((run.start, run.end, kind))
    for start, end in _labelled_codes(text):
        if not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, "social_card"))
    kinds: list[str] = []
    masked = text
    for start, end, _ in sorted(found, reverse=True):
        masked = masked[:start] + PII_MASK + masked[end:]
    for _, _, kind in sorted(found):
        if kind not in kinds:
            kinds.append(kind)
    return masked, kinds


def pii_mask(kind: str) -> str:
    """The placeholder that replaces one piece of personal data of this kind."""
    assert kind in PII_LABELS, kind
    return PII_MASK


def mask_value(value: Any) -> Any:
    """A JSON value with personal data masked in every string (keys and values, at
    any depth)."""
    if isinstance(value, str):
        return mask_personal_data(value)[0]
    if isinstance(value, dict):
        return {mask_value(str(k)): mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


def labels(kinds: Iterable[str]) -> str:
    """The kinds as the user reads them: 身份证号、手机号."""
    return "、".join(PII_LABELS[k] for k in kinds)


def install_log_masking() -> None:
    """Mask personal data in every log record of this process, whoever logs it
    (Rasa's own loggers included, sender ids and texts alike). Idempotent."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format: logging reports it itself
            return record
        masked, kinds = mask_personal_data(message)
        if kinds:
            record.msg, record.args = masked, None
        return record

    factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
