"""The retention formula per period, CRR = ((CE − CN) / CS) × 100, with every term and why CRR differs from
the retention of the starting customers (churn and revenue retention are columns of the same rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from workbench.metrics.aggregates import Aggregates, aggregate, ratio
from workbench.metrics.grids import period_sums
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec


@dataclass(frozen=True)
class FlowRow:
    """The retention formula for one period ``p`` (every period after the first), customers as the unit.

    ``CS`` customers at the start, ``CN`` new during p, ``CE`` at the end; ``retained`` = of CS, still there
    at the end; ``churned = CS − retained``. ``crr = (CE − CN) / CS × 100``, ``churn_rate = churned / CS × 100``,
    ``starting_retention = retained / CS × 100`` (all None when CS = 0).

    A ready-made cohort table (kind ``cohorts``, :mod:`workbench.metrics.cohort_tables`) gives CS, CN, CE and
    crr only: ``retained``, ``churned``, ``churn_rate`` and ``starting_retention`` are None (unknown, not
    zero), and ``explanation`` says why.

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
    retained: int | None
    churned: int | None
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


def explain_crr(kind: str, CS: int, CN: int, CE: int, retained: int, period: str | None = None) -> str | None:  # noqa: N803
    """Why CRR = (CE − CN)/CS differs from the retention of starting customers, retained/CS; None if it doesn't.

    The gap is ``(CE − CN − retained) / CS × 100`` points: for events it is the returning (resurrected) users,
    counted in CE but not in CN; for subscriptions it is the new customers who left within the period
    (``new_lost``), counted in CN but not in CE.
    """
    if not CS:
        return None
    gap = CE - CN - retained
    if gap == 0:
        return None
    points = abs(gap) / CS * 100
    amount = f"{points:.1f}" if points >= 0.05 else f"{points:.2g}"
    head = (f"CRR is {amount} point{'' if amount == '1.0' else 's'} {'above' if gap > 0 else 'below'} the "
            f"retention of starting customers ({retained / CS * 100:.1f}%)")
    n = abs(gap)
    if kind == "events" and gap > 0:
        who = "returning user" if n == 1 else "returning users"
        verb = "is" if n == 1 else "are"
        return (f"{head} because {n:,} {who} (active before, but not in the previous period) {verb} counted "
                "in CE but not in CN.")
    if kind == "subscriptions" and gap < 0:
        who = "new customer" if n == 1 else "new customers"
        within = f" in {period}" if period else " in the period"
        return (f"{head} because {n:,} {who} who started{within} had already left by its end: counted in CN "
                "but not in CE.")
    return f"{head}: CE − CN is {CE - CN:,} while {retained:,} starting customers stayed."


def flow_from(agg: Aggregates) -> Flow:
    """The retention formula per period (every period after the first) from reduced aggregates."""
    spec = agg.period
    if agg.first is None:
        return Flow(agg.kind, spec, (), agg.has_revenue)
    span = list(agg.periods())
    terms = _event_terms(agg, span) if agg.kind == "events" else _subscription_terms(agg, span)
    rows = []
    for p in span[1:]:
        t = terms[p]
        CS, CN, CE, kept = t["CS"], t["CN"], t["CE"], t["retained"]  # noqa: N806
        churned = CS - kept
        extra: dict = {}
        if agg.kind == "events":
            resurrected = CE - kept - CN
            extra = {"resurrected": resurrected, "quick_ratio": ratio(CN + resurrected, churned, 1.0)}
        else:
            extra = {"new_lost": CN - (CE - kept)}
        if agg.has_revenue:
            extra.update(revenue=t["revenue"], nrr=ratio(t["rev_kept"], t["rev_start"]),
                         grr=ratio(t["rev_capped"], t["rev_start"]))
        label = spec.label_of(p)
        rows.append(FlowRow(
            period=label, start=spec.start_of(p), end=spec.end_of(p), CS=CS, CN=CN, CE=CE, retained=kept,
            churned=churned, crr=ratio(CE - CN, CS), churn_rate=ratio(churned, CS),
            starting_retention=ratio(kept, CS), complete=agg.ended(p),
            explanation=explain_crr(agg.kind, CS, CN, CE, kept, label), **extra))
    return Flow(agg.kind, spec, tuple(rows), agg.has_revenue)


