"""channels/turns.py: a turn of the assistant as the channels run it: failed
actions and silence noticed, an apology to send, and the cap on turns in flight."""

import asyncio
import logging
from types import SimpleNamespace

from channels.guard import USER_TEXTS
from channels.limits import TurnSlots
from channels.turns import run_assistant, watch_turn


def test_the_watch_notes_action_failures_logged_by_rasa_in_this_task_only():
    rasa_logger = logging.getLogger("rasa.core.processor")

    async def failing_turn():
        with watch_turn() as turn:
            try:
                try:
                    raise OSError("Connect call failed")
                except OSError:
                    raise RuntimeError(
                        "Failed to execute custom action 'action_answer'. Couldn't "
                        "connect to the server at 'http://127.0.0.1:1/webhook."
                    ) from None
            except RuntimeError:
                rasa_logger.exception(
                    "Encountered an exception while running action 'action_answer'."
                    "Bot will continue, but the actions events are lost."
                )
            await asyncio.sleep(0.01)
            return turn

    async def quiet_turn():
        with watch_turn() as turn:
            await asyncio.sleep(0.02)
            return turn

    async def both():
        return await asyncio.gather(failing_turn(), quiet_turn())

    failing, quiet = asyncio.run(both())
    assert failing.failed_actions == ["action_answer"] and failing.unreachable
    assert quiet.failed_actions == [] and not quiet.unreachable


def test_run_assistant_reports_silence_and_crashes():
    async def answers(message):
        message.output.append("ok")

    async def silent(message):
        return None

    async def crashes(message):
        raise ValueError("boom")

    async def run(handler):
        message = SimpleNamespace(sender_id="u", output=[])
        return await run_assistant(handler, message, lambda: len(message.output))

    assert asyncio.run(run(answers)) is None
    assert asyncio.run(run(silent)) == USER_TEXTS["unavailable"]
    assert asyncio.run(run(crashes)) == USER_TEXTS["unavailable"]


def test_a_turn_over_the_cap_is_told_the_system_is_busy_at_once():
    slots = TurnSlots(1)
    heard = []

    async def answers(message):
        heard.append(message.sender_id)
        await asyncio.sleep(0.05)
        message.output.append("ok")

    async def run():
        def turn(sender):
            message = SimpleNamespace(sender_id=sender, output=[])
            return run_assistant(answers, message, lambda: len(message.output), slots)

        first = await asyncio.gather(turn("a"), turn("b"))
        return first, await turn("c")

    (first, busy), later = asyncio.run(run())
    assert first is None and busy == USER_TEXTS["busy"] and later is None
    assert heard == ["a", "c"]  # the busy one never reached the assistant
    assert slots.busy == 0
