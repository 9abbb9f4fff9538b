"""Normalise what a user says into the estimate form's slot values: pure functions,
no Rasa. Chinese numerals go through cn2an (a maintained converter) rather than
hand-written parsing; the everyday vocabulary (三甲, 随子女定居, 出差突然住院 ...) is
kept here next to the functions that read it."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

import cn2an

from assistant.calculator import (
    EMERGENCY,
    FILE_BEFORE_DISCHARGE,
    LONG_TERM,
    MANUAL_CLAIM,
    REFERRAL,
    TEMPORARY,
)
from assistant.places import Gazetteer, Region
from assistant.vocabulary import (
    SCHEME_EMPLOYEE,
    SCHEME_RESIDENT,
    STATUS_IN_SERVICE,
    STATUS_RETIRED,
)

_NUMERAL = "0-9０-９零〇一二两三四五六七八九十百千万亿点.．,，"
_AMOUNT = re.compile(
    rf"(?P<sign>[-－负])?\s*(?P<core>[{_NUMERAL}]*[0-9０-９零〇一二两三四五六七八九十][{_NUMERAL}wWkK]*)"
    r"\s*(?P<approx>多|来|余|几|左右|上下|出头)?\s*(?:元|块钱|块|rmb|RMB|人民币)?\s*(?P<approx2>左右|上下|多)?"
)
# A number followed by one of these counts something other than money: 2023年,
# 住了10天, 3个月, 65岁, 三级医院, 三甲, 第2次, 八成, 80%.
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:年|天|日|号|岁|周|个?月|个?星期|次|回|级|甲|乙|等|床|楼|层|成|%|％|人|家)"
)
_UNIT_LETTERS = {"w": "万", "W": "万", "k": "千", "K": "千"}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


@dataclass(frozen=True)
class Amount:
    """An amount of money; approximate when the user said 多/左右 (两万多); `said` is
    the phrase it was read from (两万多块), not the whole message."""

    value: Decimal
    approximate: bool = False
    said: str = field(default="", compare=False)


class InvalidAmount(ValueError):
    """The text holds no usable amount; `reason` says why (for the re-ask hint)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


NO_NUMBER = "no_number"
NOT_POSITIVE = "not_positive"
TOO_LARGE = "too_large"
MAX_AMOUNT = Decimal("100000000")  # 1亿: beyond any single hospital bill


def _to_decimal(core: str) -> Decimal:
    core = core.translate(_FULL_WIDTH).replace(",", "").replace("，", "")
    for letter, unit in _UNIT_LETTERS.items():
        core = core.replace(letter, unit)
    try:
        return Decimal(core)
    except InvalidOperation:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return Decimal(str(cn2an.cn2an(core, "smart")))
        except (ValueError, KeyError, IndexError) as error:
            raise InvalidAmount(NO_NUMBER) from error


def _money(found: re.Match[str]) -> bool:
    """Whether a number the amount pattern found is money: not 2023年, 10天, 三级,
    第2次 (a unit right after the number, or 第 before it)."""
    text, core = found.string, found.group("core")
    if text[: found.start("core")].endswith("第"):
        return False
    if core[-1] in ".．,，点":  # 3000，乙类自付…: the number ended before the comma
        return True
    return not _NOT_MONEY_AFTER.match(text, found.end("core"))


def parse_amount(text: str) -> Amount:
    """The first amount of money in a text: 5万, 五万块, 3.5w, 三万五千元, 50,000,
    两万多 (about 20000, approximate). Numbers of years, days, ages, hospital levels
    and the like are not money (2023年住院花了5万 is 50000)."""
    text = text or ""
    match = next((found for found in _AMOUNT.finditer(text) if _money(found)), None)
    if match is None:
        raise InvalidAmount(NO_NUMBER)
    value = _to_decimal(match.group("core").strip(".．,，点"))
    if match.group("sign"):
        raise InvalidAmount(NOT_POSITIVE)
    if value <= 0:
        raise InvalidAmount(NOT_POSITIVE)
    if value > MAX_AMOUNT:
        raise InvalidAmount(TOO_LARGE)
    approximate = bool(match.group("approx") or match.group("approx2"))
    return Amount(value, approximate, match.group(0).strip(" ，,。.．"))


