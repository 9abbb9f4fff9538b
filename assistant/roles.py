"""Which place a region mention is: the insured place (参保地) or the treatment place (就医地).

Rules over the words around each mention, then over the sentence as a whole:
"我是江苏参保的，在上海住院" -> 江苏 insured, 上海 treatment. No learned model: every
rule is a pattern here, and tests/test_roles.py holds the sentences they were written for.

Per mention, in this order:
1. A place compared with ("比在南京低", "跟南京比") is PLACE_COMPARED, not a role:
   it sets neither place.
2. The words right after it: 南京的医保, 常熟交的, 南京职工 -> insured; 上海住院,
   北京的医院 -> treatment; 杭州打工 -> where the person works (see below).
3. The words right before it: 回老家周口(呢) -> treatment (one goes there), but
   回安徽报销 -> insured (one claims there); 我是, 老家,
   户口在, 我的医保在 (unless the card is used there: 医保卡在上海能用吗) -> insured;
   在, 去, 到, 来 -> treatment.

Over the sentence:
- Places written together ("江苏苏州常熟的医保") or joined by 和/或 ("在上海或北京住院")
  share the role one of them has.
- Where the person works (在杭州打工) is where they will see a doctor, unless the
  sentence names a treatment place outright ("在苏州工作，在上海住院"): then it has no
  role, and the conversation takes it for the insured place (an employer's 职工医保).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.vocabulary import PLACE_COMPARED, ROLE_INSURED, ROLE_TREATMENT

_CLAUSE_END = re.compile(r"[，,。.！!？?；;、\s]")
_SUFFIX = r"(市|省|县|区)?"

# Directly after the mention (after an optional 市/省 and 的).
_INSURED_AFTER = re.compile(
    rf"^{_SUFFIX}(的)?(参保|参的保|参加|交的|缴的|买的|医保|社保|医疗保险|职工|退休|"
    r"新农合|农合|农村医保|居民医保|城乡居民|城镇职工|卡|户口|户籍|人|籍|老乡|"
    r"(交|缴|买)(吗|呢|的|了?(医保|社保|保险|灵活就业|居民|职工|新农合))|"
    r"办了?(医保|社保))"
)
_TREATMENT_AFTER = re.compile(
    rf"^{_SUFFIX}(的)?(住院|看病|就医|就诊|治疗|看|医院|药店|买药|急诊|做手术|手术|门诊|"
    r"三甲|三级|二级|定点|生孩子|生小孩|分娩|复查|检查|化疗|透析|开药|拿药|"
    # living there: 长沙长期居住, 在昆山常住
    r"长期居住|长期住|常住|定居|长住|"
    # whether care there counts as 跨省: 昆山算跨省吗, 上海算不算异地
    r"(算|属于|是不是|是否|算不算|属不属于)(跨省|异地|省内|外省|外地|本地))"
)
# Where the person works: a treatment place only if the sentence names no other.
_WORKPLACE_AFTER = re.compile(rf"^{_SUFFIX}(工作|打工|上班|务工|打零工)")
# Somewhere later in the same clause: a hospital name (上海市第一人民医院).
_HOSPITAL_IN_CLAUSE = re.compile(r"(医院|卫生院|医学中心|医科大学附属)")

# Directly before the mention: one goes back there (回老家周口). To be treated, if
# the words after say nothing else ("如果回老家周口呢"); to claim the money back where
# one is insured, if they say so ("回安徽报销", "回聊城怎么报").
_GOING_HOME_BEFORE = re.compile(r"回(到|去)?(老家|家乡|家)?(的)?$")
_GOING_HOME_TO_BE_TREATED_AFTER = re.compile(
    rf"^{_SUFFIX}(呢|的话|去?(看|治|住院|就医|就诊)|了呢|行不行|可以吗|怎么样)"
)
_CLAIM_AFTER = re.compile(
    rf"^{_SUFFIX}(以后|后|再|去|能|可以|怎么|要)*(手工)?(报|申请报销|办报销|办理报销)"
)
# Directly before the mention: what one is insured as.
_INSURED_BEFORE = re.compile(
    r"(参保地(是|在|为|换成|改成|改为|变成|换到|改到)?|参保在|参保于|老家(是|在)?|"
    r"户口(是|在)|户籍(是|在)|我是|我们是|我妈是|我爸是|她是|他是)$"
)
# The whole clause before the mention says whose insurance it is: 我的医保在河南,
# 医保卡是南京的; not "南京医保卡在上海", where 上海 is where the card is used.
_OWN_INSURANCE_BEFORE = re.compile(
    r"^(现在|目前|但|但是|可是|不过|而)?(我|我们|我妈|我爸|我妈妈|我爸爸|她|他|老人)?"
    r"(的)?(医保|社保|医保卡|社保卡|医疗保险|医保关系|社保关系|参保关系)"
    r"(是|在|是在|属于|交在|挂在)$"
)
# After such a mention: the card is being used there (我的医保卡在上海能用吗).
_USED_THERE_AFTER = re.compile(
    rf"^{_SUFFIX}(能|可以|可不可以|能不能|可|用|刷|报|结算|直接|怎么|咋)"
)
# An outsider at the mention: 外地患者在北京医保怎么用 (北京 is where the care is, even
# though 医保 follows it).
_OUTSIDER_AT_BEFORE = re.compile(
    r"(外地|外省|省外|异地|外市)(来的)?(人|患者|病人|参保人|参保人员|职工|老人)?"
    r"(在|到|来|去|来到)$"
)
_ENROLS_AFTER = re.compile(rf"^{_SUFFIX}(的)?(参保|参加|交|缴|买|办)")
_TREATMENT_BEFORE = re.compile(
    r"(就医地(是|在|为|换成|改成|改为|变成|换到|改到)?|在|去|到|来|赴|往|转到|转去|"
    r"转院到|住在|定居在|定居|跟着子女去|随子女去|常年住|常住|长住|住)$"
)

# A place compared with: 比在南京低, 比南京高, 跟在南京一样, 和南京比, 与南京相比.
_COMPARED_BEFORE = re.compile(r"比(在|起|去|到)?$")
_COMPARED_WITH_BEFORE = re.compile(r"(跟|和|与|同)(在|去|到)?$")
_COMPARED_WITH_AFTER = re.compile(r"(比|一样|相比|差不多|不同|区别|差别|相同|对比)")

# Between two places that share a role: 上海和北京, 上海或者北京, 江苏苏州.
_JOINED_BY = re.compile(r"^(和|或|或者|还是|及|以及|跟|与)?$")

# words of care outside the insured place that name no place: a lone place in such a
# question is the insured one (衡阳异地就医如何报销, 西安医保用户外地住院能直接结算吗)
_ELSEWHERE = re.compile(
    r"(异地|外地|外省|省外|跨省|外市|市外|在外|别的城市|其他城市|其它城市|别的省)"
)
_PLACE_SUFFIX = re.compile(r"(市|省|县|区)$")

_STRONG = "strong"
_WORKPLACE = "workplace"


def _clause_after(text: str, end: int) -> str:
    rest = text[end:]
    match = _CLAUSE_END.search(rest)
    return rest[: match.start()] if match else rest


def _clause_before(text: str, start: int) -> str:
    before = text[:start]
    ends = list(_CLAUSE_END.finditer(before))
    return before[ends[-1].end() :] if ends else before


def _is_compared(before: str, after: str) -> bool:
    if _COMPARED_BEFORE.search(before):
        return True
    return bool(
        _COMPARED_WITH_BEFORE.search(before) and _COMPARED_WITH_AFTER.search(after)
    )


def _cue_after(after: str) -> tuple[str | None, str | None]:
    """The role the words right after a mention give it, and how sure it is."""
    if _INSURED_AFTER.match(after):
        return ROLE_INSURED, _STRONG
    if _TREATMENT_AFTER.match(after) or _HOSPITAL_IN_CLAUSE.search(after):
        return ROLE_TREATMENT, _STRONG
    if _WORKPLACE_AFTER.match(after):
        return ROLE_TREATMENT, _WORKPLACE
    return None, None


def _cue_before(before: str, after: str) -> str | None:
    """The role the words right before a mention give it."""
    if _GOING_HOME_BEFORE.search(before):
        if _CLAIM_AFTER.match(after):
            return ROLE_INSURED
        if _GOING_HOME_TO_BE_TREATED_AFTER.match(after):
            return ROLE_TREATMENT
        return None
    if _INSURED_BEFORE.search(before):
        return ROLE_INSURED
    if _OWN_INSURANCE_BEFORE.match(before) and not _USED_THERE_AFTER.match(after):
        return ROLE_INSURED
    # "在" before a place with no other cue: 在上海 is where one is, i.e. treated.
    if _TREATMENT_BEFORE.search(before):
        return ROLE_TREATMENT
    return None


def _cue(before: str, after: str) -> tuple[str | None, str | None]:
    """A mention's role from the words before and after it, and how sure it is."""
    if _OUTSIDER_AT_BEFORE.search(before) and not _ENROLS_AFTER.match(after):
        return ROLE_TREATMENT, _STRONG
    role, strength = _cue_after(after)
    if role:
        return role, strength
    role = _cue_before(before, after)
    return (role, _STRONG) if role else (None, None)


