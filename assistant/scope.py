"""Whether a message is about medical insurance at all: a deterministic guard next to
the intent classifier, which can be sure of the wrong thing for a message with no
insurance word in it (成都普高有哪些学校500分可以上的). Pure, no Rasa."""

from __future__ import annotations

import re

from assistant.text import normalized

_DOMAIN = re.compile(
    "医保|医疗|保险|社保|农合|农村合作|共济|医保钱包|亲情账户|报销|报账|备案|报备|结算|刷卡|卡|参保|缴费|交费|断缴|"
    "医院|住院|门诊|看病|就医|就诊|治病|急诊|抢救|转诊|转院|手术|化疗|透析|生孩子|生育|"
    "药|起付|封顶|比例|自付|自费|垫付|统筹|账户|余额|家庭共济|电子凭证|医保码|"
    "异地|外地|外省|跨省|省内|老家|户籍|户口|居住证|灵活就业|职工|居民|退休|在职|"
    "12393|12333|慢特病|慢性病|特殊病|大病|定点|联网|经办|政策|能报|报多少|"
    "病|医生|诊所|卫生院|材料|资料|证件|身份证|委托|带什么|付了|拿回"
    # miswritten words (报消, 新农和) are corrected before this is read (text.py)
)


# A question about a hospital or a doctor as such (华西大学第四医院是干什么的,
# 协和医院怎么样, 哪个专家好, 怎么挂号): about care, not about paying for it.
_CARE_WORDS = {"医院", "医生", "诊所", "卫生院", "门诊", "看病", "病"}
_ABOUT_THE_PLACE = re.compile(
    "干什么|干嘛|做什么的|是什么医院|介绍|简介|怎么样|好不好|好吗|口碑|排名|排第几|"
    "哪个科|什么科|科室|专家|名医|挂号|预约|地址|在哪|怎么走|怎么去|电话|几点|"
    "公立|私立|民营|莆田"
)


def about_insurance(text: str) -> bool:
    """Whether the text (in simplified or traditional characters) has any word of the
    medical-insurance domain, other than a question about a hospital or a doctor as
    such whose only such words are of care (医院, 医生)."""
    simplified = normalized(text or "")
    found = {match.group() for match in _DOMAIN.finditer(simplified)}
    if not found:
        return False
    return not (found <= _CARE_WORDS and _ABOUT_THE_PLACE.search(simplified))


# Words of medical insurance itself (not of social insurance in general) and of the
# neighbouring schemes a question may mix up with it.
_MEDICAL_INSURANCE = re.compile(
    "医保|医疗保险|新农合|农合|合作医疗|家庭共济|共济|异地就医|备案|报销|慢特病|慢病"
)
_OTHER_SCHEMES = re.compile(
    "养老|退休金|领多少|能领|公积金|失业|工伤|个税|所得税|商业|百万医疗|医疗险|意外险|"
    "重疾|落户|生育津贴|车险|理财"
)


def medical_insurance_question(text: str) -> bool:
    """Whether a message is plainly about basic medical insurance (辞职后医保怎么办,
    哪些人可以成为共济对象), not about pensions, housing funds, commercial cover or
    other schemes: such a message is not declined on the classifier's word alone."""
    simplified = normalized(text or "")
    return bool(_MEDICAL_INSURANCE.search(simplified)) and not _OTHER_SCHEMES.search(
        simplified
    )


def other_scheme(text: str) -> bool:
    """Whether a message is about a neighbouring scheme (a pension, the housing fund,
    unemployment, commercial cover, 落户): never an estimate of a medical bill."""
    return bool(_OTHER_SCHEMES.search(normalized(text or "")))
