"""Validate the knowledge base from the command line: python -m assistant.knowledge.validate"""

from __future__ import annotations

import sys

from assistant.knowledge.loader import KnowledgeBaseError, load_knowledge_base


def main() -> int:
    """Load policies/ and report the first problem, naming the file and the field."""
    try:
        kb = load_knowledge_base()
    except KnowledgeBaseError as error:
        print(f"knowledge base: INVALID: {error}")
        return 1
    print(
        f"knowledge base: valid ({len(kb.sources)} sources, {len(kb.facts)} facts, "
        f"{len(kb.parameters)} parameters, {len(kb.topics)} topics)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
