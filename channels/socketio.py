"""Rasa's socket.io channel with its session room joined properly, behind the guard.

Rasa 3.6 calls python-socketio's `enter_room` without awaiting it; in the
python-socketio the lock pins (5.x) it is a coroutine, so with `session_persistence`
the client never joins its session's room and never hears the bot's replies. This
channel registers a `session_request` handler that awaits it.

It also replaces the `user_uttered` handler, so every message passes the guard
(channels/guard.py: rate limit, normalisation, empty and too long messages,
personal data, typed `/intent{...}`) and an apology follows when the assistant
fails to answer. Malformed events (not an object, no session id, a session id that
is too long, metadata that is not an object) are ignored with a warning instead of
raising in the handler. Everything else is Rasa's own channel, under the same name
and path.

Whose conversation (channels/sessions.py): the server issues the session id in
`session_confirm` (a client's own id is kept only when this server issued it), and
binds it to the socket that asked; `user_uttered` is accepted only for the id bound
to its socket, and the history only for an id this server issued, from an allowed
page origin. Sockets from other pages' origins are refused, and a packet over
`max_packet_bytes` closes its connection before it is read.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import (
    USER_TEXTS,
    Guard,
    GuardSettings,
)
from channels.limits import MetadataRefused, client_address, client_metadata
from channels.sessions import (
    WebSessionIds,
    allowed_origins,
    load_secret,
    origin_allowed,
)
from channels.turns import agent_of, offered_payloads, run_assistant
from stores.tracker_store import CARRIED

logger = logging.getLogger(__name__)


class CountingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output that counts the bot's responses it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's output, with a counter."""
        super().__init__(*args, **kwargs)
        self.sent = 0

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one of the bot's responses, counting it."""
        self.sent += 1
        await super().send_response(recipient_id, message)


# socket.io packets larger than this close their connection (python-engineio's
# buffer limit; its default is 1 MB). A message is at most 500 characters.
MAX_PACKET_BYTES = 16 * 1024


def history_of(events: Iterable[Any]) -> list[dict[str, Any]]:
    """What the user and the bot said (texts already masked by the guard), with
    the bot's buttons and cards: what the widget needs to show the conversation
    again after a reload, and nothing else of the tracker (no slots, no NLU)."""
    shown: list[dict[str, Any]] = []
    for event in events:
        kind = getattr(event, "type_name", None)
        if kind == "user" and getattr(event, "text", None):
            shown.append(
                {"event": "user", "text": event.text, "timestamp": event.timestamp}
            )
        elif kind == "bot":
            if (getattr(event, "metadata", None) or {}).get(CARRIED):
                continue  # a reply copied into a new session: shown once already
            data = getattr(event, "data", None) or {}
            shown.append(
                {
                    "event": "bot",
                    "text": event.text,
                    "timestamp": event.timestamp,
                    "buttons": data.get("buttons") or [],
                    "custom": data.get("custom"),
                }
            )
    return shown


