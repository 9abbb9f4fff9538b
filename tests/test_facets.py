"""The precise point a question asks (its facet), from the words (assistant/facets.py)."""

import pytest

from assistant.facets import facet_of
from assistant.people import patient_of


@pytest.mark.parametrize(
    "text, facet",
    [
        ("备案办完多久能用", "effective"),
        ("备案办好多久能用？", "effective"),
        ("异地备案什么时候生效", "effective"),
        ("备案能用多久", "validity"),
        ("转诊单开了能用多长时间", "validity"),
        ("备案有效期是多久", "validity"),
        ("备案要取消吗", "change"),
        ("异地就医备案怎么变更", "change"),
        ("换个城市要重新备案吗", "change"),
        ("我能替她备案吗", "who"),
        ("我能替我妈办吗？", "who"),
        ("老公的医保卡我能拿去用吗", "who"),
        ("医保卡能借给别人用吗", "who"),
        ("手工报销有期限吗", "time_limit"),
        ("出院多久以内要报销", "time_limit"),
        ("要带什么材料？", "materials"),
        ("需要准备哪些资料", "materials"),
        ("要单位开证明吗？", "materials"),
        ("办了异地备案以后回当地还能刷卡吗", "back_home"),
        ("那我拿我的卡给她买药行吗", "who"),
        ("我爸在我这儿看病，能刷我的医保卡吗", "who"),
        ("我能用我的医保在外地看病吗", "possible"),  # their own card: not for others
        ("在哪里办备案", "where"),
        ("去哪个部门报销", "where"),
        ("为什么外地报销比例低", "why"),
        ("在魔都住院为什么报销比例比在南京低", "why"),
        ("住院花了8万能报多少", "amount"),
        ("起付线是多少", "amount"),
        ("不备案会怎样", "consequence"),
        ("医保钱包怎么开通", "how"),
        ("异地就医备案流程", "how"),
        ("在上海住院能刷卡吗", "possible"),
        ("外地人可以用医保吗", "possible"),
        ("新农合在外地", None),
    ],
)
def test_the_point_asked(text, facet):
    assert facet_of(text) == facet


@pytest.mark.parametrize(
    "text, who",
    [
        ("我妈在我这边住院，我能替她备案吗", "parent"),
        ("我爸退休了想来上海", "parent"),
        ("老公的医保卡我能拿去用吗", "spouse"),
        ("孩子在北京看病能报吗", "child"),
        ("我在上海住院能刷卡吗", None),
    ],
)
def test_who_the_care_is_for(text, who):
    assert patient_of(text) == who


@pytest.mark.parametrize(
    "text, facet",
    [
        ("个人账户划入标准是多少", "computed"),
        ("当年余额怎么算", "computed"),
        ("可以帮哪些家人", "who"),
        ("哪些人可以成为共济对象", "who"),
        ("一次能转多少", "amount"),
        ("什么情况下需要转移", "possible"),
        ("门诊慢特病就医注意什么", "how"),
        ("报销款多久到账", "effective"),
    ],
)
def test_the_points_added_for_real_questions(text, facet):
    assert facet_of(text) == facet
