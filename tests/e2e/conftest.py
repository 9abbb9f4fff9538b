"""One real assistant (action server + Rasa server) for the end-to-end tests."""

import pytest

from bench.servers import running_assistant


@pytest.fixture(scope="session")
def assistant():
    with running_assistant() as running:
        yield running