def _event_terms(agg: Aggregates, span: list[int]) -> dict[int, dict]:
    """CE, CN, retained and revenue per period: the aggregate's rows summed by period (in row order, so the
    float sums are those of adding the rows one by one; see :mod:`workbench.metrics.grids`)."""
    ints = {"CE": "active", "retained": "retained"}
    floats = {"revenue": "revenue", "rev_kept": "revenue_retained", "rev_capped": "revenue_retained_capped"}
    sums = {term: period_sums(agg, column).tolist() for term, column in ints.items()}
    sums |= {term: period_sums(agg, column, np.float64).tolist() for term, column in floats.items()}
    sums["CN"] = period_sums(agg, "active", where=(agg.frame["cohort"] == agg.frame["period"]).to_numpy()).tolist()
    totals = {p: {term: values[i] for term, values in sums.items()} for i, p in enumerate(span)}
    for p in span[1:]:
        totals[p]["CS"] = totals[p - 1]["CE"]
        totals[p]["rev_start"] = totals[p - 1]["revenue"]
    return totals


def _subscription_terms(agg: Aggregates, span: list[int]) -> dict[int, dict]:
    """CS, CN, CE, retained (and MRR) per period from (cohort, last) groups with prefix sums.

    A customer is active at the first instant of period j iff cohort <= j <= last (last null = forever), and
    ``last >= cohort − 1``. With F(a, b) = #{cohort <= a, last >= b}: CS(p) = F(p−1, p), CE(p) = F(p, p+1),
    retained(p) = F(p−1, p+1); F is computed as #{cohort <= a} − #{last < b} + the few groups with
    cohort > a and last < b, which can only have last ∈ {cohort − 1, cohort}.
    """
    base = span[0] - 1
    size = len(span) + 3
    starts = {w: [0] * size for w in ("n", "m")}
    ends = {w: [0] * size for w in ("n", "m")}
    zm1 = {w: [0] * size for w in ("n", "m")}
    z0 = {w: [0] * size for w in ("n", "m")}
    for c, last, n, mrr in agg.frame.select("cohort", "last", "customers", "mrr").iter_rows():
        for w, v in (("n", n), ("m", mrr)):
            starts[w][c - base] += v
            if last is not None:
                ends[w][last - base] += v
                if last == c - 1:
                    zm1[w][c - base] += v
                elif last == c:
                    z0[w][c - base] += v

    def prefix(values: list) -> list:
        out, running = [], 0
        for v in values:
            running += v
            out.append(running)
        return out

    S = {w: prefix(starts[w]) for w in starts}  # noqa: N806  S[i] = #{cohort <= base + i}
    E = {w: prefix(ends[w]) for w in ends}  # noqa: N806  E[i] = #{last <= base + i}

    def f1(w: str, a: int) -> float:  # F(a, a + 1)
        i = a - base
        return S[w][i] - E[w][i] + zm1[w][i + 1]

    def f2(w: str, a: int) -> float:  # F(a, a + 2)
        i = a - base
        return S[w][i] - E[w][i + 1] + zm1[w][i + 1] + z0[w][i + 1] + zm1[w][i + 2]

    terms = {}
    for p in span:
        terms[p] = {"CS": f1("n", p - 1), "CE": f1("n", p), "retained": f2("n", p - 1), "CN": starts["n"][p - base],
                    "revenue": float(f1("m", p)), "rev_start": float(f1("m", p - 1)),
                    "rev_kept": float(f2("m", p - 1))}
        terms[p]["rev_capped"] = terms[p]["rev_kept"]
    return terms


def flow(dataset, options: AnalysisOptions | None = None) -> Flow:
    """The retention formula broken down per period for events or subscriptions (see :class:`FlowRow`)."""
    options = options or AnalysisOptions()
    return flow_from(aggregate(dataset, options))
