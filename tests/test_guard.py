"""The guard in front of the public channels (channels/guard.py): normalisation,
personal-data masking (and what must not be masked), the slash-syntax decision, the
rate limiters with a fake clock and a fake Redis, the action-failure watch, and the
REST webhook's request checks on a bare Sanic app."""

import asyncio
import itertools
import json
from types import SimpleNamespace

import pytest
from sanic import Sanic

from channels.guard import (
    MAX_MESSAGE_CHARS,
    REQUEST_ERRORS,
    USER_TEXTS,
    Guard,
    GuardSettings,
    honour_slash,
    is_slash_command,
    neutralise_slash,
    normalize_text,
    payloads_offered,
    valid_sender,
)
from channels.limits import SlidingWindowLimiter
from channels.personal_data import pii_mask
from channels.rest import RestInput, parse_body
from channels.turns import offered_payloads
from tests.test_limits import FakeClock

ID_WITH_X = "11010519491231002X"

# normalisation


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  江苏医保  在上海  ", "江苏医保 在上海"),
        ("江苏\n上海\t住院\r\n", "江苏 上海 住院"),
        ("医\u200b保\u200c卡\u200d\ufeff", "医保卡"),  # zero-width
        ("\u202e上海\u202c\u2066\u2069", "上海"),  # bidi controls
        ("a\x00b\x07c\x1bd\x7fe", "abcde"),  # C0 / DEL controls
        ("\u00adsoft\u2060joiner", "softjoiner"),
        ("bad\ud800surrogate", "badsurrogate"),
        ("non\ufffe\uffffchar\ufdd0", "nonchar"),
        ("５万元，１３８", "5万元，138"),  # full-width digits
        ("\u0663\u0664", "34"),  # Arabic-Indic digits
        ("住院，能报吗？", "住院，能报吗？"),  # full-width punctuation stays
        ("e\u0301", "\u00e9"),  # NFC
        ("\u3000\u3000你好\u3000", "你好"),  # ideographic spaces
        ("😀👍🏻", "😀👍🏻"),
        ("שלום עולם", "שלום עולם"),  # RTL text kept
        ("", ""),
        ("\u200b\u200b \n", ""),
    ],
)
def test_normalisation(raw, clean):
    assert normalize_text(raw) == clean


def test_normalisation_is_idempotent():
    text = '\u200b／inform{"a": 1}\n\n１２３ <b>x</b>'
    assert normalize_text(normalize_text(text)) == normalize_text(text)


@pytest.mark.parametrize(
    ("sender", "ok"),
    [
        ("user-1", True),
        ("o6_bmjrPTlm6_2sgVt7hMZOPfL2M", True),
        ("", False),
        ("   ", False),
        ("a" * 129, False),
        ("a\x00b", False),
        ("a\u200bb", False),
    ],
)
def test_valid_sender(sender, ok):
    assert valid_sender(sender) is ok


# slash syntax

OFFERED = ['/inform{"filing_status": "emergency"}', "/ask_card_elsewhere", "已备案"]


@pytest.mark.parametrize(
    ("text", "slash"),
    [
        ("/greet", True),
        ("／greet", True),
        ("   /greet", True),
        ("⁄greet", True),
        ("∕greet", True),
        ("greet/", False),
        ("江苏/上海", False),
        ("", False),
        ("   ", False),
    ],
)
def test_slash_commands_are_recognised(text, slash):
    assert is_slash_command(text) is slash


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ('/inform{"region_insured":"北京"}', 'inform{"region_insured":"北京"}'),
        ('／ask_estimate{"estimate_total": 1}', 'ask_estimate{"estimate_total": 1}'),
        ("  / ／ //greet", "greet"),
        ("/", ""),
        ("／／", ""),
        ("/江苏医保在上海能用吗", "江苏医保在上海能用吗"),
    ],
)
def test_typed_slash_syntax_is_neutralised(text, plain):
    assert neutralise_slash(text) == plain
    assert not is_slash_command(neutralise_slash(text))


