"""zh_nlu.diet: with the patch applied (importing zh_nlu.components does it), DIET's
prediction in NumPy gives the intent scores Rasa's TensorFlow path gives, for a DIET
trained here on a few messages (the trained model is compared on real questions in
tests/e2e/test_diet_model.py), and stands aside where it does not apply."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import zh_nlu.components  # noqa: F401  (importing it applies the patch)
from zh_nlu.diet import (
    DietForward,
    numpy_forward,
    predict_intents_in_numpy,
    sparse_text_features,
)

EXAMPLES = {
    "ask_filing": ["how do I file", "where to file before the trip", "file online"],
    "ask_ratio": ["what ratio is paid", "how much is reimbursed", "ratio in town"],
    "greet": ["hello", "hi there", "good morning to you"],
    "inform": ["employee scheme", "resident", "not filed yet"],
}
RASAS_PREDICT = DIETClassifier._predict.__wrapped_original__
UNSEEN = ["hello how much is paid", "file", "morning", "zzz unknown words", "ratio"]


def _featurized(storage, texts_and_intents):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: t, INTENT: i}) for t, i in texts_and_intents]
    data = TrainingData(messages)
    tokenizer.process_training_data(data)
    featurizers = []
    for name, cls, extra in [
        ("lex", LexicalSyntacticFeaturizer, {}),
        ("words", CountVectorsFeaturizer, {}),
        ("chars", CountVectorsFeaturizer, {"analyzer": "char_wb", "max_ngram": 3}),
    ]:
        context = ExecutionContext(node_name=name, graph_schema=None)
        featurizer = cls.create(
            {**cls.get_default_config(), **extra}, storage, Resource(name), context
        )
        featurizer.train(data)
        featurizer.process_training_data(data)
        featurizers.append(featurizer)
    return tokenizer, featurizers, data


def _classifier(tmp_path, **config) -> tuple[DIETClassifier, callable]:
    storage = LocalModelStorage(tmp_path)
    pairs = [(t, intent) for intent, texts in EXAMPLES.items() for t in texts]
    tokenizer, featurizers, data = _featurized(storage, pairs)
    settings = {
        **DIETClassifier.get_default_config(),
        "epochs": 5,
        "random_seed": 1,
        "entity_recognition": False,
        "constrain_similarities": True,
        **config,
    }
    context = ExecutionContext(node_name="diet", graph_schema=None)
    diet = DIETClassifier.create(settings, storage, Resource("diet"), context)
    diet.train(data)

    def message(text: str) -> Message:
        message = Message(data={TEXT: text})
        tokenizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        return message

    return diet, message


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return _classifier(tmp_path_factory.mktemp("diet"))


def _both(diet, message):
    """(NumPy scores, Rasa's TensorFlow scores) for one message."""
    numpy_out = diet._predict(message)["i_scores"]
    tensorflow_out = RASAS_PREDICT(diet, message)["i_scores"]
    return np.asarray(numpy_out).ravel(), np.asarray(tensorflow_out).ravel()


def test_numpy_scores_are_tensorflows(trained):
    diet, message = trained
    assert numpy_forward(diet) is not None  # the NumPy path is the one taken
    texts = [t for texts in EXAMPLES.values() for t in texts] + UNSEEN
    for text in texts:
        mine, theirs = _both(diet, message(text))
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, atol=2e-5)
        assert mine.argmax() == theirs.argmax()


def test_process_sets_the_same_intent_and_ranking(trained):
    diet, message = trained
    ours = diet.process([message("how much is reimbursed in town")])[0]
    forward, diet.__dict__["_numpy_forward"] = numpy_forward(diet), None  # Rasa's path
    try:
        theirs = diet.process([message("how much is reimbursed in town")])[0]
    finally:
        diet.__dict__["_numpy_forward"] = forward
    assert ours.get(INTENT)["name"] == theirs.get(INTENT)["name"]
    assert ours.get(INTENT)["confidence"] == pytest.approx(
        theirs.get(INTENT)["confidence"], abs=2e-5
    )
    names = [label["name"] for label in ours.get("intent_ranking")]
    assert names == [label["name"] for label in theirs.get("intent_ranking")]


def test_a_message_without_features_is_predicted_as_rasa_does(trained):
    diet, _ = trained
    empty = Message(data={TEXT: ""})
    assert diet._predict(empty) is None
    assert RASAS_PREDICT(diet, empty) is None


def test_features_per_featurizer_in_rasas_order(trained):
    diet, message = trained
    one = message("hello there")
    sequence, sentence = sparse_text_features(one, [])
    stacked_sequence, stacked_sentence = one.get_sparse_features(TEXT, [])
    assert sum(m.shape[1] for m in sequence) == stacked_sequence.features.shape[1]
    assert sum(m.shape[1] for m in sentence) == stacked_sentence.features.shape[1]
    import scipy.sparse

    np.testing.assert_array_equal(
        scipy.sparse.hstack(sequence).toarray(), stacked_sequence.features.toarray()
    )


@pytest.mark.parametrize(
    "change",
    [
        {"entity_recognition": True},
        {"use_key_relative_attention": True},
        {"unidirectional_encoder": True},
        {"model_confidence": "linear_norm"},
        {"hidden_layers_sizes": {"text": [32], "label": []}},
        {"number_of_transformer_layers": 0},
        {"similarity_type": "cosine"},
    ],
)
def test_other_architectures_are_left_to_rasa(trained, change):
    diet, _ = trained
    assert (
        DietForward.from_model(diet.model, {**diet.component_config, **change}) is None
    )


def test_diagnostic_data_comes_from_rasas_path(trained):
    diet, message = trained
    context = diet._execution_context
    diet._execution_context = ExecutionContext(
        node_name="diet", graph_schema=None, should_add_diagnostic_data=True
    )
    try:
        out = diet._predict(message("hello"))
    finally:
        diet._execution_context = context
    assert "diagnostic_data" in out  # TensorFlow's output, attention weights and all


def test_applied_once():
    assert not predict_intents_in_numpy()  # importing the components applied it


def test_a_response_selector_keeps_rasas_path(trained):
    from rasa.nlu.selectors.response_selector import ResponseSelector

    diet, _ = trained
    selector = object.__new__(ResponseSelector)
    selector.model = diet.model
    selector.component_config = diet.component_config
    assert numpy_forward(selector) is None
