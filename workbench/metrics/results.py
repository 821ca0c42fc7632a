"""Options and result types of the metrics engine: frozen dataclasses holding ready numbers.

Conventions: percentages are 0–100 floats; a ratio whose denominator is zero is ``None`` (JSON null),
never ``inf`` or NaN. Numbers are unrounded; rounding is for display. Period labels follow
:class:`~workbench.metrics.periods.PeriodSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from workbench.metrics.periods import PeriodSpec

RETENTION_MODES = ("classic", "unbounded")


@dataclass(frozen=True)
class AnalysisOptions:
    """What to compute.

    * ``period``: the calendar period (default month, weeks start on Monday);
    * ``as_of``: "now" as a naive wall-clock datetime (default: the latest timestamp in the data). Rows after
      it are ignored, and a subscription ending after it counts as still running;
    * ``retention``: ``classic`` (active in period cohort+k) or ``unbounded`` (active in cohort+k or any later
      period; events only, for subscriptions both are the same);
    * ``margin``: gross margin used by CLTV (1.0 = revenue is all profit).
    """

    period: PeriodSpec = field(default_factory=PeriodSpec)
    as_of: datetime | None = None
    retention: str = "classic"
    margin: float = 1.0

    def __post_init__(self) -> None:
        if self.retention not in RETENTION_MODES:
            raise ValueError(f"unknown retention {self.retention!r}; use classic or unbounded")
        if not self.margin > 0:
            raise ValueError("the margin must be a positive number (0.3 = 30%)")


# ---------------------------------------------------------------- cohort triangle


@dataclass(frozen=True)
class CohortRow:
    """One cohort: ``active[k]`` customers in period cohort+k, ``retention[k] = active[k] / size × 100``.

    ``complete[k]`` says whether ``active[k]`` is final: events — period cohort+k has ended by as_of;
    subscriptions — it has begun by as_of. The lists run from k = 0 to the last period before as_of.
    """

    cohort: str
    start: datetime
    size: int
    active: tuple[int, ...]
    retention: tuple[float | None, ...]
    complete: tuple[bool, ...]


@dataclass(frozen=True)
class CohortTriangle:
    """All cohorts with at least one customer, oldest first, and the size-weighted average retention over complete cells only.

    ``average[k]`` is ``sum(active[k]) / sum(size) × 100`` over cohorts whose cell k is complete (None when no
    cohort has a complete cell k); ``average_cohorts[k]`` is how many cohorts went into it.
    """

    kind: str
    period: PeriodSpec
    retention_mode: str
    rows: tuple[CohortRow, ...]
    average: tuple[float | None, ...]
    average_cohorts: tuple[int, ...]

    @property
    def width(self) -> int:
        """The number of columns (k = 0 .. width-1)."""
        return max((len(r.active) for r in self.rows), default=0)


# ---------------------------------------------------------------- the retention formula


@dataclass(frozen=True)
class FlowRow:
    """The retention formula for one period ``p`` (every period after the first), customers as the unit.

    ``CS`` customers at the start, ``CN`` new during p, ``CE`` at the end; ``retained`` = of CS, still there
    at the end; ``churned = CS − retained``. ``crr = (CE − CN) / CS × 100``, ``churn_rate = churned / CS × 100``,
    ``starting_retention = retained / CS × 100`` (all None when CS = 0).

    Subscriptions only: ``new_lost = CN − (CE − retained)`` (started and ended within p). Events only:
    ``resurrected`` (active in p, not in p−1, but before), ``quick_ratio = (CN + resurrected) / churned``
    (None when churned = 0). ``explanation`` says in plain English why crr differs from
    starting_retention (None when they are equal or CS = 0).

    Revenue (None without a revenue/MRR column): ``revenue`` in p (subscriptions: MRR at the end of p),
    ``nrr`` net revenue retention and ``grr`` gross revenue retention of the customers of CS, in %.
    """

    period: str
    start: datetime
    end: datetime
    CS: int
    CN: int
    CE: int
    retained: int
    churned: int
    crr: float | None
    churn_rate: float | None
    starting_retention: float | None
    complete: bool
    explanation: str | None = None
    new_lost: int | None = None
    resurrected: int | None = None
    quick_ratio: float | None = None
    revenue: float | None = None
    nrr: float | None = None
    grr: float | None = None


@dataclass(frozen=True)
class Flow:
    """The formula broken down, one row per period after the first, oldest first."""

    kind: str
    period: PeriodSpec
    rows: tuple[FlowRow, ...]
    has_revenue: bool

    def row(self, label: str) -> FlowRow | None:
        return next((r for r in self.rows if r.period == label), None)


# ---------------------------------------------------------------- NPS

NPS_MIN_RESPONSES = 30  # fewer responses than this in a period: too few to say anything


@dataclass(frozen=True)
class NpsStats:
    """NPS of a set of responses.

    ``nps = %promoters − %detractors`` (None when no responses); ``moe95`` the 95% margin of error
    ``1.96 × 100 × sqrt(((p + d) − (p − d)²) / n)``; ``wald_low``/``wald_high`` the adjusted-Wald 95% interval
    (n + 3, promoters + ¾, detractors + ¾), clipped to −100..100; ``distribution[s]`` = responses with score s.
    ``warning`` is set when there are fewer than :data:`NPS_MIN_RESPONSES` responses.
    """

    label: str  # the period label, or "all" for the whole data
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    moe95: float | None
    wald_low: float | None
    wald_high: float | None
    distribution: tuple[int, ...]
    complete: bool = True
    change: float | None = None  # NPS change from the previous period (by_period only)
    warning: str | None = None

    @property
    def margin_low(self) -> float | None:
        """NPS − moe95, not below −100 (the lower edge of the band charts draw)."""
        return None if self.nps is None or self.moe95 is None else max(self.nps - self.moe95, -100.0)

    @property
    def margin_high(self) -> float | None:
        """NPS + moe95, not above 100."""
        return None if self.nps is None or self.moe95 is None else min(self.nps + self.moe95, 100.0)


@dataclass(frozen=True)
class NpsSummary:
    """All responses (``overall``), per period (oldest first) and the trend.

    ``trend`` is the least-squares slope of NPS in points per period over periods with enough responses
    (None with fewer than two such periods); ``trend_text`` says it in words.
    """

    period: PeriodSpec
    overall: NpsStats
    by_period: tuple[NpsStats, ...]
    trend: float | None
    trend_text: str


# ---------------------------------------------------------------- CLTV


@dataclass(frozen=True)
class ArpuRow:
    """Revenue, active (paying) customers and ARPU = revenue / customers in one period."""

    period: str
    revenue: float
    customers: int
    arpu: float | None
    complete: bool


@dataclass(frozen=True)
class CumulativeRow:
    """Realised cumulative revenue per customer of a cohort, k periods since acquisition (k = 0 ..)."""

    cohort: str
    size: int
    per_customer: tuple[float, ...]
    complete: tuple[bool, ...]


@dataclass(frozen=True)
class Cltv:
    """CLTV = ARPU × margin / churn rate, with every piece named.

    ``arpu`` and ``churn_rate`` (a fraction, 0–1, per period) are pooled over complete periods: total revenue /
    total active customer-periods, total churned / total CS. ``cltv`` is None when the churn rate is 0 or
    unknown; ``note`` then says why. ``margin_is_default`` is True when the margin was not given (1.0), which
    the screen must say.
    """

    kind: str
    period: PeriodSpec
    margin: float
    margin_is_default: bool
    arpu: float | None
    churn_rate: float | None
    cltv: float | None
    note: str
    by_period: tuple[ArpuRow, ...]
    cumulative: tuple[CumulativeRow, ...]


# ---------------------------------------------------------------- the whole report


@dataclass(frozen=True)
class Report:
    """Everything the data supports.

    ``kind`` is the primary kind (events if loaded, else subscriptions, else nps); ``kinds`` all loaded kinds.
    ``cohorts``, ``flow`` and ``cltv`` come from the primary cohort kind (events, else subscriptions);
    ``nps`` from NPS data. A part the data does not support is None. ``notes`` are plain sentences for the
    reader (e.g. the margin default, why CLTV is missing).
    """

    kind: str
    kinds: tuple[str, ...]
    options: AnalysisOptions
    as_of: datetime
    cohorts: CohortTriangle | None = None
    flow: Flow | None = None
    nps: NpsSummary | None = None
    cltv: Cltv | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """A JSON-ready dict (see :func:`workbench.metrics.report.report_dict` for its keys)."""
        from workbench.metrics.report import report_dict

        return report_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """One JSON object: ``kind``, ``kinds``, ``period``, ``as_of``, ``cohorts``, ``flow``, ``nps``, ``cltv``."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)
