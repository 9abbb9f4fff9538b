"""zh_nlu.rule_policy: RulePolicy trained here on the project's own rules and domain
predicts, at every step of long made-up conversations (questions, the estimate form,
questions inside it, cancelling, fallbacks), what Rasa's own methods predict: the
same probabilities, the same prediction source, the same events."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

import zh_nlu.components  # noqa: F401  (importing it applies the speed-ups)
from zh_nlu import rule_policy
from zh_nlu.speedups import is_patched

ROOT = Path(__file__).resolve().parent.parent
PATCHED = ("_predict", "_prediction_states", "_get_possible_keys")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    domain = Domain.load(str(ROOT / "domain.yml"))
    trackers = load_data(str(ROOT / "data" / "rules"), domain, augmentation_factor=0)
    storage = LocalModelStorage(tmp_path_factory.mktemp("rules"))
    policy = RulePolicy.create(
        {
            **RulePolicy.get_default_config(),
            "core_fallback_action_name": "action_default_fallback",
        },
        storage,
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(trackers, domain)
    return policy, domain


def predict_with_rasas_own(policy, tracker, domain, monkeypatch):
    with monkeypatch.context() as patch:
        for name in PATCHED:
            patch.setattr(
                RulePolicy, name, getattr(RulePolicy, name).__wrapped_original__
            )
        return policy._predict(tracker, domain)


def conversation(domain, seed, turns=40):
    """User turns with intents drawn from the domain (ask_estimate and cancel often,
    so the form starts, is interrupted and stops)."""
    draw = random.Random(seed)
    intents = list(domain.intents) + ["ask_estimate", "cancel", "nlu_fallback"] * 4
    return [draw.choice(intents) for _ in range(turns)]


def test_the_patches_are_in_place():
    assert all(is_patched(RulePolicy, name) for name in PATCHED)
    assert not rule_policy.reuse_states_within_a_prediction()  # a second call: no-op
    assert not rule_policy.check_rules_within_their_length()


@pytest.mark.parametrize("seed", range(6))
def test_every_prediction_of_a_long_conversation_is_rasas(trained, seed, monkeypatch):
    policy, domain = trained
    tracker = DialogueStateTracker.from_events(
        f"c{seed}", [ActionExecuted(ACTION_LISTEN_NAME)], slots=domain.slots
    )
    predictions, seen, draw = 0, set(), random.Random(seed)
    for intent in conversation(domain, seed):
        tracker.update(UserUttered("话", intent={"name": intent, "confidence": 1.0}))
        for _ in range(6):  # a turn's actions, until the policy listens
            ours, our_source = policy._predict(tracker, domain)
            theirs, their_source = predict_with_rasas_own(
                policy, tracker, domain, monkeypatch
            )
            assert ours.probabilities == theirs.probabilities
            assert our_source == their_source
            assert ours.events == theirs.events
            assert ours.hide_rule_turn == theirs.hide_rule_turn
            assert ours.is_end_to_end_prediction == theirs.is_end_to_end_prediction
            assert ours.is_no_user_prediction == theirs.is_no_user_prediction
            predictions += 1
            best = domain.action_names_or_texts[ours.max_confidence_index]
            seen.add(best)
            tracker.update(ActionExecuted(best))
            if best == ACTION_LISTEN_NAME:
                break
            if best == "action_default_fallback":  # Rasa's: the message is undone
                tracker.update(UserUtteranceReverted())
                break
            if best == "action_deactivate_loop":
                tracker.update(ActiveLoop(None))
                tracker.update(SlotSet("requested_slot", None))
            if best == "estimate_form" and draw.random() < 0.3:  # filled: it ends
                tracker.update(ActiveLoop(None))
                tracker.update(SlotSet("requested_slot", None))
            elif best == "estimate_form":  # it asks for a slot and listens
                tracker.update(ActiveLoop("estimate_form"))
                tracker.update(SlotSet("requested_slot", "person_status"))
    assert len(tracker.events) > 100 and predictions >= 60
    # the form was started, interrupted by questions, and finished or cancelled
    assert {"estimate_form", "action_answer", "action_estimate"} <= seen or {
        "estimate_form",
        "action_answer",
        "action_deactivate_loop",
    } <= seen


def test_keys_are_checked_within_the_longest_rule(trained):
    policy, domain = trained
    keys = policy.lookup["rules"]
    longest = rule_policy._longest(frozenset(keys))
    assert longest == max(len(json.loads(key)) for key in keys) >= 2


def key(*states):
    return json.dumps(list(states))


LISTEN = {"prev_action": {"action_name": "action_listen"}}


def said(intent, after="action_listen"):
    return {"user": {"intent": intent}, "prev_action": {"action_name": after}}


def test_a_rule_is_decided_by_its_own_oldest_state():
    """Keys whose oldest state differs: a window one state short would keep both."""
    lookup = {
        key(
            said("greet"),
            said("ask_materials", "utter_greet"),
            {"prev_action": {"action_name": "action_answer"}},
        ): "a",
        key(
            said("thank"),
            said("ask_materials", "utter_greet"),
            {"prev_action": {"action_name": "action_answer"}},
        ): "b",
        key({}, LISTEN): "starts",
    }
    conversation = [
        {},
        said("greet"),
        said("ask_materials", "utter_greet"),
        {"prev_action": {"action_name": "action_answer"}},
    ]
    policy = RulePolicy.__new__(RulePolicy)
    original = RulePolicy._get_possible_keys.__wrapped_original__
    for end in range(1, len(conversation) + 1):
        states = conversation[:end]
        assert policy._get_possible_keys(lookup, states) == original(
            policy, lookup, states
        )
    assert policy._get_possible_keys(lookup, conversation) == {list(lookup)[0]}


TEXT_BEFORE = {"prev_action": {"action_text": "您好"}, "user": {"intent": "greet"}}
NOT_SET = {
    "prev_action": {"action_name": "action_listen"},
    "user": {"intent": "should_not_be_set"},
}


@pytest.mark.parametrize(
    "last",
    [
        TEXT_BEFORE,
        said("greet"),
        said("thank"),
        {"prev_action": {"action_name": "action_listen"}, "user": {"text": "你好"}},
        {"prev_action": {"action_text": "您好"}},
        {},
    ],
)
def test_rules_naming_no_action_or_no_intent_are_still_checked(last):
    """Keys grouped by the action and intent their last state names: those naming
    one of them only, or a value that must not be set, are checked like the rest."""
    lookup = {
        key(TEXT_BEFORE): "text before",
        key({"user": {"intent": "greet"}}): "no action",
        key(LISTEN): "any intent",
        key(said("greet")): "greet",
        key(NOT_SET): "no intent",
        key({}): "start",
    }
    policy = RulePolicy.__new__(RulePolicy)
    original = RulePolicy._get_possible_keys.__wrapped_original__
    for states in ([last], [said("thank"), last]):
        assert policy._get_possible_keys(lookup, states) == original(
            policy, lookup, states
        )


@pytest.mark.parametrize("seed", range(4))
def test_states_carried_from_prediction_to_prediction_are_rasas(trained, seed):
    """After every event of a long made-up conversation (messages, actions, slots,
    a form starting and stopping, messages undone, restarts), the carried states
    are those Rasa makes afresh; and most of the time they were carried."""
    from rasa.shared.core.events import Restarted, SessionStarted

    _, domain = trained
    draw = random.Random(seed)
    tracker = DialogueStateTracker.from_events(
        f"s{seed}", [ActionExecuted(ACTION_LISTEN_NAME)], slots=domain.slots
    )
    actions = ["action_answer", "estimate_form", "action_estimate", "utter_greet"]
    carried = fresh = 0
    for intent in conversation(domain, seed, turns=60):
        roll = draw.random()
        events = [UserUttered("话", intent={"name": intent, "confidence": 1.0})]
        if roll < 0.1:
            events.append(UserUtteranceReverted())
        elif roll < 0.13:
            events += [Restarted(), ActionExecuted(ACTION_LISTEN_NAME)]
        elif roll < 0.16:
            events += [SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]
        else:
            action = draw.choice(actions)
            events += [ActionExecuted(action), SlotSet("requested_slot", None)]
            if action == "estimate_form":
                events.insert(-1, ActiveLoop("estimate_form"))
            events.append(ActionExecuted(ACTION_LISTEN_NAME))
        for event in events:
            before = rule_policy._seen.get(id(tracker))
            tracker.update(event, domain)
            assert rule_policy.conversation_states(tracker, domain) == (
                tracker.past_states(domain)
            )
            after = rule_policy._seen[id(tracker)]
            if before is not None and after.replayed is before.replayed:
                carried += 1
            else:
                fresh += 1
    assert carried > 4 * fresh > 0


def test_states_are_made_afresh_when_the_applied_events_are_not_the_seen_ones(trained):
    """A restart after a short session, then more events than that session had:
    the events Rasa applies are as many as before, but not the same ones."""
    from rasa.shared.core.events import Restarted

    _, domain = trained
    tracker = DialogueStateTracker.from_events(
        "restart", [ActionExecuted(ACTION_LISTEN_NAME)], slots=domain.slots
    )
    tracker.update(UserUttered("话", intent={"name": "greet", "confidence": 1.0}))
    assert rule_policy.conversation_states(tracker, domain) == tracker.past_states(
        domain
    )
    tracker.update(Restarted())
    for intent in ["ask_estimate", "inform", "cancel"]:
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        tracker.update(UserUttered("话", intent={"name": intent, "confidence": 1.0}))
        tracker.update(SlotSet("requested_slot", None))
    assert rule_policy.conversation_states(tracker, domain) == tracker.past_states(
        domain
    )
