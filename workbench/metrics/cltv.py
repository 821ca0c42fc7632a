"""CLTV from revenue and churn: ARPU per period, CLTV = ARPU × margin / churn rate, realised revenue by cohort.

For subscriptions the revenue column is MRR: a customer brings their MRR in every period they are a
customer at its first instant (and in the period they start), so with ``--period month`` this is monthly
revenue; with other periods it is "MRR per period".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.metrics.aggregates import Aggregates, aggregate
from workbench.metrics.flow import Flow, flow_from
from workbench.metrics.grids import event_grid, flags, period_sums, running_sums, size_of
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
    cumulative: list[CumulativeRow] = []
    if agg.kind == "events":
        # per period in row order, per cohort along k: the float sums of adding the cells one by one
        revenue = period_sums(agg, "revenue", np.float64).tolist()
        customers = period_sums(agg, "active").tolist()
        sizes = event_grid(agg, "active")[:, 0]
        totals = running_sums(event_grid(agg, "revenue", np.float64))
        n = size_of(agg)
        for i in np.flatnonzero(sizes > 0).tolist():
            cumulative.append(_cumulative(agg, agg.first + i, int(sizes[i]), totals[i, :n - i] / sizes[i]))
    else:
        revenue, customers, sizes, totals = _subscription_payments(agg)
        n = size_of(agg)
        for i in np.flatnonzero(sizes > 0).tolist():
            cumulative.append(_cumulative(agg, agg.first + i, int(sizes[i]), totals[i, :n - i] / sizes[i]))
    rows = tuple(ArpuRow(period=spec.label_of(p), revenue=paid, customers=payers,
                         arpu=paid / payers if payers else None, complete=agg.ended(p))
                 for p, paid, payers in zip(agg.periods(), revenue, customers, strict=True))
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


def _subscription_payments(agg: Aggregates) -> tuple[list[float], list[int], np.ndarray, np.ndarray]:
    """Revenue and paying customers per period, cohort sizes and each cohort's running revenue by k.

    A customer pays their MRR in periods cohort .. max(last, cohort) (last null: still on): per cohort, a
    difference array along k (+MRR at k = 0, −MRR where they stop) summed up; per period, the cohorts'
    payments added oldest cohort first (float sums as the loops gave them: see :mod:`workbench.metrics.grids`).
    """
    n = size_of(agg)
    frame = agg.frame
    cohort = frame["cohort"].to_numpy() - agg.first
    customers, mrr = frame["customers"].to_numpy(), frame["mrr"].to_numpy()
    pay_diff, count_diff = np.zeros((n, n)), np.zeros((n, n), dtype=np.int64)
    np.add.at(pay_diff, (cohort, 0), mrr)
    np.add.at(count_diff, (cohort, 0), customers)
    stops = frame.select((pl.max_horizontal("last", "cohort") + 1 - pl.col("cohort")).alias("k"),
                         (pl.col("last").is_not_null() & (pl.max_horizontal("last", "cohort") + 1 <= agg.last))
                         .alias("stops"))
    stop, k = stops["stops"].to_numpy(), stops["k"].to_numpy()
    np.add.at(pay_diff, (cohort[stop], k[stop]), -mrr[stop])
    np.add.at(count_diff, (cohort[stop], k[stop]), -customers[stop])
    paid, payers = running_sums(pay_diff), np.cumsum(count_diff, axis=1)
    revenue, paying = np.zeros(n), np.zeros(n, dtype=np.int64)
    for i in range(n):  # row i's k is period i + k; oldest cohort first, as the loops added them
        revenue[i:] += paid[i, :n - i]
        paying[i:] += payers[i, :n - i]
    return revenue.tolist(), paying.tolist(), count_diff[:, 0], running_sums(paid)


def _cumulative(agg: Aggregates, c: int, size: int, per_customer: np.ndarray) -> CumulativeRow:
    return CumulativeRow(cohort=agg.period.label_of(c), size=size, per_customer=tuple(per_customer.tolist()),
                         complete=flags(agg.last_ended, c, len(per_customer)))


def cltv(dataset, options: AnalysisOptions | None = None) -> Cltv | None:
    """CLTV of an events or subscriptions dataset with revenue (None without revenue)."""
    options = options or AnalysisOptions()
    agg = aggregate(dataset, options)
    return cltv_from(agg, flow_from(agg), options)
