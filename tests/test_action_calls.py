"""channels.action_calls: calls to the action server share one kept connection, a
connection the server closed is replaced without failing the call, and the loaded
agent gets the endpoint when the server starts. Against a real aiohttp server on
loopback."""

import asyncio
import types

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bench.processes import free_port
from channels.action_calls import (
    KeptActionEndpoint,
    current_turn,
    keep_action_connections,
)


class ActionServer:
    """A tiny webhook that answers with the client's address and port."""

    def __init__(self, port):
        self.port = port
        self.runner = None

    async def start(self):
        async def webhook(request):
            body = await request.json()
            return web.json_response(
                {
                    "peer": list(request.transport.get_extra_info("peername")),
                    "events": body.get("tracker", {}).get("events"),
                }
            )

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self):
        await self.runner.cleanup()


def run(coroutine):
    return asyncio.run(coroutine)


def peers(endpoint_of, calls=3, restart_after=None):
    async def go():
        server = ActionServer(free_port())
        await server.start()
        endpoint = endpoint_of(f"http://127.0.0.1:{server.port}/webhook")
        seen = []
        for number in range(calls):
            if number == restart_after:
                await server.stop()
                server = ActionServer(server.port)
                await server.start()
            answer = await endpoint.request(json={"next_action": "x"}, method="post")
            seen.append(tuple(answer["peer"]))
        if isinstance(endpoint, KeptActionEndpoint):
            await endpoint.close()
        await server.stop()
        return seen

    return run(go())


def test_calls_share_one_kept_connection():
    seen = peers(lambda url: KeptActionEndpoint.of(EndpointConfig(url)))
    assert len(set(seen)) == 1


def test_rasas_own_endpoint_opens_a_connection_per_call():
    seen = peers(lambda url: EndpointConfig(url))
    assert len(set(seen)) == 3


def test_a_restarted_action_server_still_answers_the_next_call():
    seen = peers(
        lambda url: KeptActionEndpoint.of(EndpointConfig(url)), calls=3, restart_after=1
    )
    assert len(seen) == 3 and seen[0] != seen[1]


def test_the_copy_keeps_the_endpoints_settings():
    original = EndpointConfig(
        "http://actions:5055/webhook", token="t", headers={"X": "1"}, type="rest"
    )
    kept = KeptActionEndpoint.of(original)
    assert kept == original and kept.token == "t" and kept.type == "rest"


def test_the_started_server_gives_the_agent_and_its_processor_the_kept_endpoint():
    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook")
    agent = types.SimpleNamespace(
        action_endpoint=endpoint,
        processor=types.SimpleNamespace(action_endpoint=endpoint),
    )
    app = types.SimpleNamespace(ctx=types.SimpleNamespace(agent=agent))
    keep_action_connections(app)
    assert isinstance(agent.action_endpoint, KeptActionEndpoint)
    assert agent.processor.action_endpoint is agent.action_endpoint
    kept = agent.action_endpoint
    keep_action_connections(app)  # a second start changes nothing
    assert agent.action_endpoint is kept


@pytest.mark.parametrize("agent", [None, types.SimpleNamespace(action_endpoint=None)])
def test_no_agent_or_no_action_server_is_left_alone(agent):
    app = types.SimpleNamespace(ctx=types.SimpleNamespace(agent=agent))
    keep_action_connections(app)
    assert agent is None or agent.action_endpoint is None


def test_a_kept_connection_closed_without_an_answer_is_called_again_on_a_new_one():
    """A server that drops a kept connection when it is used again (as one that
    restarted would) answers the repeated call on a new connection."""
    connections = []

    async def handle(reader, writer):
        connections.append(writer)
        served = 0
        while await reader.readuntil(b"\r\n\r\n"):  # GETs: no body
            if served:  # used again: dropped, unanswered
                writer.close()
                return
            body = b'{"events": []}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
            served += 1

    async def go():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = KeptActionEndpoint.of(EndpointConfig(f"http://127.0.0.1:{port}/w"))
        answers = [await endpoint.request(method="get") for _ in range(2)]
        await endpoint.close()
        server.close()
        return answers

    assert run(go()) == [{"events": []}, {"events": []}]
    assert len(connections) == 2


SESSION = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "异地就医怎么备案", "parse_data": {"intent_ranking": []}},
    {"event": "action", "name": "action_answer"},
    {"event": "slot", "name": "topic", "value": "filing"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "我在魔都住院", "parse_data": {"intent_ranking": []}},
    {"event": "user_featurization", "use_text_for_featurization": False},
    {"event": "active_loop", "name": "estimate_form"},
    {"event": "slot", "name": "treatment_city", "value": "上海"},
]


def call(events, **extra):
    tracker = {"sender_id": "s", "slots": {"topic": "filing"}, "events": events}
    return {"next_action": "action_answer", "tracker": tracker, **extra}


def test_a_call_carries_the_events_from_the_latest_user_message_on():
    body = call(list(SESSION), domain={"x": 1})
    sent = current_turn(body)
    assert sent["tracker"]["events"] == SESSION[7:]
    # the form's candidates (trailing slot events) and everything else are kept
    assert sent["tracker"]["events"][-1]["name"] == "treatment_city"
    assert sent["tracker"]["slots"] == {"topic": "filing"} and sent["domain"] == {
        "x": 1
    }
    assert sent["next_action"] == "action_answer"
    # Rasa's own body is left as it was
    assert body["tracker"]["events"] == SESSION


@pytest.mark.parametrize(
    "body",
    [
        call(SESSION[:3]),  # no user message yet: all of them
        call(SESSION[3:5]),  # the user message is the first event
        call("not a list"),
        {"next_action": "x"},
        None,
        ["a", "list"],
    ],
)
def test_anything_else_is_sent_as_it_is(body):
    assert current_turn(body) is body


def events_sent(settings):
    async def go():
        server = ActionServer(free_port())
        await server.start()
        url = f"http://127.0.0.1:{server.port}/webhook"
        endpoint = KeptActionEndpoint.of(EndpointConfig(url, **settings))
        answer = await endpoint.request(json=call(list(SESSION)), method="post")
        await endpoint.close()
        await server.stop()
        return answer["events"]

    return run(go())


def test_the_action_server_receives_the_current_turn():
    assert events_sent({}) == SESSION[7:]


def test_tracker_events_session_sends_every_event():
    assert events_sent({"tracker_events": "session"}) == SESSION
