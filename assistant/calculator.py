"""The reimbursement estimate, step by step, as the national rules set it out: pure
functions on Decimal, no Rasa.

就医地目录、参保地政策: the user's bill reflects the treatment place's catalogue (what is
fully self-paid, what is 乙类先行自付); the insured place's deductible, payment ratio
and annual cap decide what the fund pays. A temporary filing may lower the ratio by
at most a set number of percentage points (10 for referral and emergency, 20 for other
temporary visits, as policies/national.yml states); where the insured place's actual
reduction is not known, the result is a range from the largest allowed reduction to
none. Money is rounded to the fen only at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Filing situations, in everyday terms.
LONG_TERM = "long_term"  # 异地安置退休, 异地长期居住, 常驻异地工作: the local standard
REFERRAL = "referral"  # 转诊 (and emergency, which counts as filed)
EMERGENCY = "emergency"
TEMPORARY = "temporary"  # other temporary visits
FILE_BEFORE_DISCHARGE = "file_before_discharge"  # not filed, but files before discharge
MANUAL_CLAIM = "manual_claim"  # not filed and already discharged: a claim at home
LOCAL = "local"  # treated where insured: no filing, no reduction
FILED = "filed"  # filed, the kind not said: anything from the largest cut to none
DEEMED = (
    "deemed"  # both places in a region that counts as filed (京津冀): rate unchanged
)
FILING_TYPES = (
    FILED,
    LONG_TERM,
    REFERRAL,
    EMERGENCY,
    TEMPORARY,
    FILE_BEFORE_DISCHARGE,
    MANUAL_CLAIM,
    LOCAL,
    DEEMED,
)


@dataclass(frozen=True)
class Band:
    """The ratio for the part of the year's policy-scope cost between two amounts."""

    start: Decimal
    end: Decimal | None
    ratio: Decimal


@dataclass(frozen=True)
class Rates:
    """The insured place's parameters for the person's scheme, status and hospital
    level; None where unknown. A ratio is flat or by bands."""

    deductible: Decimal | None
    ratio: Decimal | None = None
    bands: tuple[Band, ...] = ()
    cap: Decimal | None = None

    @property
    def has_ratio(self) -> bool:
        """Whether a ratio (flat or banded) is known."""
        return self.ratio is not None or bool(self.bands)


@dataclass(frozen=True)
class Bill:
    """The bill and the filing situation."""

    total: Decimal
    filing: str
    self_paid: Decimal = ZERO  # 目录外, fully self-paid
    partial_self: Decimal = ZERO  # 乙类先行自付
    cap_used: Decimal = ZERO  # what the fund already paid this year
    reduction_points: Decimal | None = None  # the insured place's actual reduction


@dataclass(frozen=True)
class Limits:
    """The national ceilings on a temporary filing's reduction, in percentage points."""

    referral: Decimal
    temporary: Decimal

    def largest(self, filing: str) -> Decimal:
        """The largest reduction the rules allow for a filing situation."""
        if filing in (REFERRAL, EMERGENCY):
            return self.referral
        if filing in (FILED, TEMPORARY, FILE_BEFORE_DISCHARGE, MANUAL_CLAIM):
            return self.temporary
        return ZERO


@dataclass(frozen=True)
class Outcome:
    """The fund's payment for one assumed reduction (`paid`: before the cap)."""

    reduction: Decimal
    fund: Decimal
    capped: bool
    paid: Decimal | None = None


@dataclass(frozen=True)
class Estimate:
    """Every step of the estimate. `outcomes` holds one outcome when the reduction is
    known, two (largest reduction, none) when it is a range, none when a parameter is
    missing (`missing` names which)."""

    bill: Bill
    rates: Rates
    policy_amount: Decimal
    above_deductible: Decimal | None
    outcomes: tuple[Outcome, ...] = ()
    missing: tuple[str, ...] = ()
    cap_left: Decimal | None = None

    @property
    def is_range(self) -> bool:
        """Whether the result is a range rather than one number."""
        return len(self.outcomes) == 2

    @property
    def fund(self) -> tuple[Decimal, Decimal] | None:
        """The fund's payment, lowest and highest, rounded to the fen."""
        if not self.outcomes:
            return None
        values = sorted(o.fund for o in self.outcomes)
        return money(values[0]), money(values[-1])

    @property
    def own_share(self) -> tuple[Decimal, Decimal] | None:
        """What the user pays, lowest and highest, rounded to the fen."""
        fund = self.fund
        if fund is None:
            return None
        total = money(self.bill.total)
        return total - fund[1], total - fund[0]


