"""CLTV from revenue and churn: ARPU per period, CLTV = ARPU × margin / churn rate, realised revenue by cohort.

For subscriptions the revenue column is MRR: a customer brings their MRR in every period they are a
customer at its first instant (and in the period they start), so with ``--period month`` this is monthly
revenue; with other periods it is "MRR per period".
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.metrics.aggregates import Aggregates, aggregate
from workbench.metrics.flow import Flow, flow_from
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec


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


def cltv_from(agg: Aggregates, flow: Flow, options: AnalysisOptions) -> Cltv | None:
    """CLTV pieces from reduced aggregates and the flow; None when the data has no revenue."""
    if not agg.has_revenue or agg.first is None:
        return None
    spec = agg.period
    revenue: dict[int, float] = {p: 0.0 for p in agg.periods()}
    customers: dict[int, int] = {p: 0 for p in agg.periods()}
    cumulative: list[CumulativeRow] = []
    if agg.kind == "events":
        by_cell: dict[tuple[int, int], float] = {}
        sizes: dict[int, int] = {}
        for c, p, a, rev in agg.frame.select("cohort", "period", "active", "revenue").iter_rows():
            revenue[p] += rev
            customers[p] += a
            by_cell[(c, p)] = rev
            if c == p:
                sizes[c] = a
        for c in agg.periods():
            running, values = 0.0, []
            for p in range(c, agg.last + 1):
                running += by_cell.get((c, p), 0.0)
                values.append(running)
            if sizes.get(c):
                cumulative.append(_cumulative(agg, c, sizes[c], values))
    else:
        # difference arrays per cohort: a customer pays in periods cohort .. max(last, cohort) (last null = on)
        width = agg.last - agg.first + 2
        pay_diff: dict[int, list[float]] = {}
        count_diff: dict[int, list[int]] = {}
        sizes = {}
        for c, last, n, mrr in agg.frame.select("cohort", "last", "customers", "mrr").iter_rows():
            pays = pay_diff.setdefault(c, [0.0] * width)
            counts = count_diff.setdefault(c, [0] * width)
            sizes[c] = sizes.get(c, 0) + n
            pays[0] += mrr
            counts[0] += n
            if last is not None and max(last, c) + 1 <= agg.last:
                pays[max(last, c) + 1 - c] -= mrr
                counts[max(last, c) + 1 - c] -= n
        for c in agg.periods():
            pays, counts = pay_diff.get(c, [0.0] * width), count_diff.get(c, [0] * width)
            paid, payers, running, values = 0.0, 0, 0.0, []
            for k in range(agg.last - c + 1):
                paid += pays[k]
                payers += counts[k]
                running += paid
                values.append(running)
                revenue[c + k] += paid
                customers[c + k] += payers
            if sizes.get(c):
                cumulative.append(_cumulative(agg, c, sizes[c], values))
    rows = tuple(ArpuRow(period=spec.label_of(p), revenue=revenue[p], customers=customers[p],
                         arpu=revenue[p] / customers[p] if customers[p] else None, complete=agg.ended(p))
                 for p in agg.periods())
    done = [r for r in rows if r.complete]
    total_customers = sum(r.customers for r in done)
    arpu = sum(r.revenue for r in done) / total_customers if total_customers else None
    done_flow = [r for r in flow.rows if r.complete]
    starting = sum(r.CS for r in done_flow)
    churn = sum(r.churned for r in done_flow) / starting if starting else None
    margin_text = f"margin {options.margin:.0%}" + (" (default: revenue counted as all profit; set --margin)"
                                                    if options.margin == 1.0 else "")
    value = None
    if arpu is None:
        note = f"CLTV needs at least one complete {spec.noun} with paying customers; there is none yet."
    elif churn is None:
        note = f"CLTV needs a complete {spec.noun} after the first (to measure churn); there is none yet."
    elif churn == 0:
        note = (f"CLTV cannot be computed: no customer churned in the complete {spec.noun}s (churn rate 0%), "
                "so the expected lifetime is unbounded.")
    else:
        value = arpu * options.margin / churn
        note = (f"CLTV = ARPU {arpu:,.2f} per {spec.noun} × {margin_text} / churn rate {churn:.2%} per "
                f"{spec.noun} (pooled over {len(done_flow)} complete {spec.noun}s) = {value:,.2f}")
    return Cltv(kind=agg.kind, period=spec, margin=options.margin, margin_is_default=options.margin == 1.0,
                arpu=arpu, churn_rate=churn, cltv=value, note=note, by_period=rows, cumulative=tuple(cumulative))


def _cumulative(agg: Aggregates, c: int, size: int, totals: list[float]) -> CumulativeRow:
    return CumulativeRow(cohort=agg.period.label_of(c), size=size,
                         per_customer=tuple(t / size if size else 0.0 for t in totals),
                         complete=tuple(agg.ended(c + k) for k in range(len(totals))))


def cltv(dataset, options: AnalysisOptions | None = None) -> Cltv | None:
    """CLTV of an events or subscriptions dataset with revenue (None without revenue)."""
    options = options or AnalysisOptions()
    agg = aggregate(dataset, options)
    return cltv_from(agg, flow_from(agg), options)