_LEVELS = (
    ("l3", ("三甲", "三乙", "三级", "3级", "三等", "省级医院", "大医院")),
    ("l2", ("二甲", "二乙", "二级", "2级", "区级医院", "县医院", "县级医院")),
    ("l1", ("一级", "1级", "社区", "卫生院", "乡镇", "诊所", "卫生室")),
)


def parse_level(text: str) -> str | None:
    """A hospital level (l1/l2/l3) from 三甲, 三级, 二级, 社区医院, 一级 ...; None if
    the text names none."""
    for level, words in _LEVELS:
        if any(word in text for word in words):
            return level
    return None


def parse_status(text: str) -> str | None:
    """in_service (在职) or retired (退休)."""
    if re.search(r"没退|未退|不是退休", text):
        return STATUS_IN_SERVICE
    if re.search(r"退休|退了|离休|养老金", text):
        return STATUS_RETIRED
    if re.search(r"在职|上班|工作", text):
        return STATUS_IN_SERVICE
    return None


def parse_scheme(text: str) -> str | None:
    """employee (职工医保) or resident (城乡居民医保; 新农合 and 农村医保 are part of it)."""
    if re.search(r"居民|新农合|农合|农村|城乡|学生|少儿|小孩|孩子", text):
        return SCHEME_RESIDENT
    if re.search(r"职工|单位|公司|灵活就业|个体", text):
        return SCHEME_EMPLOYEE
    return None


def implied_scheme(text: str) -> str | None:
    """The scheme a question implies without naming it: a job left (辞职, 离职, 单位停
    缴) is 职工医保; 新农合 and 居民医保 are the residents' scheme."""
    if re.search(r"新农合|农合|居民医保|城乡居民|农村医保|农村合作医疗", text or ""):
        return SCHEME_RESIDENT
    if re.search(
        r"职工|辞职|离职|辞工|失业|换工作|单位(停|不)|公司(停|不)", text or ""
    ):
        return SCHEME_EMPLOYEE
    return None


_FILING = (
    (
        MANUAL_CLAIM,
        r"(没|未|忘了?|忘记)(有)?备案.*(出院|回来|结完|结账|自费|垫付)|已经出院|已出院|回来报|回去报",
    ),
    (FILE_BEFORE_DISCHARGE, r"(没|未|忘了?|忘记)(有)?备案|还没备案|没来得及备案"),
    (EMERGENCY, r"急诊|抢救|突然|突发|出差.*(住院|病)|旅游.*(住院|病)|路上|意外"),
    (REFERRAL, r"转诊|转院|转到|医生让去|介绍过去"),
    (
        LONG_TERM,
        r"长期|定居|安置|随子女|跟子女|跟儿子|跟女儿|跟着?(孩子|儿女|闺女|子女|儿子|女儿)住|常驻|常住|居住(?!证)|派驻|外派|(单位|公司)派|派(我|他|她)(到|去)|在那边工作|在当地工作|异地工作|养老|常年|住了(好|十|几|[0-9一二两三四五六七八九十])+年|住了很多年",
    ),
    (TEMPORARY, r"临时|自己(跑)?去|专门去|自行|其他临时"),
)
# Only in an answer to "which filing?": words any question may contain.
_ANSWER_TEMPORARY = r"去看病|看病|求医|就医|其他|探亲|旅游"


def parse_filing(text: str, answering: bool = False) -> str | None:
    """The filing situation in everyday words: 随子女定居 = long-term; 出差突然住院 =
    emergency; 自己去北京看病 = other temporary; 忘了备案已经出院 = manual claim. In an
    answer to the question (answering), plain 看病 / 就医 also mean a temporary visit."""
    for filing, pattern in _FILING:
        if re.search(pattern, text):
            return filing
    if answering and re.search(_ANSWER_TEMPORARY, text):
        return TEMPORARY
    return None


_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(%|％|个点)|百分之([零一二两三四五六七八九十点]+)|([一二三四五六七八九])成([一二三四五六七八九五])?"
)


