"""Conversations are kept in the embedded SQLite tracker store: a restart of the Rasa
server in the middle of the estimate form loses nothing."""

import uuid

from bench.rest import reply_text, say


def test_a_restart_in_the_middle_of_the_form_loses_nothing(assistant):
    user = f"e2e-restart-{uuid.uuid4().hex[:8]}"
    assert "在哪里参保" in reply_text(say(assistant.url, user, "帮我算算能报多少"))
    assert "职工医保，还是城乡居民医保" in reply_text(say(assistant.url, user, "南京"))

    assistant.restart_rasa()

    # the form goes on where it was, with the place it already has
    assert "几级医院" in reply_text(say(assistant.url, user, "城乡居民医保"))
    assert "备案的情况" in reply_text(say(assistant.url, user, "二级"))
