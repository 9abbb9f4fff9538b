"""The person's situation as the conversation has told it (one `Case` type), and
whether it is local, within the province or across provinces. Pure, no Rasa."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from assistant.knowledge.models import Hospital
from assistant.places import Gazetteer, Region
from assistant.vocabulary import CROSS_PROVINCE, INTRA_PROVINCE, LOCAL

__all__ = ["CROSS_PROVINCE", "INTRA_PROVINCE", "LOCAL", "Case", "scope"]


@dataclass(frozen=True)
class Case:
    """What is known of the user's case."""

    insured: Region | None = None
    treatment: Region | None = None
    filing_status: str | None = None
    scheme: str | None = None  # employee / resident
    status: str | None = None  # in_service / retired
    level: str | None = None  # l1 / l2 / l3
    hospital: Hospital | None = None
    patient: str | None = None  # parent / spouse / child; None: the person themself
    long_term: bool = (
        False  # lives at the treatment place (异地安置, 长期居住, 常驻工作)
    )
    today: datetime.date = field(default_factory=datetime.date.today)


def scope(gazetteer: Gazetteer, context: Case) -> str | None:
    """local, intra_province or cross_province, when both places are known."""
    insured, treatment = context.insured, context.treatment
    if not (insured and treatment):
        return None
    if gazetteer.prefecture_of(insured) == gazetteer.prefecture_of(treatment):
        return LOCAL
    if gazetteer.province_of(insured) == gazetteer.province_of(treatment):
        return INTRA_PROVINCE
    return CROSS_PROVINCE
