"""channels/sessions.py: server-issued web ids, channel namespaces, page origins."""

import os

import pytest

from channels.sessions import (
    WebSessionIds,
    allowed_origins,
    load_secret,
    origin_allowed,
    reserved,
    wechat_sender,
)


def test_an_issued_id_is_valid_only_under_its_secret():
    ids = WebSessionIds(b"one secret")
    issued = ids.issue()
    assert issued.startswith("web-") and len(issued) == 4 + 64
    assert ids.valid(issued)
    assert not WebSessionIds(b"another secret").valid(issued)
    assert ids.issue() != issued


@pytest.mark.parametrize(
    "made_up",
    [
        None,
        12,
        "",
        "a",
        "web-123",
        "web-" + "0" * 64,
        "WEB-" + "a" * 64,
        "web-" + "g" * 64,
    ],
)
def test_made_up_ids_are_not_valid(made_up):
    assert not WebSessionIds(b"s").valid(made_up)


def test_a_tampered_id_is_not_valid():
    ids = WebSessionIds(b"s")
    issued = ids.issue()
    flipped = issued[:10] + ("0" if issued[10] != "0" else "1") + issued[11:]
    assert not ids.valid(flipped)
    assert not ids.valid(issued.upper())


def test_channel_namespaces_do_not_meet():
    assert reserved("web-abc") and reserved("WX-abc") and reserved(wechat_sender("o1"))
    assert not reserved("e2e-user") and not reserved("13812345678")


def test_the_secret_comes_from_the_environment_then_a_kept_file(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_SESSION_SECRET", "from-env")
    assert load_secret("configured") == b"from-env"
    monkeypatch.delenv("WEB_SESSION_SECRET")
    assert load_secret("configured") == b"configured"
    kept = tmp_path / "keys" / "web"
    monkeypatch.setenv("WEB_SESSION_SECRET_FILE", str(kept))
    made = load_secret()
    assert len(made) == 64 and load_secret() == made  # a restart keeps it
    assert oct(os.stat(kept).st_mode & 0o777) == "0o600"


def test_origins_without_a_list_are_the_servers_host(monkeypatch):
    monkeypatch.delenv("WEB_ALLOWED_ORIGINS", raising=False)
    assert allowed_origins(None) == []
    assert origin_allowed(None, "127.0.0.1:5005", [])  # not a browser page
    assert origin_allowed("http://127.0.0.1:8080", "127.0.0.1:5005", [])
    assert not origin_allowed("https://evil.example", "127.0.0.1:5005", [])
    assert not origin_allowed("null", "127.0.0.1:5005", [])
    assert origin_allowed("http://localhost:8080", "127.0.0.1:5005", [])  # one machine
    assert not origin_allowed("http://localhost:8080", "yibao.example.cn", [])


def test_origins_with_a_list_are_only_those(monkeypatch):
    monkeypatch.setenv(
        "WEB_ALLOWED_ORIGINS", "https://yibao.example.cn/, https://m.example.cn"
    )
    listed = allowed_origins(["https://ignored.example"])
    assert listed == ["https://yibao.example.cn", "https://m.example.cn"]
    assert origin_allowed("https://m.example.cn", "rasa:5005", listed)
    assert not origin_allowed("https://rasa", "rasa", listed)
    assert not origin_allowed("http://yibao.example.cn", "rasa", listed)
