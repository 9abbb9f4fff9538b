"""Rule-based entities from the project's spaCy pipeline, with 参保地/就医地 roles."""

import pytest
import spacy

from zh_nlu.components import DomainEntityExtractor
from zh_nlu.spacy_pipeline import (
    _has_patterns,
    build_pipeline,
    count_patterns_once,
    load_pipeline,
    short_form_in_context,
)


@pytest.fixture(scope="module")
def extractor():
    return DomainEntityExtractor(build_pipeline(), None, None)


def regions(extractor, text):
    return [
        (e["value"], e.get("role"))
        for e in extractor.extract(text)
        if e["entity"] == "region"
    ]


def values(extractor, text, entity):
    return [e["value"] for e in extractor.extract(text) if e["entity"] == entity]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "我是江苏参保的，在上海住院能刷卡吗",
            [("320000", "insured"), ("310000", "treatment")],
        ),
        ("江苏的卡在上海能用吗", [("320000", "insured"), ("310000", "treatment")]),
        (
            "参保地是苏州市，想去杭州看病",
            [("320500", "insured"), ("330100", "treatment")],
        ),
        ("沪医保在苏州能用吗", [("310000", "insured"), ("320500", "treatment")]),
        ("我在上海参保，去成都旅游", [("310000", "insured"), ("510100", "treatment")]),
        ("河南周口的新农合", [("410000", "insured"), ("411600", "insured")]),
        # a hospital the lists do not have: its city is still found
        ("在上海市第八人民医院住院", [("310000", "treatment")]),
        ("那北京呢", [("110000", None)]),
        # nicknames and county-level cities
        (
            "申城的医保卡到京城能不能用",
            [("310000", "insured"), ("110000", "treatment")],
        ),
        (
            "我是羊城的医保，去鹏城看病",
            [("440100", "insured"), ("440300", "treatment")],
        ),
        ("岛城参保，在泉城住院", [("370200", "insured"), ("370100", "treatment")]),
        ("沪上的医保在杭城能用吗", [("310000", "insured"), ("330100", "treatment")]),
        (
            "我在常熟交的医保，到上海看病算不算跨省",
            [("320581", "insured"), ("310000", "treatment")],
        ),
        (
            "江苏苏州常熟的医保在上海能用吗",
            [
                ("320000", "insured"),
                ("320500", "insured"),
                ("320581", "insured"),
                ("310000", "treatment"),
            ],
        ),
        ("老家在安徽阜阳", [("340000", "insured"), ("341200", "insured")]),
    ],
)
def test_regions_and_their_roles(extractor, text, expected):
    assert regions(extractor, text) == expected


def test_a_place_compared_with_is_marked_and_has_no_role(extractor):
    found = [
        e
        for e in extractor.extract(
            "我是南京的职工医保，退休了，在魔都住院为什么报销比例比在南京低"
        )
        if e["entity"] == "region"
    ]
    assert [(e["value"], e.get("role"), e.get("compared")) for e in found] == [
        ("320100", "insured", None),
        ("310000", "treatment", None),
        ("320100", None, True),
    ]


def test_a_city_inside_a_hospital_name_is_found_whatever_jieba_does(extractor):
    assert regions(extractor, "上海市第八人民医院")[0][0] == "310000"


def hospitals(extractor, text):
    return [e["value"] for e in extractor.extract(text) if e["entity"] == "hospital"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # full names and the names people use map to the full name
        ("在上海市第一人民医院住院", ["上海市第一人民医院"]),
        ("我在瑞金医院住院", ["上海交通大学医学院附属瑞金医院"]),
        ("北医三院能直接结算吗", ["北京大学第三医院"]),
        ("去301医院看病", ["中国人民解放军总医院"]),
        ("在中山一院住院", ["中山大学附属第一医院"]),
        # short names other cities' hospitals share stay as said: the city decides
        ("在中山医院住院", ["中山医院"]),
        ("第一人民医院", ["第一人民医院"]),
        # not a hospital of the lists
        ("在县医院住院", []),
    ],
)
def test_hospitals_by_name(extractor, text, expected):
    assert hospitals(extractor, text) == expected


