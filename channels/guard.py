"""The guard in front of the public channels (REST, socket.io, WeChat).

Every message a user sends passes here before it reaches Rasa:

1. Rate limits per client address and per conversation (channels/limits.py: sliding
   windows in memory, or in Redis when REDIS_URL is set so that several Rasa
   replicas share them). Over a limit: a polite reply.
2. Normalisation: control characters, zero-width and other invisible format
   characters removed (line breaks and tabs become spaces), full-width and other
   Unicode digits made ASCII, whitespace collapsed, NFC.
3. Empty after that: "please type your question", Rasa is not run.
4. Longer than MAX_MESSAGE_CHARS: "please shorten or split it", Rasa is not run.
5. Personal data (身份证号, 手机号, 银行卡号, 社保卡号), however written, is masked
   (channels/personal_data.py), so neither the tracker store nor a log ever holds
   it, and the user is told not to send it.
6. Rasa's `/intent{"slot": ...}` syntax is honoured only when the text is exactly a
   button payload the bot offered this sender in the conversation (a click); otherwise
   the leading slash is removed and NLU reads the words.

channels/turns.py runs the turn (within the cap on turns in flight) and tells the
channel when the assistant failed to answer, so it apologises and points to the
official channels.

The texts users see are in this module (USER_TEXTS), not in domain.yml: the running
server reads its domain from the trained model, so responses added to domain.yml
would not exist until the model is retrained.

This module is pure Python and unit-tested without Rasa.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import (
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Mapping,
)
from dataclasses import dataclass, field
from typing import Any

from channels.limits import (
    TRUSTED_PROXIES,
    RateLimiter,
    is_local,
    make_limiter,
)
from channels.personal_data import (
    install_log_masking,
    labels,
    mask_personal_data,
)

logger = logging.getLogger(__name__)
install_log_masking()  # the server that loads a channel logs no personal data

# Limits (each overridable in credentials.yml and by the environment, see
# GuardSettings). 500 characters: a question written as a paragraph, as people write
# on Q&A sites, runs to about 200 (the training data's longest is 97; a message over
# 60 characters is read by its question sentence, assistant/text.py). Five hundred
# leave room for a pasted paragraph, stay under WeChat's 2048-byte text limit (about
# 680 Chinese characters), and keep NLU off inputs far longer than any it learned
# from (a 100 000 character message took Rasa 15 s).
MAX_MESSAGE_CHARS = 500
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_SECONDS = 60.0
# All the conversations of one client address, in the same window: rotating sender
# ids no longer escapes the limit. Six times one conversation's, for the people who
# share an address (an office, a carrier's NAT).
ADDRESS_LIMIT_MESSAGES = 120
# Turns in flight at once in one Rasa process; one more is told the system is busy
# at once instead of waiting behind them (GUARD_MAX_CONCURRENT_TURNS; 0: no cap).
MAX_CONCURRENT_TURNS = 16
MAX_BODY_BYTES = 64 * 1024
# A message this many times longer than the limit is refused as it comes, before
# it is normalised (invisible characters removed could shorten it at most so much).
RAW_CHARS_FACTOR = 4
MAX_SENDER_CHARS = 128

USER_TEXTS: dict[str, str] = {
    "empty": "请输入你的问题，例如“江苏医保在上海住院能直接结算吗”。",
    "too_long": (
        "你的消息有点长（超过{limit}字），我一次只能看{limit}字以内的问题。"
        "请精简一下，或者分成几条发送：例如先说参保地和就医地，再说想问什么。"
    ),
    "rate_limited": "你发消息有点快，请稍等一会儿（约一分钟）再继续提问。",
    "personal_data": (
        "为保护你的隐私，消息里的{kinds}已自动隐藏，只保存隐藏后的内容。"
        "请不要在对话中发送身份证号、手机号、银行卡号或社保卡号，回答问题不需要这些信息。"
    ),
    "unavailable": (
        "抱歉，系统暂时出了点问题，这条消息没能回答。请稍后再试，"
        "或通过“国家医保服务平台”App 查询、拨打 12393 医保服务热线咨询。"
    ),
    "session_invalid": "这个对话已失效，请刷新页面后重新提问。",
    "busy": (
        "系统繁忙，这条消息暂时没能回答，请稍等片刻再发一次。"
        "急需办理的，可拨打 12393 医保服务热线咨询。"
    ),
}

# Developer-facing errors of the REST webhook (Chinese and English).
REQUEST_ERRORS: dict[str, str] = {
    "body_too_large": "请求内容过大（上限 64 KB） / Request body too large (limit 64 KB)",
    "invalid_utf8": "请求内容不是有效的 UTF-8 编码 / Request body is not valid UTF-8",
    "invalid_json": "请求内容不是有效的 JSON / Request body is not valid JSON",
    "unsupported_media_type": (
        "请以 JSON 发送请求（Content-Type: application/json） / "
        "Send a JSON body (Content-Type: application/json)"
    ),
    "not_an_object": "请求内容必须是 JSON 对象 / Request body must be a JSON object",
    "sender_missing": '缺少 sender（会话编号） / Missing or empty "sender"',
    "sender_not_string": 'sender 必须是字符串 / "sender" must be a string',
    "sender_invalid": (
        f"sender 过长（上限 {MAX_SENDER_CHARS} 字符）或含有控制字符 / "
        f'"sender" is longer than {MAX_SENDER_CHARS} characters '
        "or contains control characters"
    ),
    "message_missing": '缺少 message（消息内容） / Missing "message"',
    "message_not_string": 'message 必须是字符串 / "message" must be a string',
    "metadata_not_object": 'metadata 必须是 JSON 对象 / "metadata" must be a JSON object',
    "metadata_too_large": (
        'metadata 过大（上限 2 KB） / "metadata" is too large (limit 2 KB)'
    ),
    "metadata_too_deep": (
        'metadata 嵌套过深（上限 4 层） / "metadata" nests too deeply (limit 4)'
    ),
    "sender_reserved": (
        "sender 不能以 web- 或 wx- 开头（网页和微信会话专用） / "
        "\"sender\" must not start with web- or wx- (the web chat's and WeChat's ids)"
    ),
}

# settings


def _setting(
    credentials: Mapping[str, Any],
    environ: Mapping[str, str],
    key: str,
    env: str,
    default: float,
) -> float:
    """The environment's value, else the credentials', else the default (a value
    that is not a number is ignored with a warning)."""
    for source, raw in ((env, environ.get(env)), (key, credentials.get(key))):
        if raw in (None, ""):
            continue
        try:
            return float(raw)
        except (TypeError, ValueError):
            logger.warning("Guard: ignoring %s=%r (not a number)", source, raw)
    return default


@dataclass(frozen=True)
class GuardSettings:
    """The guard's limits: message length and the per-sender rate limit."""

    max_chars: int = MAX_MESSAGE_CHARS
    rate_limit: int = RATE_LIMIT_MESSAGES
    rate_window: float = RATE_LIMIT_SECONDS
    redis_url: str = ""
    address_limit: int = ADDRESS_LIMIT_MESSAGES
    trusted_proxies: tuple[str, ...] = TRUSTED_PROXIES

    @classmethod
    def from_credentials(
        cls,
        credentials: Mapping[str, Any] | None,
        environ: Mapping[str, str] | None = None,
    ) -> GuardSettings:
        """From the channel's entry in credentials.yml; the environment wins
        (GUARD_MAX_MESSAGE_CHARS, GUARD_RATE_LIMIT_MESSAGES, GUARD_RATE_LIMIT_SECONDS,
        GUARD_ADDRESS_LIMIT_MESSAGES, GUARD_TRUSTED_PROXIES, REDIS_URL). A rate
        limit of 0 switches that limit off."""
        credentials = credentials or {}
        environ = os.environ if environ is None else environ
        proxies = environ.get("GUARD_TRUSTED_PROXIES") or credentials.get(
            "trusted_proxies"
        )
        if isinstance(proxies, str):
            proxies = [p.strip() for p in proxies.split(",") if p.strip()]
        return cls(
            address_limit=int(
                _setting(
                    credentials,
                    environ,
                    "address_limit_messages",
                    "GUARD_ADDRESS_LIMIT_MESSAGES",
                    ADDRESS_LIMIT_MESSAGES,
                )
            ),
            trusted_proxies=tuple(proxies) if proxies else TRUSTED_PROXIES,
            max_chars=int(
                _setting(
                    credentials,
                    environ,
                    "max_message_chars",
                    "GUARD_MAX_MESSAGE_CHARS",
                    MAX_MESSAGE_CHARS,
                )
            ),
            rate_limit=int(
                _setting(
                    credentials,
                    environ,
                    "rate_limit_messages",
                    "GUARD_RATE_LIMIT_MESSAGES",
                    RATE_LIMIT_MESSAGES,
                )
            ),
            rate_window=_setting(
                credentials,
                environ,
                "rate_limit_seconds",
                "GUARD_RATE_LIMIT_SECONDS",
                RATE_LIMIT_SECONDS,
            ),
            redis_url=environ.get("REDIS_URL")
            or str(credentials.get("redis_url") or ""),
        )