def test_only_an_offered_payload_is_honoured():
    assert honour_slash('/inform{"filing_status": "emergency"}', OFFERED)
    assert honour_slash("/ask_card_elsewhere", OFFERED)
    assert not honour_slash('/inform{"filing_status": "filed"}', OFFERED)
    assert not honour_slash("/ask_card_elsewhere@0.1", OFFERED)
    assert not honour_slash('/inform{"region_insured":"北京"}', OFFERED)
    assert not honour_slash("/ask_card_elsewhere", [])


def bot(text, buttons=None):
    return SimpleNamespace(type_name="bot", text=text, data={"buttons": buttons})


def user(text):
    return SimpleNamespace(type_name="user", text=text, data={})


def action(name):
    return SimpleNamespace(type_name="action", action_name=name)


def test_payloads_come_from_every_bot_message_newest_first():
    old = [{"title": "旧", "payload": "/old"}]
    new = [{"title": "甲", "payload": "/a"}, {"title": "乙", "payload": "/b"}]
    events = [
        user("hi"),
        bot("选", old),
        user("江苏医保在上海能用吗"),
        action("action_answer"),
        bot("第一段"),
        bot("选一个", new),
        action("action_listen"),
    ]
    assert payloads_offered(events) == ["/a", "/b", "/old"]
    assert payloads_offered(events + [user("/a")]) == ["/a", "/b", "/old"]
    assert payloads_offered([user("/a")]) == []
    assert payloads_offered([]) == []


def test_offered_payloads_reads_the_agents_tracker_store():
    class Store:
        def __init__(self, tracker):
            self.tracker = tracker

        async def retrieve(self, sender_id):
            if sender_id == "broken":
                raise RuntimeError("database down")
            return self.tracker if sender_id == "known" else None

    tracker = SimpleNamespace(events=[user("x"), bot("选", [{"payload": "/p"}])])
    agent = SimpleNamespace(tracker_store=Store(tracker))

    async def run():
        return [
            await offered_payloads(agent, "known"),
            await offered_payloads(agent, "unknown"),
            await offered_payloads(agent, "broken"),
            await offered_payloads(None, "known"),
        ]

    assert asyncio.run(run()) == [["/p"], [], [], []]


# the guard's decisions


def screen(guard, text, offered=(), trusted=False, sender="u1"):
    async def payloads():
        return list(offered)

    return asyncio.run(guard.screen(sender, text, payloads, trusted))


def test_a_plain_message_goes_through_unchanged():
    result = screen(Guard("t"), "江苏医保在上海住院能直接结算吗")
    assert result.text == "江苏医保在上海住院能直接结算吗"
    assert result.reply is None and result.notice is None


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\t", "/", "／ /"])
def test_empty_messages_get_a_polite_reply(text):
    result = screen(Guard("t"), text)
    assert result.text is None and result.reply == USER_TEXTS["empty"]


def test_too_long_messages_are_not_processed():
    guard = Guard("t")
    assert screen(guard, "医" * MAX_MESSAGE_CHARS).text == "医" * MAX_MESSAGE_CHARS
    too_long = screen(guard, "医" * (MAX_MESSAGE_CHARS + 1))
    assert too_long.text is None
    assert too_long.reply == USER_TEXTS["too_long"].format(limit=MAX_MESSAGE_CHARS)
    assert str(MAX_MESSAGE_CHARS) in too_long.reply
    # invisible characters do not count
    assert screen(guard, "医" * MAX_MESSAGE_CHARS + "\u200b" * 50).text


def test_personal_data_is_masked_before_anything_else_sees_it():
    result = screen(Guard("t"), f"我的身份证{ID_WITH_X}能在上海用吗")
    assert result.text == f"我的身份证{pii_mask('id_card')}能在上海用吗"
    assert result.masked == ["id_card"] and "身份证号" in result.notice


def test_typed_intents_are_neutralised_and_clicks_honoured():
    guard = Guard("t")
    typed = screen(guard, '/inform{"region_insured":"北京"}', OFFERED)
    assert typed.text == 'inform{"region_insured":"北京"}' and typed.neutralised
    click = screen(guard, OFFERED[0], OFFERED)
    assert click.text == OFFERED[0] and not click.neutralised
    full_width = screen(guard, "／ask_card_elsewhere", OFFERED)
    assert full_width.text == "ask_card_elsewhere" and full_width.neutralised
    spaced = screen(guard, "  \u200b/ask_card_elsewhere  ", OFFERED)
    assert spaced.text == "/ask_card_elsewhere"  # the click, with noise around it
    trusted = screen(guard, "/picked_by_number", [], trusted=True)
    assert trusted.text == "/picked_by_number"


