"""jieba with the domain dictionary: pinned tokens for typical sentences, and the
committed dictionary matches what the lexicon generates."""

import jieba
import pytest

from zh_nlu import jieba_dict


@pytest.fixture(scope="module")
def tokenizer():
    tok = jieba.Tokenizer()
    for path in sorted(jieba_dict.JIEBA_DIR.glob("*.txt")):
        tok.load_userdict(str(path))
    return tok


@pytest.mark.parametrize(
    "sentence, tokens",
    [
        ("参保地是苏州市", ["参保地", "是", "苏州市"]),
        ("新农合能跨省直接结算吗", ["新农合", "能", "跨省直接结算", "吗"]),
        ("忘了办异地就医备案", ["忘", "了", "办", "异地就医备案"]),
        ("门诊慢特病在外地怎么报", ["门诊慢特病", "在", "外地", "怎么", "报"]),
        ("医保电子凭证怎么激活", ["医保电子凭证", "怎么", "激活"]),
        ("起付线和封顶线是多少", ["起付线", "和", "封顶线", "是", "多少"]),
        ("灵活就业能交职工医保吗", ["灵活就业", "能交", "职工医保", "吗"]),
        ("在上海三甲医院住院", ["在", "上海", "三甲", "医院", "住院"]),
    ],
)
def test_domain_sentences_tokenize_as_pinned(tokenizer, sentence, tokens):
    assert tokenizer.lcut(sentence) == tokens


def test_the_committed_dictionary_is_up_to_date():
    for name, content in jieba_dict.render().items():
        committed = (jieba_dict.JIEBA_DIR / name).read_text(encoding="utf-8")
        assert committed == content, f"{name} is stale: run `make lexicon`"
