"""What the project's NLU components put into their fingerprints: the content of
files. Rasa's training cache reuses a component's output while the component's
fingerprint holds."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


def fingerprint_files(paths: list[Path]) -> str:
    """One digest of the files' names and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_ROOT = Path(__file__).resolve().parent.parent
# the project's code these components run (tests/test_training_cache.py checks that
# every project module they import is here)
_CODE = (
    "zh_nlu/*.py",
    "assistant/__init__.py",
    "assistant/facets.py",
    "assistant/places.py",
    "assistant/roles.py",
    "assistant/scope.py",
    "assistant/text.py",
    "assistant/vocabulary.py",
)


@functools.cache
def code_files() -> tuple[Path, ...]:
    """The project's source files the components run."""
    return tuple(sorted(path for pattern in _CODE for path in _ROOT.glob(pattern)))


def with_code(fingerprint: str) -> str:
    """A component's fingerprint with the project's code in it: Rasa's training
    cache reuses a component's output while its fingerprint holds, so without the
    code an edited segmentation rule (zh_nlu/plain_jieba.py) kept the old tokens in
    a local model (a fresh clone's differed: 2552 words against 2555)."""
    return fingerprint + fingerprint_files(list(code_files()))
