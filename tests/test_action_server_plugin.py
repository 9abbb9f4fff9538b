"""rasa_sdk_plugins: the action server, once started, has loaded the knowledge base
and frozen what it loaded (a full garbage collection then walks none of it); the
token check still applies."""

from __future__ import annotations

import gc
import types

import pytest

import rasa_sdk_plugins
from assistant.knowledge.loader import default_knowledge_base


class App:
    """What the hook uses of a Sanic app: listeners and middleware, recorded."""

    def __init__(self) -> None:
        self.listeners: list[tuple[object, str]] = []
        self.middlewares: list[object] = []
        self.ctx = types.SimpleNamespace()

    def register_listener(self, listener: object, event: str) -> None:
        self.listeners.append((listener, event))

    def middleware(self, kind: str):
        def register(function):
            self.middlewares.append((kind, function))
            return function

        return register


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


@pytest.mark.parametrize("token", ["", "s3cret"])
def test_the_started_server_loads_and_freezes(monkeypatch, token, unfrozen):
    monkeypatch.setenv("SANIC_HOST", "127.0.0.1")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", token)
    app = App()
    rasa_sdk_plugins.attach_sanic_app_extensions(app)
    assert app.listeners == [(rasa_sdk_plugins.load_and_freeze, "after_server_start")]
    assert len(app.middlewares) == (1 if token else 0)
    default_knowledge_base.cache_clear()
    gc.unfreeze()
    listener, _ = app.listeners[0]
    listener(app)
    assert default_knowledge_base.cache_info().currsize == 1
    frozen = gc.get_freeze_count()
    assert frozen > 100_000  # the knowledge base and the modules, out of sight
