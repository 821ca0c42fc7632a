"""The cohort triangle: for each cohort (customers first seen in a period) the share still active k periods later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
import polars as pl

from workbench.metrics.aggregates import Aggregates, aggregate, ratio
from workbench.metrics.grids import complete_mask, event_grid, flags, size_of
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.statistics import too_wide, wilson_interval


@dataclass(frozen=True)
class CohortRow:
    """One cohort: ``active[k]`` customers in period cohort+k, ``retention[k] = active[k] / size × 100``.

    ``complete[k]`` says whether ``active[k]`` is final: events — period cohort+k has ended by as_of;
    subscriptions — it has begun by as_of; a ready-made cohort table — see
    :mod:`workbench.metrics.cohort_tables`. The lists run from k = 0 to the last period before as_of.

    ``ci_lower[k]``/``ci_upper[k]``: the 95% Wilson interval of ``retention[k]`` (in %, as statsmodels'
    ``proportion_confint(active, size, method="wilson")``); ``too_wide[k]``: wider than 30 points, too few
    customers to say anything (:data:`workbench.metrics.statistics.TOO_WIDE`).
    """

    cohort: str
    start: datetime
    size: int
    active: tuple[int, ...]
    retention: tuple[float | None, ...]
    complete: tuple[bool, ...]

    @cached_property
    def _interval(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        if not self.size:
            return (), ()
        lower, upper = wilson_interval(list(self.active), [self.size] * len(self.active))
        return tuple((lower * 100).tolist()), tuple((upper * 100).tolist())

    @property
    def ci_lower(self) -> tuple[float, ...]:
        return self._interval[0]

    @property
    def ci_upper(self) -> tuple[float, ...]:
        return self._interval[1]

    @property
    def too_wide(self) -> tuple[bool, ...]:
        if not self.active:
            return ()
        return tuple(bool(w) for w in too_wide([lo / 100 for lo in self.ci_lower], [hi / 100 for hi in self.ci_upper]))


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


def triangle_from(agg: Aggregates, retention: str = "classic") -> CohortTriangle:
    """The cohort triangle from reduced aggregates, finished on dense grids (:mod:`workbench.metrics.grids`)."""
    spec = agg.period
    mode = retention if agg.kind == "events" else "classic"
    if agg.first is None:
        return CohortTriangle(agg.kind, spec, mode, (), (), ())
    if agg.kind == "events":
        active = event_grid(agg, "active")
        sizes = active[:, 0]
        # unbounded: active in period k or in any later one = whose last event is in period k or later
        counts = np.cumsum(event_grid(agg, "last")[:, ::-1], axis=1)[:, ::-1] if retention == "unbounded" else active
    else:
        sizes, counts = _subscription_counts(agg)
    last_done = agg.last_complete
    n = size_of(agg)
    shown = np.flatnonzero(sizes > 0)  # a cohort with no customer has no row
    counts, sizes = counts[shown], sizes[shown]
    percent = counts / sizes[:, None] * 100
    rows = []
    for row, i in enumerate(shown.tolist()):
        c, length = agg.first + i, n - i
        rows.append(CohortRow(cohort=spec.label_of(c), start=spec.start_of(c), size=int(sizes[row]),
                              active=tuple(counts[row, :length].tolist()),
                              retention=tuple(percent[row, :length].tolist()),
                              complete=flags(last_done, c, length)))
    mask = complete_mask(agg, last_done)[shown]
    width = n - int(shown[0]) if shown.size else 0
    totals = (np.where(mask, counts, 0).sum(axis=0)[:width].tolist(),
              np.where(mask, sizes[:, None], 0).sum(axis=0)[:width].tolist())
    average = tuple(ratio(a, s) for a, s in zip(*totals, strict=True))
    return CohortTriangle(agg.kind, spec, mode, tuple(rows), average, tuple(mask.sum(axis=0)[:width].tolist()))


def _subscription_counts(agg: Aggregates) -> tuple[np.ndarray, np.ndarray]:
    """Cohort sizes and ``counts[i, k]``: customers of cohort ``first + i`` still there at the first instant
    of its period k ≥ 1 (size minus those whose last period is before it); ``counts[i, 0]`` is the size."""
    n = size_of(agg)
    frame = agg.frame
    sizes = np.zeros(n, dtype=np.int64)
    np.add.at(sizes, frame["cohort"].to_numpy() - agg.first, frame["customers"].to_numpy())
    ended = frame.filter(pl.col("last").is_not_null())
    cohort = ended["cohort"].to_numpy()
    # j = 0: gone before the cohort's period 1 (last < cohort + 1); ≥ n: never within the triangle
    j = np.maximum(ended["last"].to_numpy() - cohort + 1, 0)
    inside = j < n
    gone = np.zeros((n, n), dtype=np.int64)
    np.add.at(gone, (cohort[inside] - agg.first, j[inside]), ended["customers"].to_numpy()[inside])
    counts = sizes[:, None] - np.cumsum(gone, axis=1)
    counts[:, 0] = sizes
    return sizes, counts


def averages(rows: list[CohortRow]) -> tuple[tuple[float | None, ...], tuple[int, ...]]:
    """The size-weighted average retention by k over complete cells, and how many cohorts went into each
    (of a ready-made cohort table's rows; :func:`triangle_from` finds the same on its grids)."""
    width = max((len(r.active) for r in rows), default=0)
    average, used = [], []
    for k in range(width):
        cells = [(r.active[k], r.size) for r in rows if k < len(r.active) and r.complete[k] and r.size]
        total = sum(s for _, s in cells)
        average.append(ratio(sum(a for a, _ in cells), total))
        used.append(len(cells))
    return tuple(average), tuple(used)


def cohort_triangle(dataset, options: AnalysisOptions | None = None) -> CohortTriangle:
    """The cohort triangle of an events or subscriptions dataset (see :class:`CohortTriangle`)."""
    options = options or AnalysisOptions()
    return triangle_from(aggregate(dataset, options), options.retention)
