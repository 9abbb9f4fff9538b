"""Which place is the insured place and which the treatment place, turn by turn."""

from assistant.conversation import named_hospital, resolve_regions


def region(value, role=None):
    return {"entity": "region", "value": value, **({"role": role} if role else {})}


def placed(value, start, end, role=None):
    return {**region(value, role), "start": start, "end": end}


def test_a_place_written_with_its_province_is_one_place(gazetteer):
    # 我是安徽合肥的，在上海住院: 合肥 is where the user is insured, not a second place
    entities = [
        placed("340000", 2, 4, "insured"),
        placed("340100", 4, 6),
        placed("310000", 9, 11, "treatment"),
    ]
    assert resolve_regions(entities, None, None, gazetteer) == ("340100", "310000")
    # 我是安徽合肥的 alone: still one place, the insured one
    assert resolve_regions(entities[:2], None, None, gazetteer) == ("340100", None)


def test_places_apart_or_not_nested_stay_two(gazetteer):
    # 江苏 … 苏州 with words between: two places, as the roles say
    apart = [placed("320000", 0, 2, "insured"), placed("320500", 5, 7, "treatment")]
    assert resolve_regions(apart, None, None, gazetteer) == ("320000", "320500")
    # 江苏上海 written together: not one inside the other
    together = [placed("320000", 0, 2, "insured"), placed("310000", 2, 4, "treatment")]
    assert resolve_regions(together, None, None, gazetteer) == ("320000", "310000")


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


def test_a_place_named_twice_once_with_its_role_is_one_place(gazetteer):
    # 南京 insured, 上海 treatment; then 那北京呢？儿子在北京: 北京 is where the care is
    entities = [placed("110000", 1, 3), placed("110000", 8, 10, "treatment")]
    assert resolve_regions(entities, "320100", "310000", gazetteer) == (
        "320100",
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


def hospital(value):
    return {"entity": "hospital", "value": value}


RUIJIN = "上海交通大学医学院附属瑞金医院"


def test_a_hospital_by_its_full_or_usual_name(kb, gazetteer):
    found = named_hospital([hospital(RUIJIN)], None, kb, gazetteer)
    assert (found.name, found.city, found.level) == (RUIJIN, "310000", "l3")


def test_a_short_name_other_cities_share_needs_the_city(kb, gazetteer):
    assert named_hospital([hospital("中山医院")], None, kb, gazetteer) is None
    with_city = named_hospital(
        [region("310000"), hospital("中山医院")], None, kb, gazetteer
    )
    assert with_city.name == "复旦大学附属中山医院"
    # or the treatment place known from before (a district of it will do)
    known = named_hospital([hospital("中山医院")], "310104", kb, gazetteer)
    assert known.name == "复旦大学附属中山医院"
    assert named_hospital([hospital("中山医院")], "350200", kb, gazetteer) is None


def test_a_named_hospital_is_the_treatment_place(kb, gazetteer):
    ruijin = kb.hospitals[RUIJIN]
    assert resolve_regions([], "440100", None, gazetteer, hospital=ruijin) == (
        "440100",
        "310000",
    )
    # moves the treatment place from where it was
    assert resolve_regions([], "440100", "110000", gazetteer, hospital=ruijin) == (
        "440100",
        "310000",
    )


def test_with_a_hospital_a_place_without_role_is_the_insured_place(kb, gazetteer):
    ruijin = kb.hospitals[RUIJIN]
    assert resolve_regions(
        [region("440100")], None, None, gazetteer, hospital=ruijin
    ) == ("440100", "310000")


def test_the_hospitals_own_city_named_with_it_stays_the_treatment_place(kb, gazetteer):
    ruijin = kb.hospitals[RUIJIN]
    assert resolve_regions(
        [region("310104")], "440100", None, gazetteer, hospital=ruijin
    ) == ("440100", "310104")


def test_a_treatment_place_said_outright_wins_over_the_hospital(kb, gazetteer):
    ruijin = kb.hospitals[RUIJIN]
    assert resolve_regions(
        [region("110000", "treatment")], "440100", None, gazetteer, hospital=ruijin
    ) == ("440100", "110000")


def test_a_place_compared_with_changes_neither_place(gazetteer):
    # 为什么比在南京低: 南京 is what the message compares with
    compared = {**region("320100"), "compared": True}
    assert resolve_regions([compared], "320100", "310000", gazetteer) == (
        "320100",
        "310000",
    )
    assert resolve_regions(
        [region("320100", "insured"), region("310000", "treatment"), compared],
        None,
        None,
        gazetteer,
    ) == ("320100", "310000")
