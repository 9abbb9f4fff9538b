"""Hostile input against the real servers: the guard in front of the channels.

The battery sends over two hundred generated cases through the REST webhook, each
from its own sender (so the rate limit stays out of the way): empty and whitespace
messages, messages of 10 000 characters and more, emoji only, control and zero-width
characters, right-to-left text, HTML and script tags, SQL fragments, JSON-breaking
quotes, other languages, personal data, typed `/intent{...}` syntax, broken UTF-8,
malformed, non-object and oversized JSON bodies, and missing or bad senders and
messages. Every answer must be a well-formed JSON list of messages or a clear 4xx
with a JSON error, never a 5xx, and the next normal question in the same
conversation must still get a proper answer. The cases run a few at a time (the
server is one process) and each is then reported as its own test.

Then the guard's other promises, one test each: the rate limit, the apology while
the action server is down and the recovery after it, personal data kept out of the
tracker store and the logs, typed intents refused while real button clicks work, and
the guard on the socket.io channel too.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from bench.rest import post_json, reply_text, say
from channels.guard import MAX_MESSAGE_CHARS, RATE_LIMIT_MESSAGES, USER_TEXTS

NORMAL = "江苏医保在上海住院能直接结算吗"
OUT_OF_SCOPE = "不在我能回答的范围内"
GUARD_TEXTS = {
    USER_TEXTS["empty"],
    USER_TEXTS["rate_limited"],
    USER_TEXTS["unavailable"],
    USER_TEXTS["too_long"].format(limit=MAX_MESSAGE_CHARS),
}
DANGEROUS = re.compile(
    r"<\s*(script|img|svg|iframe|object|embed|style|link|meta)\b|on\w+\s*=|javascript:",
    re.IGNORECASE,
)
WORKERS = 3


def new_sender(kind: str = "hostile") -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def proper_answer(texts: list[str]) -> bool:
    """A real answer to NORMAL: not a guard text, not declined, with the channel."""
    text = "\n".join(texts)
    return (
        bool(text.strip())
        and not any(t in text for t in GUARD_TEXTS)
        and OUT_OF_SCOPE not in text
        and ("12393" in text or "国家医保服务平台" in text)
    )


# the cases


@dataclass
class Case:
    """One hostile request: a message (sent as JSON) or a raw body."""

    id: str
    message: Any = None  # sent as {"sender": <new>, "message": message}
    body: bytes | None = None  # sent as it is (the sender inside, if any)
    content_type: str = "application/json"
    expect: str = "reply"  # "reply", "answer" (a proper answer), "4xx", or a text
    chunked: bool = False


def _messages() -> list[Case]:
    cases: list[Case] = []

    def add(group: str, messages: list[Any], expect: str = "reply") -> None:
        for index, message in enumerate(messages):
            cases.append(Case(f"{group}-{index}", message=message, expect=expect))

    add(
        "empty",
        ["", " ", "   ", "\n", "\r\n\r\n", "\t\t", "\u3000\u3000", "\u00a0",
         "\u200b", "\u200b\u200c\u200d\u2060", "\ufeff", "\x00", "\x1b", " \n\t \u3000 ",
         "\u202e\u202c", "/", "／", " / ／ "],
        expect=USER_TEXTS["empty"],
    )  # fmt: skip
    too_long = USER_TEXTS["too_long"].format(limit=MAX_MESSAGE_CHARS)
    add(
        "long",
        ["医保" * 5000, "a" * 10_001, "😀" * 10_000, "医" * (MAX_MESSAGE_CHARS + 1),
         (NORMAL + "，") * 700, "<script>" * 2000, "' OR 1=1 -- " * 1000,
         "\u0301" * 10_000 + "医" * 600, "1" * 12_000, "\u200b医" * 5000,
         "/inform" + "{" * 10_000, "𠀀" * 10_000],
        expect=too_long,
    )  # fmt: skip
    add(
        "emoji",
        ["😀", "😀😀😀", "👍🏻👍🏿", "👨‍👩‍👧‍👦", "🇨🇳🇺🇸", "🏥💊💉", "❤️", "🙏" * 50,
         "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "😀\u200d😀", "#️⃣*️⃣", "🤔?"],
    )  # fmt: skip
    add(
        "control",
        ["江苏医保\x00在上海住院能直接结算吗", "\x1b[31m江苏医保在上海住院能直接结算吗\x1b[0m",
         "江\u200b苏\u200b医\u200b保在上海住院能直接结算吗", "\ufeff江苏医保在上海住院能直接结算吗",
         "江苏医保在上海住院能直接结算吗\x07\x08\x7f", "\u202e江苏医保在上海住院能直接结算吗\u202c",
         "江苏医保\r\n在上海住院\t能直接结算吗", "江苏医保\u2028在上海住院\u2029能直接结算吗",
         "江苏医保\u00ad在上海住院能直接结算吗", "江苏医保\u2066在上海\u2069住院能直接结算吗",
         "江苏医保\x85在上海住院能直接结算吗", "江苏医保在上海住院能直接结算吗" + "\u200b" * 1000,
         "\u200e\u200f江苏医保在上海住院能直接结算吗", "江苏医保\U000e0041在上海住院能直接结算吗",
         "江苏医保\ufff9在上海\ufffb住院能直接结算吗", "\x1f江苏医保\x1c在上海住院能直接结算吗\x0c"],
        expect="answer",
    )  # fmt: skip
    add(
        "invisible",
        ["\ud800", "a\udfffb", "\uffff\ufffe", "\U0010ffff", "\ue000\uf8ff", "�",
         "Z̸̡̢̛͚̹̰̘̝̖͎̈́̈́̏̈́͗a̸l̸g̸o̸", "a" + "\u0301" * 400],
    )  # fmt: skip
    add(
        "rtl",
        ["مرحبا، هل يمكنني استخدام التأمين الطبي في شنغهاي؟", "שלום, האם הביטוח עובד בשנגחאי?",
         "\u202eيمكنني\u202c 江苏医保", "سلام دنیا", "اردو میں سوال", "ܫܠܡܐ",
         "江苏医保 مرحبا 在上海", "\u200fשלום\u200f"],
    )  # fmt: skip
    add(
        "html",
        ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
         "<svg/onload=alert(1)>", "<iframe src=javascript:alert(1)>",
         "javascript:alert(document.cookie)", "<b>江苏医保</b>在上海住院能直接结算吗",
         "</script><script>alert(1)</script>", "<a href='javascript:alert(1)'>点我</a>",
         "{{7*7}}", "${7*7}", "<%= 7*7 %>", "<!--", "]]><xml>", "&lt;script&gt;",
         "<style>*{display:none}</style>", "\"><script>alert(1)</script>",
         "<body onload=alert(1)>上海</body>", "[点我](javascript:alert(1))",
         "**粗体** http://evil.example/x"],
    )  # fmt: skip
    add(
        "sql",
        ["'; DROP TABLE events;--", "1' OR '1'='1", "江苏医保' OR 1=1 --",
         "UNION SELECT sender_id, data FROM events", "'); DELETE FROM events; --",
         "admin'--", "1; SELECT pg_sleep(10)", "\" OR \"\"=\"", "%27%20OR%201%3D1",
         "上海' AND 1=CONVERT(int,@@version)--"],
    )  # fmt: skip
    add(
        "quotes",
        ['"', "'", '\\"', "\\", '"}]', "{'a':", "\\u0000", '{"message": "x"}',
         '"sender": "someone-else"', "`rm -rf /`", '\\\\"\\\\', '""""""',
         "‘’“”「」『』"],
    )  # fmt: skip
    add(
        "languages",
        ["How do I use my medical insurance in Shanghai?", "上海で医療保険は使えますか",
         "상하이에서 의료보험을 사용할 수 있나요?", "Могу ли я использовать страховку в Шанхае?",
         "ฉันใช้ประกันสุขภาพในเซี่ยงไฮ้ได้ไหม", "Tôi có thể dùng bảo hiểm ở Thượng Hải không?",
         "Kann ich meine Krankenversicherung in Shanghai nutzen?", "¿Puedo usar mi seguro en Shanghái?",
         "क्या मैं शंघाई में बीमा इस्तेमाल कर सकता हूँ?", "江苏 insurance 在上海 can use 吗",
         "ཞང་ཧའེ", "ئۇيغۇرچە سوئال"],
    )  # fmt: skip
    add(
        "forced",
        ['/inform{"region_insured":"北京"}', '/ask_estimate{"estimate_total": 1}',
         "／greet", "  /restart", "/session_start", "/nlu_fallback", "/out_of_scope@0.1",
         '/inform{"filing_status":"emergency"}', "/ask_card_elsewhere", "//", "/ask_estimate",
         '/ask_estimate{"estimate_total": 1, "region_insured": "110000"}', "\u200b/greet",
         "/goodbye", "⁄greet", '/inform{"region": "110000"}', "/action_restart",
         "/back", '/inform{"requested_slot": "estimate_total"}', "/stop"],
    )  # fmt: skip
    add(
        "personal",
        ["我的身份证号是11010519491231002X，在上海住院能直接结算吗",
         "手机13812345678，江苏医保在上海住院能直接结算吗", "银行卡6222021234567890128能报销吗",
         "我的社保卡号是A12345678", "+86 139-1234-5678 回电话", "老身份证110105491231002",
         "卡号 4111 1111 1111 1111", "身份证 110101199003074573 手机 15912345678"],
    )  # fmt: skip
    return cases


def _json(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only JSON's \\u escape can carry it
        return json.dumps(payload).encode("ascii")


def _bodies() -> list[Case]:
    cases: list[Case] = []

    def add(group: str, bodies: list[bytes], expect: str = "4xx", **kw: Any) -> None:
        for index, body in enumerate(bodies):
            cases.append(Case(f"{group}-{index}", body=body, expect=expect, **kw))

    add(
        "utf8",
        [b'{"sender":"S","message":"\xff"}', b'\xff{"sender":"S","message":"x"}',
         b'{"sender":"S","message":"\xc0\x80"}', b'{"sender":"S","message":"\xed\xa0\x80"}',
         b'{"sender":"S","message":"\xe4\xb8"}', b'{"sender":"S","message":"\x80abc"}',
         '{"sender":"S","message":"医保"}'.encode("gbk"), b'{"sender":"S\xfe","message":"x"}',
         '{"sender":"S","message":"医保"}'.encode("utf-16")],
    )  # fmt: skip
    add(
        "json",
        [b'{"sender":"S","message":"x"', b'{"sender":"S","message":"x",}',
         b"{'sender':'S','message':'x'}", b'{"sender":"S","message":NaN}',
         b'{"sender":"S","message":Infinity}', b'{"sender":"S",/*c*/"message":"x"}',
         b"", b"   ", b"undefined", b'{"sender":"S","message":"x"}}', b"{",
         b'{"sender":"S","message":"x","a":' + b"[" * 30_000 + b"]" * 30_000 + b"}",
         b'{"sender":"S" "message":"x"}'],
    )  # fmt: skip
    # a 5000-digit number: refused where Python limits int digits (3.10.7 and later)
    add(
        "json-huge-number",
        [b'{"sender":"S","message":"x","n":' + b"9" * 5000 + b"}"],
        expect="4xx" if hasattr(sys, "get_int_max_str_digits") else "reply",
    )
    add(
        "not-object",
        [b"[]", b'[{"sender":"S","message":"x"}]', b'"x"', b"1", b"null", b"true"],
    )
    add(
        "oversized",
        [_json({"sender": "S", "message": "x" * (64 * 1024)}),
         _json({"sender": "S", "message": "医" * 40_000}),
         _json({"sender": "S", "message": "x", "pad": "y" * 1_000_000})],
    )  # fmt: skip
    cases.append(
        Case("oversized-chunked", body=b"x" * 500_000, expect="4xx", chunked=True)
    )
    add(
        "sender",
        [b'{"message":"x"}', b'{"sender":"","message":"x"}', b'{"sender":"   ","message":"x"}',
         b'{"sender":null,"message":"x"}', b'{"sender":1,"message":"x"}',
         b'{"sender":[],"message":"x"}', b'{"sender":{},"message":"x"}',
         b'{"sender":true,"message":"x"}', _json({"sender": "s" * 200, "message": "x"}),
         b'{"sender":"a\\u0000b","message":"x"}', b'{"sender":"\\ud800","message":"x"}',
         b'{"sender":"a\\u200bb","message":"x"}'],
    )  # fmt: skip
    add(
        "message",
        [b'{"sender":"S"}', b'{"sender":"S","message":null}', b'{"sender":"S","message":1}',
         b'{"sender":"S","message":[]}', b'{"sender":"S","message":{}}',
         b'{"sender":"S","message":true}', b'{"sender":"S","message":1.5}'],
    )  # fmt: skip
    add(
        "metadata",
        [b'{"sender":"S","message":"x","metadata":[1]}',
         b'{"sender":"S","message":"x","metadata":"x"}',
         b'{"sender":"S","message":"x","metadata":1}'],
    )  # fmt: skip
    add(
        "accepted",
        [b'{"sender":"S","message":"\\ud800"}', b'{"sender":"S","message":"x","metadata":{}}',
         b'{"sender":"S","message":"x","metadata":null}', b'\xef\xbb\xbf{"sender":"S","message":"x"}',
         b'{"sender":"S","message":"a","message":"x"}', b'{"sender":"S","message":"x","input_channel":5}',
         b'{"sender":"S","message":"\\u0000"}', b'{"sender":"S","message":"x","extra":[1,{"a":null}]}'],
        expect="reply",
    )  # fmt: skip
    add(
        "content-type",
        [b"sender=S&message=x"],
        content_type="application/x-www-form-urlencoded",
    )
    add(
        "content-type-multipart",
        [b"--b\r\nx\r\n--b--"],
        content_type="multipart/form-data; boundary=b",
    )
    add(
        "content-type-ok",
        [b'{"sender":"S","message":"x"}'],
        expect="reply",
        content_type="application/x-www-form-urlencoded",
    )
    add(
        "content-type-plain",
        [b'{"sender":"S","message":"x"}'],
        expect="reply",
        content_type="text/plain",
    )
    add(
        "content-type-none",
        [b'{"sender":"S","message":"x"}'],
        expect="reply",
        content_type="",
    )
    return cases


CASES = _messages() + _bodies()


# sending


@dataclass
class Outcome:
    """What one case got: its status, its JSON, and the follow-up's texts."""

    status: int
    payload: Any
    sender: str
    follow_up: list[str]
    follow_up_status: int


