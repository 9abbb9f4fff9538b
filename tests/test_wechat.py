"""The WeChat Official Account channel, with requests signed (and in safe mode
encrypted) exactly as WeChat's servers do, including hostile ones."""

import asyncio
import base64
import hashlib
import itertools
import time
import xml.etree.ElementTree as ET

import pytest
from sanic import Sanic
from wechatpy.crypto import WeChatCrypto

from channels.guard import MAX_MESSAGE_CHARS, USER_TEXTS, Guard, GuardSettings
from channels.shared_state import MemoryState
from channels.wechat import (
    CHOOSE_BY_NUMBER,
    ONLY_TEXT,
    SUCCESS,
    WELCOME_TEXT,
    WeChatInput,
    render_for_wechat,
)

TOKEN = "test-token"
APP_ID = "wx1234567890abcdef"
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode().rstrip("=")
USER = "oUser-openid"
ACCOUNT = "gh_account"
_apps = itertools.count()


class FakeCustomerService:
    def __init__(self):
        self.sent = []

    async def send_text(self, openid, text):
        self.sent.append((openid, text))


class FakeAssistant:
    """Stands in for Rasa: records what it was told and answers from a script."""

    def __init__(self, delay=0.0, buttons=None):
        self.heard = []
        self.delay = delay
        self.buttons = buttons

    async def __call__(self, message):
        self.heard.append(message.text)
        await asyncio.sleep(self.delay)
        out = message.output_channel
        if self.buttons:
            await out.send_text_with_buttons(
                message.sender_id, "选一个：", self.buttons
            )
        else:
            await out.send_text_message(message.sender_id, f"收到：{message.text}")


