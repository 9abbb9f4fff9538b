"""The end-to-end tests use the `assistant` fixture of tests/conftest.py: one real
action server and Rasa server for the whole session."""

import tempfile
from pathlib import Path

import pytest

from bench.cluster import redis_server
from tests.conftest import WECHAT_TOKEN  # noqa: F401  (the tests sign with it)


@pytest.fixture()
def redis():
    """A real Redis server (Debian's package) on a free loopback port."""
    server = redis_server(Path(tempfile.mkdtemp(prefix="assistant-redis-")))
    server.start()
    yield server
    server.stop()