def parse_ratio(text: str) -> Decimal | None:
    """A payment ratio as a fraction: 80%, 百分之八十, 八成 (0.8), 八成五 (0.85)."""
    match = _PERCENT.search(text)
    if match is None:
        return None
    if match.group(1):
        value = Decimal(match.group(1)) / 100
    elif match.group(3):
        value = Decimal(str(cn2an.cn2an(match.group(3), "smart"))) / 100
    else:
        tenths = Decimal(cn2an.cn2an(match.group(4), "smart")) / 10
        extra = match.group(5)
        value = tenths + (Decimal(cn2an.cn2an(extra, "smart")) / 100 if extra else 0)
    return value if 0 < value <= 1 else None


_AFTER_CUE = r"[^0-9０-９零〇一二两三四五六七八九十百千万]{0,6}"
_AMOUNT_CUES = {
    "total": r"花了|花费|总共|一共|共计|总费用|住院费|医药费|医疗费|账单|费用"
    r"|住院(?=[0-9０-９零一二两三四五六七八九十])",
    "deductible": r"起付线|起付标准|起付",
    "cap": r"封顶线|封顶|最高支付限额|最高限额",
    "self_paid": r"目录外|全自费|自费部分|其中自费|自费药|自费项目|自费(?=[0-9０-９零一二两三四五六七八九十])",
    "partial_self": r"乙类先行自付|先行自付|乙类自付",
}
_RATIO_CUE = re.compile(
    r"(?:报销)?比例[是为有按]?|(?:能|可以)?报(?:销)?(?=\s*(?:[0-9]+(?:\.[0-9]+)?\s*[%％]|百分之|[一二三四五六七八九]成))"
)
# A reduction of the ratio the user states: 按降10个点算, 比例低10个百分点, 下调5%.
_REDUCTION = re.compile(
    r"(?:降|低|少|下调|减)(?:低|了|掉)?\s*([0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十]+)\s*(?:个)?(?:百分点|点|[%％])"
)


def stated_amounts(text: str) -> dict[str, Amount]:
    """The amounts a message states by name: 花了5万 (total), 起付线1000, 封顶30万,
    自费3000 (目录外), 乙类自付2000. What cannot be read is left out."""
    found: dict[str, Amount] = {}
    for key, cue in _AMOUNT_CUES.items():
        for match in re.finditer(rf"(?:{cue}){_AFTER_CUE}", text or ""):
            try:
                found[key] = parse_amount(text[match.end() : match.end() + 14])
            except InvalidAmount:
                continue
            break
    return found


def unnamed_amount(text: str) -> Amount | None:
    """The amount said before any figure named by a cue: the answer to "how much" in
    5万，自费2000 (50000); None when there is none (自费2000)."""
    text = text or ""
    named = [
        match.start()
        for cue in _AMOUNT_CUES.values()
        for match in re.finditer(cue, text)
    ]
    try:
        return parse_amount(text[: min(named)] if named else text)
    except InvalidAmount:
        return None


def stated_ratio(text: str) -> Decimal | None:
    """A payment ratio the message states: 报销比例80%, 比例是八成."""
    match = _RATIO_CUE.search(text or "")
    return parse_ratio(text[match.end() : match.end() + 12]) if match else None


def stated_reduction(text: str) -> Decimal | None:
    """By how many percentage points the user says the ratio is lowered (按降10个点算):
    at most 100."""
    match = _REDUCTION.search(text or "")
    if match is None:
        return None
    said = match.group(1)
    points = Decimal(said) if said[0].isdigit() else Decimal(cn2an.cn2an(said, "smart"))
    return points if 0 <= points <= 100 else None


def says_unknown(text: str) -> bool:
    """不知道 / 不清楚 / 没有 / 跳过."""
    return bool(
        re.search(
            r"不知道|不清楚|不晓得|不了解|没有|没|跳过|算了吧|unknown", text or ""
        )
    )


# Words around a place given as an answer: 我是洛阳的, 在温州, 河南洛阳参保.
_PLACE_FILLER = re.compile(
    r"^(?:我|我们|我家|我妈|我爸|老人)?(?:是|在|的)?(?:参保地是|医保是|医保在|户口在)?"
    r"|(?:的|人|那边|这边|那里|这里)?(?:参保的?|医保|的医保|户口)?(?:的)?[吧啊呀哦呢。.！!]*$"
)
_LONGEST_PLACE = 12


