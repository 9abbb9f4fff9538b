"""The WeChat Official Account channel on the real Rasa server: a signed message in,
the assistant's answer back as a passive XML reply, choices as numbered lines, and
the guard (personal data hidden, typed intents refused) in front of it."""

import hashlib
import json
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET

from channels.guard import USER_TEXTS
from channels.sessions import wechat_sender
from tests.conftest import WECHAT_TOKEN


def signed_query(nonce="e2e"):
    timestamp = str(int(time.time()))
    digest = hashlib.sha1(
        "".join(sorted([WECHAT_TOKEN, timestamp, nonce])).encode()
    ).hexdigest()
    return f"timestamp={timestamp}&nonce={nonce}&signature={digest}"


def send(assistant, openid, content):
    body = (
        f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{uuid.uuid4().int % 10**15}</MsgId></xml>"
    )
    request = urllib.request.Request(
        f"{assistant.url}/webhooks/wechat/webhook?{signed_query()}",
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/xml"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return ET.fromstring(response.read().decode("utf-8")).findtext("Content")


def test_a_question_and_a_numbered_choice_through_wechat(assistant):
    openid = f"o-e2e-{uuid.uuid4().hex[:8]}"
    answer = send(assistant, openid, "我是江苏参保的，在上海住院能刷卡吗")
    assert "备案" in answer
    assert "回复数字选择：\n1. 已备案\n2. 未备案\n3. 急诊抢救" in answer
    picked = send(assistant, openid, "2")
    assert picked.startswith("未备案")


def slots(assistant, openid):
    url = f"{assistant.url}/conversations/{wechat_sender(openid)}/tracker"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_the_guard_is_applied_on_the_wechat_channel(assistant):
    openid = f"o-e2e-{uuid.uuid4().hex[:8]}"
    assert send(assistant, openid, "\u200b ") == USER_TEXTS["empty"]
    # a typed intent with a slot is plain text: nothing is set, no form starts
    send(
        assistant,
        openid,
        '/ask_estimate{"estimate_total": 1, "region_insured": "110000"}',
    )
    state = slots(assistant, openid)
    assert [e for e in state["events"] if e["event"] == "user"]  # it is WeChat's
    assert state["slots"]["estimate_total"] is None
    assert state["slots"]["region_insured"] is None
    assert not (state.get("active_loop") or {}).get("name")
    answer = send(assistant, openid, "手机13812345678，江苏医保在上海住院能刷卡吗")
    assert answer.startswith("为保护你的隐私") and "手机号" in answer
    assert "13812345678" not in answer and "3. 急诊抢救" in answer
    # the number picks the offered choice (its payload is /inform{...})
    assert send(assistant, openid, "3").startswith("急诊抢救")
    state = slots(assistant, openid)
    assert state["slots"]["filing_status"] == "emergency"
    said = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert not said[0].startswith("/")
    assert said[1] == "手机＊＊＊，江苏医保在上海住院能刷卡吗"