# normalisation

_SPACE_LIKE = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def normalize_text(text: str) -> str:
    """The text with control, zero-width, bidi-control and other invisible format
    characters removed (line breaks and tabs become spaces), lone surrogates and
    noncharacters dropped, every decimal digit made ASCII, whitespace collapsed,
    in NFC. Punctuation is left alone (the NLU was trained on full-width ，？)."""
    out: list[str] = []
    for char in text:
        if char in _SPACE_LIKE:
            out.append(" ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs") or _is_noncharacter(char):
            continue
        if category == "Nd" and not char.isascii():
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(out)).split())


def valid_sender(sender: str) -> bool:
    """A usable conversation id: not empty, not too long, no invisible characters."""
    return (
        bool(sender.strip())
        and len(sender) <= MAX_SENDER_CHARS
        and not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in sender)
    )


# personal data (channels/personal_data.py finds and masks it)


def personal_data_notice(kinds: Iterable[str]) -> str:
    """What the user is told when personal data was hidden."""
    return USER_TEXTS["personal_data"].format(kinds=labels(kinds))


# Rasa's slash syntax

SLASHES = "/／⁄∕⧸"


def is_slash_command(text: str) -> bool:
    """Whether Rasa (or a look-alike) would read the text as `/intent{...}`."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in SLASHES


def neutralise_slash(text: str) -> str:
    """The text without its leading slashes (and the whitespace between them), so
    NLU classifies the words and Rasa never reads an intent or entities from it."""
    stripped = text
    while True:
        shorter = stripped.lstrip().lstrip(SLASHES)
        if shorter == stripped:
            return stripped.strip()
        stripped = shorter


def honour_slash(text: str, offered: Collection[str]) -> bool:
    """A slash text is honoured only when it is exactly a payload of a button the
    bot offered this sender in the conversation (a click, not typing)."""
    return text.strip() in {str(p).strip() for p in offered if p}


def payloads_offered(events: Iterable[Any]) -> list[str]:
    """The button payloads of all the bot's messages in the conversation, newest
    first (events of a Rasa tracker, oldest first). Earlier buttons count too: the
    web widget keeps them clickable, and they are still the bot's own payloads."""
    payloads: list[str] = []
    for event in reversed(list(events)):
        kind = getattr(event, "type_name", None)
        if kind == "bot":
            data = getattr(event, "data", None) or {}
            for button in (data.get("buttons") or []) + (
                data.get("quick_replies") or []
            ):
                if isinstance(button, dict) and button.get("payload"):
                    payloads.append(str(button["payload"]))
    return payloads