def signature(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def query(timestamp=None, nonce="n0nce", **extra):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    args = {
        "timestamp": timestamp,
        "nonce": nonce,
        "signature": signature(TOKEN, timestamp, nonce),
    }
    args.update(extra)
    return args


def text_xml(content, msg_id="1001", msg_type="text", extra=""):
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{USER}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>{extra}"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def make_app(assistant, aes=False, token=TOKEN, timeout=2.0, service=None, state=None):
    channel = WeChatInput(
        token=token,
        app_id=APP_ID,
        aes_key=AES_KEY if aes else "",
        reply_timeout=timeout,
        customer_service=service or FakeCustomerService(),
        state=state,
    )
    app = Sanic(f"wechat_test_{next(_apps)}")
    app.blueprint(channel.blueprint(assistant), url_prefix="/webhooks/wechat")
    return app, channel


def post(app, body, args):
    url = "/webhooks/wechat/webhook?" + "&".join(f"{k}={v}" for k, v in args.items())
    data = body.encode() if isinstance(body, str) else body
    _, resp = app.test_client.post(url, data=data)
    return resp


def reply_content(xml_text):
    return ET.fromstring(xml_text).findtext("Content")


def test_the_server_check_returns_echostr():
    app, _ = make_app(FakeAssistant())
    _, resp = app.test_client.get(
        "/webhooks/wechat/webhook", params=query(echostr="hello123")
    )
    assert resp.status == 200 and resp.text == "hello123"


@pytest.mark.parametrize(
    "args",
    [
        {**query(echostr="x"), "signature": "0" * 40},
        query(timestamp=int(time.time()) - 3600, echostr="x"),
        {"echostr": "x"},
    ],
)
def test_a_bad_or_stale_signature_is_rejected(args):
    app, _ = make_app(FakeAssistant())
    _, resp = app.test_client.get("/webhooks/wechat/webhook", params=args)
    assert resp.status == 403


def test_without_a_token_the_channel_is_not_configured():
    app, _ = make_app(FakeAssistant(), token="")
    _, resp = app.test_client.get("/webhooks/wechat/webhook", params=query())
    assert resp.status == 503


def test_a_text_message_gets_a_passive_reply():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    resp = post(app, text_xml("江苏医保在上海能用吗"), query())
    root = ET.fromstring(resp.text)
    assert root.findtext("ToUserName") == USER
    assert root.findtext("FromUserName") == ACCOUNT
    assert root.findtext("Content") == "收到：江苏医保在上海能用吗"
    assert assistant.heard == ["江苏医保在上海能用吗"]


def test_safe_mode_decrypts_the_message_and_encrypts_the_reply():
    assistant = FakeAssistant()
    app, _ = make_app(assistant, aes=True)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    timestamp, nonce = str(int(time.time())), "abc"
    encrypted = crypto.encrypt_message(text_xml("怎么备案"), nonce, timestamp)
    encrypt = ET.fromstring(encrypted).findtext("Encrypt")
    args = query(timestamp=timestamp, nonce=nonce, encrypt_type="aes")
    args["msg_signature"] = signature(TOKEN, timestamp, nonce, encrypt)
    body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    resp = post(app, body, args)
    assert resp.status == 200
    reply = ET.fromstring(resp.text)
    inner = crypto.decrypt_message(
        resp.text,
        reply.findtext("MsgSignature"),
        reply.findtext("TimeStamp"),
        reply.findtext("Nonce"),
    )
    assert reply_content(inner) == "收到：怎么备案"
    # the same body with a wrong msg_signature is refused
    args["msg_signature"] = "0" * 40
    assert post(app, body, {**args}).status == 403


def test_a_new_follower_is_welcomed():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    body = (
        f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{USER}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>event</MsgType>"
        "<Event>subscribe</Event></xml>"
    )
    resp = post(app, body, query())
    assert assistant.heard == [WELCOME_TEXT]
    assert reply_content(resp.text) == f"收到：{WELCOME_TEXT}"


def test_voice_uses_the_recognised_text_and_other_types_get_a_polite_note():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    voice = text_xml(
        "",
        msg_id="2001",
        msg_type="voice",
        extra="<Recognition><![CDATA[忘了备案怎么办]]></Recognition><Format>amr</Format><MediaId>m</MediaId>",
    )
    assert reply_content(post(app, voice, query()).text) == "收到：忘了备案怎么办"
    silent = text_xml(
        "",
        msg_id="2002",
        msg_type="voice",
        extra="<Format>amr</Format><MediaId>m</MediaId>",
    )
    assert reply_content(post(app, silent, query()).text) == ONLY_TEXT
    image = text_xml(
        "",
        msg_id="2003",
        msg_type="image",
        extra="<PicUrl>http://x/y.jpg</PicUrl><MediaId>m</MediaId>",
    )
    assert reply_content(post(app, image, query()).text) == ONLY_TEXT
    assert assistant.heard == ["忘了备案怎么办"]


def test_choices_are_numbered_and_a_number_picks_one():
    buttons = [
        {"title": "已备案", "payload": "已经备案了"},
        {"title": "未备案", "payload": "还没备案"},
    ]
    assistant = FakeAssistant(buttons=buttons)
    app, _ = make_app(assistant)
    content = reply_content(post(app, text_xml("能刷卡吗", "3001"), query()).text)
    assert content.endswith(f"{CHOOSE_BY_NUMBER}\n1. 已备案\n2. 未备案")
    post(app, text_xml("2", "3002"), query())
    assert assistant.heard == ["能刷卡吗", "还没备案"]
    post(app, text_xml("7", "3003"), query())  # no seventh choice: said as it is
    assert assistant.heard[-1] == "7"


def test_a_retried_message_is_processed_once():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    first = post(app, text_xml("在吗", "4001"), query())
    again = post(app, text_xml("在吗", "4001"), query())
    assert reply_content(first.text) == "收到：在吗"
    assert again.text == SUCCESS
    assert assistant.heard == ["在吗"]


def test_replicas_sharing_their_state_take_a_message_once_and_keep_the_choices():
    buttons = [
        {"title": "已备案", "payload": "已经备案了"},
        {"title": "未备案", "payload": "还没备案"},
    ]
    shared = MemoryState()  # Redis in the scale-out setup
    first_assistant, second_assistant = FakeAssistant(buttons=buttons), FakeAssistant()
    first, _ = make_app(first_assistant, state=shared)
    second, _ = make_app(second_assistant, state=shared)
    post(first, text_xml("能刷卡吗", "6001"), query())
    # WeChat's retry reaches the other replica: not processed again
    assert post(second, text_xml("能刷卡吗", "6001"), query()).text == SUCCESS
    # the number picks the choice the other replica offered
    post(second, text_xml("1", "6002"), query())
    assert first_assistant.heard == ["能刷卡吗"]
    assert second_assistant.heard == ["已经备案了"]


def test_a_slow_answer_is_delivered_by_the_customer_service_api():
    service = FakeCustomerService()
    assistant = FakeAssistant(delay=0.5)
    app, channel = make_app(assistant, timeout=0.1, service=service)
    args = "&".join(f"{k}={v}" for k, v in query().items())

    async def conversation():
        # one event loop for the request and the late delivery after it
        _, resp = await app.asgi_client.post(
            f"/webhooks/wechat/webhook?{args}",
            data=text_xml("算一下能报多少", "5001").encode(),
        )
        assert resp.text == SUCCESS
        assert service.sent == []  # not yet: the assistant is still working
        await asyncio.gather(*channel._pending)

    asyncio.run(conversation())
    assert service.sent == [(USER, "收到：算一下能报多少")]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><Content>&lol3;</Content></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>9</MsgId></xml>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        "not xml at all",
        "<html><body>hi</body></html>",
        "<xml>" + "<a>x</a>" * 20000 + "</xml>",
        b"\xff\xfe<xml></xml>",
    ],
)
def test_hostile_xml_is_rejected_without_reaching_the_assistant(body):
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    resp = post(app, body, query())
    assert resp.status == 400
    assert assistant.heard == []