def region_role(text: str, start: int, end: int) -> str | None:
    """The role of the region mentioned at text[start:end] (or PLACE_COMPARED), or
    None if unclear."""
    return region_roles(text, [(start, end)])[0]


def _groups(text: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Indices of the mentions written together or joined by 和/或, in text order."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    groups: list[list[int]] = []
    for index in order:
        if groups:
            last = spans[groups[-1][-1]]
            if _JOINED_BY.match(text[last[1] : spans[index][0]]):
                groups[-1].append(index)
                continue
        groups.append([index])
    return groups


def region_roles(text: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """The role of each region mentioned at spans (start, end) of text: ROLE_INSURED,
    ROLE_TREATMENT, PLACE_COMPARED for a place compared with, or None where the
    sentence does not say."""
    roles: list[str | None] = [None] * len(spans)
    strengths: list[str | None] = [None] * len(spans)
    for group in _groups(text, spans):
        first, last = spans[group[0]], spans[group[-1]]
        group_before = _clause_before(text, first[0])
        group_after = _clause_after(text, last[1])
        if _is_compared(group_before, group_after):
            for index in group:
                roles[index] = PLACE_COMPARED
            continue
        group_role, group_strength = _cue(group_before, group_after)
        for index in group:
            start, end = spans[index]
            before, after = _clause_before(text, start), _clause_after(text, end)
            role, strength = _cue(before, after) if len(group) > 1 else (None, None)
            roles[index] = role or group_role
            strengths[index] = strength if role else group_strength
    if any(
        r == ROLE_TREATMENT and s == _STRONG
        for r, s in zip(roles, strengths, strict=True)
    ):
        roles = [
            None if s == _WORKPLACE else r
            for r, s in zip(roles, strengths, strict=True)
        ]
    return _one_place(text, spans, roles)


def _one_place(
    text: str, spans: Sequence[tuple[int, int]], roles: list[str | None]
) -> list[str | None]:
    """A message that names one place only: the place is the insured one when the
    message asks about care elsewhere without naming where; a mention without a role
    takes the insured role another mention of it has (清远医保异地住院备案，清远市
    跨省就医怎么备案)."""
    names = {_PLACE_SUFFIX.sub("", text[start:end]) for start, end in spans}
    if len(names) != 1 and len(_groups(text, spans)) != 1:
        return roles
    if ROLE_INSURED in roles:
        # one place is not both: where one is insured, not a trip (在常州上班…回常州报)
        return [ROLE_INSURED if r in (None, ROLE_TREATMENT) else r for r in roles]
    if all(r is None for r in roles) and _ELSEWHERE.search(text):
        return [ROLE_INSURED] * len(roles)
    return roles
