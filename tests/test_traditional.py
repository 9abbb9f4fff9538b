"""Traditional characters are understood: the text is made simplified (OpenCC) first
in the NLU pipeline, so the tokenizer, the entity rules, the intent classifier and
the actions (through the parsed message's text) all read simplified text."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.scope import about_insurance
from assistant.text import to_simplified
from zh_nlu.components import (
    DomainEntityExtractor,
    DomainJiebaTokenizer,
    SimplifiedChinese,
)
from zh_nlu.spacy_pipeline import build_pipeline

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "traditional, simplified",
    [
        ("我是江蘇參保的，在上海住院能刷卡嗎", "我是江苏参保的，在上海住院能刷卡吗"),
        ("異地就醫備案怎麼辦理", "异地就医备案怎么办理"),
        ("新農合報銷比例?", "新农合报销比例?"),
        ("醫保卡在外地能用嗎", "医保卡在外地能用吗"),
        ("醫保個人賬戶的餘額能給家裡人用嗎", "医保个人账户的余额能给家里人用吗"),
        ("臺灣", "台湾"),
    ],
)
def test_traditional_becomes_simplified(traditional, simplified):
    assert to_simplified(traditional) == simplified


@pytest.mark.parametrize(
    "text",
    [
        "我是江苏参保的，在上海住院能刷卡吗",
        "著名的三甲医院能结算吗",
        "医保卡里的余额后来还能用吗",
        "我在乾县住院，医保是西安的",  # 乾县 is a county, not 干县
        "吉林乾安县的新农合",
        "",
        '/inform{"region": "310000"}',
    ],
)
def test_simplified_text_stays_as_it_is(text):
    assert to_simplified(text) == text


def _training_phrasings() -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
    return texts


def test_conversion_keeps_every_offset():
    for text in _training_phrasings():
        assert len(to_simplified(text)) == len(text), text


def test_scope_reads_traditional_characters():
    assert about_insurance("異地就醫備案怎麼辦理")
    assert not about_insurance("今天天氣好熱")


@pytest.fixture(scope="module")
def pipeline():
    tokenizer = DomainJiebaTokenizer.create(
        {
            **DomainJiebaTokenizer.get_default_config(),
            "dictionary_path": str(ROOT / "zh_nlu" / "lexicon" / "jieba"),
        },
        None,
        None,
        None,
    )
    return [
        SimplifiedChinese.create({}, None, None, None),
        tokenizer,
        DomainEntityExtractor(build_pipeline(), None, None),
    ]


def _parse(pipeline, text: str) -> Message:
    messages = [Message(data={TEXT: text})]
    for component in pipeline:
        messages = component.process(messages)
    return messages[0]


def test_the_pipeline_reads_simplified_text_with_the_right_offsets(pipeline):
    message = _parse(pipeline, "我是江蘇參保的，在上海住院能刷卡嗎")
    text = message.get(TEXT)
    assert text == "我是江苏参保的，在上海住院能刷卡吗"
    assert message.as_dict(only_output_properties=True)[TEXT] == text
    tokens = [t.text for t in message.get("text_tokens")]
    assert "参保" in tokens and "刷卡" in tokens
    regions = [
        (e["value"], e.get("role"), text[e["start"] : e["end"]])
        for e in message.get(ENTITIES)
        if e["entity"] == "region"
    ]
    assert regions == [("320000", "insured", "江苏"), ("310000", "treatment", "上海")]


def test_the_scheme_is_found_in_traditional_characters(pipeline):
    message = _parse(pipeline, "河南周口的新農合在杭州住院能報銷嗎")
    schemes = [e for e in message.get(ENTITIES) if e["entity"] == "insurance_scheme"]
    assert schemes and message.get(TEXT)[schemes[0]["start"] :].startswith("新农合")


def test_a_button_payload_is_left_alone(pipeline):
    payload = '/inform{"region": "320000"}'
    assert _parse(pipeline, payload).get(TEXT) == payload


def test_training_examples_are_simplified_too():
    data = TrainingData([Message(data={TEXT: "醫保卡在外地能用嗎", "intent": "x"})])
    SimplifiedChinese.create({}, None, None, None).process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "医保卡在外地能用吗"


def test_the_pipeline_starts_with_the_conversion():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"][0]["name"] == "zh_nlu.components.SimplifiedChinese"