def place_named(text: str, gazetteer: Gazetteer) -> Region | None:
    """The place a message consists of (洛阳, 河南洛阳, 江苏苏州昆山, 我是温州的), the
    most specific of nested names; None when the message says anything else."""
    rest = _PLACE_FILLER.sub("", (text or "").strip()).strip()
    found: list[Region] = []
    while rest:
        for end in range(min(len(rest), _LONGEST_PLACE), 1, -1):
            region = gazetteer.resolve(rest[:end])
            if region is not None:
                break
        else:
            return None
        if found and not _within(region, found[-1], gazetteer):
            return None
        found.append(region)
        rest = rest[end:]
    return found[-1] if found else None


def _within(inner: Region, outer: Region, gazetteer: Gazetteer) -> bool:
    return (
        outer.code
        in (
            gazetteer.province_of(inner).code,
            gazetteer.prefecture_of(inner).code,
        )
        and inner.code != outer.code
    )


@dataclass(frozen=True)
class Correction:
    """What a message after an estimate changes in the case (其实我退休了, 不对，是
    二级医院, 其中自费药8000, 总共是12万); None where it says nothing."""

    scheme: str | None = None
    status: str | None = None
    level: str | None = None  # l1 / l2 / l3
    filing: str | None = None
    amounts: dict[str, Amount] = field(default_factory=dict)
    ratio: Decimal | None = None
    reduction: Decimal | None = None  # percentage points the user says it is lowered

    def __bool__(self) -> bool:
        return any(
            (self.scheme, self.status, self.level, self.filing, self.amounts)
        ) or (self.ratio is not None or self.reduction is not None)


# A question, not a statement of one's case.
_QUESTION = re.compile(r"[吗嘛么呢？?]|怎么|如何|为什么|是否|能不能|可不可以|哪|多少")


# Words that mark a statement as a correction of the case just estimated.
_CORRECTION_CUE = re.compile(
    r"其实|不对|不是|错了|搞错|应该是|改成|换成|改为|实际上|其中|更正|改一下|纠正"
)
_SHORT_STATEMENT = 10
# A statement about oneself (我没备案，自己跑去外省看的) corrects the case too.
_FIRST_PERSON = re.compile(r"^(我|我们|俺)(是|没|已经|当时|其实|在|也)")


# A correction that is only an amount: 其实是2万8, 改一下，花的是6万5.
_BARE_TOTAL = re.compile(
    r"[\s，,。:：]*(?:一下)?[\s，,。:：]*(?:花的|总共|一共|总额)?(?:是|为)?"
    rf"(?P<amount>[{_NUMERAL}wWkK]+(?:多)?\s*(?:元|块钱|块)?)[\s。！!]*"
)


def _bare_total(text: str) -> Amount | None:
    """The amount a correction consists of, after its cue; None for anything else."""
    match = _BARE_TOTAL.fullmatch(_CORRECTION_CUE.sub("", text, count=1))
    if match is None:
        return None
    try:
        return parse_amount(match.group("amount"))
    except InvalidAmount:
        return None


def correction(text: str) -> Correction:
    """What a statement changes in an estimate's case; nothing for a question. A
    figure named (其中自费药8000, 总共是12万) always counts; the person, the hospital
    or the filing only in a correction (其实我退休了, 不对，是二级医院) or a short
    answer (我退休了), not in a new question about them (退休人员异地住院报销)."""
    text = text or ""
    if _QUESTION.search(text):
        return Correction()
    amounts = stated_amounts(text)
    cued = bool(_CORRECTION_CUE.search(text))
    if cued and not amounts:
        said = _bare_total(text)  # 其实是2万8: the total
        amounts = {"total": said} if said is not None else {}
    figures = Correction(
        amounts=amounts, ratio=stated_ratio(text), reduction=stated_reduction(text)
    )
    if not (cued or len(text) <= _SHORT_STATEMENT or _FIRST_PERSON.match(text)):
        return figures
    status = parse_status(text)
    return replace(
        figures,
        scheme=parse_scheme(text) or (SCHEME_EMPLOYEE if status else None),
        status=status,
        level=parse_level(text),
        filing=parse_filing(text),
    )
