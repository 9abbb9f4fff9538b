"""Shared fixtures: the real knowledge base and gazetteer, a tracker factory, and
the real servers (started once, only for the tests that ask for them)."""

import os
from typing import Any

import pytest
from rasa_sdk import Tracker

from assistant.knowledge.loader import default_knowledge_base
from assistant.places import default_gazetteer


@pytest.fixture(scope="session")
def kb():
    return default_knowledge_base()


@pytest.fixture(scope="session")
def gazetteer():
    return default_gazetteer()


def make_tracker(
    intent: str,
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest message has this intent, text and entities."""
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}],
        "entities": entities or [],
        "text": text,
    }
    all_slots = {
        "region_insured": None,
        "region_treatment": None,
        "filing_status": None,
        "topic": None,
        "region_pending_role": None,
        "hospital_level": None,
        "insurance_scheme": None,
        "person_status": None,
        "hospital": None,
        "requested_slot": None,
        "estimate_filing": None,
        "estimate_total": None,
        "estimate_total_said": None,
        "estimate_self_paid": None,
        "estimate_partial_self": None,
        "estimate_reduction": None,
        "estimate_deductible": None,
        "estimate_ratio": None,
    }
    all_slots.update(slots or {})
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(
        "test-user", all_slots, latest, events, False, None, {}, "action_listen"
    )


# The WeChat channel answers only with a token; the servers inherit this one.
WECHAT_TOKEN = "e2e-wechat-token"


@pytest.fixture(scope="session")
def assistant():
    """The action server and the Rasa server, real, on free loopback ports."""
    from bench.servers import running_assistant

    os.environ["WECHAT_TOKEN"] = WECHAT_TOKEN
    with running_assistant() as running:
        yield running
