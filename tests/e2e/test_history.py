"""The widget's history endpoint (/webhooks/socketio/history): what was said in a
session, masked, and nothing else of the tracker; only for unguessable ids."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from bench.rest import say


def history(assistant, session_id: str) -> dict:
    url = f"{assistant.url}/webhooks/socketio/history?session_id={session_id}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_the_history_holds_what_was_said_masked_and_no_slots(assistant):
    session = f"web-{uuid.uuid4().hex}"
    say(assistant.url, session, "我的手机13812345678，江苏医保在上海住院能直接结算吗")
    events = history(assistant, session)["events"]
    assert [e["event"] for e in events][:2] == ["user", "bot"]
    assert "13812345678" not in json.dumps(events, ensure_ascii=False)
    assert "直接结算" in events[0]["text"]
    assert any(e["event"] == "bot" and e["buttons"] for e in events)
    assert set(events[0]) == {"event", "text", "timestamp"}


def test_an_unknown_session_has_an_empty_history(assistant):
    assert history(assistant, f"web-{uuid.uuid4().hex}") == {"events": []}


@pytest.mark.parametrize("session_id", ["", "default", "web-123", "a%00b" * 8])
def test_short_or_odd_ids_are_refused(assistant, session_id):
    with pytest.raises(urllib.error.HTTPError) as refused:
        history(assistant, session_id)
    assert refused.value.code == 400
