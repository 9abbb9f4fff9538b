"""The 参保地/就医地 role of each place in a sentence, by rules alone (no NLU model):
each mention is given as the name it is written with, in order."""

import pytest

from assistant.roles import region_role, region_roles

INS, TRT, CMP = "insured", "treatment", "compared"


def roles(text, *names):
    spans, start = [], 0
    for name in names:
        start = text.index(name, start)
        spans.append((start, start + len(name)))
        start += len(name)
    return region_roles(text, spans)


@pytest.mark.parametrize(
    "text, names, expected",
    [
        # the failures
        (
            "我是南京的职工医保，退休了，在魔都住院为什么报销比例比在南京低",
            ["南京", "魔都", "南京"],
            [INS, TRT, CMP],
        ),
        ("申城的医保卡到京城能不能用", ["申城", "京城"], [INS, TRT]),
        ("我在常熟交的医保，到上海看病算不算跨省", ["常熟", "上海"], [INS, TRT]),
        # X的医保, X医保, X参保, 在X交的医保, X的职工医保, 户口在X
        ("南京的医保去上海住院", ["南京", "上海"], [INS, TRT]),
        ("张家港医保去苏州住院", ["张家港", "苏州"], [INS, TRT]),
        ("义乌参保的，到杭州做手术", ["义乌", "杭州"], [INS, TRT]),
        ("在南京交的医保", ["南京"], [INS]),
        ("河南的职工医保", ["河南"], [INS]),
        ("户口在安徽，在杭州住院", ["安徽", "杭州"], [INS, TRT]),
        ("老家周口的医保在郑州能用吗", ["周口", "郑州"], [INS, TRT]),
        ("我是在苏州参保的", ["苏州"], [INS]),
        # whose insurance: 我的医保在河南; the card used there: 医保卡在上海能用吗
        ("医保在河南，人在上海，住院怎么报", ["河南", "上海"], [INS, TRT]),
        ("在上海打工，医保是河南的", ["上海", "河南"], [TRT, INS]),
        ("在北京生孩子，医保在天津", ["北京", "天津"], [TRT, INS]),
        ("我的医保卡在上海能用吗", ["上海"], [TRT]),
        ("南京医保卡在上海", ["南京", "上海"], [INS, TRT]),
        # treated where one goes, stays or is in hospital
        ("在上海生孩子", ["上海"], [TRT]),
        ("我妈在周口，我是上海的医保，她能用吗", ["周口", "上海"], [TRT, INS]),
        ("如果回老家周口看病呢", ["周口"], [TRT]),
        ("如果回老家周口呢", ["周口"], [TRT]),
        ("回阜阳住院能报吗", ["阜阳"], [TRT]),
        ("老家周口，在郑州定居", ["周口", "郑州"], [INS, TRT]),
        # going back home to claim the money: where one is insured
        ("在上海看病自费回安徽报销", ["上海", "安徽"], [TRT, INS]),
        ("垫了两万多，回聊城怎么报销", ["聊城"], [INS]),
        ("从苏州辞职回合肥，中间空了两个月没交医保", ["苏州", "合肥"], [None, None]),
        # enrolling somewhere: the insured place
        ("外地户口能在深圳交医保吗", ["深圳"], [INS]),
        ("外地户口在深圳交医保", ["深圳"], [INS]),
        # an outsider there: where the care is, whatever follows
        ("外地患者在北京医保怎么用啊", ["北京"], [TRT]),
        # living there
        ("长沙长期居住异地怎么办理异地就医", ["长沙"], [TRT]),
        ("外省人在上海医保卡能刷吗", ["上海"], [TRT]),
        ("我能在南京参加居民医保吗", ["南京"], [INS]),
        ("我在厦门打工想自己交医保，能在厦门交吗", ["厦门", "厦门"], [INS, INS]),
        ("之前在上海办的备案怎么取消", ["上海"], [TRT]),
        # a follow-up that names the role it changes
        ("参保地换成苏州呢", ["苏州"], [INS]),
        ("就医地改成杭州", ["杭州"], [TRT]),
        ("那北京呢", ["北京"], [None]),
    ],
)
def test_roles_from_the_words_around_each_place(text, names, expected):
    assert roles(text, *names) == expected


