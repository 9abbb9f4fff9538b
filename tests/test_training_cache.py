"""Rasa's training cache reuses a component's output while the component's
fingerprint holds: the project's components put the project's code they run into
their fingerprints, so an edited rule retrains them (a stale cache once kept old
tokens in a local model while a fresh clone's differed)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zh_nlu import components, fingerprints

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = [
    (components.SimplifiedChinese, {}),
    (components.DomainJiebaTokenizer, {"dictionary_path": "zh_nlu/lexicon/jieba"}),
    (components.DomainEntityExtractor, {}),
]


def test_every_project_module_the_components_import_is_fingerprinted():
    script = (
        "import json, sys, zh_nlu.components, zh_nlu.plain_jieba\n"
        "print(json.dumps(sorted(getattr(m, '__file__', None) or '' for m in "
        "list(sys.modules.values()))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    project = {
        Path(f).resolve()
        for f in json.loads(loaded.stdout.splitlines()[-1])
        if f.startswith(str(ROOT)) and "/.venv/" not in f
    }
    assert Path(components.__file__).resolve() in project
    assert project - set(fingerprints.code_files()) == set()


@pytest.mark.parametrize(("component", "config"), COMPONENTS)
def test_an_edit_of_the_code_changes_the_fingerprint(
    component, config, tmp_path, monkeypatch
):
    code = tmp_path / "rules.py"
    code.write_text("WORDS = ['大城市']\n")
    monkeypatch.setattr(fingerprints, "code_files", lambda: (code,))
    before = component.fingerprint_addon(config)
    assert component.fingerprint_addon(config) == before
    code.write_text("WORDS = ['大城市', '黄冈县']\n")
    assert component.fingerprint_addon(config) != before
