"""channels/personal_data.py: personal data found on the digits' skeleton however
it is written, masked in texts, metadata and log lines; amounts, dates and hotlines
left alone. channels/guard.py: client metadata kept under one key, within limits."""

import json
import logging
import re

import pytest

from channels.guard import (
    normalize_text,
    personal_data_notice,
)
from channels.limits import METADATA_KEY, MetadataRefused, client_metadata
from channels.personal_data import (
    digit_runs,
    id_checksum_ok,
    install_log_masking,
    kind_of,
    luhn_ok,
    mask_personal_data,
    pii_mask,
)
from channels.sessions import stored_sender

ID_WITH_X = "11010519491231002X"  # the standard's own example, check character X
ID_DIGIT = "110101199003074573"  # check digit 3
OLD_ID = "110105491231002"  # 15 digits, before 1999
CARD = "6222021234567890128"  # 19 digits, Luhn-valid


def test_checksums():
    assert id_checksum_ok(ID_WITH_X) and id_checksum_ok(ID_WITH_X.lower())
    assert id_checksum_ok(ID_DIGIT)
    assert not id_checksum_ok("110101199003074574")
    assert luhn_ok(CARD) and luhn_ok("4111111111111111")
    assert not luhn_ok("6222021234567890127") and not luhn_ok("12ab")


@pytest.mark.parametrize(
    ("text", "kind", "kept"),
    [
        (f"我的身份证号是{ID_WITH_X}，在上海住院", "id_card", "我的身份证号是"),
        (f"身份证{ID_DIGIT}", "id_card", "身份证"),
        (f"身份证 {ID_WITH_X.lower()} 可以吗", "id_card", "可以吗"),
        ("110101 19900307 4573 是我的", "id_card", "是我的"),
        ("身份证号110101199003074574打错了也算", "id_card", "打错了也算"),
        (f"老身份证{OLD_ID}", "id_card", "老身份证"),
        ("手机13812345678", "phone", "手机"),
        ("电话 138 1234 5678，", "phone", "电话"),
        ("电话138-1234-5678", "phone", "电话"),
        ("+86 13812345678 找我", "phone", "找我"),
        ("+86-138-1234-5678", "phone", ""),
        ("8613912345678", "phone", ""),
        (f"银行卡{CARD}", "bank_card", "银行卡"),
        ("卡号 6222 0212 3456 7890 128", "bank_card", "卡号"),
        ("4111-1111-1111-1111", "bank_card", ""),
        ("我的社保卡号是A12345678，能用吗", "social_card", "我的社保卡号是"),
        ("医保卡号：ZJ1234567890", "social_card", "医保卡号："),
        ("社会保障卡号 G123456789 丢了", "social_card", "丢了"),
        ("卡号是 12345 67890", "social_card", "卡号是"),
        ("编号 123456789012345678901", "number", "编号"),  # any 15+ digit run
    ],
)
def test_personal_data_is_masked(text, kind, kept):
    masked, kinds = mask_personal_data(normalize_text(text))
    assert kinds == [kind]
    assert pii_mask(kind) in masked and kept in masked
    digits = re.sub(r"\D", "", masked)
    assert len(digits) < 5, masked  # nothing of the number is left


def test_several_kinds_are_masked_and_named_in_the_notice():
    masked, kinds = mask_personal_data(f"身份证{ID_WITH_X}，电话13812345678，卡{CARD}")
    assert kinds == ["id_card", "phone", "bank_card"]  # as they come
    assert not re.search(r"\d", masked)
    notice = personal_data_notice(kinds)
    assert notice.startswith("为保护你的隐私")
    assert "身份证号、手机号、银行卡号已自动隐藏" in notice
    assert not re.search(r"\d", notice)


@pytest.mark.parametrize(
    "text",
    [
        "住院花了50000元，能报多少",
        "自费3万5",
        "三万五千元",
        "总共150000块",
        "2023年住院，2024年报销",
        "打12393问问",
        "报销比例80%，起付线1000",
        "比例1:1还是1/3",
        "2024-03-15出院",
        "住了15天，花了12345.67元",
        "010-12393",
        "95518",
        "0571-88888888",
        "卡号是多少",
        "社保卡号忘了怎么办",
        "医保卡号在哪看 2023",
        "13万",
        "第138号",
        "我1990年出生，在职",
        '/inform{"region": "110000"}',
        '/inform{"filing_status": "emergency"}',
        "3.5w",
        "我的卡号ABCDEF",  # no digits: not a number
    ],
)
def test_amounts_years_hotlines_and_ratios_are_not_masked(text):
    assert mask_personal_data(normalize_text(text)) == (normalize_text(text), [])


