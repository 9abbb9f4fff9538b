"""Rasa's REST channel behind the guard (channels/guard.py).

Same name and URL as Rasa's own (`rest`, POST /webhooks/rest/webhook, body
`{"sender": ..., "message": ...}`, answer a JSON list of the bot's messages), but:

- a malformed request gets a 4xx with `{"error": "<中文> / <English>", "code": ...}`
  instead of a 500 or a silent `[]`: a body over 64 KB (413, read no further), not
  UTF-8, not JSON (400; 415 when it was not even sent as JSON), not a JSON object, a
  missing, empty, non-string, too long or invisible-character sender, a missing or
  non-string message, metadata that is not an object;
- the sender is required (Rasa would put every sender-less request into one shared
  conversation called "default"), and `input_channel` cannot be chosen by the client;
- the message is screened by the guard (rate limit, empty, too long, personal data,
  typed `/intent{...}`) and, when the assistant fails to answer (the action server
  is down), the user gets an apology that points to the official channels.

`?stream=true` is still accepted: the same messages, one JSON object per line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.action_calls import close_action_connections, keep_action_connections
from channels.guard import (
    MAX_BODY_BYTES,
    REQUEST_ERRORS,
    Guard,
    GuardSettings,
    valid_sender,
)
from channels.limits import MetadataRefused, client_address, client_metadata
from channels.sessions import load_secret, reserved, stored_sender
from channels.turns import (
    agent_of,
    freeze_loaded_objects,
    offered_payloads,
    run_assistant,
)

logger = logging.getLogger(__name__)

CHANNEL_NAME = "rest"


class BadRequest(Exception):
    """A request the webhook refuses: its status and the REQUEST_ERRORS key."""

    def __init__(self, status: int, code: str) -> None:
        """A refusal with an HTTP status and an error code."""
        super().__init__(code)
        self.status = status
        self.code = code


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The request body as a checked JSON object; BadRequest otherwise."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(413, "body_too_large")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(400, "invalid_utf8") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        json_sent = "json" in content_type.lower() or not content_type
        code = "invalid_json" if json_sent or text.strip()[:1] in "{[" else None
        raise BadRequest(
            400 if code else 415, code or "unsupported_media_type"
        ) from None
    if not isinstance(data, dict):
        raise BadRequest(400, "not_an_object")
    sender = data.get("sender")
    if sender is None or sender == "":
        raise BadRequest(400, "sender_missing")
    if not isinstance(sender, str):
        raise BadRequest(400, "sender_not_string")
    if not sender.strip():
        raise BadRequest(400, "sender_missing")
    if not valid_sender(sender):
        raise BadRequest(400, "sender_invalid")
    if reserved(sender):  # another channel's conversations are not REST's
        raise BadRequest(400, "sender_reserved")
    if "message" not in data or data["message"] is None:
        raise BadRequest(400, "message_missing")
    if not isinstance(data["message"], str):
        raise BadRequest(400, "message_not_string")
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        raise BadRequest(400, "metadata_not_object")
    try:
        data["metadata"] = client_metadata(data.get("metadata"))
    except MetadataRefused as refused:
        raise BadRequest(400, refused.code) from None
    return data


def error_response(error: BadRequest) -> HTTPResponse:
    """The JSON error answer of a refused request."""
    return response.json(
        {"error": REQUEST_ERRORS[error.code], "code": error.code},
        status=error.status,
    )


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body of a streamed request, read no further than `limit` + 1 bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BadRequest(413, "body_too_large")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, "body_too_large")
    return b"".join(chunks)


class RestInput(RasaRestInput):
    """The REST channel (POST /webhooks/rest/webhook) with the guard in front."""

    @classmethod
    def name(cls) -> str:
        """Rasa's name for it, so the URL stays /webhooks/rest/webhook."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """The guard's settings from credentials.yml (and the environment)."""
        return cls(GuardSettings.from_credentials(credentials))

    def __init__(self, settings: GuardSettings | None = None) -> None:
        """A REST channel with its own guard."""
        self.guard = Guard(CHANNEL_NAME, settings)
        self.secret = load_secret()  # for the pseudonyms of personal sender ids

    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any,
        data: dict[str, Any],
        address: str | None = None,
    ) -> list[dict[str, Any]]:
        """The bot's messages for one checked request (`address`: the client's)."""
        sender = stored_sender(data["sender"], self.secret)
        collector = CollectingOutputChannel()
        screened = await self.guard.screen(
            sender,
            data["message"],
            offered=lambda: offered_payloads(agent, sender),
            address=address,
        )
        if screened.reply is not None:
            await collector.send_text_message(sender, screened.reply)
            return collector.messages
        if screened.notice:
            await collector.send_text_message(sender, screened.notice)
        message = UserMessage(
            screened.text,
            collector,
            sender,
            input_channel=CHANNEL_NAME,
            metadata=data["metadata"],  # checked and masked: client_metadata
        )
        apology = await run_assistant(
            on_new_message, message, lambda: len(collector.messages)
        )
        if apology:
            await collector.send_text_message(sender, apology)
        return collector.messages

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The webhook's routes (the body is streamed, so an oversized one is
        refused before it is read)."""
        webhook = Blueprint("custom_webhook_RestInput", __name__)
        webhook.listener("after_server_start")(freeze_loaded_objects)
        webhook.listener("after_server_start")(keep_action_connections)
        webhook.listener("before_server_stop")(close_action_connections)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = await read_body(request)
                data = parse_body(body, request.headers.get("content-type", ""))
            except BadRequest as error:
                logger.info("REST: refused a request (%s)", error.code)
                return error_response(error)
            address = client_address(
                request.ip,
                request.headers.get("x-forwarded-for"),
                self.guard.settings.trusted_proxies,
            )
            messages = await self.handle(
                on_new_message, agent_of(request.app), data, address
            )
            if bool_arg(request, "stream", default=False):

                async def stream(resp: Any) -> None:
                    for message in messages:
                        await resp.write(json.dumps(message) + "\n")

                return response.stream(stream, content_type="text/event-stream")
            return response.json(messages)

        return webhook
