"""The revenue triangle: for each cohort, the revenue its customers bring k periods after acquisition, and its
revenue retention (that revenue as a share of the cohort's revenue in its first period, as Amplitude's and
Mixpanel's "revenue retention" show it).

Finished from the same aggregates as the cohort triangle (:mod:`workbench.metrics.aggregates`), so every
engine that reduces the rows gives it too:

* events: ``revenue[k]`` = the revenue of the cohort's customers' events in period cohort+k (the ``revenue``
  column of the events aggregate for that cohort and period; 0 when none of them was active);
* subscriptions: ``revenue[k]`` = the MRR of the cohort's customers who are customers in period cohort+k, as
  CLTV counts it (:mod:`workbench.metrics.cltv`): every customer in their first period, then in each period
  they are a customer at its first instant.

``retention[k] = revenue[k] / revenue[0] × 100`` (None when the cohort brought no revenue in its first
period: a share of nothing is undefined); it can exceed 100 (expansion). The rows, their lengths and
``complete`` are those of the cohort triangle; the retention mode (classic/unbounded) does not apply: revenue
is what was paid in that period. ``average[k]`` = Σ revenue[k] / Σ revenue[0] × 100 over the cohorts whose
cell k is complete and whose first-period revenue is not 0 (revenue-weighted, as the count average is
size-weighted); ``average_cohorts[k]`` how many went into it.

Money is added up in whole millionths (integers, as the reductions do), so a sum never depends on order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.metrics.aggregates import Aggregates, ratio
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import MICRO


@dataclass(frozen=True)
class RevenueRow:
    """One cohort: ``revenue[k]`` in period cohort+k, ``retention[k]`` = % of ``revenue[0]``."""

    cohort: str
    start: datetime
    size: int
    revenue: tuple[float, ...]
    retention: tuple[float | None, ...]
    complete: tuple[bool, ...]


@dataclass(frozen=True)
class RevenueTriangle:
    """Every cohort of the cohort triangle, oldest first, with its revenue by k (see the module)."""

    kind: str
    period: PeriodSpec
    rows: tuple[RevenueRow, ...]
    average: tuple[float | None, ...]
    average_cohorts: tuple[int, ...]

    @property
    def width(self) -> int:
        return max((len(r.revenue) for r in self.rows), default=0)


def _micro(column: str) -> pl.Expr:
    return (pl.col(column) * MICRO).round().cast(pl.Int64)


def _cells(agg: Aggregates) -> pl.DataFrame:
    """``cohort, p, size, revenue`` (revenue in millionths) for every cell cohort ≤ p ≤ last, by cohort, p."""
    frame = agg.frame
    periods = pl.DataFrame({"p": pl.int_range(agg.first, agg.last + 1, eager=True)})
    if agg.kind == "events":
        sizes = (frame.filter(pl.col("cohort") == pl.col("period"))
                 .select("cohort", pl.col("active").alias("size")).filter(pl.col("size") > 0))
        paid = frame.select("cohort", pl.col("period").alias("p"), _micro("revenue").alias("revenue"))
        return (sizes.join(periods, how="cross").filter(pl.col("p") >= pl.col("cohort"))
                .join(paid, on=["cohort", "p"], how="left")
                .with_columns(pl.col("revenue").fill_null(0)).sort("cohort", "p"))
    # subscriptions: every customer pays in their first period; one whose last period is L stops paying from
    # max(L, cohort) + 1 on (an open subscription never stops)
    groups = frame.with_columns(_micro("mrr").alias("mrr"))
    sizes = (groups.group_by("cohort").agg(pl.col("customers").sum().alias("size"), pl.col("mrr").sum().alias("total"))
             .filter(pl.col("size") > 0))
    stops = (groups.filter(pl.col("last").is_not_null())
             .select("cohort", (pl.max_horizontal("last", "cohort") + 1).alias("p"), "mrr")
             .group_by("cohort", "p").agg(pl.col("mrr").sum().alias("stopped")))
    return (sizes.join(periods, how="cross").filter(pl.col("p") >= pl.col("cohort"))
            .join(stops, on=["cohort", "p"], how="left")
            .with_columns(pl.col("stopped").fill_null(0)).sort("cohort", "p")
            .with_columns((pl.col("total") - pl.col("stopped").cum_sum().over("cohort")).alias("revenue"))
            .select("cohort", "p", "size", "revenue"))


def revenue_triangle_from(agg: Aggregates) -> RevenueTriangle | None:
    """The revenue triangle of an events or subscriptions aggregate; None without a revenue column or rows."""
    if not agg.has_revenue or agg.first is None or agg.kind not in ("events", "subscriptions"):
        return None
    spec = agg.period
    done = {p: (agg.ended(p) if agg.kind == "events" else agg.begun(p)) for p in agg.periods()}
    by_cohort = (_cells(agg).group_by("cohort", maintain_order=True)
                 .agg(pl.col("size").first(), pl.col("revenue")))
    rows = []
    for c, size, micro in by_cohort.iter_rows():  # one row per cohort: the cells are already summed
        first = micro[0]
        rows.append(RevenueRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size,
                               revenue=tuple(m / MICRO for m in micro),
                               retention=tuple(ratio(m, first) for m in micro),
                               complete=tuple(done[c + k] for k in range(len(micro)))))
    return RevenueTriangle(agg.kind, spec, tuple(rows), *revenue_averages(rows))


def revenue_averages(rows: list[RevenueRow]) -> tuple[tuple[float | None, ...], tuple[int, ...]]:
    """Σ revenue[k] / Σ revenue[0] × 100 over complete cells of cohorts with first-period revenue, by k."""
    width = max((len(r.revenue) for r in rows), default=0)
    average, used = [], []
    for k in range(width):
        cells = [(round(r.revenue[k] * MICRO), round(r.revenue[0] * MICRO)) for r in rows
                 if k < len(r.revenue) and r.complete[k] and r.revenue[0]]
        average.append(ratio(sum(v for v, _ in cells), sum(f for _, f in cells)))
        used.append(len(cells))
    return tuple(average), tuple(used)
