"""A web conversation belongs to the socket it was issued to (issue 12): the server
issues the id, a socket speaks only for the id it holds, the history answers only
this server's web ids and the site's own pages, and each channel keeps its ids to
itself. Driven with a plain socket.io client, as any widget speaking Rasa's
protocol (rasa-webchat included) would."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
import socketio

from bench.rest import post_json, say
from channels.guard import MAX_MESSAGE_CHARS, USER_TEXTS
from tests.e2e.test_hostile_input import NORMAL, proper_answer, tracker
from tests.e2e.webchat import WebChat, texts

WEB_ID = re.compile(r"^web-[0-9a-f]{64}$")


def history(assistant, session_id: str, origin: str | None = None) -> dict:
    url = f"{assistant.url}/webhooks/socketio/history?session_id={session_id}"
    request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def run(coroutine: Any) -> Any:
    """Run a client in its own thread and loop (the browser tests' Playwright
    keeps an event loop running in the main thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def user_texts(assistant, session: str) -> list[str]:
    events = tracker(assistant, session)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


def test_the_server_issues_the_id_and_keeps_only_its_own(assistant):
    async def talk() -> tuple[str, str, str, str]:
        async with WebChat(assistant.url) as chat:
            first = await chat.request(None)
            made_up = await chat.request("a")
            forged = await chat.request("web-" + "0" * 64)
        async with WebChat(assistant.url) as again:  # a reload, same id kept
            kept = await again.request(first)
        return first, made_up, forged, kept

    first, made_up, forged, kept = run(talk())
    assert WEB_ID.match(first) and WEB_ID.match(made_up) and WEB_ID.match(forged)
    assert len({first, made_up, forged}) == 3  # a made-up or forged id: a new one
    assert kept == first


def test_a_socket_cannot_speak_or_listen_for_another_session(assistant):
    async def talk() -> tuple[str, list[str], list[str], list[str]]:
        async with WebChat(assistant.url) as victim, WebChat(assistant.url) as other:
            mine = await victim.request()
            await other.request()
            # the other socket writes with the victim's id: refused, to it alone
            refused = texts(await other.say(NORMAL, session_id=mine))
            # a socket that never asked for a session: refused too
            async with WebChat(assistant.url) as bare:
                unbound = texts(await bare.say(NORMAL, session_id=mine))
            answered = texts(await victim.say(NORMAL))
            overheard = []
            while not other.heard.empty():
                overheard.append(other.heard.get_nowait())
            return mine, refused, unbound, answered + [str(overheard)]

    mine, refused, unbound, answered = run(talk())
    assert refused == [USER_TEXTS["session_invalid"]]
    assert unbound == [USER_TEXTS["session_invalid"]]
    assert proper_answer(answered[:-1]) and answered[-1] == "[]"
    assert user_texts(assistant, mine) == [NORMAL]  # only the holder's message


def test_the_history_serves_only_issued_web_ids_to_the_sites_pages(assistant):
    async def talk() -> str:
        async with WebChat(assistant.url) as chat:
            session = await chat.request()
            await chat.say(f"我的手机13812345678，{NORMAL}", replies=2)
            return session

    session = run(talk())
    events = history(assistant, session)["events"]
    assert [e["event"] for e in events][:2] == ["user", "bot"]
    assert "13812345678" not in json.dumps(events, ensure_ascii=False)
    assert set(events[0]) == {"event", "text", "timestamp"}
    assert any(e["event"] == "bot" and e["buttons"] for e in events)
    # the site's own pages (same host, another port) may read it ...
    assert history(assistant, session, origin="http://127.0.0.1:8080")["events"]
    # ... another site's may not
    with pytest.raises(urllib.error.HTTPError) as refused:
        history(assistant, session, origin="https://evil.example")
    assert refused.value.code == 403


@pytest.mark.parametrize(
    "session_id",
    [
        "",
        "default",
        "web-123",
        "a%00b" * 8,
        f"web-{uuid.uuid4().hex}",  # a widget's own id of old: never issued
        "web-" + "0" * 64,  # the right shape, not signed
        "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",  # a WeChat openid (28 characters)
        f"rest-{uuid.uuid4().hex}",  # a REST sender
    ],
)
def test_ids_this_server_did_not_issue_have_no_history(assistant, session_id):
    with pytest.raises(urllib.error.HTTPError) as refused:
        history(assistant, session_id)
    assert refused.value.code == 400


@pytest.mark.parametrize("sender", ["web-" + "0" * 64, "wx-oUpF8uMuAJO_M2pxb1Q9z"])
def test_rest_cannot_write_into_another_channels_conversations(assistant, sender):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(
            f"{assistant.url}/webhooks/rest/webhook",
            {"sender": sender, "message": NORMAL},
        )
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["code"] == "sender_reserved"
    # a REST sender of its own is answered as before
    assert proper_answer(
        texts(say(assistant.url, f"e2e-{uuid.uuid4().hex[:8]}", NORMAL))
    )


def test_a_page_of_another_site_cannot_open_a_socket(assistant):
    async def connect() -> None:
        async with WebChat(assistant.url, headers={"Origin": "https://evil.example"}):
            pass

    async def own_page() -> str:
        async with WebChat(
            assistant.url, headers={"Origin": "http://127.0.0.1:8080"}
        ) as chat:
            return await chat.request()

    with pytest.raises(socketio.exceptions.ConnectionError):
        run(connect())
    assert WEB_ID.match(run(own_page()))  # the site's own pages can


@pytest.mark.parametrize("chars", [10_000, 400_000])  # 30 KB and 1.2 MB
def test_an_oversized_packet_is_refused_before_any_work(assistant, chars):
    """Over socket.io's 16 KB (engine.io closes the connection) or over the server's
    128 KB body limit (a 413 before the body is read): never read, never stored,
    no traceback, and the next user is answered."""
    log = assistant.logs / "rasa.log"
    before = len(log.read_text(encoding="utf-8", errors="replace"))

    async def talk() -> tuple[str, list[Any], list[str]]:
        async with WebChat(assistant.url) as big:
            session = await big.request()
            await big.client.emit(
                "user_uttered", {"message": "医" * chars, "session_id": session}
            )
            await asyncio.sleep(2)
            heard = []
            while not big.heard.empty():
                heard.append(big.heard.get_nowait())
        async with WebChat(assistant.url) as chat:
            await chat.request()
            return session, heard, texts(await chat.say(NORMAL))

    session, heard, answered = run(talk())
    assert heard == []  # not even the guard's "too long": it was never read
    assert user_texts(assistant, session) == []
    assert proper_answer(answered)
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")[before:]


def test_deep_or_large_metadata_is_dropped_and_the_message_answered(assistant):
    deep: dict = {}
    for _ in range(300):
        deep = {"a": deep}

    async def talk() -> tuple[str, list[list[str]]]:
        async with WebChat(assistant.url) as chat:
            session = await chat.request()
            answers = []
            for metadata in (deep, {"blob": "x" * 3000}, {"model_id": "forged"}):
                await chat.client.emit(
                    "user_uttered",
                    {"message": NORMAL, "session_id": session, "metadata": metadata},
                )
                answers.append(texts([await asyncio.wait_for(chat.heard.get(), 30)]))
                await asyncio.sleep(0.5)
                while not chat.heard.empty():
                    chat.heard.get_nowait()
            return session, answers

    session, answers = run(talk())
    assert all(proper_answer(a) for a in answers)
    said = [e for e in tracker(assistant, session)["events"] if e["event"] == "user"]
    assert [e["metadata"].get("client") for e in said] == [
        None,
        None,
        {"model_id": "forged"},
    ]
    assert said[2]["metadata"]["model_id"] != "forged"


def test_malformed_events_are_ignored_and_the_guard_still_applies(assistant):
    async def talk() -> list[list[str]]:
        async with WebChat(assistant.url) as chat:
            await chat.client.emit("session_request")  # no argument at all
            await asyncio.wait_for(chat.confirmed.get(), 10)
            await chat.client.emit("user_uttered")  # no argument: ignored
            await chat.client.emit("user_uttered", "not an object")
            session = await chat.request()
            turns = [
                texts(await chat.say("\u200b ")),
                texts(await chat.say("医" * (MAX_MESSAGE_CHARS + 1))),
                texts(await chat.say(12345)),
                texts(await chat.say(f"手机13812345678，{NORMAL}", replies=2)),
                texts(await chat.say('/inform{"region_insured":"北京"}')),
                texts(await chat.say("江苏的医保卡在上海能用吗")),
            ]
            assert session
            return turns

    empty, too_long, not_text, personal, forced, _ = run(talk())
    assert empty == [USER_TEXTS["empty"]]
    assert too_long == [USER_TEXTS["too_long"].format(limit=MAX_MESSAGE_CHARS)]
    assert not_text == [USER_TEXTS["empty"]]
    assert personal[0].startswith("为保护你的隐私") and "手机号" in personal[0]
    assert proper_answer(personal[1:])
    assert forced and forced[0]


def test_a_clicked_button_is_honoured_and_a_typed_one_made_plain(assistant):
    async def talk() -> tuple[str, list[str]]:
        async with WebChat(assistant.url) as chat:
            session = await chat.request()
            await chat.say('/inform{"region_insured":"北京"}')
            offered = [
                b
                for m in await chat.say("江苏的医保卡在上海能用吗")
                for b in m.get("quick_replies") or []
            ]
            payload = next(b["payload"] for b in offered if "emergency" in b["payload"])
            return session, texts(await chat.say(payload))

    session, clicked = run(talk())
    assert any("急诊抢救：视同已备案" in text for text in clicked)
    state = tracker(assistant, session)
    said = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert said[0] == 'inform{"region_insured":"北京"}'  # typed: made plain text
    assert said[-1] == '/inform{"filing_status": "emergency"}'  # clicked: kept
    assert state["slots"]["filing_status"] == "emergency"
    assert state["slots"]["region_insured"] == "320000"  # 江苏, not forced to 北京
