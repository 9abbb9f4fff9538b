"""Held-out intent accuracy on tests/test_nlu.yml (phrasings never copied from data/)."""

from bench.nlu_eval import HELD_OUT, evaluate, load_examples
from bench.servers import MODEL

ACCURACY_BAR = 0.90


def test_held_out_phrasings_cover_every_intent_at_least_five_times():
    import yaml

    domain = yaml.safe_load(open(MODEL.parents[1] / "domain.yml", encoding="utf-8"))
    counts = {}
    for _, intent in load_examples(HELD_OUT):
        counts[intent] = counts.get(intent, 0) + 1
    short = {i: counts.get(i, 0) for i in domain["intents"] if counts.get(i, 0) < 5}
    assert not short, f"intents with fewer than 5 held-out phrasings: {short}"


def test_held_out_intent_accuracy_meets_the_bar():
    report = evaluate(MODEL, load_examples(HELD_OUT))
    errors = "\n".join(f"  {t} | expected {g} | got {p}" for t, g, p in report.errors)
    print(f"held-out accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}")
    assert (
        report.accuracy >= ACCURACY_BAR
    ), f"held-out intent accuracy {report.accuracy:.3f} < {ACCURACY_BAR}:\n{errors}"


def test_held_out_phrasings_are_not_in_the_training_data():
    import glob
    import re

    import yaml

    def normal(text):
        return re.sub(r"[\W_]+", "", text)

    training = set()
    for path in glob.glob(str(MODEL.parents[1] / "data" / "nlu" / "*.yml")):
        for block in yaml.safe_load(open(path, encoding="utf-8"))["nlu"]:
            training |= {
                normal(line.strip()[2:])
                for line in block["examples"].splitlines()
                if line.strip().startswith("- ")
            }
    copied = [text for text, _ in load_examples(HELD_OUT) if normal(text) in training]
    assert copied == []
