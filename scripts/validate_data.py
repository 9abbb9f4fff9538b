"""`rasa data validate`, failing on every warning except responses that only custom
actions or forms use (Rasa's validator cannot see those): the UTTER_* constants, the
form's questions (utter_ask_<slot>) and the validation's hints (utter_invalid_<slot>...)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from actions import constants

ROOT = Path(__file__).resolve().parents[1]
# Responses uttered by custom actions, plus Rasa's own fallback response.
USED_BY_ACTIONS = {
    value for name, value in vars(constants).items() if name.startswith("UTTER_")
} | {"utter_default"}
UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
# The Makefile asks TensorFlow for deterministic kernels; Rasa warns about it for GPUs,
# which this project does not use.
IGNORED = ("You have set 'TF_DETERMINISTIC_OPS' to 1",)


def used_by_forms(domain: dict) -> set[str]:
    """utter_ask_<slot> and utter_invalid_<slot>[_<reason>] of the domain's slots."""
    slots = set(domain.get("slots", {}))
    used = set()
    for name in domain.get("responses", {}):
        for prefix in ("utter_ask_", constants.UTTER_INVALID.format(slot="")):
            rest = name[len(prefix) :] if name.startswith(prefix) else ""
            if any(rest == s or rest.startswith(s + "_") for s in slots):
                used.add(name)
    return used


def main() -> int:
    """Run the validator and report the warnings that count."""
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate"], cwd=ROOT, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    silent = USED_BY_ACTIONS | used_by_forms(domain)
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line and "ERROR" not in line:
            continue
        if any(text in line for text in IGNORED):
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in silent:
            continue
        problems.append(line)
    if result.returncode != 0 or problems:
        print(output if result.returncode != 0 else "\n".join(problems))
        print("rasa data validate: FAILED")
        return 1
    print("rasa data validate: no warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
