"""The WeChat Official Account channel on the real Rasa server: a signed message in,
the assistant's answer back as a passive XML reply, choices as numbered lines."""

import hashlib
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET

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
