"""The trained model's intent classifier predicts in NumPy (zh_nlu/diet.py) what
Rasa's TensorFlow path predicts for it: the same scores (to 2e-5) and the same intent
for the real questions (tests/realq/) and the held-out phrasings."""

from __future__ import annotations

import asyncio
import json
import logging

import numpy as np
import pytest

from bench.nlu_eval import HELD_OUT, load_examples
from bench.servers import MODEL

REALQ = MODEL.parents[1] / "tests" / "realq"


def _texts() -> list[str]:
    texts = [text for text, _ in load_examples(HELD_OUT)]
    for path in sorted(REALQ.glob("questions_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["q"])
    return texts


@pytest.fixture(scope="module")
def classifier_and_messages():
    """The loaded model's DIET and the messages it was given, featurized."""
    from rasa.core.agent import Agent
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    agent = Agent.load(str(MODEL))
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    diets = [n._component for n in nodes if type(n._component) is DIETClassifier]
    assert len(diets) == 1, "config.yml's intent classifier is DIETClassifier"
    seen = []
    predict = DIETClassifier._predict

    def recording(self, message):
        seen.append(message)
        return predict(self, message)

    DIETClassifier._predict = recording
    try:

        async def parse_all() -> None:
            for text in _texts():
                await agent.parse_message(text)

        asyncio.run(parse_all())
    finally:
        DIETClassifier._predict = predict
    return diets[0], seen


def test_the_trained_model_takes_the_numpy_path(classifier_and_messages):
    from zh_nlu.diet import numpy_forward

    diet, messages = classifier_and_messages
    assert numpy_forward(diet) is not None
    assert len(messages) > 400


def test_numpy_and_tensorflow_agree_on_real_questions(classifier_and_messages):
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier

    rasas_predict = DIETClassifier._predict.__wrapped_original__
    diet, messages = classifier_and_messages
    worst, differing = 0.0, []
    for message in messages:
        mine = np.ravel(diet._predict(message)["i_scores"])
        theirs = np.ravel(rasas_predict(diet, message)["i_scores"])
        worst = max(worst, float(np.abs(mine - theirs).max()))
        if mine.argmax() != theirs.argmax():
            differing.append(message.get("text"))
    assert worst < 2e-5, f"largest score difference {worst}"
    assert not differing, differing
