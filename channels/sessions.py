"""Whose conversation is whose: the id namespaces of the channels, the web chat's
server-issued session ids and the origins allowed to use them. Needs no Rasa.

Every channel keeps its conversations under its own prefix, so no id from one
channel reaches another's tracker:

- web chat (socket.io): ``web-`` + 32 random hex digits + a 32-digit HMAC of them
  under the server's secret. Only the server can make one; a client proves it
  holds a conversation by presenting its id, and a guessed, made-up or other
  channel's id is refused.
- WeChat: ``wx-`` + the openid (an openid is not secret, so it is never a web id).
- REST: any other sender id; ids in the other channels' namespaces are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from channels.limits import is_local
from channels.personal_data import mask_personal_data

logger = logging.getLogger(__name__)

WEB_PREFIX = "web-"
PSEUDONYM_PREFIX = "rest-pid-"
WECHAT_PREFIX = "wx-"
RESERVED_PREFIXES = (WEB_PREFIX, WECHAT_PREFIX)
_RANDOM_HEX = 32
_MAC_HEX = 32
SECRET_ENV = "WEB_SESSION_SECRET"
SECRET_FILE_ENV = "WEB_SESSION_SECRET_FILE"
DEFAULT_SECRET_FILE = Path(".secrets") / "web_session_secret"
ORIGINS_ENV = "WEB_ALLOWED_ORIGINS"


def reserved(sender: str) -> bool:
    """An id in another channel's namespace (refused by the REST channel)."""
    return sender.lower().startswith(RESERVED_PREFIXES)


def stored_sender(sender: str, secret: bytes) -> str:
    """The id a REST conversation is kept under: the sender's own, unless it holds
    personal data (a phone number as the sender id), which is replaced by a keyed
    pseudonym, the same for the same sender, so the conversation goes on."""
    if not mask_personal_data(sender)[1]:
        return sender
    digest = hmac.new(secret, sender.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def wechat_sender(openid: str) -> str:
    """The tracker id of a WeChat user."""
    return WECHAT_PREFIX + openid


def load_secret(configured: str | None = None) -> bytes:
    """The key web session ids are signed with.

    WEB_SESSION_SECRET wins, then the channel's `session_secret` setting; without
    either, a random key kept in WEB_SESSION_SECRET_FILE (.secrets/web_session_secret),
    made on first use, so a restart keeps every conversation. Replicas behind one
    nginx must share the key (set the variable, or share the file)."""
    value = os.environ.get(SECRET_ENV) or configured
    if value:
        return value.encode("utf-8")
    path = Path(os.environ.get(SECRET_FILE_ENV) or DEFAULT_SECRET_FILE)
    try:
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another replica made it first
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(made)
    logger.info("web chat: made a session key in %s", path)
    return made.encode("utf-8")


class WebSessionIds:
    """Issues web session ids and checks that an id is one this server issued."""

    def __init__(self, secret: bytes) -> None:
        """Ids signed with `secret`."""
        if not secret:
            raise ValueError("a web session secret is required")
        self._secret = secret

    def _mac(self, random_part: str) -> str:
        digest = hmac.new(self._secret, random_part.encode("ascii"), hashlib.sha256)
        return digest.hexdigest()[:_MAC_HEX]

    def issue(self) -> str:
        """A new id: unguessable, and provably this server's."""
        random_part = secrets.token_hex(_RANDOM_HEX // 2)
        return WEB_PREFIX + random_part + self._mac(random_part)

    def valid(self, session_id: object) -> bool:
        """Whether `session_id` is an id this server issued."""
        if not isinstance(session_id, str):
            return False
        body = session_id[len(WEB_PREFIX) :]
        if not session_id.startswith(WEB_PREFIX) or len(body) != _RANDOM_HEX + _MAC_HEX:
            return False
        if any(c not in "0123456789abcdef" for c in body):
            return False
        random_part, mac = body[:_RANDOM_HEX], body[_RANDOM_HEX:]
        return hmac.compare_digest(mac, self._mac(random_part))


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme else ""


def allowed_origins(configured: Iterable[str] | str | None = None) -> list[str]:
    """The web origins allowed to use the web chat (WEB_ALLOWED_ORIGINS, comma
    separated, wins over the channel's `allowed_origins`). Empty: the pages'
    own host (any port), as in development."""
    value: Iterable[str] | str | None = os.environ.get(ORIGINS_ENV) or configured
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [o for o in (_origin(str(item)) for item in items) if o]


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """Whether a request from a page at `origin` may use the chat.

    No Origin header: not a browser page (a script or another server), which no
    link can make act for a user, so it passes. With a list, only its origins;
    without one, pages on the same host name as the server (any port)."""
    if not origin:
        return True
    if origin == "null":  # sandboxed frames and files: never the site's pages
        return False
    if allowed:
        return _origin(origin) in allowed
    page_host = urlsplit(origin).hostname
    server_host = urlsplit(f"//{host}").hostname if host else None
    if is_local(page_host) and is_local(server_host):
        return True  # localhost and 127.0.0.1 are one machine (make serve)
    return bool(page_host) and page_host == server_host
