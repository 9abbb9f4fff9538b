"""The calls from the Rasa server to the action server over kept connections.

Rasa 3.6 opens a new aiohttp session, and with it a new TCP connection, for every
call to the action server (`EndpointConfig.request`: `async with self.session()`),
and closes it after the answer: a connect, a session and a teardown in every turn
(3.5% of the Rasa process's samples in `python -m bench.profile_turns`). This endpoint
keeps one session per process, whose connections stay open between calls, a little
shorter than the action server keeps them (Sanic: 5 s), so a connection the server is
closing is not reused. Should one still be found closed (the action server was
restarted), the call is made once more on a new connection: the actions are
functions of the tracker they are sent, so a repeated call changes nothing.

The tracker a call carries holds the events of the current turn only: from the
latest user message on (`current_turn`). Rasa sends every event of the session (30 KB
after five turns: each message's parse with its intent ranking), which the Rasa
server serialises and the action server parses on every call, while the actions read
the slots, the latest message (sent apart from the events) and the slot events after
it (a form's candidates, `slots_to_validate`). `tracker_events: session` in the
endpoint's settings sends them all again.

Installed when the server has started (`keep_action_connections`, a listener of the
REST channel's blueprint), on the agent the model was loaded into."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from channels.turns import agent_of

logger = logging.getLogger(__name__)

# under the action server's keep-alive (Sanic's default KEEP_ALIVE_TIMEOUT is 5 s)
KEEP_SECONDS = 4.0


# endpoints.yml, action_endpoint: `tracker_events: session` sends every event again
EVENTS_SETTING = "tracker_events"
CURRENT_TURN = "turn"
WHOLE_SESSION = "session"


def current_turn(body: Any) -> Any:
    """An action call's body with its tracker's events from the latest user message
    on (all of them when there is none yet); any other body as it is. The body Rasa
    made is not changed: the call gets a shallow copy."""
    tracker = body.get("tracker") if isinstance(body, dict) else None
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if not isinstance(events, list):
        return body
    start = next(
        (
            index
            for index in range(len(events) - 1, -1, -1)
            if isinstance(events[index], dict) and events[index].get("event") == "user"
        ),
        0,
    )
    if start == 0:
        return body
    return {**body, "tracker": {**tracker, "events": events[start:]}}


class _Borrowed:
    """`async with` over the kept session, which leaving does not close."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: Any) -> bool:
        return False


class KeptActionEndpoint(EndpointConfig):
    """An action endpoint whose calls share one session and its connections."""

    @classmethod
    def of(cls, endpoint: EndpointConfig) -> KeptActionEndpoint:
        """The same endpoint (URL, token, headers, auth, certificates)."""
        kept = cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **endpoint.kwargs,
        )
        kept.type = endpoint.type
        return kept

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> Any:
        """The kept session (made in the running loop on first use)."""
        if self._session is None or self._session.closed:
            auth = (
                aiohttp.BasicAuth(
                    self.basic_auth["username"], self.basic_auth["password"]
                )
                if self.basic_auth
                else None
            )
            self._session = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_SECONDS),
            )
        return _Borrowed(self._session)

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        """Rasa's request, an action call's events cut to the current turn (unless
        `tracker_events: session`); once more on a new connection when a kept one
        turns out to be closed."""
        if self.kwargs.get(EVENTS_SETTING, CURRENT_TURN) != WHOLE_SESSION:
            kwargs["json"] = current_turn(kwargs.get("json"))
        try:
            return await super().request(*args, **dict(kwargs))
        except aiohttp.ServerDisconnectedError:
            logger.info("Action server closed a kept connection; calling again")
            return await super().request(*args, **dict(kwargs))

    async def close(self) -> None:
        """Close the kept session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def keep_action_connections(app: Any, _loop: Any = None) -> None:
    """Give the loaded agent (and its processor) the kept-connection endpoint."""
    agent = agent_of(app)
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or isinstance(endpoint, KeptActionEndpoint):
        return
    kept = KeptActionEndpoint.of(endpoint)
    agent.action_endpoint = kept
    processor = getattr(agent, "processor", None)
    if processor is not None:
        processor.action_endpoint = kept
    logger.info("Action server calls keep their connections (%s)", kept.url)


async def close_action_connections(app: Any, _loop: Any = None) -> None:
    """On shutdown: close the kept session."""
    agent = agent_of(app)
    endpoint = getattr(agent, "action_endpoint", None)
    if isinstance(endpoint, KeptActionEndpoint):
        await endpoint.close()
