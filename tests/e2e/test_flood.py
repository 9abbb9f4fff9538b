"""A flood from one client address with a new sender id on every request (issue 12):
limited by address, while a normal user elsewhere is still answered. Both come
through the trusted proxy (loopback), which forwards their addresses, as nginx
does in a deployment. A behaviour test: no timing is asserted."""

from __future__ import annotations

import json
import urllib.request
import uuid

from channels.guard import ADDRESS_LIMIT_MESSAGES, USER_TEXTS
from tests.e2e.test_hostile_input import NORMAL, proper_answer


def say_from(assistant, address: str, sender: str, message: str) -> list[str]:
    request = urllib.request.Request(
        f"{assistant.url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode("utf-8"),
        headers={"Content-Type": "application/json", "X-Forwarded-For": address},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


def test_rotating_sender_ids_are_limited_by_address_and_others_still_answered(
    assistant,
):
    flood = "203.0.113.9"
    replies = [
        say_from(assistant, flood, f"flood-{uuid.uuid4().hex[:10]}", "在吗")
        for _ in range(ADDRESS_LIMIT_MESSAGES + 30)
    ]
    limited = [r for r in replies if r == [USER_TEXTS["rate_limited"]]]
    assert len(limited) >= 30
    assert replies[0] != [USER_TEXTS["rate_limited"]]
    # a user at another address, during the flood's window, is answered
    assert proper_answer(say_from(assistant, "198.51.100.4", "normal-user", NORMAL))
    # what a client writes in X-Forwarded-For itself is not believed past our proxy
    spoofed = say_from(assistant, f"{flood}, 127.0.0.1", "spoof", "在吗")
    assert spoofed == [USER_TEXTS["rate_limited"]]
