"""Rasa NLU components for Chinese: traditional characters made simplified, a
fingerprinted jieba tokenizer, the domain entity extractor that runs the project's
spaCy pipeline, and a guard that keeps the estimate for messages that ask one."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant import text as text_module
from assistant.facets import asks_estimate, is_follow_up, only_a_figure
from assistant.places import COUNTY, LEXICON_DIR, default_gazetteer
from assistant.roles import region_roles
from assistant.text import normalized, question_focus, to_simplified
from assistant.vocabulary import ENTITY_REGION_UNKNOWN, PLACE_COMPARED
from zh_nlu import spacy_pipeline
from zh_nlu.diet import predict_intents_in_numpy
from zh_nlu.fingerprints import fingerprint_files, with_code
from zh_nlu.hospitals import hospital_files
from zh_nlu.rule_policy import (
    check_rules_within_their_length,
    reuse_states_within_a_prediction,
)
from zh_nlu.speedups import (
    cache_action_response_validator,
    cache_minimal_graph_schema,
    compare_with_one_empty_domain,
    resolve_event_types_once,
    run_prediction_graphs_directly,
)
from zh_nlu.unknown_places import unknown_places

logger = logging.getLogger(__name__)

# The Rasa server imports this module when it loads the model, whatever channels and
# endpoints it runs with: the one module of ours it always imports. Outside the
# classes: the patches change no component's configuration and no trained model;
# see zh_nlu/speedups.py and zh_nlu/rule_policy.py.
cache_action_response_validator()
cache_minimal_graph_schema()
run_prediction_graphs_directly()
predict_intents_in_numpy()
reuse_states_within_a_prediction()
check_rules_within_their_length()
compare_with_one_empty_domain()
resolve_event_types_once()

# "备案了吗" asks, it does not state that one has filed.
_QUESTION_AFTER = "吗么嘛没"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class SimplifiedChinese(GraphComponent):
    """Rewrites each message's text in simplified characters (OpenCC), with the
    domain's common miswritings corrected (lexicon/typos.yml), first in the pipeline: the tokenizer, the entity rules, the intent classifier and, through the
    parsed message's text, the actions all read simplified text. The conversion is
    character for character, so entity offsets hold for the text the actions get."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SimplifiedChinese:
        """No state: the conversion tables come with OpenCC."""
        return cls()

    @staticmethod
    def required_packages() -> list[str]:
        """Packages the component needs."""
        return ["opencc"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the conversion, its typo table (or OpenCC, a required package)
        changes."""
        return with_code(
            fingerprint_files(
                [Path(text_module.__file__), LEXICON_DIR / text_module.TYPOS_FILE]
            )
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Simplify the text of each incoming message and correct its miswritings."""
        for message in messages:
            _simplify(message, normalized)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Simplify the training examples too (some are written in traditional). Their
        miswritings (被案, 新农和) are kept as written: correcting them changed the
        trained model (measured: 异地就医备案怎么办 then read as a validity question),
        and a message is corrected before it reaches the model anyway."""
        for example in training_data.training_examples:
            _simplify(example, to_simplified)
        return training_data


def _simplify(message: Message, convert: Callable[[str], str]) -> None:
    text = message.get(TEXT)
    if isinstance(text, str) and not text.startswith("/"):  # not a button payload
        simple = convert(text)
        if simple != text:
            message.set(TEXT, simple, add_to_output=True)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class DomainJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer whose cache key includes the user dictionary's content.

    Rasa's JiebaTokenizer fingerprints only its config, so an edited dictionary would
    not invalidate the training cache; this one retrains when a dictionary changes.
    It also drops whitespace tokens, which jieba keeps and Rasa cannot align.

    The intent classifier reads these tokens. Of a long message written as a paragraph
    (a story, then the question), only the tokens of its question sentences are kept
    (assistant.text.question_focus), so the classifier reads the question much as it
    would a short one; the text itself, and the entities found in all of it, stay
    whole.
    """

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Fingerprint of every file in the dictionary folder and of the focus."""
        path = config.get("dictionary_path")
        files = [Path(text_module.__file__)]
        if path:
            files += [p for p in Path(path).glob("*") if p.is_file()]
        return with_code(fingerprint_files(files))

    def tokenize(self, message: Message, attribute: str) -> list[Any]:
        """Jieba tokens without whitespace-only tokens; of a long text, those of its
        question sentences."""
        tokens = [t for t in super().tokenize(message, attribute) if t.text.strip()]
        if attribute != TEXT:
            return tokens
        text = message.get(TEXT) or ""
        spans = question_focus(text)
        if spans == [(0, len(text))]:
            return tokens
        focused = [
            t for t in tokens if any(s <= t.start and t.end <= e for s, e in spans)
        ]
        return focused or tokens


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class DomainEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds regions (with their role), hospitals, filing status, hospital level,
    scheme and person status with the project's rule-based spaCy pipeline."""

    PIPELINE_DIR = "spacy_pipeline"

    def __init__(self, nlp: Any, model_storage: ModelStorage, resource: Resource):
        """Wrap a loaded spaCy pipeline."""
        self._nlp = nlp
        self._model_storage = model_storage
        self._resource = resource

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options: the lexicon decides what is found."""
        return {}

    @staticmethod
    def required_packages() -> list[str]:
        """Packages the component needs."""
        return ["spacy", "jionlp"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the lexicon, the hospital lists or the division data change."""
        files = [p for p in LEXICON_DIR.glob("*.yml") if p.is_file()]
        files += hospital_files()
        return with_code(fingerprint_files(files) + metadata.version("jionlp"))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainEntityExtractor:
        """Build the spaCy pipeline from the lexicon."""
        return cls(spacy_pipeline.build_pipeline(), model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainEntityExtractor:
        """Load the spaCy pipeline saved with the model."""
        try:
            with model_storage.read_from(resource) as directory:
                nlp = spacy_pipeline.load_pipeline(directory / cls.PIPELINE_DIR)
        except ValueError:
            logger.warning("No saved spaCy pipeline in the model; building it anew.")
            nlp = spacy_pipeline.build_pipeline()
        # built now, with the model, not in the first message's turn (about 0.7 s),
        # and so among the objects the server freezes once started
        default_gazetteer()
        return cls(nlp, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Save the pipeline with the model, so the model is self-contained."""
        with self._model_storage.write_to(self._resource) as directory:
            self._nlp.to_disk(directory / self.PIPELINE_DIR)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the entities found in each message's text."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self.add_extractor_name(self.extract(text))
            message.set(
                ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data keeps its own annotations (there are none for these)."""
        return training_data

    def extract(self, text: str) -> list[dict[str, Any]]:
        """Entities in a text, as Rasa entity dicts."""
        entities = []
        for ent in self._nlp(text).ents:
            if ent.label_ == spacy_pipeline.REGION and _splits_a_word(text, ent):
                continue
            entity: dict[str, Any] = {
                ENTITY_ATTRIBUTE_TYPE: ent.label_,
                ENTITY_ATTRIBUTE_VALUE: ent.ent_id_ or ent.text,
                ENTITY_ATTRIBUTE_START: ent.start_char,
                ENTITY_ATTRIBUTE_END: ent.end_char,
                "text": ent.text,
            }
            if ent.label_ == "filing_status" and ent.ent_id_ == "filed":
                if text[ent.end_char : ent.end_char + 1] in tuple(_QUESTION_AFTER):
                    continue
            entities.append(entity)
        covered = [
            (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]) for e in entities
        ]
        for start, end, name in unknown_places(text, covered, default_gazetteer()):
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY_REGION_UNKNOWN,
                ENTITY_ATTRIBUTE_VALUE: name,
                ENTITY_ATTRIBUTE_START: start,
                ENTITY_ATTRIBUTE_END: end,
                "text": name,
            }
            entities.append(entity)
        return _with_roles(text, entities)


@functools.lru_cache(maxsize=1)
def _plain_jieba() -> Any:
    """jieba with its own dictionary only: it knows 大城市 is a word, while the
    domain dictionary would cut it as 大城 (a county) + 市. It reads the dictionary
    the domain tokenizer already holds (zh_nlu.plain_jieba: no second copy)."""
    from zh_nlu.plain_jieba import PlainTokenizer

    return PlainTokenizer()


def _splits_a_word(text: str, ent: Any) -> bool:
    """Whether a county's short name (大城 for 大城县) is only part of a longer
    ordinary word here (大城市)."""
    region = default_gazetteer().resolve(ent.ent_id_)
    if region is None or region.level != COUNTY or ent.text == region.name:
        return False
    bounds = {0, len(text)}
    for _word, start, end in _plain_jieba().tokenize(text):
        bounds.update((start, end))
    return ent.start_char not in bounds or ent.end_char not in bounds


def _with_roles(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Places (found or not) with the 参保地/就医地 role the sentence gives them; a
    place compared with ("比在南京低") is marked so, and has no role."""
    places = [
        e
        for e in entities
        if e[ENTITY_ATTRIBUTE_TYPE] in (spacy_pipeline.REGION, ENTITY_REGION_UNKNOWN)
    ]
    spans = [(e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]) for e in places]
    for entity, role in zip(places, region_roles(text, spans), strict=True):
        if role == PLACE_COMPARED:
            entity[PLACE_COMPARED] = True
        elif role:
            entity[ENTITY_ATTRIBUTE_ROLE] = role
    return entities


# The estimate intent, the intent of a statement that only adds to the case, and the
# one of uncertain understanding (the clarify action asks or answers the likeliest).
_ESTIMATE = "ask_estimate"
_INFORM = "inform"
_FALLBACK = "nlu_fallback"
_LEAST_CONFIDENCE = 0.1


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class EstimateIntentGuard(GraphComponent):
    """After the classifiers: a message read as "how much will be paid" that states no
    amount and asks no such thing (一次能转多少, 那要是去魔都呢) does not start the
    estimate form; a short follow-up becomes a statement of the case (the topic goes
    on), anything else takes the next reading (or is clarified)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EstimateIntentGuard:
        """No state: rules over the text."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Re-read the intent of each message the estimate intent does not fit, and
        of a message that is only a figure (1200元: the answer to the form's question,
        never 再见 or a new topic)."""
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            confidence = intent.get(PREDICTED_CONFIDENCE_KEY, 0.0)
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) not in (_ESTIMATE, _FALLBACK)
            ]
            if only_a_figure(text) and intent.get(INTENT_NAME_KEY) != _INFORM:
                chosen = {
                    INTENT_NAME_KEY: _INFORM,
                    PREDICTED_CONFIDENCE_KEY: confidence,
                }
            elif intent.get(INTENT_NAME_KEY) != _ESTIMATE or asks_estimate(text):
                continue
            elif is_follow_up(text):
                chosen = {
                    INTENT_NAME_KEY: _INFORM,
                    PREDICTED_CONFIDENCE_KEY: confidence,
                }
            elif ranking and ranking[0][PREDICTED_CONFIDENCE_KEY] >= _LEAST_CONFIDENCE:
                chosen = dict(ranking[0])
            else:  # no likely reading: clarified
                chosen = {
                    INTENT_NAME_KEY: _FALLBACK,
                    PREDICTED_CONFIDENCE_KEY: _LEAST_CONFIDENCE,
                }
            others = [
                r for r in ranking if r[INTENT_NAME_KEY] != chosen[INTENT_NAME_KEY]
            ]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *others], add_to_output=True)
        return messages
