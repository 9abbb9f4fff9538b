"""The scripted conversations the load generator (bench/load.py) has with the
assistant: questions with follow-ups, and estimates that walk the form turn by turn.

Each turn says what the user sends (a message, or the title of a button of the
previous reply, whose payload is sent as a web user's click would) and the phrases
the reply must hold (`expect`) and must not hold (`avoid`). The phrasings are written
for the load test; they are not the held-out evaluation questions of ../shared/eval.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

QUESTION = "question"
ESTIMATE = "estimate"


@dataclass(frozen=True)
class Turn:
    """One user turn and what its reply must (and must not) contain."""

    message: str = ""
    button: str | None = None
    expect: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    """A conversation a simulated user has, from its first message to its last."""

    name: str
    kind: str
    turns: tuple[Turn, ...]


def say(message: str, *expect: str, avoid: tuple[str, ...] = ()) -> Turn:
    """A typed message and the phrases its reply must contain."""
    return Turn(message=message, expect=expect, avoid=avoid)


def click(title: str, *expect: str, avoid: tuple[str, ...] = ()) -> Turn:
    """A click on the previous reply's button with this title."""
    return Turn(button=title, expect=expect, avoid=avoid)


# The estimate form's questions, in the order the form asks them.
ASK_PLACE = "在哪里参保"
ASK_SCHEME = "职工医保，还是城乡居民医保"
ASK_STATUS = "在职还是退休"
ASK_LEVEL = "几级医院"
ASK_FILING = "备案的情况"
ASK_TOTAL = "总共花了多少钱"
ASK_DEDUCTIBLE = "住院起付线"
ASK_AVERAGE = "下面按全国平均粗算"
CHANNEL = "12393"

QUESTION_SCRIPTS: tuple[Script, ...] = (
    Script(
        "card_then_retired_then_beijing",
        QUESTION,
        (
            say(
                "我的江苏医保卡到上海看病能直接刷吗",
                "能用",
                "江苏参保、在上海看病",
                CHANNEL,
            ),
            say("那如果我是退休的呢", "能用", "以江苏医保答复为准"),
            say("换成北京呢", "能用", "以江苏医保答复", avoid=("【上海】",)),
        ),
    ),
    Script(
        "card_then_emergency_button",
        QUESTION,
        (
            say("浙江医保卡在广州能用吗", "能用", "以浙江医保答复"),
            click("急诊抢救", "急诊抢救：视同已备案", avoid=("未备案：",)),
            say("要带什么材料？", "医保电子凭证", "身份证"),
        ),
    ),
    Script(
        "filing_how_then_materials",
        QUESTION,
        (
            say("异地备案要怎么弄", "国家医保服务平台", "参保地"),
            say("需要准备哪些材料", "身份证", "承诺书"),
            say("谢谢", "不客气"),
        ),
    ),
    Script(
        "forgot_filing_then_place",
        QUESTION,
        (
            say("住院之前忘记备案了怎么办", "补办备案", "手工报销"),
            say("我是合肥参保的", "补办备案", "【安徽】"),
            say("再见", "再见"),
        ),
    ),
    Script(
        "emergency_while_travelling",
        QUESTION,
        (
            say("出门旅游突然生病要急诊怎么办", "视同已备案", "急诊病历"),
            say("垫付的钱回去怎么报", "手工报销"),
        ),
    ),
    Script(
        "ratio_lower_then_place_then_retired",
        QUESTION,
        (
            say("为啥在外地看病报得比老家少", "就医地目录、参保地政策", "低10个百分点"),
            say("我是杭州职工医保", "【杭州·职工医保（在职）·住院】"),
            say("那如果我是退休的呢", "【杭州·职工医保（退休）·住院】"),
        ),
    ),
    Script(
        "ratio_with_places_then_beijing",
        QUESTION,
        (
            say("杭州职工医保到上海住院能报多少比例", "【杭州·职工医保（在职）·住院】"),
            say("换成北京呢", "【北京·职工医保（在职）·住院】"),
        ),
    ),
    Script(
        "pharmacy_chronic_drugs",
        QUESTION,
        (
            say("慢性病的药能在外地药店买吗", "定点药店", "门诊慢特病"),
            say("没备案能买吗", "补办备案"),
        ),
    ),
    Script(
        "manual_claim_then_materials",
        QUESTION,
        (
            say("自己先垫钱了回去怎么报销", "手工报销", "发票原件"),
            say("我是上海参保的", "【上海】", "6个月"),
            say("都要带哪些材料", "手工报销", "以上海医保答复"),
        ),
    ),
    Script(
        "greeting_rural_coop_out_of_scope",
        QUESTION,
        (
            say("你好", "异地医保助手"),
            say("我是河南周口的新农合，在郑州住院了，要备案吗", "省内异地就医"),
            say("今天天气怎么样", "不在我能回答的范围内"),
        ),
    ),
)

