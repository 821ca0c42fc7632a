"""The cohort triangle: for each cohort (customers first seen in a period) the share still active k periods later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workbench.metrics.aggregates import Aggregates, aggregate, ratio
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec


@dataclass(frozen=True)
class CohortRow:
    """One cohort: ``active[k]`` customers in period cohort+k, ``retention[k] = active[k] / size × 100``.

    ``complete[k]`` says whether ``active[k]`` is final: events — period cohort+k has ended by as_of;
    subscriptions — it has begun by as_of; a ready-made cohort table — see
    :mod:`workbench.metrics.cohort_tables`. The lists run from k = 0 to the last period before as_of.
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


def triangle_from(agg: Aggregates, retention: str = "classic") -> CohortTriangle:
    """The cohort triangle from reduced aggregates."""
    rows: list[CohortRow] = []
    spec = agg.period
    done = {p: (agg.ended(p) if agg.kind == "events" else agg.begun(p)) for p in agg.periods()}
    if agg.kind == "events":
        active: dict[tuple[int, int], int] = {}
        lasts: dict[tuple[int, int], int] = {}
        for c, p, a, last in agg.frame.select("cohort", "period", "active", "last").iter_rows():
            active[(c, p)] = a
            lasts[(c, p)] = last
        for c in agg.periods():
            size = active.get((c, c), 0)
            if retention == "unbounded":
                counts, running = [], 0
                for p in range(agg.last, c - 1, -1):
                    running += lasts.get((c, p), 0)
                    counts.append(running)
                counts.reverse()
            else:
                counts = [active.get((c, p), 0) for p in range(c, agg.last + 1)]
            if size:
                rows.append(_row(spec, c, size, counts, done))
    else:
        by_cohort: dict[int, list[tuple[int | None, int]]] = {}
        for c, last, n in agg.frame.select("cohort", "last", "customers").iter_rows():
            by_cohort.setdefault(c, []).append((last, n))
        for c in agg.periods():
            groups = by_cohort.get(c, [])
            size = sum(n for _, n in groups)
            if not size:
                continue
            ends: dict[int, int] = {}
            for last, n in groups:
                if last is not None:
                    ends[last] = ends.get(last, 0) + n
            counts, gone = [size], sum(n for last, n in ends.items() if last < c)
            for p in range(c + 1, agg.last + 1):
                gone += ends.get(p - 1, 0)
                counts.append(size - gone)
            rows.append(_row(spec, c, size, counts, done))
    mode = retention if agg.kind == "events" else "classic"
    return CohortTriangle(agg.kind, spec, mode, tuple(rows), *averages(rows))


def averages(rows: list[CohortRow]) -> tuple[tuple[float | None, ...], tuple[int, ...]]:
    """The size-weighted average retention by k over complete cells, and how many cohorts went into each."""
    width = max((len(r.active) for r in rows), default=0)
    average, used = [], []
    for k in range(width):
        cells = [(r.active[k], r.size) for r in rows if k < len(r.active) and r.complete[k] and r.size]
        total = sum(s for _, s in cells)
        average.append(ratio(sum(a for a, _ in cells), total))
        used.append(len(cells))
    return tuple(average), tuple(used)


def _row(spec: PeriodSpec, c: int, size: int, counts: list[int], done: dict[int, bool]) -> CohortRow:
    return CohortRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size, active=tuple(counts),
                     retention=tuple(ratio(a, size) for a in counts),
                     complete=tuple(done[c + k] for k in range(len(counts))))


def cohort_triangle(dataset, options: AnalysisOptions | None = None) -> CohortTriangle:
    """The cohort triangle of an events or subscriptions dataset (see :class:`CohortTriangle`)."""
    options = options or AnalysisOptions()
    return triangle_from(aggregate(dataset, options), options.retention)
