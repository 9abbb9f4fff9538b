"""The region gazetteer, from the administrative-division data."""

import random

import pytest

from assistant.places import (
    _GENERIC_NAMES,
    COUNTY,
    PREFECTURE,
    PROVINCE,
    _load_division_data,
)


def test_every_mainland_province_level_division_is_there(gazetteer):
    provinces = gazetteer.provinces()
    assert len(provinces) == 31
    assert {"北京市", "上海市", "新疆维吾尔自治区", "西藏自治区", "海南省"} <= {
        p.name for p in provinces
    }
    assert all(len(p.code) == 6 and p.code.endswith("0000") for p in provinces)


def test_prefecture_level_cities_belong_to_their_province(gazetteer):
    suzhou = gazetteer.resolve("苏州")
    assert (suzhou.name, suzhou.level, suzhou.code) == ("苏州市", PREFECTURE, "320500")
    assert gazetteer.province_of(suzhou).name == "江苏省"
    assert gazetteer.province_of(gazetteer.resolve("周口市")).name == "河南省"
    assert gazetteer.resolve("延边").name == "延边朝鲜族自治州"
    assert gazetteer.resolve("济源").level == PREFECTURE  # 省直辖县级市
    assert len([r for r in gazetteer.regions.values() if r.level == PREFECTURE]) > 330


@pytest.mark.parametrize(
    "form, display",
    [
        ("昆山", "江苏省苏州市昆山市"),
        ("昆山市", "江苏省苏州市昆山市"),
        ("萧县", "安徽省宿州市萧县"),
        ("海淀", "北京市海淀区"),
        ("浦东新区", "上海市浦东新区"),
        ("义乌", "浙江省金华市义乌市"),
    ],
)
def test_counties_and_districts_resolve_to_their_prefecture_and_province(
    gazetteer, form, display
):
    region = gazetteer.resolve(form)
    assert region.level == COUNTY
    assert gazetteer.display(region) == display


@pytest.mark.parametrize(
    "form, name",
    [
        ("沪", "上海市"),
        ("魔都", "上海市"),
        ("申城", "上海市"),
        ("京", "北京市"),
        ("帝都", "北京市"),
        ("粤", "广东省"),
        ("鹏城", "深圳市"),
        ("蓉城", "成都市"),
        ("沪上", "上海市"),
        ("京城", "北京市"),
        ("津城", "天津市"),
        ("岛城", "青岛市"),
        ("泉城", "济南市"),
        ("金陵", "南京市"),
        ("杭城", "杭州市"),
        ("甬城", "宁波市"),
        ("庐州", "合肥市"),
        ("邕城", "南宁市"),
        ("苏", "江苏省"),
        ("上海", "上海市"),
        ("江苏省", "江苏省"),
        ("310000", "上海市"),
    ],
)
def test_short_forms_nicknames_and_codes_resolve(gazetteer, form, name):
    assert gazetteer.resolve(form).name == name


def test_a_name_shared_by_a_province_and_a_city_means_the_province(gazetteer):
    assert gazetteer.resolve("吉林").level == PROVINCE
    assert gazetteer.resolve("吉林市").level == PREFECTURE
    assert not gazetteer.is_ambiguous("吉林")


@pytest.mark.parametrize(
    "form, places",
    [
        ("朝阳", {"辽宁省朝阳市", "北京市朝阳区"}),
        ("鼓楼区", {"江苏省南京市鼓楼区", "福建省福州市鼓楼区"}),
        ("通州", {"北京市通州区", "江苏省南通市通州区"}),
    ],
)
def test_names_of_places_in_several_provinces_are_ambiguous(gazetteer, form, places):
    assert gazetteer.is_ambiguous(form)
    assert places <= {gazetteer.display(r) for r in gazetteer.candidates(form)}


def test_common_words_are_not_taken_for_county_names(gazetteer):
    for word in ("和平", "平安", "长安", "东方", "城区", "光明"):
        assert gazetteer.resolve(word) is None, word


@pytest.mark.parametrize(
    "typo, meant",
    [("苏洲", "江苏省苏州市"), ("杭洲市", "浙江省杭州市"), ("成督", "四川省成都市")],
)
def test_misspelt_places_have_close_matches(gazetteer, typo, meant):
    assert gazetteer.resolve(typo) is None
    assert meant in [gazetteer.display(r) for r in gazetteer.close_matches(typo)]


def test_unknown_places_resolve_to_nothing(gazetteer):
    assert gazetteer.resolve("霍格沃茨") is None
    assert gazetteer.resolve("") is None
    assert gazetteer.close_matches("霍格沃茨") == []


def _sample_from_the_division_data(count: int):
    """(province, prefecture, county) full names drawn from jionlp's data."""
    rows = []
    for province, cities in _load_division_data().items():
        if province in ("香港特别行政区", "澳门特别行政区", "台湾省"):
            continue
        for city, counties in cities.items():
            if city.startswith("_") or not isinstance(counties, dict):
                continue
            for county, info in counties.items():
                if county.startswith("_") or not isinstance(info, dict):
                    continue
                if "_admin_code" in info:
                    rows.append((province, city, county, info["_admin_code"]))
    random.Random(2026).shuffle(rows)
    return rows[:count]


def test_three_hundred_county_level_places_resolve_to_the_right_codes(gazetteer):
    sample = _sample_from_the_division_data(300)
    assert len(sample) == 300
    wrong = []
    for province, _city, county, code in sample:
        if county in _GENERIC_NAMES:  # 城区, 郊区: known by code, not by name alone
            candidates = gazetteer.candidates(code)
        else:
            candidates = gazetteer.candidates(county)
        if code not in {r.code for r in candidates}:
            wrong.append((province, county, code))
            continue
        region = gazetteer.regions[code]
        if gazetteer.province_of(region).name != province:
            wrong.append((province, county, code))
    assert wrong == []
