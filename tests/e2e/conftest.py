"""One real assistant (action server + Rasa server) for the end-to-end tests."""

import os

import pytest

from bench.servers import running_assistant

# The WeChat channel answers only with a token; the servers inherit this one.
WECHAT_TOKEN = "e2e-wechat-token"


@pytest.fixture(scope="session")
def assistant():
    os.environ["WECHAT_TOKEN"] = WECHAT_TOKEN
    with running_assistant() as running:
        yield running
