"""PostgreSQL as the tracker store, by configuration (deploy/endpoints.postgres.yml
and the DB_* settings), against a real PostgreSQL server the test starts itself: the
conversation is stored there, and neither a Rasa restart nor a PostgreSQL restart in
the middle of the form loses anything."""

import uuid

import psycopg2
import pytest

from bench.cluster import postgres_server
from bench.rest import reply_text, say
from bench.servers import running_assistant


@pytest.fixture(scope="module")
def on_postgres():
    with (
        postgres_server() as postgres,
        running_assistant(
            endpoints="deploy/endpoints.postgres.yml", env=postgres.env
        ) as assistant,
    ):
        yield assistant, postgres


def stored_user_texts(postgres, user: str) -> list[str]:
    with (
        psycopg2.connect(
            host=postgres.host,
            port=postgres.port,
            user=postgres.user,
            password=postgres.password,
            dbname=postgres.database,
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT data::json->>'text' FROM events "
            "WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (user,),
        )
        return [text for (text,) in cursor.fetchall()]


def test_conversations_are_stored_in_postgresql_and_survive_restarts(on_postgres):
    assistant, postgres = on_postgres
    user = f"e2e-postgres-{uuid.uuid4().hex[:8]}"
    assert "在哪里参保" in reply_text(say(assistant.url, user, "帮我算算能报多少"))
    assert "职工医保，还是城乡居民医保" in reply_text(say(assistant.url, user, "西安"))
    assert stored_user_texts(postgres, user) == ["帮我算算能报多少", "西安"]

    assistant.restart_rasa()
    assert "在职还是退休" in reply_text(say(assistant.url, user, "职工医保"))

    postgres.restart()
    assert "几级医院" in reply_text(say(assistant.url, user, "退休"))
    assert "备案的情况" in reply_text(say(assistant.url, user, "三级"))
    assert stored_user_texts(postgres, user)[-2:] == ["退休", "三级"]