ESTIMATE_SCRIPTS: tuple[Script, ...] = (
    Script(
        "form_employee_referral",
        ESTIMATE,
        (
            say("帮我算算能报多少", ASK_PLACE),
            say("杭州", ASK_SCHEME),
            say("职工医保", ASK_STATUS),
            say("在职", ASK_LEVEL),
            say("二级", ASK_FILING),
            say("转诊备案", ASK_TOTAL),
            say(
                "3万",
                "【估算】杭州职工医保（在职），二级医院，转诊备案",
                "得21,830～24,780元",
            ),
        ),
    ),
    Script(
        "form_buttons_emergency",
        ESTIMATE,
        (
            say("能帮我算一下报销多少吗", ASK_PLACE),
            say("广州", ASK_SCHEME),
            click("职工医保", ASK_STATUS),
            click("在职", ASK_LEVEL),
            click("三级", ASK_FILING),
            click("急诊抢救", ASK_TOTAL),
            say(
                "8万",
                "【估算】广州职工医保（在职），三级医院",
                "得55,300～63,200元",
            ),
        ),
    ),
    Script(
        "form_users_own_figures",
        ESTIMATE,
        (
            say("我想知道住院费能报多少", ASK_PLACE),
            say("苏州", ASK_SCHEME),
            say("职工医保", ASK_STATUS),
            say("退休", ASK_LEVEL),
            say("三甲", ASK_FILING),
            say("长期居住备案", ASK_TOTAL),
            # 苏州 has no figures: the national range, and one question for theirs
            say(
                "6万",
                "【估算】苏州职工医保（退休）",
                ASK_AVERAGE,
                avoid=(ASK_DEDUCTIBLE,),
            ),
            say(
                "起付线1200元，报销比例85%",
                "【估算】苏州职工医保（退休），三级医院",
                "起付线1,200元、报销比例85%（你提供的数字）",
                "得49,980元",
            ),
        ),
    ),
    Script(
        "form_resident_unknown_figures",
        ESTIMATE,
        (
            say("想估算一下住院能报销多少钱", ASK_PLACE),
            say("河南郑州", ASK_SCHEME),
            say("城乡居民医保", ASK_LEVEL, avoid=(ASK_STATUS,)),
            say("二级", ASK_FILING),
            say("转诊", ASK_TOTAL),
            # 郑州's resident figures are unknown: the labelled national range at once
            say(
                "三万五",
                "【估算】郑州城乡居民医保",
                "不是郑州的规定",
                avoid=(ASK_DEDUCTIBLE, "算不出"),
            ),
        ),
    ),
    Script(
        "form_with_a_question_on_the_way",
        ESTIMATE,
        (
            say("帮我算算能报多少", ASK_PLACE),
            say("杭州", ASK_SCHEME),
            say("那要怎么备案", "浙里办", ASK_SCHEME),
            say("城乡居民医保", ASK_LEVEL),
            say("三级", ASK_FILING),
            say("其他临时外出就医", ASK_TOTAL),
            say("4万2", "【估算】杭州城乡居民医保，三级医院", "得20,600～28,840元"),
        ),
    ),
    Script(
        "form_with_own_bill_split",
        ESTIMATE,
        (
            say("帮我估一下报销金额", ASK_PLACE),
            say("广州", ASK_SCHEME),
            say("职工", ASK_STATUS),
            say("退休", ASK_LEVEL),
            say("三级医院", ASK_FILING),
            say("随子女定居", ASK_TOTAL),
            say(
                "总共5万，自费3000",
                "【估算】广州职工医保（退休），三级医院",
                "减去目录外自费3,000元",
                "得39,560元",
            ),
        ),
    ),
    Script(
        "one_message_then_corrections",
        ESTIMATE,
        (
            say(
                "我是广州参保的职工医保，已经退休，在北京三级医院住院花了六万，"
                "办了长期居住备案，能报多少",
                "【估算】广州职工医保（退休），三级医院",
                "得50,740元",
            ),
            say("不对，是二级医院", "【估算】广州职工医保（退休），二级医院"),
            say("其实我还在上班", "【估算】广州职工医保（在职），二级医院"),
        ),
    ),
    Script(
        "form_cancelled",
        ESTIMATE,
        (
            say("算一下我能报多少", ASK_PLACE),
            say("广州", ASK_SCHEME),
            say("算了", "不算了"),
            say("医保卡在外地能用吗", "能用", "以广州医保答复"),
        ),
    ),
)

SCRIPTS: tuple[Script, ...] = QUESTION_SCRIPTS + ESTIMATE_SCRIPTS


def pick(
    rng: random.Random,
    estimate_share: float = 0.4,
    scripts: Sequence[Script] = SCRIPTS,
) -> Script:
    """A script drawn at random: an estimate with probability `estimate_share`
    (when there are any), otherwise a question conversation."""
    estimates = [s for s in scripts if s.kind == ESTIMATE]
    questions = [s for s in scripts if s.kind != ESTIMATE]
    if estimates and (not questions or rng.random() < estimate_share):
        return rng.choice(estimates)
    return rng.choice(questions)