# the guard


@dataclass
class Screened:
    """What the guard made of one incoming message."""

    text: str | None = None  # for the assistant; None when the guard answers itself
    reply: str | None = None  # the guard's own answer (rate limit, empty, too long)
    masked: list[str] = field(default_factory=list)  # kinds of personal data hidden
    neutralised: bool = False  # a typed /intent{...} was made plain text

    @property
    def notice(self) -> str | None:
        """Said before the assistant's answer when personal data was hidden."""
        return personal_data_notice(self.masked) if self.masked else None


class Guard:
    """Screens the messages of one channel (see the module's docstring)."""

    def __init__(
        self,
        channel: str,
        settings: GuardSettings | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        """A guard for `channel` (its name keys the rate limit)."""
        self.channel = channel
        self.settings = settings = settings or GuardSettings()
        self.limiter = limiter or make_limiter(
            settings.rate_limit, settings.rate_window, settings.redis_url
        )
        self.address_limiter = make_limiter(
            settings.address_limit, settings.rate_window, settings.redis_url
        )

    async def screen(
        self,
        sender_id: str,
        text: str,
        offered: Callable[[], Awaitable[Collection[str]]] | None = None,
        trusted: bool = False,
        address: str | None = None,
    ) -> Screened:
        """Decide what to do with one message. `offered` gives the payloads of the
        buttons the bot last offered this sender (read only for slash texts);
        `trusted` marks a payload the channel itself picked (WeChat's numbers);
        `address` is the client's (channels.limits.client_address), when known."""
        if address and not is_local(address):
            if not await self.address_limiter.allow(f"address:{address}"):
                logger.info("Guard: rate limit reached for address %s", address)
                return Screened(reply=USER_TEXTS["rate_limited"])
        # one count per conversation, whichever channel it comes by (the ids of the
        # channels are namespaced: channels/sessions.py)
        if not await self.limiter.allow(f"conversation:{sender_id}"):
            logger.info("Guard: rate limit reached for %s", sender_id)
            return Screened(reply=USER_TEXTS["rate_limited"])
        too_long = USER_TEXTS["too_long"].format(limit=self.settings.max_chars)
        if len(text) > self.settings.max_chars * RAW_CHARS_FACTOR:
            return Screened(reply=too_long)  # refused before any work on it
        text = normalize_text(text)
        if not text:
            return Screened(reply=USER_TEXTS["empty"])
        if len(text) > self.settings.max_chars:
            return Screened(reply=too_long)
        text, masked = mask_personal_data(text)
        if masked:
            logger.info("Guard: hid %s from %s", ", ".join(masked), sender_id)
        neutralised = False
        if not trusted and is_slash_command(text):
            payloads = await offered() if offered is not None else []
            if not honour_slash(text, payloads):
                text = neutralise_slash(text)
                neutralised = True
                logger.info("Guard: neutralised a typed /intent from %s", sender_id)
                if not text:
                    return Screened(reply=USER_TEXTS["empty"])
        return Screened(text=text, masked=masked, neutralised=neutralised)
