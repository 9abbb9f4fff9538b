"""`make kb-report`: which regions have which facts, at which confidence and year,
what an estimate for each province's cities rests on, the facts by source kind, and
which facts are overdue for a re-check or past their end."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import yaml

from assistant.knowledge.loader import POLICIES_DIR, load_knowledge_base
from assistant.knowledge.models import KnowledgeBase, Parameter
from assistant.places import PREFECTURE, Gazetteer, default_gazetteer

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
    """Facts, parameters and national averages past their re-check date."""
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
    items += [
        f"averages.yml: {a.id} (checked {a.checked}, every {a.recheck_days} days)"
        for a in kb.averages.values()
        if a.overdue(today)
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


BASES = ("own", "province", "national")
SOURCE_KINDS = {
    "policy_document": "official document",
    "official_page": "official site or its repost",
    "repost": "official site or its repost",
    "news": "news",
    "qa": "Q&A or SEO page",
    "seo": "Q&A or SEO page",
    "data": "data",
}


def _has_figures(kb: KnowledgeBase, code: str, scheme: str) -> bool:
    """Whether a region's own parameters give a known deductible and ratio."""
    known = {
        p.kind
        for p in kb.region_parameters(code)
        if p.scheme == scheme and p.known and p.kind in ("deductible", "ratio")
    }
    return known == {"deductible", "ratio"}


def estimate_basis(kb: KnowledgeBase, gazetteer: Gazetteer, region, scheme: str) -> str:
    """What an estimate for a city rests on: its own parameters, its province's one
    standard, or only the national average."""
    if _has_figures(kb, region.code, scheme):
        return "own"
    province = gazetteer.province_of(region)
    if province.code != region.code and _has_figures(kb, province.code, scheme):
        return "province"
    return "national"


def basis_rows(kb: KnowledgeBase, gazetteer: Gazetteer) -> list[list[str]]:
    """Per province: how many of its prefecture-level cities (a municipality counts
    as one) have their own parameters, the province's, or only the national
    average, for 职工医保 and for 居民医保."""
    rows = []
    for province in gazetteer.provinces():
        cities = [
            r
            for r in gazetteer.regions.values()
            if r.level == PREFECTURE and r.province == province.code
        ] or [province]
        row = [province.short, str(len(cities))]
        for scheme in ("employee", "resident"):
            bases = [estimate_basis(kb, gazetteer, c, scheme) for c in cities]
            row += [str(bases.count(b)) for b in BASES]
        rows.append(row)
    return rows


def source_kind_counts(kb: KnowledgeBase) -> dict[str, int]:
    """Facts, known parameters and national averages, by the kind of their source."""
    counts = dict.fromkeys(dict.fromkeys(SOURCE_KINDS.values()), 0)
    sources = [f.source for f in kb.facts.values()]
    sources += [p.source for p in kb.parameters.values() if p.known and p.source]
    sources += [a.source for a in kb.averages.values()]
    for source in sources:
        counts[SOURCE_KINDS[source.kind]] += 1
    return counts


def print_bases(kb: KnowledgeBase, gazetteer: Gazetteer) -> None:
    """The estimate-basis table and the count of facts by source kind."""
    rows = basis_rows(kb, gazetteer)
    print(
        "\nWhat an estimate rests on, per province: prefecture-level cities with their "
        "own parameters / the province's one standard / only the national average"
    )
    print(
        "province | cities | 职工 own | 职工 province | 职工 national | "
        "居民 own | 居民 province | 居民 national"
    )
    for row in rows:
        print(" | ".join(row))
    totals = [sum(int(row[i]) for row in rows) for i in range(1, 8)]
    print(
        f"\n{totals[0]} cities. 职工医保: {totals[1]} own, {totals[2]} province, "
        f"{totals[3]} national average only; 居民医保: {totals[4]} own, "
        f"{totals[5]} province, {totals[6]} national average only"
    )
    counts = source_kind_counts(kb)
    print(
        "\nFacts, known parameters and national averages by source kind: "
        + ", ".join(f"{kind} {n}" for kind, n in counts.items())
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
    print_bases(kb, gazetteer)
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
