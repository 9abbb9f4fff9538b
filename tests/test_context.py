"""Which place is the insured place and which the treatment place, turn by turn."""

from actions.context import resolve_regions


def region(value, role=None):
    return {"entity": "region", "value": value, **({"role": role} if role else {})}


def test_roles_set_their_place(gazetteer):
    entities = [region("320000", "insured"), region("310000", "treatment")]
    assert resolve_regions(entities, None, None, gazetteer) == ("320000", "310000")


def test_the_most_specific_region_wins(gazetteer):
    entities = [region("410000", "insured"), region("411600", "insured")]
    assert resolve_regions(entities, None, None, gazetteer) == ("411600", None)


def test_a_place_without_role_replaces_the_treatment_place(gazetteer):
    assert resolve_regions([region("110000")], "320000", "310000", gazetteer) == (
        "320000",
        "110000",
    )


def test_a_place_without_role_replaces_the_insured_place_when_that_is_all_we_know(
    gazetteer,
):
    assert resolve_regions([region("330000")], "320000", None, gazetteer) == (
        "330000",
        None,
    )


def test_no_regions_keeps_what_is_known(gazetteer):
    assert resolve_regions([], "320000", "310000", gazetteer) == ("320000", "310000")
    assert resolve_regions([region("霍格沃茨")], "320000", None, gazetteer) == (
        "320000",
        None,
    )
