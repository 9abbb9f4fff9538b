"""Imports run one way: the core (assistant/) needs no Rasa and none of the
packages that use it; the actions never reach the channels; the two answer
composers stand side by side."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "assistant"
FORBIDDEN_IN_CORE = ("rasa", "rasa_sdk", "actions", "channels")


def _imported(path: Path) -> set[str]:
    """Every module a file imports, absolute (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _top_levels(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imported(path)}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_core_has_files():
    assert _files(CORE)


@pytest.mark.parametrize("path", _files(CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_rasa_actions_or_channels(path: Path):
    wrong = _top_levels(path) & set(FORBIDDEN_IN_CORE)
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


@pytest.mark.parametrize(
    "path", _files(ROOT / "actions"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_actions_do_not_import_the_channels(path: Path):
    assert "channels" not in _top_levels(path), f"{path.relative_to(ROOT)}"


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("assistant/answers/policy.py", "assistant.answers.estimate"),
        ("assistant/answers/estimate.py", "assistant.answers.policy"),
    ],
)
def test_the_answer_composers_do_not_import_each_other(path: str, other: str):
    # "from assistant.answers import policy" counts too: it names assistant.answers.policy
    imported = _imported(ROOT / path)
    assert not any(name == other or name.startswith(other + ".") for name in imported)
