"""Region-specific answers through the REST channel, for many cities."""

import json
import urllib.request
import uuid

import pytest

from bench.rest import reply_text, say


def ask(assistant, *messages):
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    replies = [reply_text(say(assistant.url, user, m)) for m in messages]
    return replies[-1] if len(replies) == 1 else replies


@pytest.mark.parametrize(
    "city, expected",
    [
        (
            "广州",
            "【广州·职工医保（退休）·住院】起付线（每次住院）1,000元；报销比例86%",
        ),
        ("武汉", "【武汉·职工医保（退休）·住院】"),
        ("西安", "【西安·职工医保（退休）·住院】"),
        ("杭州", "【杭州·职工医保（退休）·住院】"),
        ("合肥", "【合肥·职工医保（退休）·住院】"),
        ("济南", "【济南·职工医保（退休）·住院】"),
        ("郑州", "【郑州·职工医保（退休）·住院】"),
        ("南京", "【南京·职工医保（退休）·住院】"),
        ("沈阳", "【沈阳·职工医保（退休）·住院】"),
        ("乌鲁木齐", "【乌鲁木齐·职工医保（退休）·住院】"),
    ],
)
def test_the_insured_citys_numbers_for_a_retired_worker(assistant, city, expected):
    text = ask(assistant, f"我是{city}退休职工，在北京三级医院住院报销比例是多少？")
    assert expected in text
    assert "以" + city + "医保答复为准" in text  # the insured place's official channel


@pytest.mark.parametrize("city", ["拉萨", "重庆", "昆明"])
def test_a_city_without_known_numbers_says_so(assistant, city):
    text = ask(assistant, f"我是{city}退休职工，在北京三级医院住院报销比例是多少？")
    assert f"我这里没有{city}自己的起付线、报销比例" in text
    assert f"不是{city}的规定" in text  # the national average, said to be so
    assert f"【{city}·" not in text


def test_follow_ups_switch_status_and_place(assistant):
    first, working, beijing = ask(
        assistant,
        "我是广州退休职工，在上海三级医院住院报销比例是多少？",
        "那如果我是在职的呢？",
        "换成北京呢？",
    )
    assert "报销比例86%" in first
    assert (
        "【广州·职工医保（在职）·住院】起付线（每次住院）1,000元；报销比例80%"
        in working
    )
    assert "【北京·职工医保（在职）·住院】" in beijing


def test_a_misspelt_city_gets_buttons_and_the_pick_is_answered(assistant):
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    reply = say(assistant.url, user, "我是苏洲参保的，在上海住院能直接结算吗")
    not_found = next(
        m for m in reply if "没有找到“苏洲”这个地方" in (m.get("text") or "")
    )
    suzhou = next(b for b in not_found["buttons"] if b["title"] == "江苏省苏州市")
    answer = reply_text(say(assistant.url, user, suzhou["payload"]))
    assert answer.strip() and "没有找到" not in answer
    with urllib.request.urlopen(
        f"{assistant.url}/conversations/{user}/tracker"
    ) as response:
        slots = json.loads(response.read())["slots"]
    assert slots["region_insured"] == "320500"  # 苏州市, as 参保地
    assert slots["region_treatment"] == "310000"
    assert slots["region_pending_role"] is None


def test_an_ambiguous_district_is_asked_about(assistant):
    reply = say(
        assistant.url, f"e2e-{uuid.uuid4().hex[:10]}", "我在朝阳住院，江苏医保能用吗"
    )
    assert "“朝阳”有好几个地方" in reply[0]["text"]
    assert "北京市朝阳区" in [b["title"] for b in reply[0]["buttons"]]


def test_two_places_in_one_province_are_intra_provincial(assistant):
    text = ask(assistant, "我是苏州参保的，在南京住院能直接刷卡吗")
    assert "省内异地就医" in text


@pytest.mark.parametrize(
    "question, expected",
    [
        (
            "我是广州退休职工，在瑞金医院住院报销比例是多少？",
            "【医院】上海交通大学医学院附属瑞金医院：上海的三级甲等医院",
        ),
        (
            "我是广州的退休职工，去北医三院住院能报多少比例",
            "【医院】北京大学第三医院：北京的三级甲等医院",
        ),
        (
            "我是北京退休职工，在中山一院住院报销比例多少",
            "【医院】中山大学附属第一医院：广州的三级甲等医院",
        ),
    ],
)
def test_a_named_hospital_gives_its_city_and_level(assistant, question, expected):
    text = ask(assistant, question)
    assert expected in text
    assert "跨省" in text or "就医地目录" in text


def test_the_insured_provinces_filing_channels(assistant):
    jiangsu = ask(assistant, "我是南京的医保，去上海看病怎么备案？")
    assert "江苏医保云" in jiangsu and "及公开资料" in jiangsu
    hebei = ask(assistant, "我是石家庄参保的，要去北京看病，怎么办备案")
    assert "视同已备案" in hebei  # 京津冀: no filing within the region


def test_a_city_written_with_its_province_is_one_place(assistant):
    # 安徽合肥 is 合肥, the insured place: a 跨省 case to 上海, not 省内 within 安徽
    answer = ask(assistant, "我是安徽合肥的，在上海住院怎么报销")
    assert "以合肥医保答复为准" in answer
    assert "省内" not in answer