def test_the_tracker_is_read_only_for_slash_texts():
    calls = []

    async def payloads():
        calls.append(1)
        return []

    guard = Guard("t")
    asyncio.run(guard.screen("u", "江苏医保在上海能用吗", payloads))
    assert calls == []
    asyncio.run(guard.screen("u", "/greet", payloads))
    assert calls == [1]


def test_the_rate_limit_answers_politely_per_sender():
    clock = FakeClock()
    guard = Guard(
        "t",
        GuardSettings(rate_limit=3, rate_window=60),
        SlidingWindowLimiter(3, 60, clock=clock),
    )
    assert [screen(guard, "你好").text for _ in range(3)] == ["你好"] * 3
    blocked = screen(guard, "你好")
    assert blocked.text is None and blocked.reply == USER_TEXTS["rate_limited"]
    assert screen(guard, "你好", sender="someone-else").text == "你好"
    clock.now += 61
    assert screen(guard, "你好").text == "你好"


# settings


def test_settings_from_credentials_and_environment():
    assert GuardSettings.from_credentials(None, {}) == GuardSettings()
    credentials = {
        "max_message_chars": 300,
        "rate_limit_messages": 5,
        "rate_limit_seconds": 10,
    }
    assert GuardSettings.from_credentials(credentials, {}) == GuardSettings(
        300, 5, 10.0, ""
    )
    environ = {
        "GUARD_RATE_LIMIT_MESSAGES": "7",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "GUARD_MAX_MESSAGE_CHARS": "oops",
    }
    settings = GuardSettings.from_credentials(credentials, environ)
    assert settings.rate_limit == 7 and settings.max_chars == 300
    assert settings.redis_url == "redis://127.0.0.1:6379/0"


# the REST webhook's request checks

GOOD = {"sender": "u1", "message": "你好"}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (
            b'{"sender":"a","message":"\xff\xfe"}',
            "application/json",
            400,
            "invalid_utf8",
        ),
        (b"\xff" + json.dumps(GOOD).encode(), "application/json", 400, "invalid_utf8"),
        (b'{"sender":"a",', "application/json", 400, "invalid_json"),
        (b"", "application/json", 400, "invalid_json"),
        (b'{"sender":"a","message":NaN}', "application/json", 400, "invalid_json"),
        (b"[" * 60_000, "application/json", 400, "invalid_json"),
        (
            b"sender=a&message=hi",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        (b"[1, 2]", "application/json", 400, "not_an_object"),
        (b'"hi"', "application/json", 400, "not_an_object"),
        (b"null", "application/json", 400, "not_an_object"),
        (b'{"message":"hi"}', "application/json", 400, "sender_missing"),
        (b'{"sender":"","message":"hi"}', "application/json", 400, "sender_missing"),
        (b'{"sender":"  ","message":"hi"}', "application/json", 400, "sender_missing"),
        (b'{"sender":5,"message":"hi"}', "application/json", 400, "sender_not_string"),
        (
            b'{"sender":{"a":1},"message":"hi"}',
            "application/json",
            400,
            "sender_not_string",
        ),
        (
            json.dumps({"sender": "x" * 200, "message": "hi"}).encode(),
            "",
            400,
            "sender_invalid",
        ),
        (b'{"sender":"a"}', "application/json", 400, "message_missing"),
        (b'{"sender":"a","message":null}', "application/json", 400, "message_missing"),
        (b'{"sender":"a","message":5}', "application/json", 400, "message_not_string"),
        (
            b'{"sender":"a","message":["x"]}',
            "application/json",
            400,
            "message_not_string",
        ),
        (
            b'{"sender":"a","message":"x","metadata":[1]}',
            "application/json",
            400,
            "metadata_not_object",
        ),
        (b"x" * (64 * 1024 + 1), "application/json", 413, "body_too_large"),
    ],
    ids=lambda value: str(value)[:30] if isinstance(value, str | int) else None,
)
def test_malformed_requests_are_refused(body, content_type, status, code):
    with pytest.raises(Exception) as refused:
        parse_body(body, content_type)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert "/" in REQUEST_ERRORS[code]  # Chinese / English


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps(GOOD).encode(), "application/json"),
        (
            json.dumps(GOOD, ensure_ascii=False).encode(),
            "application/json; charset=utf-8",
        ),
        (b"\xef\xbb\xbf" + json.dumps(GOOD).encode(), "application/json"),  # BOM
        (json.dumps(GOOD).encode(), "application/x-www-form-urlencoded"),  # curl -d
        (json.dumps(GOOD).encode(), ""),
        (json.dumps({**GOOD, "message": ""}).encode(), "application/json"),
        (json.dumps({**GOOD, "metadata": {"a": 1}}).encode(), "application/json"),
    ],
)
def test_well_formed_requests_are_accepted(body, content_type):
    assert parse_body(body, content_type)["sender"] == "u1"


