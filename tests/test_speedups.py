"""The Rasa server's cached action response validator (zh_nlu/speedups.py): the
same verdicts and errors as Rasa's own check, with the schema prepared once."""

import copy
import inspect

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import zh_nlu.components  # noqa: F401  (importing it applies the speed-up)
from zh_nlu.speedups import cache_action_response_validator, is_patched

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
    assert is_patched(RemoteAction, "_validate_action_result")
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


def test_graph_runs_get_the_minimal_schema_rasa_would_compute():
    """The cached minimal schema is the one Rasa's recursion gives, for the
    model's own graph and every target; a schema whose nodes change is asked
    afresh."""
    import dataclasses

    from rasa.engine.graph import GraphSchema

    from zh_nlu.speedups import cache_minimal_graph_schema

    assert not cache_minimal_graph_schema()  # importing the components applied it
    original = GraphSchema.minimal_graph_schema.__wrapped_original__
    schema = _model_schema()
    for targets in [None, *([name] for name in schema.nodes)]:
        expected = original(schema, targets)
        assert schema.minimal_graph_schema(targets) == expected
        assert schema.minimal_graph_schema(targets) == expected  # from the cache
    last = list(schema.nodes)[-1]
    grown = dataclasses.replace(schema.nodes[last], needs={})
    schema.nodes[last] = grown
    assert schema.minimal_graph_schema([last]) == original(schema, [last])
    assert list(schema.minimal_graph_schema([last]).nodes) == [last]


def _model_schema():
    """The prediction graph of a schema like the trained model's, built by Rasa's
    recipe from config.yml (no training needed)."""
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config("config.yml", "domain.yml", [])
    config = importer.get_config()
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    return recipe.graph_config_for_recipe(config, {}).predict_schema


def test_checking_each_event_by_its_type_agrees_with_the_full_schema():
    """An event passes the per-type check only when Rasa's full schema passes it
    (a response the quick check cannot pass goes to the full check)."""
    from jsonschema.validators import validator_for
    from rasa.shared.core import events

    from zh_nlu.speedups import _by_event, _valid_by_event

    schema = RemoteAction.action_response_format_spec()
    rest, by_type = _by_event(schema)
    made = [
        events.SlotSet("topic", "card"),
        events.FollowupAction("action_listen"),
        events.ActiveLoop("estimate_form"),
        events.ActiveLoop(None),
        events.BotUttered("好", {"buttons": []}),
        events.UserUttered("你好", {"name": "greet"}),
        events.ActionExecuted("action_answer"),
        events.AllSlotsReset(),
        events.Restarted(),
        events.SessionStarted(),
    ]
    samples = [event.as_dict() for event in made]
    samples += [
        {"event": "slot", "name": "topic"},
        {"event": "slot", "name": 3, "value": 1},
        {"event": "nothing"},
        {"event": "followup", "timestamp": "now"},
        {"event": "followup", "name": "x", "timestamp": True},
        {"event": "slot", "name": "topic", "value": None, "timestamp": 1.0},
        {"event": "slot", "name": None, "value": "card"},
        {"event": "user", "text": "好", "parse_data": {"intent": {"name": 3}}},
        {"event": "user", "text": "好", "parse_data": {"entities": [{"start": "0"}]}},
        {"event": "user", "text": "好", "parse_data": {"entities": "none"}},
        {"event": "bot", "text": 5},
        {"event": "active_loop", "name": ["estimate_form"]},
        {"event": "reset_slots", "timestamp": None, "extra": {"anything": 1}},
        {"name": "topic"},
        "slot",
    ]
    for sample in samples:
        for response in ({"events": [sample]}, {"events": [sample], "responses": [1]}):
            full = validator_for(schema)(schema).is_valid(response)
            if _valid_by_event(response, rest, by_type):
                assert full, response
    assert len(by_type) == 23
    assert _valid_by_event({"events": samples[:10]}, rest, by_type)


def test_a_domain_is_empty_exactly_when_rasa_says_so():
    from rasa.shared.core.domain import Domain

    original = Domain.is_empty.__wrapped_original__
    loaded = Domain.load("domain.yml")
    small = Domain.from_dict({"intents": ["greet"], "responses": {}})
    for domain in (Domain.empty(), loaded, small, Domain.from_dict({})):
        assert domain.is_empty() == original(domain)
    assert Domain.empty().is_empty() and not loaded.is_empty()
    assert is_patched(Domain, "is_empty")


def test_every_event_type_resolves_to_rasas_class():
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    original = Event.resolve_by_type.__wrapped_original__
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert len(names) > 20
    for name in sorted(names) * 2:  # the second time from what was remembered
        assert Event.resolve_by_type(name) is original(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such")
    event = Event.from_parameters(
        {"event": "user", "text": "你好", "parse_data": {}, "timestamp": 1.0}
    )
    assert isinstance(event, UserUttered) and event.text == "你好"
    assert is_patched(Event, "resolve_by_type")
    # still a static method, as Rasa's: callable on an event too
    assert isinstance(inspect.getattr_static(Event, "resolve_by_type"), staticmethod)
    assert event.resolve_by_type("slot") is SlotSet
