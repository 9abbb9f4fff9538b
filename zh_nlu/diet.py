"""Rasa's DIETClassifier, trained as Rasa trains it, predicting one message's intent
with NumPy instead of a TensorFlow call.

Why: predicting one short message, DIET's TensorFlow path costs about 5 ms of a
9-12 ms parse, most of it TensorFlow's per-call work (building Rasa's model data,
converting 58 inputs, finding the traced function, running 872 small operations on
its own thread), not arithmetic. The same forward pass in NumPy (two sparse products,
two transformer layers, one embedding and a softmax) takes about 2 ms. Measured with
the same command before and after (`python -m bench.load --start single --users 10`,
one worker): the bare parse p50 12.1-12.6 -> 6.7-8.9 ms, 45-53 -> 61-65 turns a
second, the Rasa server's CPU per turn 18-22 -> 15-16 ms.

`DietForward` reads the trained weights out of the loaded model once and computes what
`DIET.batch_predict` computes for a batch of one message, in float32 as TensorFlow
does (the scores agree to 2e-5: `tests/test_diet_forward.py` on a small trained
model, `tests/e2e/test_diet_model.py` on the trained model, the 473 real questions
and the 354 held-out phrasings). It handles the architecture `config.yml` trains
(sparse features only, bidirectional transformer without relative attention, no
hidden layers, inner similarity, softmax confidences); for any other, and whenever Rasa asks for
diagnostic data (`rasa test`), the patched `DIETClassifier._predict` lets Rasa's own
TensorFlow path predict. Training, persisting and loading are Rasa's.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
import threadpoolctl
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    FEATURIZERS,
    HIDDEN_LAYERS_SIZES,
    INNER,
    INTENT_CLASSIFICATION,
    KEY_RELATIVE_ATTENTION,
    MODEL_CONFIDENCE,
    NUM_TRANSFORMER_LAYERS,
    SIMILARITY_TYPE,
    SOFTMAX,
    UNIDIRECTIONAL_ENCODER,
    VALUE_RELATIVE_ATTENTION,
)
from scipy.special import erf

from zh_nlu.speedups import install_patch, is_patched

logger = logging.getLogger(__name__)

_SQRT_HALF = np.float32(math.sqrt(0.5))


def gelu(x: np.ndarray) -> np.ndarray:
    """tf.nn.gelu(x) (the exact form, approximate=False)."""
    return 0.5 * x * (1.0 + erf(x * _SQRT_HALF)).astype(np.float32)


def layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """Keras LayerNormalization over the last axis."""
    gamma, beta, epsilon = norm
    mean = x.mean(axis=-1, keepdims=True)
    variance = np.square(x - mean).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@functools.lru_cache(maxsize=256)
def positional_encoding(length: int, units: int) -> np.ndarray:
    """Rasa's TransformerEncoder._positional_encoding: sin on even units, cos on odd;
    kept per length (read-only), as messages come in a few hundred lengths at most."""
    angles = 1 / np.power(10000, (2 * (np.arange(units) // 2)) / np.float32(units))
    rads = np.arange(length, dtype=np.float32)[:, None] * angles[None, :]
    encoding = np.where(np.arange(units) % 2 == 0, np.sin(rads), np.cos(rads))
    encoding = encoding.astype(np.float32)
    encoding.flags.writeable = False
    return encoding


@dataclass(frozen=True)
class EncoderLayer:
    """One TransformerEncoderLayer: pre-norm self-attention, pre-norm feed-forward."""

    attention_norm: tuple[np.ndarray, np.ndarray, float]
    query: np.ndarray
    key_value: np.ndarray  # the key and value projections side by side
    output: tuple[np.ndarray, np.ndarray | None]
    heads: int
    ffn_norm: tuple[np.ndarray, np.ndarray, float]
    ffn_in: tuple[np.ndarray, np.ndarray | None]
    ffn_out: tuple[np.ndarray, np.ndarray | None]

    def __call__(self, x: np.ndarray, last_only: bool = False) -> np.ndarray:
        """The layer's output for every position, or (`last_only`) for the last one
        alone, which attends to every position as before: the last layer's other
        rows are never read, the intent is read off the last position."""
        normed = layer_norm(x, self.attention_norm)
        length, units = normed.shape
        depth = units // self.heads

        def split(rows: np.ndarray) -> np.ndarray:
            return rows.reshape(rows.shape[0], self.heads, depth).transpose(1, 0, 2)

        if last_only:
            x, queries = x[-1:], normed[-1:]
        else:
            queries = normed
        key_value = normed @ self.key_value
        key, value = split(key_value[:, :units]), split(key_value[:, units:])
        query = split(queries @ self.query)
        logits = query @ key.transpose(0, 2, 1) / np.float32(math.sqrt(depth))
        attended = softmax(logits) @ value  # (heads, queries, depth)
        attended = attended.transpose(1, 0, 2).reshape(x.shape[0], units)
        x = x + dense(attended, self.output)
        hidden = gelu(dense(layer_norm(x, self.ffn_norm), self.ffn_in))
        return x + dense(hidden, self.ffn_out)


def dense(x: np.ndarray, layer: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
    kernel, bias = layer
    out = x @ kernel
    return out if bias is None else out + bias


@dataclass(frozen=True)
class DietForward:
    """DIET's intent scores for one message, from its sparse text features."""

    sequence_to_dense: tuple[np.ndarray, np.ndarray | None]
    sentence_to_dense: tuple[np.ndarray, np.ndarray | None]
    embedding: tuple[np.ndarray, np.ndarray | None]
    units: int
    layers: tuple[EncoderLayer, ...]
    final_norm: tuple[np.ndarray, np.ndarray, float]
    text_embed: tuple[np.ndarray, np.ndarray | None]
    labels_embed: np.ndarray  # (labels, embedding dimension)

    def scores(
        self,
        sequence: Sequence[scipy.sparse.spmatrix],
        sentence: Sequence[scipy.sparse.spmatrix],
    ) -> np.ndarray:
        """The confidences of every intent, in DIET's label order, shape (1, labels),
        from the message's sparse text features per featurizer, in Rasa's order (the
        products of the parts with their rows of the kernel add up to the product of
        the matrix Rasa would build by stacking them)."""
        tokens = _sparse_dense(sequence, self.sequence_to_dense)
        whole = _sparse_dense(sentence, self.sentence_to_dense)
        x = np.concatenate([tokens, whole], axis=0)  # the sentence as the last token
        x = dense(x, self.embedding) * np.float32(math.sqrt(self.units))
        x = x + positional_encoding(x.shape[0], self.units)
        for index, layer in enumerate(self.layers):
            x = layer(x, last_only=index == len(self.layers) - 1)
        vector = gelu(layer_norm(x, self.final_norm))[-1]
        embedded = dense(vector, self.text_embed)
        return softmax(self.labels_embed @ embedded)[None, :]

    @classmethod
    def from_model(cls, model: Any, config: dict[str, Any]) -> DietForward | None:
        """The forward pass of a loaded DIET model, or None where its architecture is
        not the one this computes (Rasa's own prediction is used then)."""
        if not supported(config):
            return None
        try:
            return cls._read(model, config)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
            logger.warning("DIET predicts with TensorFlow: %s", error)
            return None

    @classmethod
    def _read(cls, model: Any, config: dict[str, Any]) -> DietForward | None:
        sequence_layer = model._tf_layers[f"sequence_layer.{TEXT}"]
        combining = sequence_layer._tf_layers[sequence_layer.FEATURE_COMBINING]
        if any(key.startswith("unify_dims") for key in combining._tf_layers):
            return None
        if sequence_layer._tf_layers[sequence_layer.FFNN]._ffn_layers:
            return None
        transformer = sequence_layer._tf_layers[sequence_layer.TRANSFORMER]
        if model.all_labels_embed is None:
            model.prepare_for_predict()
            model.prepared_for_prediction = True
        return cls(
            sequence_to_dense=_sparse_to_dense(combining, "sequence"),
            sentence_to_dense=_sparse_to_dense(combining, "sentence"),
            embedding=_dense_weights(transformer._embedding),
            units=int(transformer.units),
            layers=tuple(_encoder_layer(layer) for layer in transformer._enc_layers),
            final_norm=_norm_weights(transformer._layer_norm),
            text_embed=_dense_weights(model._tf_layers[f"embed.{TEXT}"]._dense),
            labels_embed=np.asarray(model.all_labels_embed, dtype=np.float32),
        )


