"""The reduced aggregates of one dataset, shared by every finishing function, and "now" (as_of).

:func:`aggregate` is the only step here that touches rows (through :mod:`workbench.metrics.reduce`); what it
returns is small (one row per cohort and period) and every number of the report is finished from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import polars as pl

from workbench.metrics.observed import Observed, observed, observed_of
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import UNITS, PeriodSpec
from workbench.metrics.reduce import data_as_of, reduce_events, reduce_nps, reduce_subscriptions

COHORT_KINDS = ("events", "subscriptions")
_US = timedelta(microseconds=1)
# A triangle of n periods has up to n(n+1)/2 cells; past this many periods (2 million cells) the report would
# not fit in memory or on any screen, so it stops early and names a period that fits.
MAX_PERIODS = 2_000


class TooManyPeriods(ValueError):
    """The data spans more periods than a report can hold at this granularity; the message names a better one."""


def check_span(spec: PeriodSpec, first: int, last: int) -> None:
    """Raise :class:`TooManyPeriods` when ``first`` .. ``last`` is more than :data:`MAX_PERIODS` periods."""
    count = last - first + 1
    if count <= MAX_PERIODS:
        return
    start, end = spec.start_of(first), spec.end_of(last) - _US
    better = None
    for unit in UNITS[UNITS.index(spec.unit) + 1:]:
        coarser = PeriodSpec(unit, spec.week_start)
        n = coarser.index_of(end) - coarser.index_of(start) + 1
        if n <= MAX_PERIODS:
            better = f"--period {unit} ({n:,} {coarser.noun}s)"
            break
    raise TooManyPeriods(
        f"the data spans {count:,} {spec.noun}s ({start:%Y-%m-%d} to {end:%Y-%m-%d}): a cohort triangle of up to "
        f"{count * (count + 1) // 2:,} cells, more than a report can hold (at most {MAX_PERIODS:,} periods); "
        + (f"use {better}" if better else "set --as-of or filter the data to a shorter span"))


def ratio(num: float, den: float, scale: float = 100.0) -> float | None:
    """``num / den × scale``, or None when ``den`` is zero."""
    return num / den * scale if den else None


@dataclass(frozen=True)
class Aggregates:
    """A dataset reduced once, shared by every finishing function.

    ``first``/``last`` are the first and last period indexes shown (None when no row is on or before as_of);
    ``last`` is the later of the period holding the last observed moment and the last period with data.
    ``observed``: how far the data reaches (the earlier of as_of and the data's end; whole days for a log of
    dates); a period is over when it ended by then, never because as_of is later than the data.
    """

    kind: str
    period: PeriodSpec
    as_of: datetime
    first: int | None
    last: int | None
    frame: pl.DataFrame
    has_revenue: bool
    observed: Observed | None = None

    def periods(self) -> range:
        return range(self.first, self.last + 1) if self.first is not None else range(0)

    def _observed(self) -> Observed:
        return self.observed or Observed(self.as_of)

    def ended(self, idx: int) -> bool:
        return idx <= self.last_ended

    def begun(self, idx: int) -> bool:
        return idx <= self.last_begun

    # periods end (and begin) in calendar order, so "over" is a prefix of the indexes: found once, then every
    # cell of a daily triangle (hundreds of thousands) is one comparison instead of calendar arithmetic
    @cached_property
    def last_ended(self) -> int:
        """The last period index that has ended (see :attr:`observed`): ``ended(i)`` iff ``i <= last_ended``."""
        return _last_of_prefix(self.period.index_of(self._observed().until),
                               lambda i: self._observed().ended(self.period, i))

    @cached_property
    def last_begun(self) -> int:
        """The last period index that has begun: ``begun(i)`` iff ``i <= last_begun``."""
        return _last_of_prefix(self.period.index_of(self._observed().until),
                               lambda i: self._observed().begun(self.period, i))

    @property
    def last_complete(self) -> int:
        """The last period whose triangle cells are final: over, for events (activity can still come); begun,
        for subscriptions (who is subscribed at a period's first instant is known once it has begun)."""
        return self.last_ended if self.kind == "events" else self.last_begun


def _last_of_prefix(guess: int, holds) -> int:
    """The last index for which ``holds`` is true, ``holds`` being true exactly up to some index near ``guess``."""
    while holds(guess + 1):
        guess += 1
    while not holds(guess):
        guess -= 1
    return guess


_REDUCE = {"events": reduce_events, "subscriptions": reduce_subscriptions, "nps": reduce_nps}


def reduce_dataset(dataset, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """The dataset's aggregate: reduced by the engine that holds its rows (an ``engine`` attribute, see
    :class:`workbench.metrics.engines.dataset.EngineDataset`), else by polars over its rows in memory."""
    engine = getattr(dataset, "engine", None)
    if engine is not None:
        return engine.reduce(dataset.kind, period, as_of)
    return _REDUCE[dataset.kind](dataset.lazy(), period, as_of)


def latest_time(dataset) -> datetime | None:
    """The latest timestamp of the dataset's usable rows, from its engine when it has one."""
    engine = getattr(dataset, "engine", None)
    if engine is not None:
        return engine.as_of(dataset.kind)
    return data_as_of(dataset.lazy(), dataset.kind)


def resolve_as_of(dataset, options: AnalysisOptions) -> datetime | None:
    """``options.as_of`` or else the latest timestamp in the data (None for an empty dataset)."""
    return options.as_of if options.as_of is not None else latest_time(dataset)


def aggregate(dataset, options: AnalysisOptions, as_of: datetime | None = None,
              extent: tuple[datetime | None, bool] | None = None) -> Aggregates:
    """Reduce an events or subscriptions :class:`~workbench.io.Dataset` (the heavy step). ``extent``: the
    dataset's :func:`~workbench.metrics.observed.extent_of` when the caller has it (one pass fewer)."""
    if dataset.kind not in COHORT_KINDS:
        raise ValueError(f"cohorts need events or subscriptions, not {dataset.kind}")
    as_of = as_of or resolve_as_of(dataset, options)
    spec = options.period
    has_revenue = bool(dataset.has_revenue)
    if as_of is None:
        empty = pl.DataFrame()
        return Aggregates(dataset.kind, spec, datetime(1970, 1, 1), None, None, empty, has_revenue)
    if dataset.kind == "events":
        frame = reduce_dataset(dataset, spec, as_of)
        data_first, data_last = (frame["cohort"].min(), frame["period"].max()) if frame.height else (None, None)
    else:
        frame = reduce_dataset(dataset, spec, as_of)
        data_first, data_last = (frame["cohort"].min(), frame["cohort"].max()) if frame.height else (None, None)
    seen = (observed(*extent, as_of) if extent is not None else observed_of(dataset, as_of)) or Observed(as_of)
    if data_first is None:
        return Aggregates(dataset.kind, spec, as_of, None, None, frame, has_revenue, seen)
    last = max(seen.last_index(spec), data_last)
    check_span(spec, data_first, last)
    return Aggregates(dataset.kind, spec, as_of, data_first, last, frame, has_revenue, seen)
