"""`make kb-report`: which regions have which facts, at which confidence and year, and
which facts are overdue for a re-check."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import yaml

from assistant.knowledge.loader import POLICIES_DIR, load_knowledge_base
from assistant.knowledge.models import KnowledgeBase, Parameter
from assistant.places import Gazetteer, default_gazetteer

COVERAGE_FILE = "coverage.yml"
GROUP_TITLES = {
    ("employee", "any", "deductible"): "职工起付线",
    ("employee", "in_service", "ratio"): "职工比例·在职",
    ("employee", "retired", "ratio"): "职工比例·退休",
    ("employee", "any", "annual_cap"): "职工封顶线",
    ("resident", "any", "deductible"): "居民起付线",
    ("resident", "any", "ratio"): "居民比例",
    ("resident", "any", "annual_cap"): "居民封顶线",
}


def load_coverage(root: Path = POLICIES_DIR) -> dict:
    """The target cities and the parameter groups each must have."""
    return yaml.safe_load((root / COVERAGE_FILE).read_text(encoding="utf-8"))


def group_entry(kb: KnowledgeBase, code: str, group: list[str]) -> Parameter | None:
    """The entry for a (scheme, status, kind) group: the status's own or 'any'; for an
    'any' group, a per-status entry also counts (上海's deductible differs by status)."""
    scheme, status, kind = group
    statuses = ("any", "in_service", "retired") if status == "any" else (status,)
    for each in statuses:
        entry = kb.parameter(code, scheme, kind, each)
        if entry is not None:
            return entry
    return None


def cell(entry: Parameter | None) -> str:
    """How one group shows in the table."""
    if entry is None:
        return "MISSING"
    if not entry.known:
        return "unknown"
    return f"{entry.confidence} {entry.year}"


def coverage_rows(
    kb: KnowledgeBase, gazetteer: Gazetteer, coverage: dict
) -> list[list[str]]:
    """One row per target city: name, code, then one cell per group."""
    rows = []
    for city in coverage["cities"]:
        region = gazetteer.resolve(city)
        rows.append(
            [city, region.code]
            + [cell(group_entry(kb, region.code, g)) for g in coverage["groups"]]
        )
    return rows


SERVICE_TITLES = {
    "filing_channels": "备案渠道",
    "hotline": "服务热线",
    "local_rule": "本地规定",
}


def service_cell(kb: KnowledgeBase, code: str, kind: str) -> str:
    """How one province's service facts of a kind show: confidence and year of each
    fact, unknown, MISSING (no record), or - for local rules (not required)."""
    facts = kb.service(code, kind)
    if facts is None:
        return "-" if kind == "local_rule" else "MISSING"
    if not facts:
        return "unknown"
    return ", ".join(
        f"{f.confidence} {f.effective.year if f.effective else 'undated'}"
        for f in facts
    )


def service_rows(kb: KnowledgeBase, gazetteer: Gazetteer, kinds: list[str]) -> list:
    """One row per province-level division: name, code, then one cell per kind."""
    return [
        [province.short, province.code]
        + [service_cell(kb, province.code, kind) for kind in [*kinds, "local_rule"]]
        for province in gazetteer.provinces()
    ]


def overdue(kb: KnowledgeBase, today: datetime.date) -> list[str]:
    """Facts and parameters past their re-check date."""
    items = [
        f"{f.file}: {f.id} (checked {f.checked}, every {f.recheck_days} days)"
        for f in kb.facts.values()
        if f.overdue(today)
    ]
    items += [
        f"{p.file}: {p.id} (checked {p.checked}, every {p.recheck_days} days)"
        for p in kb.parameters.values()
        if p.known and p.overdue(today)
    ]
    return sorted(items)


def ended(kb: KnowledgeBase, today: datetime.date) -> list[str]:
    """Parameters past the last day their numbers were set for: their answers say
    the figure may have changed until a newer one is found."""
    return sorted(
        f"{p.file}: {p.id} ({p.year}, until {p.valid_until})"
        for p in kb.parameters.values()
        if p.known and p.ended(today)
    )


def main(argv: list[str] | None = None) -> int:
    """Print the coverage table and the overdue list; non-zero if a city is missing a group."""
    argv = sys.argv[1:] if argv is None else argv
    today = datetime.date.fromisoformat(argv[0]) if argv else datetime.date.today()
    kb = load_knowledge_base()
    gazetteer = default_gazetteer()
    coverage = load_coverage()
    titles = [GROUP_TITLES[tuple(g)] for g in coverage["groups"]]
    rows = coverage_rows(kb, gazetteer, coverage)
    print("Inpatient parameters of the target cities (confidence and year, or unknown)")
    print(" | ".join(["city", "code", *titles]))
    for row in rows:
        print(" | ".join(row))
    cells = [c for row in rows for c in row[2:]]
    known = sum(c not in ("unknown", "MISSING") for c in cells)
    print(
        f"\n{len(rows)} cities, {len(cells)} parameter groups: {known} known "
        f"({sum(c.startswith('high') for c in cells)} high, "
        f"{sum(c.startswith('medium') for c in cells)} medium, "
        f"{sum(c.startswith('low') for c in cells)} low), "
        f"{cells.count('unknown')} unknown, {cells.count('MISSING')} missing"
    )
    kinds = coverage["services"]
    services = service_rows(kb, gazetteer, kinds)
    print(
        "\nEach province's own service facts (confidence and year of each, or unknown)"
    )
    print(
        " | ".join(
            ["province", "code", *(SERVICE_TITLES[k] for k in [*kinds, "local_rule"])]
        )
    )
    for row in services:
        print(" | ".join(row))
    service_cells = [c for row in services for c in row[2 : 2 + len(kinds)]]
    print(
        f"\n{len(services)} provinces, {len(service_cells)} service records: "
        f"{sum(c not in ('unknown', 'MISSING') for c in service_cells)} with a source, "
        f"{service_cells.count('unknown')} unknown, "
        f"{service_cells.count('MISSING')} missing"
    )
    hospitals = {}
    for hospital in kb.hospitals.values():
        hospitals.setdefault(hospital.city, []).append(hospital)
    print("\nHospital lists (hospitals with a level / listed, sources)")
    for code, listed in sorted(hospitals.items()):
        sources = sorted({f"{h.source.citation} ({h.confidence})" for h in listed})
        print(
            f"{gazetteer.regions[code].short}: "
            f"{sum(h.level is not None for h in listed)}/{len(listed)}; "
            + "; ".join(sources)
        )
    regions_with_facts = sorted(
        {gazetteer.resolve(f.region).name for f in kb.facts.values() if f.region}
    )
    print(f"Regions with their own facts: {', '.join(regions_with_facts)}")
    late = overdue(kb, today)
    print(f"\nOverdue for a re-check on {today}: {len(late)}")
    for item in late:
        print(f"  {item}")
    past = ended(kb, today)
    print(
        f"\nPast their end on {today} (answers say they may have changed): {len(past)}"
    )
    for item in past:
        print(f"  {item}")
    return 1 if "MISSING" in cells + service_cells else 0


if __name__ == "__main__":
    sys.exit(main())