@pytest.mark.parametrize(
    "text, names, expected",
    [
        ("和南京比，上海报得少", ["南京", "上海"], [CMP, None]),
        ("上海比南京报销比例高吗", ["上海", "南京"], [None, CMP]),
        ("为什么在上海住院比在南京住院报得少", ["上海", "南京"], [TRT, CMP]),
        ("在魔都住院，跟在南京一样吗", ["魔都", "南京"], [TRT, CMP]),
        ("与南京相比，在上海住院报得少", ["南京", "上海"], [CMP, TRT]),
        # 和 that joins, not compares
        ("在上海和北京住院", ["上海", "北京"], [TRT, TRT]),
    ],
)
def test_a_place_compared_with_is_marked_so_and_has_no_role(text, names, expected):
    assert roles(text, *names) == expected


@pytest.mark.parametrize(
    "text, names, expected",
    [
        # where one works is where one sees a doctor ...
        ("户口在安徽，在杭州打工，生病了怎么报", ["安徽", "杭州"], [INS, TRT]),
        ("老家周口，在郑州打工，生病了", ["周口", "郑州"], [INS, TRT]),
        # ... unless the sentence names the treatment place: then it says nothing
        ("在苏州工作，在上海住院", ["苏州", "上海"], [None, TRT]),
        (
            "我在杭州上班，老家在安徽阜阳，回阜阳住院能报吗",
            ["杭州", "安徽", "阜阳", "阜阳"],
            [None, INS, INS, TRT],
        ),
    ],
)
def test_where_one_works_is_the_treatment_place_only_if_no_other_is_named(
    text, names, expected
):
    assert roles(text, *names) == expected


@pytest.mark.parametrize(
    "text, names, expected",
    [
        # written together: the nested places share the role
        ("河南周口的新农合", ["河南", "周口"], [INS, INS]),
        (
            "江苏苏州常熟的医保在上海能用吗",
            ["江苏", "苏州", "常熟", "上海"],
            [INS, INS, INS, TRT],
        ),
        ("我是河北保定的", ["河北", "保定"], [INS, INS]),
        ("去河南洛阳看病", ["河南", "洛阳"], [TRT, TRT]),
        # joined by 和/或
        ("在上海和北京都住过院，江苏医保", ["上海", "北京", "江苏"], [TRT, TRT, INS]),
        ("去上海或者杭州看病", ["上海", "杭州"], [TRT, TRT]),
    ],
)
def test_places_written_together_or_joined_share_a_role(text, names, expected):
    assert roles(text, *names) == expected


def test_one_mention_alone():
    assert region_role("我是江苏参保的，在上海住院", 2, 4) == INS
    assert region_role("我是江苏参保的，在上海住院", 9, 11) == TRT
    assert region_roles("", []) == []


@pytest.mark.parametrize(
    "text, names, expected",
    [
        ("衡阳异地就医如何报销?", ["衡阳"], [INS]),
        ("西安医保用户外地住院能直接结算吗", ["西安"], [INS]),
        ("赣州哪些人员可以异地就医直接结算", ["赣州"], [INS]),
        (
            "清远医保异地住院备案 清远市跨省就医怎么备案?",
            ["清远", "清远市"],
            [INS, INS],
        ),
        ("苏州的天气怎么样", ["苏州"], [None]),  # no word of care elsewhere
        (
            "在常州上班,回老家住院,请问可以回常州报医保吗",
            ["常州", "常州"],
            [INS, INS],
        ),
    ],
)
def test_one_place_in_a_question_about_care_elsewhere_is_the_insured_one(
    text, names, expected
):
    assert roles(text, *names) == expected