def limit_blas_threads() -> None:
    """NumPy's BLAS gets as many threads as TensorFlow's operations
    (TF_INTRA_OP_PARALLELISM_THREADS, which the servers set to 1: the Rasa server's
    workers and the action server share the cores, and a second BLAS thread per
    product only contends for them)."""
    threads = os.environ.get("TF_INTRA_OP_PARALLELISM_THREADS", "")
    if threads.isdigit() and int(threads) > 0:
        threadpoolctl.threadpool_limits(int(threads), user_api="blas")


def supported(config: dict[str, Any]) -> bool:
    """Whether DietForward computes what DIET with this configuration computes."""
    return (
        config[INTENT_CLASSIFICATION]
        and not config[ENTITY_RECOGNITION]
        and not config[KEY_RELATIVE_ATTENTION]
        and not config[VALUE_RELATIVE_ATTENTION]
        and not config[UNIDIRECTIONAL_ENCODER]
        and not config[HIDDEN_LAYERS_SIZES].get(TEXT)
        and _transformer_layers(config) > 0
        and config[SIMILARITY_TYPE] == INNER  # Rasa allows softmax with inner only
        and config[MODEL_CONFIDENCE] == SOFTMAX
    )


def _transformer_layers(config: dict[str, Any]) -> int:
    layers = config[NUM_TRANSFORMER_LAYERS]
    return int(layers.get(TEXT, 0) if isinstance(layers, dict) else layers)


