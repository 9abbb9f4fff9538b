"""zh_nlu.plain_jieba: jieba's own dictionary read through the global tokenizer's
cuts every text exactly as a separate plain tokenizer does, once the domain words are
added to the global one (and again when more are added)."""

import jieba
import pytest

from assistant.places import LEXICON_DIR
from zh_nlu.plain_jieba import PlainTokenizer

TEXTS = [
    "我在大城市打工，老家是河北大城县的",
    "我妈是四川南充的居民医保，要来成都华西做手术",
    "异地就医备案之后什么时候开始生效",
    "在职职工跨省住院一级医院起付线多少",
    "新华书店旁边的新华区医院能刷卡吗",
    "我老家周口的，现在在魔都上班，医保卡在外地能用吗",
    "长春朝阳区和北京朝阳区不是一个地方",
    "abc 123 医保 😀 ，。",
]


@pytest.fixture(scope="module")
def tokenizers():
    domain = jieba.Tokenizer()
    plain = PlainTokenizer(domain)
    before = [list(plain.tokenize(text)) for text in TEXTS]
    for path in sorted((LEXICON_DIR / "jieba").glob("*.txt")):
        domain.load_userdict(str(path))
    return domain, plain, before


def test_it_cuts_as_a_plain_tokenizer_with_the_domain_words_added_to_the_global(
    tokenizers,
):
    domain, plain, _ = tokenizers
    reference = jieba.Tokenizer()
    for text in TEXTS:
        assert list(plain.tokenize(text)) == list(reference.tokenize(text))
        assert list(plain.cut(text, HMM=False)) == list(reference.cut(text, HMM=False))
    # the domain tokenizer itself cuts differently: the words were really added
    assert any(
        list(domain.tokenize(text)) != list(reference.tokenize(text)) for text in TEXTS
    )


def test_it_keeps_no_copy_of_the_dictionary(tokenizers):
    domain, plain, _ = tokenizers
    plain.check_initialized()
    assert plain.FREQ.frequencies is domain.FREQ
    assert len(plain.FREQ.before) == len(domain.user_word_tag_tab)


def test_cuts_before_the_domain_words_were_added_are_the_same(tokenizers):
    _, plain, before = tokenizers
    assert [list(plain.tokenize(text)) for text in TEXTS] == before