# Written as people write them: each of these was stored raw before (issue 12).
BYPASSES = [
    ("身份证110105-19491231-002X", "id_card"),
    ("身份证110105.19491231.002X", "id_card"),
    ("身份证 110105 1949 1231 002x", "id_card"),
    ("身份证１１０１０５１９４９１２３１００２Ｘ", "id_card"),
    ("手机138.1234.5678", "phone"),
    ("电话(138)1234-5678", "phone"),
    ("电话（138）1234－5678", "phone"),
    ("手机 138—1234—5678", "phone"),
    ("手机一三八一二三四五六七八", "phone"),
    ("手机幺三八幺二三四五六七八", "phone"),
    ("手机138一二三四5678", "phone"),
    ("+86 (138) 1234 5678", "phone"),
    ("银行卡622202 1234567890128", "bank_card"),
    ("卡6222.0212.3456.7890.128", "bank_card"),
    ("社保卡的号码是A123 4567 89", "social_card"),
    ("我社保卡的卡号：ZJ-1234-5678", "social_card"),
    ("医保卡号码为 3201 0012 34", "social_card"),
]


@pytest.mark.parametrize(("text", "kind"), BYPASSES)
def test_personal_data_however_written_is_masked(text, kind):
    masked, kinds = mask_personal_data(text)
    assert kinds == [kind], masked
    assert pii_mask(kind) in masked
    left = sum(c.isdigit() or c in "一二三四五六七八九〇零幺" for c in masked)
    assert left < 4, masked


@pytest.mark.parametrize(
    "text",
    [
        "2023.01.01-2023.12.31住院，能报吗",
        "2024/3/15出院",
        "住院时间2024-01-05至2024-01-20",
        "我一二三月都在上海",
        "第一二三条",
        "花了十二万三千四百五十六",
        "0571-88888888",
        "人民币 1,234,567.89 元",
    ],
)
def test_dates_chinese_amounts_and_landlines_are_not_masked(text):
    assert mask_personal_data(text) == (text, [])


def test_a_run_keeps_its_place_and_skeleton():
    run = digit_runs("电话(138)1234-5678找我")[0]
    assert run.skeleton == "13812345678"
    assert "电话(138)1234-5678找我"[run.start : run.end] == "(138)1234-5678"
    assert kind_of("13812345678") == "phone" and kind_of("2023") is None


def test_metadata_is_masked_under_one_key_and_limited():
    stored = client_metadata(
        {"phone": "138.1234.5678", "nested": [{"card 6222021234567890128": 5}], "n": 1}
    )
    assert set(stored) == {METADATA_KEY}
    text = json.dumps(stored, ensure_ascii=False)
    assert "1234" not in text and "6222021234567890128" not in text
    assert stored[METADATA_KEY]["n"] == 1
    assert client_metadata(None) == {} and client_metadata({}) == {}
    # what the client sends can no longer stand in for Rasa's own keys
    assert "model_id" not in client_metadata({"model_id": "x", "assistant_id": "y"})
    deep: dict = {}
    for _ in range(490):
        deep = {"a": deep}
    with pytest.raises(MetadataRefused) as refused:
        client_metadata(deep)
    assert refused.value.code == "metadata_too_deep"
    with pytest.raises(MetadataRefused) as refused:
        client_metadata({"blob": "x" * 3000})
    assert refused.value.code == "metadata_too_large"


def test_every_log_line_is_masked(caplog):
    install_log_masking()
    install_log_masking()  # idempotent
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.core.processor").info(
            "Received user message '%s' from %s", "手机138.1234.5678", "13912345678"
        )
    line = caplog.records[-1].getMessage()
    assert "1234" not in line and "13912345678" not in line and "from" in line


def test_a_phone_number_as_a_rest_sender_is_kept_under_a_pseudonym():
    first = stored_sender("13812345678", b"k")
    assert first.startswith("rest-pid-") and "138" not in first
    assert stored_sender("13812345678", b"k") == first  # the conversation goes on
    assert stored_sender("138-1234-5678", b"k") != first
    assert stored_sender("e2e-user-1", b"k") == "e2e-user-1"
