"""`rasa data validate`, failing on every warning except responses that only custom
actions use (Rasa's validator cannot see those)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from actions import constants

ROOT = Path(__file__).resolve().parents[1]
# Responses uttered by custom actions, plus Rasa's own fallback response.
USED_BY_ACTIONS = {
    value for name, value in vars(constants).items() if name.startswith("UTTER_")
} | {"utter_default"}
UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule")


def main() -> int:
    """Run the validator and report the warnings that count."""
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate"], cwd=ROOT, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line and "ERROR" not in line:
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in USED_BY_ACTIONS:
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
