"""A Rasa input channel for a WeChat Official Account (微信公众号).

The protocol and its cryptography come from wechatpy (signatures, the AES safe mode,
message parsing and passive replies); XML from outside is first checked with
defusedxml, so no DTD, external entity or entity expansion ever reaches a parser.

- GET: the server check, answered with `echostr` when the signature is right.
- POST: a message, in plaintext or safe mode (`encrypt_type=aes`, `msg_signature`).
  Text, voice (with WeChat's recognition text) and the subscribe event (a welcome)
  go to the assistant; any other type gets a polite "暂时只支持文字".
- WeChat waits 5 seconds for the passive reply. The channel answers within
  `reply_timeout`; when the assistant is slower it answers "success" and delivers the
  reply through the customer-service message API (a pluggable client). WeChat retries
  an unanswered message up to three times: a retried MsgId is never processed twice,
  by any replica (the taken MsgIds and the numbered choices are in Redis when
  REDIS_URL is set: channels/shared_state.py).
- WeChat text has no buttons: choices are sent as numbered lines, and a reply of "1",
  "2" ... picks the matching choice.
- Requests with a bad signature or a stale timestamp are rejected (403).
- Every message passes the guard (channels/guard.py): per-openid rate limit,
  normalisation, empty and too long messages, personal data hidden (and the user
  told), a typed `/intent{...}` made plain text (a number picking a choice is the
  channel's own doing and is trusted); when the assistant fails to answer (the
  action server is down) the reply is an apology pointing to the official channels.

Configure in credentials.yml (`channels.wechat.WeChatInput`) or with the environment
variables WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_AES_KEY; nothing
secret lives in the code. Without a token the channel answers 503.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from defusedxml import ElementTree as SafeElementTree
from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from channels.guard import (
    Guard,
    GuardSettings,
    normalize_text,
)
from channels.sessions import wechat_sender
from channels.shared_state import SharedState, make_shared_state
from channels.turns import agent_of, offered_payloads, run_assistant

logger = logging.getLogger(__name__)

CHANNEL_NAME = "wechat"
SUCCESS = "success"  # WeChat's "received, no reply"
MAX_BODY_BYTES = 64 * 1024
MAX_CLOCK_SKEW_SECONDS = 300
REPLY_TIMEOUT_SECONDS = 4.0
# WeChat retries an unanswered message after 5 s, three times at most
SEEN_SECONDS = 300
CHOICES_SECONDS = 24 * 3600
WELCOME_TEXT = "你好"  # what a new follower "says": the assistant greets them
ONLY_TEXT = "暂时只支持文字消息。请直接打字提问，例如“江苏医保在上海住院能直接结算吗”。"
CHOOSE_BY_NUMBER = "回复数字选择："
CHOICE_DIGITS = {str(n) for n in range(1, 10)}


class CustomerService(Protocol):
    """Sends a message to a user outside the passive reply (客服消息)."""

    async def send_text(self, openid: str, text: str) -> None:
        """Deliver a text message to the user."""


class WeChatCustomerService:
    """The customer-service message API through wechatpy's client."""

    def __init__(self, app_id: str, app_secret: str) -> None:
        """Keep the credentials; the client is made on first use."""
        self._app_id = app_id
        self._app_secret = app_secret
        self._client: Any = None

    async def send_text(self, openid: str, text: str) -> None:
        """Send with wechatpy (a blocking HTTP call, run off the event loop)."""
        if self._client is None:
            from wechatpy import WeChatClient

            self._client = WeChatClient(self._app_id, self._app_secret)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._client.message.send_text, openid, text)


class UnsafeXml(ValueError):
    """The request body is not XML we accept."""


def safe_xml_fields(body: bytes) -> dict[str, str]:
    """The top-level fields of a WeChat XML body, parsed with DTDs, entities and
    external references forbidden."""
    if len(body) > MAX_BODY_BYTES:
        raise UnsafeXml("body too large")
    try:
        root = SafeElementTree.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except Exception as error:  # defusedxml raises several kinds
        raise UnsafeXml(str(error)) from error
    if root.tag != "xml":
        raise UnsafeXml("root element is not <xml>")
    return {child.tag: child.text or "" for child in root}


