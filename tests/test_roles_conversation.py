"""Places and their roles as the NLU finds them, turn by turn: the entity extractor's
output goes through the conversation's resolve_regions as the actions use it."""

import pytest

from assistant.conversation import resolve_regions
from zh_nlu.components import DomainEntityExtractor
from zh_nlu.spacy_pipeline import build_pipeline

NANJING, SHANGHAI, BEIJING = "320100", "310000", "110000"
SUZHOU, CHANGSHU, ZHOUKOU, LUOYANG = "320500", "320581", "411600", "410300"


@pytest.fixture(scope="module")
def extractor():
    return DomainEntityExtractor(build_pipeline(), None, None)


def places(extractor, gazetteer, *turns):
    """(insured, treatment) after each turn of one conversation."""
    insured = treatment = None
    after = []
    for text in turns:
        entities = extractor.extract(text)
        insured, treatment = resolve_regions(entities, insured, treatment, gazetteer)
        after.append((insured, treatment))
    return after


@pytest.mark.parametrize(
    "text, insured, treatment",
    [
        (
            "我是南京的职工医保，退休了，在魔都住院为什么报销比例比在南京低",
            NANJING,
            SHANGHAI,
        ),
        ("申城的医保卡到京城能不能用", SHANGHAI, BEIJING),
        ("我在常熟交的医保，到上海看病算不算跨省", CHANGSHU, SHANGHAI),
        ("江苏苏州常熟的医保在上海能用吗", CHANGSHU, SHANGHAI),
        ("河南洛阳的新农合去北京看病", LUOYANG, BEIJING),
        ("老家周口的医保在北京能用吗", ZHOUKOU, BEIJING),
        ("在苏州工作，在上海住院", SUZHOU, SHANGHAI),
        ("南京的，在上海住院", NANJING, SHANGHAI),
        ("我妈在上海住院，她是南京的医保", NANJING, SHANGHAI),
    ],
)
def test_one_message_gives_both_places(extractor, gazetteer, text, insured, treatment):
    assert places(extractor, gazetteer, text) == [(insured, treatment)]


def test_a_follow_up_with_a_place_alone_changes_the_treatment_place(
    extractor, gazetteer
):
    assert places(
        extractor, gazetteer, "我是南京职工医保，在上海住院能直接结算吗", "那北京呢？"
    ) == [(NANJING, SHANGHAI), (NANJING, BEIJING)]


def test_going_home_for_treatment_changes_the_treatment_place(extractor, gazetteer):
    assert places(
        extractor,
        gazetteer,
        "我是南京职工医保，在上海住院能直接结算吗",
        "如果回老家周口看病呢",
        "如果回老家洛阳呢",
    ) == [(NANJING, SHANGHAI), (NANJING, ZHOUKOU), (NANJING, LUOYANG)]


@pytest.mark.parametrize(
    "follow_up", ["我是在苏州参保的", "参保地换成苏州呢", "要是苏州的医保呢"]
)
def test_a_follow_up_naming_the_insured_place_changes_only_that(
    extractor, gazetteer, follow_up
):
    assert places(
        extractor, gazetteer, "我是南京职工医保，在上海住院能直接结算吗", follow_up
    ) == [(NANJING, SHANGHAI), (SUZHOU, SHANGHAI)]


def test_a_follow_up_naming_the_treatment_place_changes_only_that(extractor, gazetteer):
    assert places(
        extractor,
        gazetteer,
        "我是南京职工医保，在上海住院能直接结算吗",
        "就医地改成北京",
        "我是在苏州参保的",
        "去常熟看病呢",
    ) == [
        (NANJING, SHANGHAI),
        (NANJING, BEIJING),
        (SUZHOU, BEIJING),
        (SUZHOU, CHANGSHU),
    ]


def test_a_place_compared_with_changes_nothing(extractor, gazetteer):
    assert places(
        extractor,
        gazetteer,
        "我是南京职工医保，在上海住院能直接结算吗",
        "为什么比在南京住院报得少",
    ) == [(NANJING, SHANGHAI), (NANJING, SHANGHAI)]
