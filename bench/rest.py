"""A small client for the REST channel and the HTTP API (standard library only)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


def post_json(url: str, payload: dict[str, Any], timeout: float = 60) -> Any:
    """POST a JSON body; the decoded JSON answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def say(base_url: str, sender: str, message: str) -> list[dict[str, Any]]:
    """Send a user message through the REST channel; the bot's messages."""
    return post_json(
        f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message}
    )


def reply_text(messages: list[dict[str, Any]]) -> str:
    """All text of the bot's messages, button titles included."""
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts += [b.get("title", "") for b in message.get("buttons") or []]
    return "\n".join(parts)


def parse(base_url: str, text: str) -> dict[str, Any]:
    """The NLU result for a text (/model/parse)."""
    return post_json(f"{base_url}/model/parse", {"text": text})
