"""The domain's words written wrong on a phone (夸省 for 跨省, 报消 for 报销) are read
as the right words before a message is understood, character for character."""

import pytest
import yaml
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.places import LEXICON_DIR
from assistant.scope import about_insurance
from assistant.text import TYPOS_FILE, normalized
from zh_nlu.components import SimplifiedChinese


@pytest.mark.parametrize(
    "typed, read",
    [
        ("医保夸省住院怎么报消", "医保跨省住院怎么报销"),
        ("醫保誇市如何報銷", "医保跨市如何报销"),  # traditional and a miswriting
        ("忘了备按怎么办", "忘了备案怎么办"),
        ("转珍单能用多久", "转诊单能用多久"),
        ("起伏线是多少", "起付线是多少"),
        ("新农和在外地能用吗", "新农合在外地能用吗"),
    ],
)
def test_a_miswritten_word_is_read_right(typed, read):
    assert normalized(typed) == read
    assert len(normalized(typed)) == len(typed)  # entity offsets hold


@pytest.mark.parametrize(
    "text", ["我想报效祖国", "跨省异地就医备案", "今天天气不错", "hello", ""]
)
def test_right_text_is_left_alone(text):
    assert normalized(text) == text


def test_every_wrong_form_is_as_long_as_its_word_and_not_a_word_itself():
    raw = yaml.safe_load((LEXICON_DIR / TYPOS_FILE).read_text(encoding="utf-8"))
    seen = set()
    for right, wrongs in raw["typos"].items():
        for wrong in wrongs:
            assert len(wrong) == len(right), wrong
            assert wrong != right and wrong not in seen, wrong
            seen.add(wrong)
            assert normalized(wrong) == right


def test_the_pipeline_reads_the_corrected_text():
    message = Message(data={TEXT: "夸省看病要备按吗"})
    SimplifiedChinese().process([message])
    assert message.get(TEXT) == "跨省看病要备案吗"


def test_a_miswritten_question_is_still_about_insurance():
    assert about_insurance("夸省报消要什么")


def test_training_examples_keep_their_miswritings_but_not_their_traditional_forms():
    from rasa.shared.nlu.training_data.training_data import TrainingData

    example = Message(data={TEXT: "醫保被案怎么弄", "intent": "ask_filing_how"})
    SimplifiedChinese().process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "医保被案怎么弄"
