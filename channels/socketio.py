"""Rasa's socket.io channel with its session room joined properly.

Rasa 3.6 calls python-socketio's `enter_room` without awaiting it; in the
python-socketio the lock pins (5.x) it is a coroutine, so with `session_persistence`
the client never joins its session's room and never hears the bot's replies. This
channel registers a `session_request` handler that awaits it; everything else is
Rasa's own channel, under the same name and path.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint


class SocketIOInput(RasaSocketIOInput):
    """socket.io in and out (the web widget and the WeChat-style window use it)."""

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Rasa's blueprint, with a session_request handler that joins the room."""
        webhook = super().blueprint(on_new_message)
        sio = self.sio

        async def session_request(sid: str, data: dict | None) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(
                    sid, data["session_id"], namespace=self.namespace
                )
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit(
                "session_confirm",
                data["session_id"],
                room=sid,
                namespace=self.namespace,
            )

        sio.on("session_request", session_request, namespace=self.namespace)
        return webhook
