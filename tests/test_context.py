"""Which place is the insured place and which the treatment place, turn by turn."""

from actions.context import resolve_regions


def region(value, role=None):
    return {"entity": "region", "value": value, **({"role": role} if role else {})}


def test_roles_set_their_place(gazetteer):
    entities = [region("江苏省", "insured"), region("上海市", "treatment")]
    assert resolve_regions(entities, None, None, gazetteer) == ("江苏省", "上海市")


def test_the_most_specific_region_wins(gazetteer):
    entities = [region("河南省", "insured"), region("周口市", "insured")]
    assert resolve_regions(entities, None, None, gazetteer) == ("周口市", None)


def test_a_place_without_role_replaces_the_treatment_place(gazetteer):
    assert resolve_regions([region("北京市")], "江苏省", "上海市", gazetteer) == (
        "江苏省",
        "北京市",
    )


def test_a_place_without_role_replaces_the_insured_place_when_that_is_all_we_know(
    gazetteer,
):
    assert resolve_regions([region("浙江省")], "江苏省", None, gazetteer) == (
        "浙江省",
        None,
    )


def test_no_regions_keeps_what_is_known(gazetteer):
    assert resolve_regions([], "江苏省", "上海市", gazetteer) == ("江苏省", "上海市")
    assert resolve_regions([region("霍格沃茨")], "江苏省", None, gazetteer) == (
        "江苏省",
        None,
    )
