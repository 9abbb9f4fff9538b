"""A plain socket.io client speaking Rasa's protocol, as any widget (rasa-webchat
included) speaks it: session_request, session_confirm with the id, user_uttered,
bot_uttered."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio


class WebChat:
    """One socket to the assistant's socket.io channel."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: asyncio.Queue = asyncio.Queue()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.heard.put_nowait)
        self.client.on("session_confirm", self.confirmed.put_nowait)
        self.session: str | None = None

    async def __aenter__(self) -> WebChat:
        try:
            await self.client.connect(
                self.url, transports=["polling"], headers=self.headers, wait_timeout=10
            )
        except Exception:
            await self.client.eio.disconnect(abort=True)
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        # engine.io's close packet, without waiting up to 25 s for the long-poll
        # request in flight to come back
        await self.client.eio.disconnect(abort=True)

    async def request(self, session_id: Any = None) -> str:
        """Ask for a session (with an id kept from before, or none): the id the
        server confirms."""
        await self.client.emit("session_request", {"session_id": session_id})
        self.session = await asyncio.wait_for(self.confirmed.get(), 10)
        return self.session

    async def say(
        self, message: Any, replies: int = 1, session_id: Any = "held"
    ) -> list[dict[str, Any]]:
        """Send a message (for the held session unless told otherwise) and collect
        the replies that come within half a second of the first `replies`."""
        sid = self.session if session_id == "held" else session_id
        await self.client.emit("user_uttered", {"message": message, "session_id": sid})
        received = [
            await asyncio.wait_for(self.heard.get(), 30) for _ in range(replies)
        ]
        await asyncio.sleep(0.5)
        while not self.heard.empty():
            received.append(self.heard.get_nowait())
        return received


def texts(received: list[dict[str, Any]]) -> list[str]:
    """The texts of the bot's messages."""
    return [m.get("text", "") for m in received]
