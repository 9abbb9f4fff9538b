"""Real questions people asked in public (tests/realq/), through the REST channel of
the real servers: key phrases, declines, conversations, fallbacks and reply length.

The bars are what the assistant reaches today, held so that it never slips back; the
issue's targets are higher (95% / 95% / 90% / 3% / 150 characters / 300 characters)
and the bars rise with the assistant."""

import pytest

from bench.real_questions import ask_questions as ask
from bench.real_questions import (
    conversations,
    failures,
    figures,
    hold_conversations,
    questions,
)

# measured 2026-12-03, end of the third stop (bench.real_questions), on 353 in-scope
# questions (107 added this stop, harder than the first 246): 0.725, 1.000, 0.925,
# 0.017, 164, 278; the fourth stop's shorter texts made the median 150; the margins
# allow for a model trained on another machine
IN_SCOPE_BAR = 0.66
DECLINE_BAR = 0.92
TURN_BAR = 0.85
FALLBACK_CEILING = 0.06
MEDIAN_CEILING = 160
LONGEST_CEILING = 300


@pytest.fixture(scope="module")
def run(assistant):
    asked = ask(assistant.url, questions())
    held = hold_conversations(assistant.url, conversations())
    result = figures(asked, held)
    print("\n".join(result.lines()))
    return asked, held, result


def test_the_sets_are_real_and_large_enough():
    items = questions()
    assert sum(i["in_scope"] for i in items) >= 200
    assert sum(not i["in_scope"] for i in items) >= 50
    assert len(conversations()) >= 40
    assert all(i["source"].startswith("http") for i in items)


def test_in_scope_questions_get_their_key_phrases(run):
    asked, held, result = run
    in_scope = [(i, t) for i, t in asked if i["in_scope"]]
    assert result.in_scope_rate >= IN_SCOPE_BAR, failures(in_scope, [])


def test_out_of_scope_questions_are_declined(run):
    asked, held, result = run
    out = [(i, t) for i, t in asked if not i["in_scope"]]
    assert result.decline_rate >= DECLINE_BAR, failures(out, [])


def test_conversation_turns_keep_the_case(run):
    asked, held, result = run
    assert result.turn_rate >= TURN_BAR, failures([], held)


def test_few_fallbacks_on_in_scope_questions(run):
    assert run[2].fallback_rate <= FALLBACK_CEILING


def test_replies_fit_a_phone_screen(run):
    assert run[2].median_length <= MEDIAN_CEILING
    assert run[2].longest_policy_answer <= LONGEST_CEILING