def _sparse_dense(
    parts: Sequence[scipy.sparse.spmatrix], layer: tuple[np.ndarray, np.ndarray | None]
) -> np.ndarray:
    kernel, bias = layer
    if sum(part.shape[1] for part in parts) != kernel.shape[0]:
        raise ValueError("the features do not fit the trained kernel")
    product, offset = None, 0
    for part in parts:
        rows = kernel[offset : offset + part.shape[1]]
        offset += part.shape[1]
        term = scipy.sparse.csr_matrix(part, dtype=np.float32) @ rows
        product = term if product is None else product + term
    product = np.asarray(product, dtype=np.float32)
    return product if bias is None else product + bias


def _array(variable: Any) -> np.ndarray:
    return np.asarray(variable.numpy(), dtype=np.float32)


def _dense_weights(
    layer: Any, activation: str = "linear"
) -> tuple[np.ndarray, np.ndarray | None]:
    """A (randomly connected) dense layer's kernel, masked as its call masks it, and
    bias; its activation must be the one the caller applies."""
    found = getattr(getattr(layer, "activation", None), "__name__", "linear")
    if found != activation:
        raise ValueError(f"{layer.name}: activation {found}, expected {activation}")
    kernel = _array(layer.kernel)
    if getattr(layer, "density", 1.0) < 1.0:
        kernel = kernel * _array(layer.kernel_mask)
    bias = _array(layer.bias) if layer.use_bias else None
    return kernel, bias


def _norm_weights(layer: Any) -> tuple[np.ndarray, np.ndarray, float]:
    return _array(layer.gamma), _array(layer.beta), float(layer.epsilon)


def _sparse_to_dense(combining: Any, feature_type: str) -> tuple[np.ndarray, Any]:
    concatenate = combining._tf_layers[f"sparse_dense.{feature_type}"]
    return _dense_weights(concatenate._tf_layers[concatenate.SPARSE_TO_DENSE])


