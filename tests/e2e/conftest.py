"""The end-to-end tests use the `assistant` fixture of tests/conftest.py: one real
action server and Rasa server for the whole session."""

from tests.conftest import WECHAT_TOKEN  # noqa: F401  (the tests sign with it)
