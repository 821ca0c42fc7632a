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

import numpy as np
import polars as pl

from workbench.metrics.aggregates import Aggregates, ratio
from workbench.metrics.grids import event_grid, exact_in_float, flags, size_of
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


def _cells(agg: Aggregates) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cohorts with customers (period indexes), their sizes, their rows' lengths (cohort .. last) and
    every cell's revenue in millionths, row after row (on grids: :mod:`workbench.metrics.grids`)."""
    n = size_of(agg)
    if agg.kind == "events":
        revenue = event_grid(agg, _micro("revenue"))
        sizes = event_grid(agg, "active")[:, 0]
    else:
        # every customer pays in their first period; one whose last period is L stops paying from
        # max(L, cohort) + 1 on (an open subscription never stops)
        frame = agg.frame
        cohort = frame["cohort"].to_numpy() - agg.first
        mrr = frame.select(_micro("mrr")).to_series().to_numpy()
        sizes, total = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        np.add.at(sizes, cohort, frame["customers"].to_numpy())
        np.add.at(total, cohort, mrr)
        k = frame.select(pl.when(pl.col("last").is_not_null())  # 0: never stops
                         .then(pl.max_horizontal("last", "cohort") + 1 - pl.col("cohort")).otherwise(0)).to_series()
        stop = (k.to_numpy() > 0) & (k.to_numpy() < n)
        stopped = np.zeros((n, n), dtype=np.int64)
        np.add.at(stopped, (cohort[stop], k.to_numpy()[stop]), mrr[stop])
        revenue = total[:, None] - np.cumsum(stopped, axis=1)
    shown = np.flatnonzero(sizes > 0)
    lengths = n - shown
    inside = np.arange(n)[None, :] < lengths[:, None]
    return agg.first + shown, sizes[shown], lengths, revenue[shown][inside]


def revenue_triangle_from(agg: Aggregates) -> RevenueTriangle | None:
    """The revenue triangle of an events or subscriptions aggregate; None without a revenue column or rows."""
    if not agg.has_revenue or agg.first is None or agg.kind not in ("events", "subscriptions"):
        return None
    spec = agg.period
    last_done = agg.last_complete
    cohorts, sizes, lengths, micro = _cells(agg)
    starts = np.cumsum(lengths) - lengths  # where each cohort's row starts
    k = np.arange(micro.size) - np.repeat(starts, lengths)
    firsts = np.repeat(micro[starts], lengths)  # each cell's cohort's first-period revenue
    revenue, retention = _divided(micro, firsts)
    rows = []
    for c, size, length, at in zip(cohorts.tolist(), sizes.tolist(), lengths.tolist(), starts.tolist(), strict=True):
        share = retention[at:at + length] if micro[at] else (None,) * length  # a share of nothing is undefined
        rows.append(RevenueRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size,
                               revenue=tuple(revenue[at:at + length]), retention=tuple(share),
                               complete=flags(last_done, c, length)))
    counted = (np.repeat(cohorts, lengths) + k <= last_done) & (firsts != 0)  # complete cells with a first revenue
    return RevenueTriangle(agg.kind, spec, tuple(rows), *_averages(revenue, starts, lengths, k, counted))


def _divided(micro: np.ndarray, firsts: np.ndarray) -> tuple[list[float], list[float]]:
    """Each cell's revenue (millionths / MICRO) and its share of its cohort's first-period revenue (when that
    is not 0), as Python divides the ints; through numpy when every value is exact in a float64 (always,
    below 9 billion units in a cell)."""
    if not exact_in_float(micro, firsts):
        return ([m / MICRO for m in micro.tolist()],
                [m / f * 100 if f else 0.0 for m, f in zip(micro.tolist(), firsts.tolist(), strict=True)])
    with np.errstate(divide="ignore", invalid="ignore"):
        return (micro / MICRO).tolist(), (micro / firsts * 100).tolist()


def _averages(revenue: list[float], starts: np.ndarray, lengths: np.ndarray, k: np.ndarray,
              counted: np.ndarray) -> tuple[tuple[float | None, ...], tuple[int, ...]]:
    """Σ revenue[k] / Σ revenue[0] × 100 over the ``counted`` cells, by k, as :func:`revenue_averages` finds
    it from the rows: each revenue back in millionths as ``round(revenue × MICRO)``, summed exactly."""
    width = int(k.max()) + 1 if k.size else 0
    shown = np.asarray(revenue)
    values = np.round(shown * MICRO)[counted]
    firsts = np.round(np.repeat(shown[starts], lengths) * MICRO)[counted]
    at = k[counted]
    sums = [_sums_by(at, column, width) for column in (values, firsts)]
    return tuple(ratio(v, f) for v, f in zip(*sums, strict=True)), tuple(np.bincount(at, minlength=width).tolist())


def _sums_by(at: np.ndarray, values: np.ndarray, width: int) -> list[int]:
    """``values`` (whole numbers) summed by ``at``, as Python ints: in int64 when no sum can overflow it."""
    if not values.size or float(np.abs(values).max()) * values.size < 2**62:
        total = np.zeros(width, dtype=np.int64)
        np.add.at(total, at, values.astype(np.int64))
        return total.tolist()
    sums = [0] * width
    for i, v in zip(at.tolist(), values.tolist(), strict=True):
        sums[i] += int(v)
    return sums
