"""The region gazetteer, from the administrative-division data."""

import pytest

from zh_nlu.regions import PREFECTURE, PROVINCE, default_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def test_every_mainland_province_level_division_is_there(gazetteer):
    provinces = gazetteer.provinces()
    assert len(provinces) == 31
    assert {"北京市", "上海市", "新疆维吾尔自治区", "西藏自治区", "海南省"} <= {
        p.name for p in provinces
    }
    assert all(len(p.code) == 6 and p.code.endswith("0000") for p in provinces)


def test_prefecture_level_cities_belong_to_their_province(gazetteer):
    suzhou = gazetteer.resolve("苏州")
    assert (suzhou.name, suzhou.level, suzhou.province) == (
        "苏州市",
        PREFECTURE,
        "江苏省",
    )
    assert gazetteer.resolve("周口市").province == "河南省"
    assert gazetteer.resolve("延边").name == "延边朝鲜族自治州"
    assert len([r for r in gazetteer.regions.values() if r.level == PREFECTURE]) > 300


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
        ("苏", "江苏省"),
        ("上海", "上海市"),
        ("江苏省", "江苏省"),
    ],
)
def test_short_forms_and_nicknames_resolve(gazetteer, form, name):
    assert gazetteer.resolve(form).name == name


def test_a_name_shared_by_a_province_and_a_city_means_the_province(gazetteer):
    assert gazetteer.resolve("吉林").level == PROVINCE
    assert gazetteer.resolve("吉林市").level == PREFECTURE


def test_unknown_places_resolve_to_nothing(gazetteer):
    assert gazetteer.resolve("霍格沃茨") is None
    assert gazetteer.resolve("") is None
