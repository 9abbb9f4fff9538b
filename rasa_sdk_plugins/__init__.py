"""The action server's own guard, through Rasa SDK's plugin hook.

Rasa SDK imports a top-level `rasa_sdk_plugins` package when the action server
starts (rasa_sdk.plugin) and lets it attach to the Sanic app before it runs. Here:

- the action server listens on loopback unless SANIC_HOST says otherwise (Rasa SDK's
  own default is every interface);
- with ACTION_SERVER_TOKEN set, every call but /health must carry it (Rasa sends an
  endpoint's `token` as ?token=…; Authorization: Bearer … works too), else 401;
- on any other interface than loopback, the server does not start without a token:
  the actions can be made to write any slot of any conversation;
- once started, it loads the knowledge base and moves what it has loaded out of the
  garbage collector's sight (as the Rasa server does, channels/turns.py): a full
  collection walked its ~280,000 objects, a 70 ms pause in the middle of some call.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any

import pluggy

from channels.limits import is_local

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

TOKEN_ENV = "ACTION_SERVER_TOKEN"
HOST_ENV = "SANIC_HOST"
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = frozenset({"/health"})


def presented_token(args: Any, headers: Any) -> str:
    """The token a request carries (?token= or a bearer header)."""
    token = args.get("token") if args is not None else None
    if token:
        return str(token)
    auth = (headers.get("authorization") or "") if headers is not None else ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def authorised(token: str, args: Any, headers: Any) -> bool:
    """Whether a request carries the shared secret."""
    return hmac.compare_digest(presented_token(args, headers).encode(), token.encode())


def load_and_freeze(app: Any, _loop: Any = None) -> None:
    """After start: the knowledge base loaded, and the objects made so far frozen."""
    from assistant.knowledge.loader import default_knowledge_base
    from channels.turns import freeze_loaded_objects

    default_knowledge_base()
    freeze_loaded_objects(app)


@hookimpl
def attach_sanic_app_extensions(app: Any) -> None:
    """Bind to loopback by default, require the token when one is set, freeze what
    was loaded once started."""
    app.register_listener(load_and_freeze, "after_server_start")
    host = os.environ.setdefault(HOST_ENV, DEFAULT_HOST)
    token = os.environ.get(TOKEN_ENV, "")
    if not token and not is_local(host):
        message = (
            f"The action server would listen on {host} without {TOKEN_ENV}: set a "
            "shared secret (and `token:` in the Rasa server's action_endpoint)."
        )
        logger.error(message)
        raise SystemExit(message)
    if not token:
        return

    from sanic import response

    @app.middleware("request")
    async def require_token(request: Any) -> Any:
        if request.path in OPEN_PATHS or authorised(
            token, request.args, request.headers
        ):
            return None
        return response.json({"error": "unauthorised"}, status=401)


def init_hooks(manager: pluggy.PluginManager) -> None:
    """Called by Rasa SDK: register this module's hooks."""
    manager.register(__import__(__name__, fromlist=["*"]))