def test_render_joins_texts_and_numbers_the_last_buttons():
    text, payloads = render_for_wechat(
        [
            {"text": "第一段"},
            {"text": "第二段", "buttons": [{"title": "甲", "payload": "/a"}]},
        ]
    )
    assert text == f"第一段\n\n第二段\n\n{CHOOSE_BY_NUMBER}\n1. 甲"
    assert payloads == ["/a"]


# the guard (channels/guard.py) in front of the WeChat channel


def guarded_app(assistant, **settings):
    channel = WeChatInput(
        token=TOKEN,
        app_id=APP_ID,
        reply_timeout=2.0,
        customer_service=FakeCustomerService(),
        guard=Guard("wechat", GuardSettings(**settings)),
    )
    app = Sanic(f"wechat_test_{next(_apps)}")
    app.blueprint(channel.blueprint(assistant), url_prefix="/webhooks/wechat")
    return app


def test_empty_and_too_long_texts_get_the_guards_reply_without_the_assistant():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    empty = reply_content(post(app, text_xml("\u200b \u3000", "6001"), query()).text)
    assert empty == USER_TEXTS["empty"]
    long_text = "医" * (MAX_MESSAGE_CHARS + 1)
    too_long = reply_content(post(app, text_xml(long_text, "6002"), query()).text)
    assert too_long == USER_TEXTS["too_long"].format(limit=MAX_MESSAGE_CHARS)
    assert assistant.heard == []


def test_personal_data_is_hidden_from_the_assistant_and_the_user_told():
    assistant = FakeAssistant()
    app, _ = make_app(assistant)
    content = reply_content(
        post(app, text_xml("身份证11010519491231002X能用吗", "6101"), query()).text
    )
    assert assistant.heard == ["身份证＊＊＊能用吗"]
    notice, answer = content.split("\n\n", 1)
    assert notice.startswith("为保护你的隐私") and "身份证号" in notice
    assert answer == "收到：身份证＊＊＊能用吗"


def test_typed_intents_are_plain_text_but_a_number_picks_a_slash_payload():
    buttons = [
        {"title": "已备案", "payload": '/inform{"filing_status": "filed"}'},
        {"title": "急诊", "payload": '/inform{"filing_status": "emergency"}'},
    ]
    assistant = FakeAssistant(buttons=buttons)
    app, _ = make_app(assistant)
    post(app, text_xml('/inform{"filing_status": "filed"}', "6201"), query())
    post(app, text_xml("／greet", "6202"), query())
    post(app, text_xml("２", "6203"), query())  # a full-width digit picks too
    assert assistant.heard == [
        'inform{"filing_status": "filed"}',
        "greet",
        '/inform{"filing_status": "emergency"}',
    ]


def test_each_openid_is_rate_limited_politely():
    assistant = FakeAssistant()
    app = guarded_app(assistant, rate_limit=2)
    replies = [
        reply_content(post(app, text_xml("在吗", f"630{n}"), query()).text)
        for n in range(3)
    ]
    assert replies == ["收到：在吗", "收到：在吗", USER_TEXTS["rate_limited"]]
    assert assistant.heard == ["在吗", "在吗"]


def test_an_assistant_that_says_nothing_is_followed_by_an_apology():
    async def silent(message):
        return None

    app, _ = make_app(silent)
    content = reply_content(post(app, text_xml("能报多少", "6401"), query()).text)
    assert content == USER_TEXTS["unavailable"]