_apps = itertools.count()


class FakeAssistant:
    """Stands in for Rasa: records what it was told and answers with buttons."""

    def __init__(self, silent=False):
        self.heard = []
        self.silent = silent

    async def __call__(self, message):
        self.heard.append(message.text)
        if not self.silent:
            await message.output_channel.send_text_message(
                message.sender_id, f"收到：{message.text}"
            )


def rest_app(assistant, **settings):
    app = Sanic(f"rest_test_{next(_apps)}")
    channel = RestInput(GuardSettings(**settings))
    app.blueprint(channel.blueprint(assistant), url_prefix="/webhooks/rest")
    return app


def test_the_rest_webhook_answers_errors_as_json_and_messages_as_a_list():
    assistant = FakeAssistant()
    app = rest_app(assistant)
    url = "/webhooks/rest/webhook"
    _, resp = app.test_client.post(url, data=b"[1]")
    assert resp.status == 400 and resp.json["code"] == "not_an_object"
    assert "error" in resp.json
    _, resp = app.test_client.post(url, data=b"x" * 70_000)
    assert resp.status == 413 and resp.json["code"] == "body_too_large"
    _, resp = app.test_client.post(url, json={"sender": "u", "message": "你好"})
    assert resp.status == 200
    assert resp.json == [{"recipient_id": "u", "text": "收到：你好"}]
    _, resp = app.test_client.post(url, json={"sender": "u", "message": " "})
    assert resp.json == [{"recipient_id": "u", "text": USER_TEXTS["empty"]}]
    _, resp = app.test_client.post(
        url, json={"sender": "u", "message": "手机13812345678，能用吗"}
    )
    texts = [m["text"] for m in resp.json]
    assert texts[0].startswith("为保护你的隐私") and "手机号" in texts[0]
    assert texts[1] == f"收到：手机{pii_mask('phone')}，能用吗"
    _, resp = app.test_client.post(
        url + "?stream=true", json={"sender": "u", "message": "在吗"}
    )
    assert json.loads(resp.text.splitlines()[0])["text"] == "收到：在吗"
    assert assistant.heard == ["你好", f"手机{pii_mask('phone')}，能用吗", "在吗"]
    _, resp = app.test_client.get("/webhooks/rest/")
    assert resp.json == {"status": "ok"}


def test_the_rest_webhook_apologises_when_the_assistant_says_nothing():
    app = rest_app(FakeAssistant(silent=True))
    _, resp = app.test_client.post(
        "/webhooks/rest/webhook", json={"sender": "u", "message": "能报多少"}
    )
    assert resp.status == 200
    assert resp.json == [{"recipient_id": "u", "text": USER_TEXTS["unavailable"]}]
    assert "12393" in USER_TEXTS["unavailable"]
    assert "国家医保服务平台" in USER_TEXTS["unavailable"]


def test_the_rest_webhook_limits_each_sender():
    assistant = FakeAssistant()
    app = rest_app(assistant, rate_limit=2)
    url = "/webhooks/rest/webhook"
    texts = [
        app.test_client.post(url, json={"sender": "u", "message": "在吗"})[1].json[0][
            "text"
        ]
        for _ in range(3)
    ]
    assert texts == ["收到：在吗", "收到：在吗", USER_TEXTS["rate_limited"]]
    other = app.test_client.post(url, json={"sender": "v", "message": "在吗"})[1]
    assert other.json[0]["text"] == "收到：在吗"
