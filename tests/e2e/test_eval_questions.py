"""Every development question through the REST channel of the real servers."""

import pytest

from bench.eval_questions import EVAL_FILE, check_all, load_questions

IN_SCOPE_BAR = 0.90


@pytest.fixture(scope="module")
def results(assistant):
    if not EVAL_FILE.exists():
        pytest.skip(f"{EVAL_FILE} is not here (it lives in shared/ beside the repo)")
    return check_all(assistant.url, load_questions())


def _failures(items):
    return "\n".join(
        f"- {c.question}\n  missing one of: {c.missing}\n  reply: {c.reply[:160]!r}"
        for c in items
        if not c.passed
    )


def test_in_scope_questions_get_answers_with_their_key_phrases(results):
    in_scope = [c for c in results if c.in_scope]
    rate = sum(c.passed for c in in_scope) / len(in_scope)
    print(f"in-scope key-phrase pass rate {rate:.3f} ({len(in_scope)} questions)")
    assert (
        rate >= IN_SCOPE_BAR
    ), f"pass rate {rate:.3f} < {IN_SCOPE_BAR}:\n{_failures(in_scope)}"


def test_out_of_scope_questions_are_declined(results):
    out_of_scope = [c for c in results if not c.in_scope]
    assert all(c.passed for c in out_of_scope), _failures(out_of_scope)