def render_for_wechat(messages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The bot's messages as one WeChat text, and the payloads of the numbered choices
    (the buttons of the last message that has some)."""
    texts: list[str] = []
    choices: list[dict[str, Any]] = []
    for message in messages:
        if message.get("text"):
            texts.append(message["text"])
        if message.get("buttons"):
            choices = message["buttons"]
    if choices:
        lines = [f"{n}. {b.get('title', '')}" for n, b in enumerate(choices, start=1)]
        texts.append(CHOOSE_BY_NUMBER + "\n" + "\n".join(lines))
    return "\n\n".join(texts), [str(b.get("payload", "")) for b in choices]


class WeChatInput(InputChannel):
    """WeChat Official Account messages in, passive or customer-service replies out."""

    @classmethod
    def name(cls) -> str:
        """The channel's name (its webhook is /webhooks/wechat/webhook)."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """Settings from credentials.yml, each overridable by the environment."""
        credentials = credentials or {}

        def setting(key: str, env: str) -> str:
            return os.environ.get(env) or str(credentials.get(key) or "")

        return cls(
            token=setting("token", "WECHAT_TOKEN"),
            app_id=setting("app_id", "WECHAT_APP_ID"),
            app_secret=setting("app_secret", "WECHAT_APP_SECRET"),
            aes_key=setting("encoding_aes_key", "WECHAT_AES_KEY"),
            reply_timeout=float(
                credentials.get("reply_timeout") or REPLY_TIMEOUT_SECONDS
            ),
            guard=Guard(CHANNEL_NAME, GuardSettings.from_credentials(credentials)),
        )

    def __init__(
        self,
        token: str,
        app_id: str = "",
        app_secret: str = "",
        aes_key: str = "",
        reply_timeout: float = REPLY_TIMEOUT_SECONDS,
        customer_service: CustomerService | None = None,
        clock: Callable[[], float] = time.time,
        guard: Guard | None = None,
        state: SharedState | None = None,
    ) -> None:
        """A channel for one Official Account."""
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.reply_timeout = reply_timeout
        self.customer_service = customer_service or WeChatCustomerService(
            app_id, app_secret
        )
        self.clock = clock
        self.guard = guard or Guard(CHANNEL_NAME)
        # taken MsgIds and numbered choices, shared by the replicas (REDIS_URL)
        self.state = state or make_shared_state(os.environ.get("REDIS_URL"))
        self._pending: set[asyncio.Task] = set()

    # checks

    def _fresh(self, timestamp: str) -> bool:
        try:
            return abs(self.clock() - int(timestamp)) <= MAX_CLOCK_SKEW_SECONDS
        except ValueError:
            return False

    def _signed(self, request: Request) -> bool:
        args = request.args
        try:
            check_signature(
                self.token,
                args.get("signature", ""),
                args.get("timestamp", ""),
                args.get("nonce", ""),
            )
        except InvalidSignatureException:
            return False
        return self._fresh(args.get("timestamp", ""))

    # the conversation

    def _text_of(self, message: Any) -> str | None:
        """What the user says, or None for a type the assistant does not take."""
        if message.type == "text":
            return message.content
        if message.type == "voice":
            return message.recognition or None
        if message.type == "event" and message.event == "subscribe":
            return WELCOME_TEXT
        return None

    async def _picked(self, openid: str, text: str) -> str:
        """A digit that picks one of the choices last offered: that choice's payload."""
        kept = await self.state.get(f"wechat:choices:{openid}")
        choices = json.loads(kept) if kept else []
        digit = text.strip()
        if digit in CHOICE_DIGITS and int(digit) <= len(choices):
            return choices[int(digit) - 1]
        return text

    async def _answer(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        openid: str,
        text: str,
        agent: Any = None,
    ) -> str:
        said = normalize_text(text)
        picked = await self._picked(openid, said)
        sender = wechat_sender(openid)  # WeChat's own namespace of conversations
        screened = await self.guard.screen(
            sender,
            picked,
            offered=lambda: offered_payloads(agent, sender),
            trusted=picked != said,
        )
        if screened.reply is not None:
            return screened.reply  # the choices last offered stay valid
        collector = CollectingOutputChannel()
        message = UserMessage(
            screened.text, collector, sender_id=sender, input_channel=CHANNEL_NAME
        )
        apology = await run_assistant(
            on_new_message, message, lambda: len(collector.messages)
        )
        if apology:
            await collector.send_text_message(openid, apology)
        reply, choices = render_for_wechat(collector.messages)
        await self.state.put(
            f"wechat:choices:{openid}",
            json.dumps(choices, ensure_ascii=False),
            CHOICES_SECONDS,
        )
        return f"{screened.notice}\n\n{reply}" if screened.notice else reply

    async def _deliver_later(self, task: asyncio.Task, openid: str) -> None:
        try:
            reply = await task
            if reply:
                await self.customer_service.send_text(openid, reply)
        except Exception:  # the user must not wait forever in silence: log it
            logger.exception(
                "WeChat: a late reply to %s could not be delivered", openid
            )

    def _reply(self, message: Any, text: str, request: Request) -> HTTPResponse:
        xml = TextReply(message=message, content=text).render()
        if self.crypto is not None and request.args.get("encrypt_type") == "aes":
            xml = self.crypto.encrypt_message(
                xml, request.args.get("nonce", ""), request.args.get("timestamp")
            )
        return response.text(xml, content_type="application/xml")

    def _message_from(self, request: Request) -> Any:
        fields = safe_xml_fields(request.body)
        if request.args.get("encrypt_type") == "aes":
            if self.crypto is None or "Encrypt" not in fields:
                raise InvalidSignatureException()
            inner = self.crypto.decrypt_message(
                {"Encrypt": fields["Encrypt"]},
                request.args.get("msg_signature", ""),
                request.args.get("timestamp", ""),
                request.args.get("nonce", ""),
            )
            safe_xml_fields(inner.encode("utf-8"))
            return parse_message(inner)
        return parse_message(request.body.decode("utf-8"))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The webhook's routes."""
        wechat = Blueprint("wechat_webhook", __name__)

        @wechat.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wechat.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.token:
                return response.text("not configured", status=503)
            if not self._signed(request):
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr", ""))

        @wechat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.token:
                return response.text("not configured", status=503)
            if not self._signed(request):
                return response.text("forbidden", status=403)
            try:
                message = self._message_from(request)
            except (InvalidSignatureException, InvalidAppIdException):
                return response.text("forbidden", status=403)
            except (UnsafeXml, UnicodeDecodeError, KeyError, ValueError) as error:
                logger.warning("WeChat: rejected a request body: %s", error)
                return response.text("bad request", status=400)
            key = str(message.id or f"{message.source}:{message.create_time}")
            if not await self.state.add_once(f"wechat:msg:{key}", SEEN_SECONDS):
                return response.text(SUCCESS)  # a retry: already being answered
            text = self._text_of(message)
            if text is None:
                return self._reply(message, ONLY_TEXT, request)
            task = asyncio.ensure_future(
                self._answer(
                    on_new_message, message.source, text, agent_of(request.app)
                )
            )
            try:
                reply = await asyncio.wait_for(
                    asyncio.shield(task), timeout=self.reply_timeout
                )
            except asyncio.TimeoutError:
                later = asyncio.ensure_future(self._deliver_later(task, message.source))
                self._pending.add(later)
                later.add_done_callback(self._pending.discard)
                return response.text(SUCCESS)
            return (
                self._reply(message, reply, request)
                if reply
                else response.text(SUCCESS)
            )

        return wechat
