"""jieba with its own dictionary only, read through the global tokenizer's.

The entity extractor asks how plain jieba cuts a text (大城市 is a word, while the
domain dictionary cuts it as 大城, a county, + 市). A second `jieba.Tokenizer()` would
hold its own copy of the dictionary: 349,000 words and their prefixes, about 106 MB
in every Rasa process. This tokenizer reads the global tokenizer's dictionary instead,
with the words the domain dictionary added (jieba records them, with their tags, in
`user_word_tag_tab`) seen as they were before: gone, or with the frequency jieba's
own dictionary gives them. It cuts every text exactly as a plain tokenizer does
(tests/test_plain_jieba.py compares them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jieba


def _entries(tokenizer: jieba.Tokenizer) -> Iterator[tuple[str, int]]:
    """(word, frequency) of each line of the tokenizer's own dictionary file, read
    as jieba reads it."""
    with tokenizer.get_dict_file() as lines:
        for line in lines:
            word, frequency = line.strip().decode("utf-8").split(" ")[:2]
            yield word, int(frequency)


class _WithoutAdded:
    """The global tokenizer's frequencies as its own dictionary gave them: a word
    added later reads as its dictionary frequency, or 0 (not a word) when it has
    none. Prefix entries added with a word read 0 too, as jieba's own missing
    prefixes would end its search (no longer word of its dictionary starts there)."""

    def __init__(self, frequencies: dict[str, int], before: dict[str, int]) -> None:
        self.frequencies = frequencies
        self.before = before

    def __contains__(self, word: str) -> bool:
        return word in self.frequencies

    def __getitem__(self, word: str) -> int:
        if word in self.before:
            return self.before[word]
        return self.frequencies[word]

    def get(self, word: str, default: Any = None) -> Any:
        if word in self.before:
            return self.before[word]
        return self.frequencies.get(word, default)


class PlainTokenizer(jieba.Tokenizer):
    """Cuts as `jieba.Tokenizer()` with jieba's own dictionary, on the dictionary
    `domain` (the global tokenizer, by default) already holds."""

    def __init__(self, domain: jieba.Tokenizer | None = None) -> None:
        super().__init__()
        self.domain = domain or jieba.dt
        self._added_seen: int | None = None

    def check_initialized(self) -> None:
        """Read the domain tokenizer's dictionary as jieba's own (again when words
        were added to it since)."""
        self.domain.check_initialized()
        added = self.domain.user_word_tag_tab
        if self._added_seen == len(added):
            return
        with self.lock:
            before: dict[str, int] = {}
            total = 0
            for word, frequency in _entries(self.domain):
                total += frequency
                if word in added:
                    before[word] = frequency
            for word in added:
                before.setdefault(word, 0)
            self.FREQ = _WithoutAdded(self.domain.FREQ, before)
            self.total = total
            self.initialized = True
            self._added_seen = len(added)