def money(value: Decimal) -> Decimal:
    """Round to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def policy_amount(bill: Bill) -> Decimal:
    """Total minus what the catalogue leaves to the patient, never below zero."""
    return max(bill.total - bill.self_paid - bill.partial_self, ZERO)


def _reduced(ratio: Decimal, points: Decimal) -> Decimal:
    return max(ratio - points / HUNDRED, ZERO)


def _paid_by_ratio(
    rates: Rates, deductible: Decimal, amount: Decimal, points: Decimal
) -> Decimal:
    """The fund's share of the amount above the deductible, flat or band by band."""
    if rates.ratio is not None:
        return max(amount - deductible, ZERO) * _reduced(rates.ratio, points)
    paid = ZERO
    for band in rates.bands:
        low = max(band.start, deductible)
        high = amount if band.end is None else min(band.end, amount)
        if high > low:
            paid += (high - low) * _reduced(band.ratio, points)
    return paid


def reductions(bill: Bill, limits: Limits) -> Sequence[Decimal]:
    """The reductions to compute: the known one, else the largest allowed and none."""
    if bill.filing in (LONG_TERM, LOCAL, DEEMED):
        return (ZERO,)
    if bill.reduction_points is not None:
        return (bill.reduction_points,)
    largest = limits.largest(bill.filing)
    return (largest, ZERO) if largest else (ZERO,)


def estimate(bill: Bill, rates: Rates, limits: Limits) -> Estimate:
    """The estimate for a bill under the insured place's rates."""
    amount = policy_amount(bill)
    missing = tuple(
        name
        for name, known in (
            ("deductible", rates.deductible is not None),
            ("ratio", rates.has_ratio),
        )
        if not known
    )
    result = Estimate(
        bill=bill,
        rates=rates,
        policy_amount=amount,
        above_deductible=None
        if rates.deductible is None
        else max(amount - rates.deductible, ZERO),
        missing=missing,
    )
    if missing:
        return result
    cap_left = None if rates.cap is None else max(rates.cap - bill.cap_used, ZERO)
    outcomes = []
    for points in reductions(bill, limits):
        paid = _paid_by_ratio(rates, rates.deductible, amount, points)
        capped = cap_left is not None and paid > cap_left
        outcomes.append(
            Outcome(points, min(paid, cap_left) if capped else paid, capped, paid)
        )
    return replace(result, outcomes=tuple(outcomes), cap_left=cap_left)


@dataclass(frozen=True)
class Share:
    """A national average share of inpatient costs paid by the fund: of the policy-
    scope amount (政策范围内), or of every cost, out-of-catalogue items included
    (实际, `of_all`)."""

    ratio: Decimal
    of_all: bool = False


def average_estimate(bill: Bill, share: Share, limits: Limits) -> Estimate:
    """A rough estimate from a national average share, where the insured place's own
    parameters are not known: the share (already net of deductibles and caps, as an
    average is) times what it applies to, lowered by the filing's allowed reduction
    as a local ratio would be."""
    amount = policy_amount(bill)
    base = bill.total if share.of_all else amount
    outcomes = []
    for points in reductions(bill, limits):
        paid = base * _reduced(share.ratio, points)
        outcomes.append(Outcome(points, paid, False, paid))
    return Estimate(
        bill=bill,
        rates=Rates(deductible=None, ratio=share.ratio),
        policy_amount=amount,
        above_deductible=None,
        outcomes=tuple(outcomes),
    )


@dataclass(frozen=True)
class UserFigures:
    """Parameters the user states ("起付线1000，报销比例80%"); they override the
    knowledge base's."""

    deductible: Decimal | None = None
    ratio: Decimal | None = None
    cap: Decimal | None = None

    def apply(self, rates: Rates) -> Rates:
        """The rates with the user's figures in place of the knowledge base's."""
        return Rates(
            deductible=self.deductible
            if self.deductible is not None
            else rates.deductible,
            ratio=self.ratio if self.ratio is not None else rates.ratio,
            bands=() if self.ratio is not None else rates.bands,
            cap=self.cap if self.cap is not None else rates.cap,
        )
