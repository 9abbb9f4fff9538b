"""Whether a message is about medical insurance at all: a deterministic guard next to
the intent classifier, which can be sure of the wrong thing for a message with no
insurance word in it (成都普高有哪些学校500分可以上的). Pure, no Rasa."""

from __future__ import annotations

import re

from assistant.text import to_simplified

_DOMAIN = re.compile(
    "医保|医疗|保险|社保|农合|农村合作|报销|报账|备案|报备|结算|刷卡|卡|参保|缴费|交费|断缴|"
    "医院|住院|门诊|看病|就医|就诊|治病|急诊|抢救|转诊|转院|手术|化疗|透析|生孩子|生育|"
    "药|起付|封顶|比例|自付|自费|垫付|统筹|账户|余额|家庭共济|电子凭证|医保码|"
    "异地|外地|外省|跨省|省内|老家|户籍|户口|居住证|灵活就业|职工|居民|退休|在职|"
    "12393|12333|慢特病|慢性病|特殊病|大病|定点|联网|经办|政策|能报|报多少|"
    "病|医生|诊所|卫生院|材料|资料|证件|身份证|委托|带什么|付了|拿回|"
    # the usual misspellings
    "被案|报消|新农和|异地就意"
)


def about_insurance(text: str) -> bool:
    """Whether the text (in simplified or traditional characters) has any word of the
    medical-insurance domain."""
    return bool(_DOMAIN.search(to_simplified(text or "")))