def test_a_listed_hospital_hides_the_city_inside_its_name(extractor):
    assert regions(extractor, "在上海市第一人民医院住院") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("南京的医保", ["320100"]),
        ("京东上买药", []),
        ("我在新农合", []),
        ("新的医院贵不贵", []),
        ("宁可自费", []),
        ("苏打水", []),
        ("在京就医", ["110000"]),
    ],
)
def test_one_character_short_forms_need_a_place_context(extractor, text, expected):
    assert [value for value, _ in regions(extractor, text)] == expected


@pytest.mark.parametrize(
    "text, start", [("来京看病", 1), ("在沪就医", 1), ("苏医保", 0), ("粤", 0)]
)
def test_short_forms_in_a_place_context_count(text, start):
    assert short_form_in_context(text, start, start + 1)


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("已经备案了，在三甲医院", "filing_status", "filed"),
        ("忘了备案怎么办", "filing_status", "not_filed"),
        ("没备案", "filing_status", "not_filed"),
        ("出差急诊住院", "filing_status", "emergency"),
        ("三甲医院", "hospital_level", "3"),
        ("二级医院", "hospital_level", "2"),
        ("社区医院", "hospital_level", "1"),
        ("我是退休职工", "person_status", "retired"),
        ("还没退休", "person_status", "in_service"),
        ("新农合", "insurance_scheme", "resident"),
        ("职工医保", "insurance_scheme", "employee"),
    ],
)
def test_terms(extractor, text, entity, value):
    assert values(extractor, text, entity) == [value]


def test_asking_whether_to_file_is_not_saying_one_has_filed(extractor):
    assert values(extractor, "需要备案了吗", "filing_status") == []


def test_the_pipeline_saves_and_loads(tmp_path):
    build_pipeline().to_disk(tmp_path / "nlp")
    nlp = load_pipeline(tmp_path / "nlp")
    assert [(e.text, e.ent_id_) for e in nlp("在上海住院").ents] == [("上海", "310000")]
    assert nlp.get_pipe("entity_ruler")._require_patterns is _has_patterns


def test_a_ruler_with_patterns_is_counted_once_and_finds_the_same():
    nlp = build_pipeline()
    ruler = nlp.get_pipe("entity_ruler")
    texts = ["我在上海工作，老家周口，住院能报多少", "帝都三甲医院", "在沪就医", "你好"]
    found = [[(e.text, e.label_, e.ent_id_) for e in nlp(t).ents] for t in texts]
    assert ruler._require_patterns is _has_patterns
    del ruler._require_patterns  # spaCy's own check, which counts every pattern
    assert [
        [(e.text, e.label_, e.ent_id_) for e in nlp(t).ents] for t in texts
    ] == found
    assert found[0] and found[1] and found[2] and not found[3]


def test_an_empty_ruler_still_says_it_has_no_patterns():
    nlp = count_patterns_once(spacy.blank("zh"))
    nlp.add_pipe("entity_ruler")
    count_patterns_once(nlp)
    with pytest.warns(UserWarning):  # spaCy's W036: the ruler has no patterns
        nlp("在上海住院")


@pytest.mark.parametrize(
    "text, name",
    [
        ("我在苏洲住院能报吗", "苏洲"),
        ("我是苏洲参保的", "苏洲"),
        ("参保地是杭洲市", "杭洲市"),
        ("我是霍格沃茨市的医保", "霍格沃茨市"),
    ],
)
def test_place_like_names_that_are_no_place_are_reported(extractor, text, name):
    assert values(extractor, text, "region_unknown") == [name]


@pytest.mark.parametrize(
    "text",
    [
        "在家住院",
        "我在外地住院",
        "去大城市看病",
        "在市区的医院",
        "我是农民工",
        "哪些人群能从跨省异地就医中受益",
        "我是外省的",
        "去隔壁市住院",
        "在其他城市看病",
    ],
)
def test_ordinary_words_are_not_reported_as_unknown_places(extractor, text):
    assert values(extractor, text, "region_unknown") == []
    assert regions(extractor, text) == []


def test_loading_the_model_builds_the_gazetteer_before_the_first_message(tmp_path):
    """The server builds the gazetteer when it loads the model (then frozen with
    it), not in the first message's turn."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from zh_nlu import components

    storage, resource = LocalModelStorage(tmp_path), Resource("entities")
    DomainEntityExtractor(build_pipeline(), storage, resource).train(TrainingData())
    components.default_gazetteer.cache_clear()
    context = ExecutionContext(GraphSchema({}), "model")
    DomainEntityExtractor.load({}, storage, resource, context)
    assert components.default_gazetteer.cache_info().currsize == 1