def _metadata(raw: Any) -> dict[str, Any]:
    """The event's metadata as it is stored (channels.guard.client_metadata): {}
    when it is not an object, or over the size or depth limit."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            return {}
    if not isinstance(raw, dict):
        return {}
    try:
        return client_metadata(raw)
    except MetadataRefused as refused:
        logger.warning(
            "socket.io: dropped the metadata of a message (%s)", refused.code
        )
        return {}


class SocketIOInput(RasaSocketIOInput):
    """socket.io in and out (the web widget and the WeChat-style window use it)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        """Rasa's settings, plus the guard's (see channels/guard.py)."""
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.guard = Guard(cls.name(), GuardSettings.from_credentials(credentials))
        channel.ids = WebSessionIds(load_secret(credentials.get("session_secret")))
        channel.origins = allowed_origins(credentials.get("allowed_origins"))
        channel.max_packet_bytes = int(
            credentials.get("max_packet_bytes") or MAX_PACKET_BYTES
        )
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's channel with a guard (default settings until from_credentials)."""
        super().__init__(*args, **kwargs)
        self.guard = Guard(self.name())
        self.app: Sanic | None = None
        self._ids: WebSessionIds | None = None  # from_credentials sets it
        self.origins: list[str] = allowed_origins()
        self.max_packet_bytes = MAX_PACKET_BYTES
        self.bound: dict[str, str] = {}  # socket id -> the session id it holds
        self.addresses: dict[str, str | None] = {}  # socket id -> client address

    @property
    def ids(self) -> WebSessionIds:
        """The session ids this server issues (the key is read once, when first
        needed, unless from_credentials gave one)."""
        if self._ids is None:
            self._ids = WebSessionIds(load_secret())
        return self._ids

    @ids.setter
    def ids(self, ids: WebSessionIds) -> None:
        self._ids = ids

    async def guarded_message(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: CountingSocketIOOutput,
        sender_id: str,
        text: Any,
        metadata: dict[str, Any],
        address: str | None = None,
    ) -> None:
        """Screen one message, let the assistant answer it, apologise if it fails."""
        agent = agent_of(self.app)
        screened = await self.guard.screen(
            sender_id,
            text if isinstance(text, str) else "",
            offered=lambda: offered_payloads(agent, sender_id),
            address=address,
        )
        if screened.reply is not None:
            await output.send_text_message(sender_id, screened.reply)
            return
        if screened.notice:
            await output.send_text_message(sender_id, screened.notice)
        message = UserMessage(
            screened.text,
            output,
            sender_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        apology = await run_assistant(on_new_message, message, lambda: output.sent)
        if apology:
            await output.send_text_message(sender_id, apology)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Rasa's blueprint, with a session_request handler that joins the room and
        a guarded user_uttered handler."""
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.max_http_buffer_size = self.max_packet_bytes
        namespace = self.namespace or "/"
        rasa_connect = sio.handlers[namespace]["connect"]
        rasa_disconnect = sio.handlers[namespace]["disconnect"]
        # pages of other sites get a 400 at engine.io's handshake (before any socket)
        sio.eio.cors_allowed_origins = lambda origin, environ: origin_allowed(
            origin, environ.get("HTTP_HOST"), self.origins
        )

        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            request = environ.get("sanic.request")
            self.addresses[sid] = client_address(
                getattr(request, "ip", None),
                environ.get("HTTP_X_FORWARDED_FOR"),
                self.guard.settings.trusted_proxies,
            )
            return await rasa_connect(sid, environ, auth)

        async def disconnect(sid: str, *args: Any) -> None:
            self.bound.pop(sid, None)
            self.addresses.pop(sid, None)
            await rasa_disconnect(sid)

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("disconnect", disconnect, namespace=self.namespace)

        @webhook.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self.app = app  # the agent lives on app.ctx.agent

        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                logger.warning("socket.io: ignored a message that is not an object")
                return
            sender_id = self.bound.get(sid)
            claimed = data.get("session_id")
            if sender_id is None or (claimed is not None and claimed != sender_id):
                # not the session this socket was given: another's, or none yet
                logger.warning("socket.io: refused a message for a session not held")
                await sio.emit(
                    self.bot_message_evt,
                    {"text": USER_TEXTS["session_invalid"]},
                    room=sid,
                    namespace=self.namespace,
                )
                return
            output = CountingSocketIOOutput(sio, self.bot_message_evt)
            await self.guarded_message(
                on_new_message,
                output,
                sender_id,
                data.get("message"),
                _metadata(data.get(self.metadata_key)),
                self.addresses.get(sid),
            )

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)

        async def session_request(sid: str, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not self.ids.valid(session_id):
                session_id = self.ids.issue()  # new, or not this server's id
            previous = self.bound.get(sid)
            if previous and previous != session_id:
                left = sio.leave_room(sid, previous, namespace=self.namespace)
                if inspect.isawaitable(left):
                    await left
            self.bound[sid] = session_id
            joined = sio.enter_room(sid, session_id, namespace=self.namespace)
            if inspect.isawaitable(joined):
                await joined
            await sio.emit(
                "session_confirm", session_id, room=sid, namespace=self.namespace
            )

        sio.on("session_request", session_request, namespace=self.namespace)

        @webhook.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            """The conversation of one session, for the widget after a reload (in
            place of Rasa's HTTP API, which stays closed to the public)."""
            origin = request.headers.get("origin")
            if not origin_allowed(origin, request.host, self.origins):
                return response.json(
                    {"error": "来源不被允许 / origin not allowed"}, status=403
                )
            session_id = request.args.get("session_id") or ""
            if not self.ids.valid(session_id):
                return response.json(
                    {"error": "会话编号无效 / invalid session_id"}, status=400
                )
            store = getattr(agent_of(request.app), "tracker_store", None)
            try:
                # every session of the conversation (a long one starts afresh)
                tracker = (
                    await store.retrieve_full_tracker(session_id) if store else None
                )
            except Exception:  # the store is away: the widget starts fresh
                logger.warning("socket.io: history unavailable (tracker store)")
                return response.json(
                    {"error": "暂时无法读取 / history unavailable"}, status=503
                )
            return response.json(
                {"events": history_of(tracker.events if tracker else [])}
            )

        return webhook