def _post(url: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _post_chunked(url: str, body: bytes) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    chunks = (body[i : i + 16_384] for i in range(0, len(body), 16_384))
    connection.request(
        "POST",
        parts.path,
        body=chunks,
        headers={"Content-Type": "application/json"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    return response.status, response.read()


def _run(base_url: str, case: Case) -> Outcome:
    webhook = f"{base_url}/webhooks/rest/webhook"
    sender = new_sender()
    if case.body is not None:
        body = case.body.replace(b'"S"', f'"{sender}"'.encode())
        body = body.replace(b'"S\xfe"', f'"{sender}\xfe"'.encode("latin-1"))
        body = body.replace(b"sender=S", f"sender={sender}".encode())
        if case.chunked:
            status, raw = _post_chunked(webhook, body)
        else:
            status, raw = _post(webhook, body, case.content_type)
    else:
        status, raw = _post(
            webhook,
            _json({"sender": sender, "message": case.message}),
            case.content_type,
        )
    try:
        payload = json.loads(raw.decode("utf-8"))
    except ValueError:
        payload = raw[:300]
    follow_status, follow_raw = _post(
        webhook, _json({"sender": sender, "message": NORMAL}), "application/json"
    )
    follow_up = [m.get("text") or "" for m in json.loads(follow_raw)]
    return Outcome(status, payload, sender, follow_up, follow_status)


@pytest.fixture(scope="module")
def battery(assistant) -> dict[str, Outcome]:
    """Every case, run a few at a time against the real server."""
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        outcomes = pool.map(lambda case: _run(assistant.url, case), CASES)
        return {case.id: outcome for case, outcome in zip(CASES, outcomes, strict=True)}


def test_the_battery_is_big_enough():
    assert len(CASES) >= 200
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input(battery, case):
    outcome = battery[case.id]
    assert outcome.status < 500, outcome.payload
    if case.expect == "4xx":
        assert 400 <= outcome.status < 500, outcome.payload
        assert isinstance(outcome.payload, dict) and outcome.payload.get("error")
        assert " / " in outcome.payload["error"]  # Chinese / English
    else:
        assert outcome.status == 200, outcome.payload
        assert isinstance(outcome.payload, list) and outcome.payload, outcome.payload
        for message in outcome.payload:
            assert isinstance(message, dict)
            assert message.get("recipient_id") == outcome.sender
            assert isinstance(message.get("text", ""), str)
            assert not DANGEROUS.search(message.get("text", "")), message
        texts = [m.get("text") or "" for m in outcome.payload]
        if case.expect == "answer":
            assert proper_answer(texts), texts
        elif case.expect != "reply":
            assert texts == [case.expect]
    assert outcome.follow_up_status == 200
    assert proper_answer(outcome.follow_up), outcome.follow_up


# the rate limit


def test_a_sender_over_the_rate_limit_is_asked_to_wait(assistant):
    user = new_sender("rate")
    for _ in range(RATE_LIMIT_MESSAGES):
        assert reply_text(say(assistant.url, user, " ")) == USER_TEXTS["empty"]
    assert reply_text(say(assistant.url, user, NORMAL)) == USER_TEXTS["rate_limited"]
    assert reply_text(say(assistant.url, user, " ")) == USER_TEXTS["rate_limited"]
    # another sender is not affected
    assert proper_answer([reply_text(say(assistant.url, new_sender("rate"), NORMAL))])


# the action server down


def test_when_the_action_server_is_down_the_user_gets_an_apology_and_can_go_on(
    assistant,
):
    user = new_sender("down")
    assert "在哪里参保" in reply_text(say(assistant.url, user, "帮我算算能报多少"))
    assistant.stop_actions()
    try:
        apology = say(assistant.url, user, "广州")
        assert [m["text"] for m in apology] == [USER_TEXTS["unavailable"]]
        assert "12393" in apology[0]["text"]
        assert "国家医保服务平台" in apology[0]["text"]
        again = reply_text(say(assistant.url, user, NORMAL))
        assert again == USER_TEXTS["unavailable"]
    finally:
        assistant.start_actions()
    # the same conversation goes on: the form picks up where it was
    picked_up = reply_text(say(assistant.url, user, "广州"))
    assert "职工医保，还是城乡居民医保" in picked_up
    assert tracker(assistant, user)["slots"]["region_insured"] == "440100"
    assert proper_answer([reply_text(say(assistant.url, new_sender("down"), NORMAL))])


# personal data


def tracker(assistant, sender: str) -> dict[str, Any]:
    url = f"{assistant.url}/conversations/{sender}/tracker?include_events=ALL"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


PERSONAL = {
    "11010519491231002X": "我的身份证号是11010519491231002X，江苏医保在上海住院能直接结算吗",
    "13812345678": "手机13812345678，在上海住院能直接结算吗",
    "6222021234567890128": "我的银行卡6222021234567890128，报销的钱打到哪",
    "A98765432": "我的社保卡号是A98765432，在上海能用吗",
    "15987654321": "+86 159-8765-4321 是我电话",
    "110105491231002": "老身份证110105491231002还能用吗",
}


def test_personal_data_never_reaches_the_tracker_store_or_the_logs(assistant):
    user = new_sender("pii")
    for raw, message in PERSONAL.items():
        replies = say(assistant.url, user, message)
        assert replies[0]["text"].startswith("为保护你的隐私"), replies
        assert len(replies) >= 2 and raw not in json.dumps(replies, ensure_ascii=False)
    state = tracker(assistant, user)
    stored = json.dumps(state, ensure_ascii=False)
    said = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert len(said) == len(PERSONAL)
    assert all("＊＊＊" in text and not re.search(r"\d{5,}", text) for text in said)
    for raw in PERSONAL:
        assert raw not in stored
    logs = assistant.logs
    for name in ("rasa.log", "actions.log"):
        text = (logs / name).read_text(encoding="utf-8", errors="replace")
        for raw in PERSONAL:
            assert raw not in text, f"{raw} in {name}"
        assert "159-8765-4321" not in text


# as people write them: each was stored raw before (issue 12)
WRITTEN = {
    "110105-19491231-002X": "身份证110105-19491231-002X，在上海住院能直接结算吗",
    "110105.19491231.002X": "身份证110105.19491231.002X能办备案吗",
    "138.1234.5678": "手机138.1234.5678，江苏医保在上海住院能直接结算吗",
    "(138)1234-5678": "电话(138)1234-5678，异地备案怎么办",
    "622202 1234567890128": "银行卡622202 1234567890128，报销的钱打到哪",
    "A123 4567 89": "社保卡的号码是A123 4567 89，在上海能用吗",
    "幺三八幺二三四五六七八": "我手机幺三八幺二三四五六七八，医保卡在外地能用吗",
}


def test_personal_data_however_written_never_reaches_the_store_or_logs(assistant):
    user = new_sender("written")
    for message in WRITTEN.values():
        replies = say(assistant.url, user, message)
        assert replies[0]["text"].startswith("为保护你的隐私"), replies
    # a phone number used as the sender id is kept and logged under a pseudonym
    phone_sender = "139 8765 4321"
    assert say(assistant.url, phone_sender, NORMAL)
    under_number = tracker(assistant, urllib.parse.quote(phone_sender))["events"]
    assert not [e for e in under_number if e["event"] == "user"]
    stored = json.dumps(tracker(assistant, user), ensure_ascii=False)
    for name in ("rasa.log", "actions.log"):
        text = (assistant.logs / name).read_text(encoding="utf-8", errors="replace")
        for raw in WRITTEN:
            assert raw not in stored and raw not in text, f"{raw} in {name}"
        assert "8765 4321" not in text


@pytest.mark.parametrize(
    ("metadata", "code"),
    [
        ("deep", "metadata_too_deep"),
        ({"blob": "x" * 3000}, "metadata_too_large"),
    ],
)
def test_deep_or_large_metadata_is_refused_without_a_traceback(
    assistant, metadata, code
):
    if metadata == "deep":
        metadata = {}
        for _ in range(490):
            metadata = {"a": metadata}
    before = (assistant.logs / "rasa.log").read_text(encoding="utf-8", errors="replace")
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(
            f"{assistant.url}/webhooks/rest/webhook",
            {"sender": new_sender("meta"), "message": NORMAL, "metadata": metadata},
        )
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["code"] == code
    after = (assistant.logs / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in after[len(before) :]


def test_client_metadata_cannot_overwrite_rasas_own(assistant):
    user = new_sender("meta")
    post_json(
        f"{assistant.url}/webhooks/rest/webhook",
        {"sender": user, "message": NORMAL, "metadata": {"model_id": "forged"}},
    )
    said = [e for e in tracker(assistant, user)["events"] if e["event"] == "user"]
    assert said[0]["metadata"]["model_id"] != "forged"
    assert said[0]["metadata"]["client"] == {"model_id": "forged"}


def test_personal_data_in_metadata_is_masked_too(assistant):
    user = new_sender("pii")
    post_json(
        f"{assistant.url}/webhooks/rest/webhook",
        {
            "sender": user,
            "message": "江苏医保在上海住院能直接结算吗",
            "metadata": {"phone": "13812345678", "who": ["身份证11010519491231002X"]},
        },
    )
    stored = json.dumps(tracker(assistant, user), ensure_ascii=False)
    assert "13812345678" not in stored and "11010519491231002X" not in stored


# forced intents and slots


def test_typed_intents_and_slots_are_refused_but_button_clicks_work(assistant):
    user = new_sender("forced")
    for typed in (
        '/inform{"region_insured":"北京"}',
        '/ask_estimate{"estimate_total": 1}',
        '／inform{"region_insured": "110000"}',
        '  /inform{"filing_status": "emergency"}',
    ):
        assert reply_text(say(assistant.url, user, typed))
        state = tracker(assistant, user)
        assert state["slots"]["region_insured"] in (None, "")
        assert state["slots"]["estimate_total"] is None
        assert state["slots"]["filing_status"] is None
        assert not (state.get("active_loop") or {}).get("name")
        latest = state["latest_message"]
        assert not latest["text"].startswith(("/", "／"))
        assert latest["intent"]["name"] not in ("inform", "ask_estimate")

    # a real click on a button the bot offered is honoured
    reply = say(assistant.url, user, "江苏的医保卡在上海能用吗")
    buttons = reply[0]["buttons"]
    emergency = next(b for b in buttons if "emergency" in b["payload"])
    picked = reply_text(say(assistant.url, user, emergency["payload"]))
    assert "急诊抢救：视同已备案" in picked
    assert tracker(assistant, user)["slots"]["filing_status"] == "emergency"
    # an earlier button stays clickable (the widget keeps them), it is still the
    # bot's own payload
    filed = next(b for b in buttons if b["payload"].endswith('"filed"}'))
    say(assistant.url, user, filed["payload"])
    assert tracker(assistant, user)["slots"]["filing_status"] == "filed"
    # an offered payload with a slot added by hand is plain text
    say(assistant.url, user, filed["payload"].replace("}", ', "region_insured": "1"}'))
    assert tracker(assistant, user)["slots"]["region_insured"] == "320000"  # 江苏

    # form buttons (plain words) keep working
    user = new_sender("forced")
    say(assistant.url, user, "帮我算算能报多少")
    asked = say(assistant.url, user, "广州")
    scheme = asked[-1]["buttons"][0]["payload"]
    say(assistant.url, user, scheme)
    assert tracker(assistant, user)["slots"]["insurance_scheme"]


def test_a_place_picked_from_offered_buttons_is_honoured(assistant):
    user = new_sender("forced")
    reply = say(assistant.url, user, "我是苏洲参保的，在上海住院能直接结算吗")
    buttons = [
        b for m in reply for b in m.get("buttons") or [] if '"region"' in b["payload"]
    ]
    assert buttons and buttons[0]["payload"].startswith("/inform")
    say(assistant.url, user, buttons[0]["payload"])
    assert tracker(assistant, user)["slots"]["region_insured"]
