"""How far the data reaches: a period is observed only up to the data's last date (issue 13).

``as_of`` is "now", but a period after the data's last timestamp is not evidence of anything: a log that
stops on 2026-10-31 says nothing about November, so an ``--as-of 2027-01-01`` must not turn November and
December into complete periods with nobody active (100 % churn). Every "is this period over?" question is
therefore asked of :class:`Observed`, the earlier of as_of and the data's end.

A *log of dates* (every timestamp at midnight: a Date column, or datetimes without a time of day — CDNOW,
most exports from spreadsheets) records whole days: its last date is a whole day of data, so the data is
observed up to the midnight *after* it, and a month whose last day is the last date is over. A log with
times of day is observed up to its latest timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import data_extent

_US = timedelta(microseconds=1)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Observed:
    """The data is known up to ``until``: up to and including that instant for a log with times of day,
    up to (not including) that midnight for a log of dates (``date_only``)."""

    until: datetime
    date_only: bool = False

    def ended(self, spec: PeriodSpec, idx: int) -> bool:
        """Period ``idx`` is over and every moment of it is in the data."""
        return spec.end_of(idx) <= self.until

    def begun(self, spec: PeriodSpec, idx: int) -> bool:
        """The first instant of period ``idx`` is in the data (the state of a subscription there is known)."""
        start = spec.start_of(idx)
        return start < self.until if self.date_only else start <= self.until

    @property
    def last_instant(self) -> datetime:
        """The last instant the data covers."""
        return self.until - _US if self.date_only else self.until

    def last_index(self, spec: PeriodSpec) -> int:
        """The index of the period holding the last moment before ``until`` (the last period shown)."""
        return spec.index_of(self.until - _US)


def observed(latest: datetime | None, date_only: bool, as_of: datetime | None) -> Observed | None:
    """The earlier of ``as_of`` and the data's end (``latest``; the day after it for a log of dates)."""
    if latest is None and as_of is None:
        return None
    through = latest if as_of is None else as_of if latest is None else min(as_of, latest)
    if date_only:
        return Observed(datetime(through.year, through.month, through.day) + _DAY, True)
    return Observed(through, False)


def extent_of(dataset) -> tuple[datetime | None, bool]:
    """The latest timestamp of a :class:`~workbench.io.Dataset` and whether it is a log of dates (one pass over
    its time columns), or of a dataset held by an engine (its ``engine`` answers both). It depends on neither
    the period nor as_of, so :func:`workbench.metrics.analyze` finds it once per load."""
    engine = getattr(dataset, "engine", None)
    if engine is not None:
        return engine.as_of(dataset.kind), engine.date_only(dataset.kind)
    return data_extent(dataset.lazy(), dataset.kind)


def observed_of(dataset, as_of: datetime | None) -> Observed | None:
    """:func:`observed` of a dataset (see :func:`extent_of`)."""
    return observed(*extent_of(dataset), as_of)
