"""National averages (policies/averages.yml): the share of inpatient costs the funds
paid nationwide, by scheme and year, from the national statistics bulletins. An
estimate falls back on them, as a labelled range, only where the insured place and
its province have no sourced parameters. Loaded and checked with the knowledge base."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.knowledge.files import KnowledgeBaseError, read_yaml, validate
from assistant.knowledge.models import Average, Source
from assistant.numbers import percent_text

FILE = "averages.yml"


def _percent(share: float) -> str:
    """A share as an answer writes it (84.6%), to find in the quote."""
    return percent_text(Decimal(str(share)))


def load_averages(root: Path, sources: dict[str, Source]) -> dict[str, Average]:
    """Every national average, by id; each share must stand in its quote."""
    path = root / FILE
    if not path.exists():
        return {}
    data = read_yaml(path)
    validate(data, "averages.schema.yml", path, root)
    found: dict[str, Average] = {}
    for index, raw in enumerate(data["averages"]):
        where = f"{path}: averages.{index} ({raw['id']})"
        if raw["source"] not in sources:
            raise KnowledgeBaseError(
                f"{where}.source: unknown source '{raw['source']}'"
            )
        shares: dict[str, Any] = dict(raw.get("in_policy") or {})
        if raw.get("overall") is not None:
            shares["overall"] = raw["overall"]
        for name, share in shares.items():
            if _percent(share) not in raw["quote"]:
                raise KnowledgeBaseError(
                    f"{where}.{name}: {_percent(share)} does not stand in the quote"
                )
        if raw["id"] in found:
            raise KnowledgeBaseError(f"{where}: duplicate id")
        found[raw["id"]] = Average(
            id=raw["id"],
            scheme=raw["scheme"],
            year=raw["year"],
            in_policy=raw.get("in_policy") or {},
            overall=raw.get("overall"),
            source=sources[raw["source"]],
            quote=raw["quote"],
            checked=datetime.date.fromisoformat(raw["checked"]),
            recheck_days=raw["recheck_days"],
            confidence=raw["confidence"],
        )
    return found
