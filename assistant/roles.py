"""Which place a region mention is: the insured place (参保地) or the treatment place (就医地).

Decided from the words around the mention, nearest cue first:
"我是江苏参保的，在上海住院" -> 江苏 insured, 上海 treatment.
"""

from __future__ import annotations

import re

from assistant.vocabulary import ROLE_INSURED, ROLE_TREATMENT

_CLAUSE_END = re.compile(r"[，,。.！!？?；;、\s]")

# Directly after the mention (after an optional 市/省 and 的).
_INSURED_AFTER = re.compile(
    r"^(市|省)?(的)?(参保|参的保|交的|缴的|买的|医保|社保|医疗保险|职工|退休|新农合|农合|"
    r"农村医保|居民医保|城乡居民|卡|户口|户籍|人|籍)"
)
_TREATMENT_AFTER = re.compile(
    r"^(市|省)?(的)?(住院|看病|就医|就诊|治疗|看|医院|药店|买药|急诊|做手术|手术|门诊|"
    r"三甲|三级|二级|定点)"
)
# Somewhere later in the same clause: a hospital name (上海市第一人民医院).
_HOSPITAL_IN_CLAUSE = re.compile(r"(医院|卫生院|医学中心|医科大学附属)")

# Directly before the mention.
_INSURED_BEFORE = re.compile(
    r"(参保地(是|在)?|参保在|参保于|老家(是|在)?|户口在|户籍在|我是|我们是|我妈是|我爸是)$"
)
_TREATMENT_BEFORE = re.compile(
    r"(就医地(是|在)?|在|去|到|来|赴|往|转到|转去|转院到|住在|定居在|定居|跟着子女去|随子女去)$"
)


def _clause_after(text: str, end: int) -> str:
    rest = text[end:]
    match = _CLAUSE_END.search(rest)
    return rest[: match.start()] if match else rest


def _clause_before(text: str, start: int) -> str:
    before = text[:start]
    ends = list(_CLAUSE_END.finditer(before))
    return before[ends[-1].end() :] if ends else before


def region_role(text: str, start: int, end: int) -> str | None:
    """The role of the region mentioned at text[start:end], or None if unclear."""
    after = _clause_after(text, end)
    before = _clause_before(text, start)
    # The words right after the mention decide first: 在上海参保 is insured.
    if _INSURED_AFTER.match(after):
        return ROLE_INSURED
    if _TREATMENT_AFTER.match(after) or _HOSPITAL_IN_CLAUSE.search(after):
        return ROLE_TREATMENT
    if _INSURED_BEFORE.search(before):
        return ROLE_INSURED
    # "在" before a place with no other cue: 在上海 is where one is, i.e. treated.
    if _TREATMENT_BEFORE.search(before):
        return ROLE_TREATMENT
    return None
