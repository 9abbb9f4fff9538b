"""Long questions written as a paragraph: the intent is read from the question
sentences, the entities and the actions get the whole text."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.scope import about_insurance
from assistant.text import FOCUS_ABOVE, FOCUS_WINDOW, focused_text, question_focus
from zh_nlu.components import DomainJiebaTokenizer

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPHS = ROOT / "tests" / "long_questions.yml"

FATHER = (
    "我父亲今年68岁，退休前在河南周口上班，是职工医保，现在跟我们在杭州住了三年了，"
    "前段时间查出来要做心脏支架手术，医生说要住院大概一周。我想问一下，像这种情况"
    "我们要怎么备案才能在杭州直接结算？是要回周口办还是在杭州就可以办？谢谢"
)


def paragraphs() -> list[tuple[str, str]]:
    """(text, intent) of the held-out paragraphs (written apart from data/)."""
    return [
        (p["text"], p["intent"])
        for p in yaml.safe_load(PARAGRAPHS.read_text(encoding="utf-8"))
    ]


def test_the_question_at_the_end_of_a_paragraph_is_the_focus():
    assert focused_text(FATHER) == (
        "医生说要住院大概一周。我想问一下，像这种情况我们要怎么备案才能在杭州直接结算？"
        "是要回周口办还是在杭州就可以办？"
    )


def test_a_short_question_keeps_the_clauses_before_it():
    text = (
        "我爸上个月在杭州旅游时突然脑梗，被送进医院抢救，住了十天ICU，花了八万多。"
        "之前没有办过备案，医保是安徽阜阳的新农合。这种情况怎么办？"
    )
    assert focused_text(text) == (
        "被送进医院抢救，住了十天ICU，花了八万多。"
        "之前没有办过备案，医保是安徽阜阳的新农合。这种情况怎么办？"
    )


def test_what_follows_the_last_question_is_left_out():
    text = (
        "我妈今年七十了，一直在老家湖南岳阳住，去年开始跟我们在广东佛山生活，身体不太好，"
        "常年吃降压药，她的医保卡在佛山的药店能不能刷，谢谢大家"
    )
    assert focused_text(text).endswith("她的医保卡在佛山的药店能不能刷，")
    assert len(focused_text(text)) <= FOCUS_WINDOW


def test_a_long_story_before_the_question_is_cut_to_the_window():
    story = "我家老人身体一直不太好，前几年做过一次大手术，这几年一直在吃药。" * 6
    focus = focused_text(story + "请问他的医保卡在外地能不能用？")
    assert focus.endswith("请问他的医保卡在外地能不能用？")
    assert len(focus) <= FOCUS_WINDOW


def test_a_long_statement_is_read_at_its_end():
    text = (
        "我爸是武汉的退休职工医保，这次在北京的三甲医院做了心脏搭桥手术，住了二十天，"
        "出院时总费用一共十二万左右，出发前已经办好了异地备案。"
    )
    assert question_focus(text) == [(13, len(text))]


def test_a_run_on_clause_is_cut_to_the_window():
    text = "医保" * 100 + "能报吗"
    assert question_focus(text) == [(len(text) - FOCUS_WINDOW, len(text))]


@pytest.mark.parametrize(
    "text",
    [
        "我是江苏参保的，在上海住院能刷卡吗",
        "我爸是武汉的退休职工医保，在北京三甲医院住院花了十二万，已经备案了，能报多少",
    ],
)
def test_short_messages_are_read_whole(text):
    assert question_focus(text) == [(0, len(text))]


def test_every_training_phrasing_but_the_paragraphs_is_read_whole():
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        if path.name == "long_questions.yml":
            continue
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                text = line.strip()[2:]
                assert len(text) <= FOCUS_ABOVE, (path.name, text)


@pytest.fixture(scope="module")
def tokenizer():
    return DomainJiebaTokenizer.create(
        {
            **DomainJiebaTokenizer.get_default_config(),
            "dictionary_path": str(ROOT / "zh_nlu" / "lexicon" / "jieba"),
        },
        None,
        None,
        None,
    )


def test_the_classifier_reads_the_question_tokens_and_the_text_stays_whole(tokenizer):
    message = tokenizer.process([Message(data={TEXT: FATHER})])[0]
    assert message.get(TEXT) == FATHER
    words = [t.text for t in message.get("text_tokens")]
    assert "备案" in words and "直接结算" in words
    assert "心脏" not in words and "谢谢" not in words
    for token in message.get("text_tokens"):
        assert FATHER[token.start : token.end] == token.text


def test_a_short_message_keeps_all_its_tokens(tokenizer):
    text = "我是江苏参保的，在上海住院能刷卡吗"
    message = tokenizer.process([Message(data={TEXT: text})])[0]
    assert "".join(t.text for t in message.get("text_tokens")) == "".join(text.split())


def test_the_held_out_paragraphs_are_long_and_about_insurance():
    examples = paragraphs()
    assert len(examples) >= 20
    for text, _ in examples:
        assert FOCUS_ABOVE < len(text) <= 500
        assert about_insurance(text), text
        assert focused_text(text) != text, text
