"""The policy knowledge base: the real tree loads and validates; a tiny one in tmp_path
shows that each kind of mistake fails fast, naming the file and the field."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from assistant.knowledge.loader import (
    POLICIES_DIR,
    KnowledgeBaseError,
    load_knowledge_base,
)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_the_real_knowledge_base_loads(kb):
    assert len(kb.topics) >= 25
    assert all(fact.source.title for fact in kb.facts.values())
    assert all(fact.checked for fact in kb.facts.values())


def test_every_question_intent_in_the_domain_has_a_topic(kb):
    domain = yaml.safe_load(
        (POLICIES_DIR.parent / "domain.yml").read_text(encoding="utf-8")
    )
    questions = [i for i in domain["intents"] if i.startswith("ask_")]
    assert sorted(i for i in questions if kb.topic_for_intent(i) is None) == []


@pytest.mark.parametrize(
    "fact_id, must_say",
    [
        ("emergency_deemed_filed", "视同已备案"),
        ("filing_validity_temporary", "不少于6个月"),
        ("filing_validity_long_term", "长期有效"),
        ("temporary_reduction", "10个百分点"),
        ("temporary_reduction", "20个百分点"),
        ("show_identity", "医保电子凭证"),
    ],
)
def test_the_current_rule_not_the_source_articles_mistake(kb, fact_id, must_say):
    assert must_say in kb.facts[fact_id].statement


def test_the_mistakes_of_the_source_articles_are_not_stated(kb):
    texts = [f.statement for f in kb.facts.values()] + [
        " ".join((t.direct, *t.steps, *(t.cases or {}).values()))
        for t in kb.topics.values()
    ]
    for wrong in ("3个工作日内补办", "有效期1年", "非电子凭证", "45%"):
        assert not any(wrong in text for text in texts), wrong


def test_region_facts_belong_to_known_regions(kb):
    shanghai = kb.region_facts("310000", "enrol_outsider", "treatment")
    assert {f.id for f in shanghai} >= {"shanghai_flexible_employment"}
    assert kb.region_facts("310000", "manual_claim", "treatment") == []
    assert [f.id for f in kb.region_facts("310000", "manual_claim", "insured")] == [
        "shanghai_claim_deadline"
    ]


def test_materials_follow_the_question_then_the_context(kb):
    assert kb.materials_topic("报销要带什么", None).id == "manual_claim_materials"
    assert (
        kb.materials_topic("要带什么材料", "manual_claim").id
        == "manual_claim_materials"
    )
    assert kb.materials_topic("要带什么材料", "enrol_outsider").id == "enrol_materials"
    assert kb.materials_topic("要带什么材料", None).id == "filing_materials"


@pytest.fixture
def tiny(tmp_path):
    """A minimal valid knowledge base: one source, one fact, one topic."""
    root = tmp_path / "policies"
    shutil.copytree(POLICIES_DIR / "schema", root / "schema")
    (root / "regions").mkdir()
    write(
        root / "sources.yml",
        {
            "sources": {
                "doc": {
                    "title": "某某通知",
                    "kind": "policy_document",
                    "issued": "2022-06-30",
                }
            }
        },
    )
    write(
        root / "national.yml",
        {
            "facts": [
                {
                    "id": "rule",
                    "statement": "临时备案有效期原则上不少于6个月。",
                    "source": "doc",
                    "effective": "2022-06-30",
                    "checked": "2026-11-24",
                    "recheck_days": 180,
                    "confidence": "high",
                }
            ]
        },
    )
    real = yaml.safe_load((POLICIES_DIR / "topics.yml").read_text(encoding="utf-8"))
    shared = {
        k: v for k, v in real.items() if k not in ("topics", "materials_keywords")
    }
    write(
        root / "topics.yml",
        {
            **shared,
            "topics": [
                {
                    "id": "validity",
                    "title": "有效期",
                    "intents": ["ask_filing_validity"],
                    "direct": "不少于6个月。",
                    "steps": ["到期重新备案。"],
                    "channel": "insured",
                    "facts": ["rule"],
                }
            ],
        },
    )
    write(
        root / "facets.yml",
        {
            "facets": {"validity": "能用多久", "how": "怎么办理"},
            "units": [
                {
                    "topic": "validity",
                    "facet": "validity",
                    "direct": "临时备案不少于6个月。",
                    "steps": [],
                    "facts": ["rule"],
                }
            ],
        },
    )
    return root


def write(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    write(path, data)


def test_a_tiny_knowledge_base_loads(tiny):
    kb = load_knowledge_base(tiny)
    assert kb.topic_for_intent("ask_filing_validity").id == "validity"
    assert kb.facts["rule"].source.citation == "《某某通知》"


def fails(root, pattern):
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(root)
    assert re.search(pattern, str(error.value)), str(error.value)


def test_a_fact_without_a_source_names_file_and_field(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].pop("source"))
    fails(tiny, r"national\.yml: facts\.0: 'source' is a required property")


def test_a_fact_with_an_unknown_source(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(source="nowhere"))
    fails(tiny, r"national\.yml: facts\.0 \(rule\)\.source: unknown source 'nowhere'")


def test_a_bad_date(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(effective="2022-13-45"))
    fails(tiny, r"national\.yml: facts\.0\.effective: .*date")


def test_a_bad_confidence(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(confidence="sure"))
    fails(tiny, r"national\.yml: facts\.0\.confidence")


def test_a_topic_that_invents_a_number(tiny):
    edit(tiny / "topics.yml", lambda d: d["topics"][0].update(direct="不少于12个月。"))
    fails(
        tiny,
        r"topics\.yml: topics\.0 \(validity\): the number 12 .* stands in none of its facts",
    )


def test_a_topic_citing_an_unknown_fact(tiny):
    edit(tiny / "topics.yml", lambda d: d["topics"][0].update(facts=["ghost"]))
    fails(tiny, r"topics\.yml: topics\.0 \(validity\)\.facts: unknown fact 'ghost'")


def test_two_topics_for_one_intent(tiny):
    def duplicate(d):
        d["topics"].append(dict(d["topics"][0], id="again"))

    edit(tiny / "topics.yml", duplicate)
    fails(tiny, r"'ask_filing_validity' is already answered by topic 'validity'")


def test_a_region_file_for_an_unknown_place(tiny):
    fact = yaml.safe_load((tiny / "national.yml").read_text(encoding="utf-8"))["facts"][
        0
    ]
    write(
        tiny / "regions" / "atlantis.yml",
        {
            "region": "亚特兰蒂斯",
            "facts": [dict(fact, id="x", topics=["validity"], role="any")],
        },
    )
    fails(tiny, r"atlantis\.yml: region: '亚特兰蒂斯' is not a known region")


def test_a_duplicate_fact_id_across_files(tiny):
    fact = yaml.safe_load((tiny / "national.yml").read_text(encoding="utf-8"))["facts"][
        0
    ]
    write(
        tiny / "regions" / "shanghai.yml",
        {"region": "上海", "facts": [dict(fact, topics=["validity"], role="any")]},
    )
    fails(
        tiny, r"shanghai\.yml: facts\.0\.id: 'rule' is already defined in national\.yml"
    )


def test_broken_yaml(tiny):
    (tiny / "sources.yml").write_text("sources: [unclosed", encoding="utf-8")
    fails(tiny, r"sources\.yml: cannot be read as YAML")


def test_every_target_city_has_every_parameter_group_known_or_explicitly_unknown(
    kb, gazetteer
):
    from assistant.knowledge.report import coverage_rows, load_coverage

    coverage = load_coverage()
    rows = coverage_rows(kb, gazetteer, coverage)
    assert len(rows) == 36
    assert [row[0] for row in rows if "MISSING" in row] == []


def test_every_known_number_has_a_source_a_year_and_a_confidence(kb):
    for entry in kb.parameters.values():
        if entry.known:
            assert entry.source and entry.year and entry.confidence, entry.id


GOOD_PARAMETER = {
    "id": "x_ratio",
    "care": "inpatient",
    "scheme": "employee",
    "status": "any",
    "kind": "ratio",
    "known": True,
    "by_level": {"l1": 0.9, "l3": 0.8},
    "source": "doc",
    "year": "2023",
    "checked": "2026-11-24",
    "recheck_days": 180,
    "confidence": "medium",
}


def with_parameter(root, region="广州", code=None, **change):
    entry = {k: v for k, v in {**GOOD_PARAMETER, **change}.items() if v is not None}
    data = {"region": region, "parameters": [entry]}
    if code:
        data["code"] = code
    write(root / "regions" / f"{entry['id']}.yml", data)


def test_a_valid_parameter_loads(tiny):
    with_parameter(tiny)
    kb = load_knowledge_base(tiny)
    assert (
        kb.parameter("440100", "employee", "ratio", "retired").level_value("l3") == 0.8
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"by_level": {"l3": 80}}, r"ratio 80 is not between 0 and 1"),
        ({"source": "nowhere"}, r"\.source: unknown source 'nowhere'"),
        ({"source": None}, r"'source' is a required property"),
        ({"year": None}, r"'year' is a required property"),
        ({"confidence": None}, r"'confidence' is a required property"),
        ({"known": False}, r"'note' is a required property"),
        (
            {"known": False, "note": "未找到"},
            r"should not be valid",
        ),  # numbers though unknown
        (
            {"kind": "deductible", "by_level": {"l1": 300}},
            r"'per' is a required property",
        ),
        ({"kind": "annual_cap", "by_level": None}, r"'value' is a required property"),
        ({"by_level": {"l4": 0.5}}, r"'l4' was unexpected"),
        (
            {
                "by_level": None,
                "bands": [
                    {"from": 0, "to": 40000, "by_level": {"all": 0.8}},
                    {"from": 30000, "to": None, "by_level": {"all": 0.9}},
                ],
            },
            r"bands\.1: overlaps the band before it",
        ),
        (
            {
                "by_level": None,
                "bands": [{"from": 5000, "to": 1000, "by_level": {"all": 0.8}}],
            },
            r"bands\.0: 'to' is not above 'from'",
        ),
    ],
)
def test_each_rule_on_parameters_has_a_failing_case(tiny, change, message):
    with_parameter(tiny, **change)
    fails(tiny, r"x_ratio\.yml: parameters\.0.*" + message.lstrip("r"))


def test_a_region_code_that_does_not_match_the_division_data(tiny):
    with_parameter(tiny, code="110000")
    fails(tiny, r"code: '110000' is not the code of 广州 \(440100\)")


def test_an_ambiguous_region_name(tiny):
    with_parameter(tiny, region="朝阳")
    fails(tiny, r"region: '朝阳' is not a known region \(the name is ambiguous\)")


def test_two_files_for_one_region(tiny):
    with_parameter(tiny)
    with_parameter(tiny, id="y_ratio")
    fails(tiny, r"region: '广州' already has a file, x_ratio\.yml")


def hospital_list(city="上海", **hospital):
    entry = {
        "name": "上海交通大学医学院附属瑞金医院",
        "aliases": ["瑞金医院"],
        "level": "l3",
        "grade": "甲等",
        "source": "doc",
        "confidence": "medium",
    }
    entry.update(hospital)
    return {
        "city": city,
        "checked": "2026-11-24",
        "recheck_days": 365,
        "hospitals": [entry],
    }


@pytest.fixture
def with_hospitals(tiny):
    (tiny / "hospitals").mkdir()
    write(tiny / "hospitals" / "shanghai.yml", hospital_list())
    return tiny


def test_a_hospital_list_maps_names_to_city_and_level(with_hospitals):
    kb = load_knowledge_base(with_hospitals)
    [ruijin] = kb.hospitals_named("瑞金医院")
    assert (ruijin.city, ruijin.level, ruijin.grade) == ("310000", "l3", "甲等")
    assert kb.hospitals_named("上海交通大学医学院附属瑞金医院") == [ruijin]
    assert ruijin.source.citation == "《某某通知》"


def test_a_shared_short_name_is_settled_by_the_city(with_hospitals):
    write(
        with_hospitals / "hospitals" / "beijing.yml",
        hospital_list("北京", name="北京市第一人民医院", aliases=["第一人民医院"]),
    )
    edit(
        with_hospitals / "hospitals" / "shanghai.yml",
        lambda d: d["hospitals"].append(
            dict(d["hospitals"][0], name="上海市第一人民医院", aliases=["第一人民医院"])
        ),
    )
    kb = load_knowledge_base(with_hospitals)
    assert len(kb.hospitals_named("第一人民医院")) == 2
    [beijing] = kb.hospitals_named("第一人民医院", ["110000"])
    assert beijing.name == "北京市第一人民医院"


def test_a_hospital_with_an_unknown_source(with_hospitals):
    write(with_hospitals / "hospitals" / "shanghai.yml", hospital_list(source="web"))
    fails(
        with_hospitals, r"shanghai\.yml: hospitals\.0 \(.*瑞金医院\)\.source: unknown"
    )


def test_a_hospital_with_a_made_up_level(with_hospitals):
    write(with_hospitals / "hospitals" / "shanghai.yml", hospital_list(level="三甲"))
    fails(with_hospitals, r"shanghai\.yml: hospitals\.0\.level")


def test_a_hospital_listed_twice(with_hospitals):
    write(with_hospitals / "hospitals" / "beijing.yml", hospital_list("北京"))
    fails(
        with_hospitals, r"shanghai\.yml: hospitals\.0 .*already listed in beijing\.yml"
    )


def test_an_alias_that_is_another_hospitals_name(with_hospitals):
    write(
        with_hospitals / "hospitals" / "beijing.yml",
        hospital_list(
            "北京", name="北京协和医院", aliases=["上海交通大学医学院附属瑞金医院"]
        ),
    )
    fails(with_hospitals, r"北京协和医院\.aliases: .* is the full name of another")


@pytest.mark.parametrize(
    "city, message",
    [("亚特兰蒂斯", "is not a known city"), ("江苏", "is a province")],
)
def test_a_hospital_list_for_a_place_that_is_not_a_city(with_hospitals, city, message):
    write(with_hospitals / "hospitals" / "shanghai.yml", hospital_list(city))
    fails(with_hospitals, rf"shanghai\.yml: city: .*{message}")


def test_two_lists_for_one_city(with_hospitals):
    write(
        with_hospitals / "hospitals" / "shanghai2.yml",
        hospital_list(name="复旦大学附属华山医院", aliases=[]),
    )
    fails(
        with_hospitals,
        r"shanghai2\.yml: city: 上海市 already has a list, shanghai\.yml",
    )


def national_fact(tiny, **change):
    path = tiny / "national.yml"
    fact = yaml.safe_load(path.read_text(encoding="utf-8"))["facts"][0]
    return dict(fact, **change)


def test_a_provinces_service_facts_known_and_unknown(tiny):
    channels = national_fact(
        tiny,
        id="js_apps",
        kind="filing_channels",
        role="insured",
        statement="江苏参保人可以用江苏医保云办理备案。",
    )
    unknown = {"kind": "hotline", "checked": "2026-11-24", "note": "没有找到可靠来源"}
    write(
        tiny / "regions" / "jiangsu.yml",
        {"region": "江苏", "services": [channels], "unknown": [unknown]},
    )
    kb = load_knowledge_base(tiny)
    assert [f.id for f in kb.service("320000", "filing_channels")] == ["js_apps"]
    assert kb.service("320000", "hotline") == []
    assert kb.service("330000", "hotline") is None


def test_a_service_both_known_and_unknown(tiny):
    channels = national_fact(tiny, id="js_apps", kind="hotline", role="insured")
    unknown = {"kind": "hotline", "checked": "2026-11-24", "note": "没有找到可靠来源"}
    write(
        tiny / "regions" / "jiangsu.yml",
        {"region": "江苏", "services": [channels], "unknown": [unknown]},
    )
    fails(
        tiny,
        r"jiangsu\.yml: unknown: 'hotline' is recorded as unknown and also has a fact",
    )


def test_a_region_fact_without_topics_or_kind(tiny):
    write(
        tiny / "regions" / "jiangsu.yml",
        {"region": "江苏", "facts": [national_fact(tiny, id="js", role="insured")]},
    )
    fails(
        tiny, r"jiangsu\.yml: facts\.0 \(js\): a region fact needs 'role' and 'topics'"
    )


def test_a_national_fact_with_a_kind(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(kind="hotline"))
    fails(tiny, r"national\.yml: facts\.0 \(rule\)\.kind: only a region's facts")


def test_a_service_fact_without_a_kind(tiny):
    write(
        tiny / "regions" / "jiangsu.yml",
        {"region": "江苏", "services": [national_fact(tiny, id="js", role="insured")]},
    )
    fails(tiny, r"jiangsu\.yml: services\.0 \(js\): a service fact needs a 'kind'")


def test_a_service_fact_with_a_bad_field_is_named_as_a_service(tiny):
    fact = national_fact(tiny, id="js", role="insured", kind="hotline", confidence="?")
    write(tiny / "regions" / "jiangsu.yml", {"region": "江苏", "services": [fact]})
    fails(tiny, r"jiangsu\.yml: services\.0\.confidence")


def test_an_undated_fact_must_say_why(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(effective=None))
    fails(tiny, r"national\.yml: facts\.0: 'effective_note' is a required property")
    edit(
        tiny / "national.yml",
        lambda d: d["facts"][0].update(effective_note="页面未注明日期"),
    )
    assert load_knowledge_base(tiny).facts["rule"].effective is None


def test_a_value_the_calculator_uses_must_stand_in_the_statement(tiny):
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(values={"months": 6}))
    assert load_knowledge_base(tiny).facts["rule"].values == {"months": 6}
    edit(tiny / "national.yml", lambda d: d["facts"][0].update(values={"months": 12}))
    fails(tiny, r"national\.yml: facts\.0 \(rule\)\.values\.months: 12 does not stand")


def test_a_source_without_its_kind(tiny):
    edit(tiny / "sources.yml", lambda d: d["sources"]["doc"].pop("kind"))
    with pytest.raises(KnowledgeBaseError, match=r"sources\.yml.*'kind' is a required"):
        load_knowledge_base(tiny)


def test_a_unit_is_found_by_topic_and_facet(tiny):
    kb = load_knowledge_base(tiny)
    topic = kb.topics["validity"]
    assert kb.unit(topic, "validity").direct == "临时备案不少于6个月。"
    assert kb.unit(topic, "how").direct == "不少于6个月。"  # no unit: the summary
    assert kb.unit(topic, None).direct == "不少于6个月。"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["units"][0].update(topic="nowhere"), "unknown topic"),
        (lambda d: d["units"][0].update(facet="colour"), "unknown facet"),
        (lambda d: d["units"][0].update(facts=["missing"]), "unknown fact 'missing'"),
        (lambda d: d["units"][0].update(direct="有效期12个月。"), "the number 12"),
        (lambda d: d["units"].append(dict(d["units"][0])), "a second unit"),
        (lambda d: d["units"][0].update(steps=["一", "二", "三", "四"]), "too long"),
    ],
)
def test_each_rule_on_units_has_a_failing_case(tiny, change, message):
    edit(tiny / "facets.yml", change)
    with pytest.raises(KnowledgeBaseError, match=message):
        load_knowledge_base(tiny)


def test_every_unit_of_the_real_knowledge_base_is_short(kb):
    for (topic, facet), units in kb.facets.units.items():
        for unit in units:
            assert len(unit.steps) <= 3, (topic, facet)
            assert len(unit.direct) <= 90, (topic, facet)