def _encoder_layer(layer: Any) -> EncoderLayer:
    attention = layer._mha
    if attention.use_key_relative_position or attention.use_value_relative_position:
        raise ValueError("relative attention")
    norm, ffn_in, _, ffn_out, _ = layer._ffn_layers

    def unbiased(dense_layer: Any) -> np.ndarray:
        kernel, bias = _dense_weights(dense_layer)
        if bias is not None:
            raise ValueError("attention projection with a bias")
        return kernel

    return EncoderLayer(
        attention_norm=_norm_weights(layer._layer_norm),
        query=unbiased(attention._query_dense_layer),
        key_value=np.concatenate(
            [
                unbiased(attention._key_dense_layer),
                unbiased(attention._value_dense_layer),
            ],
            axis=1,
        ),
        output=_dense_weights(attention._output_dense_layer),
        heads=int(attention.num_heads),
        ffn_norm=_norm_weights(norm),
        ffn_in=_dense_weights(ffn_in, activation="gelu"),
        ffn_out=_dense_weights(ffn_out),
    )


_CACHE = "_numpy_forward"


def predict_intents_in_numpy() -> bool:
    """Patch `DIETClassifier._predict` to predict with `DietForward` where the trained
    model allows (Rasa's own path otherwise); whether it was patched now.

    A patch, not a subclass in config.yml: the model stays Rasa's DIETClassifier,
    trained exactly as before (a renamed component trains a different model, and
    the same data gave one that read 异地就医备案怎么办 as a question about how long a
    filing lasts), and any model with a DIET, old or new, predicts faster without
    being trained again. `zh_nlu/components.py` applies it when the Rasa server loads
    the model, as it applies zh_nlu/speedups.py."""
    if is_patched(DIETClassifier, "_predict"):
        return False
    original = DIETClassifier._predict

    def _predict(self: DIETClassifier, message: Message) -> dict[str, Any] | None:
        forward = numpy_forward(self)
        if forward is None or self._execution_context.should_add_diagnostic_data:
            return original(self, message)
        featurizers = self.component_config.get(FEATURIZERS) or []
        if not message.features_present(attribute=TEXT, featurizers=featurizers):
            return None  # what Rasa's path returns for a message without features
        parts = sparse_text_features(message, featurizers)
        if parts is None:
            return original(self, message)
        try:
            return {"i_scores": forward.scores(*parts)}
        except ValueError as error:  # features the trained model does not fit
            logger.warning("DIET predicts with TensorFlow: %s", error)
            return original(self, message)

    return install_patch(
        DIETClassifier, "_predict", _predict, "DIET predicts one message in NumPy."
    )


def numpy_forward(classifier: DIETClassifier) -> DietForward | None:
    """The classifier's NumPy forward pass, read from its model on first use; None
    for a subclass (ResponseSelector), a model not trained, or another
    architecture."""
    if _CACHE not in classifier.__dict__:
        forward = None
        if type(classifier) is DIETClassifier and type(classifier.model) is DIET:
            forward = DietForward.from_model(
                classifier.model, classifier.component_config
            )
        if forward is not None:
            limit_blas_threads()
        classifier.__dict__[_CACHE] = forward
    return classifier.__dict__[_CACHE]


def sparse_text_features(
    message: Message, featurizers: list[str]
) -> tuple[list[Any], list[Any]] | None:
    """The message's sparse text features (sequence, sentence), one matrix per
    featurizer in the order Rasa stacks them (Message.get_sparse_features), or None
    when the message has dense text features or lacks either kind."""
    chosen = [
        feature
        for feature in message.features
        if feature.attribute == TEXT
        and (not featurizers or feature.origin in featurizers)
    ]
    if any(feature.is_dense() for feature in chosen):
        return None
    sequence = [f.features for f in chosen if f.type == FEATURE_TYPE_SEQUENCE]
    sentence = [f.features for f in chosen if f.type == FEATURE_TYPE_SENTENCE]
    return (sequence, sentence) if sequence and sentence else None
