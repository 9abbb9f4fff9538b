"""The Rasa server's cached action response validator (zh_nlu/speedups.py): the
same verdicts and errors as Rasa's own check, with the schema prepared once."""

import copy

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import zh_nlu.components  # noqa: F401  (importing it applies the speed-up)
from zh_nlu.speedups import cache_action_response_validator

VALID = [
    {"events": [], "responses": []},
    {},
    {
        "events": [
            {"event": "slot", "name": "topic", "value": "card", "timestamp": None},
            {"event": "active_loop", "name": "estimate_form"},
            {"event": "followup", "name": "action_estimate"},
        ],
        "responses": [{"response": "utter_policy_answer", "direct": "能用"}],
    },
]
INVALID = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"name": "topic"}]},
    {"events": "slot"},
    {"responses": ["text"]},
    [],
]


def action() -> RemoteAction:
    return RemoteAction("action_answer", None)


def rasa_error(result) -> str:
    """The message of Rasa's own check (jsonschema.validate and Rasa's hint)."""
    with pytest.raises(jsonschema.ValidationError) as raised:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    return raised.value.message


def test_importing_the_components_applies_it_once():
    assert getattr(RemoteAction._validate_action_result, "_validator_cached", False)
    assert cache_action_response_validator() is False


@pytest.mark.parametrize("result", VALID)
def test_a_valid_response_passes(result):
    assert action()._validate_action_result(copy.deepcopy(result)) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_gets_rasas_own_error(result):
    with pytest.raises(jsonschema.ValidationError) as raised:
        action()._validate_action_result(copy.deepcopy(result))
    message = raised.value.message
    assert message.startswith(rasa_error(result))
    assert "Failed to validate Action server response from API" in message


def test_the_schema_is_prepared_once_per_action_class():
    class Counting(RemoteAction):
        asked = 0

        @staticmethod
        def action_response_format_spec():
            Counting.asked += 1
            return RemoteAction.action_response_format_spec()

    counting = Counting("action_answer", None)
    for result in VALID * 3:
        assert counting._validate_action_result(result)
    assert Counting.asked == 1
