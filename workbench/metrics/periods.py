"""Calendar periods: labels, integer indexes and period arithmetic on Python values (no polars here).

Every period has an integer *index* (consecutive periods have consecutive indexes), which makes period
arithmetic plain integer arithmetic that any SQL engine can run too:

* day:     days since 1970-01-01;
* week:    weeks since the week that contains 1970-01-01 (weeks start on Monday, or Sunday);
* month:   ``year * 12 + month - 1``;
* quarter: ``year * 4 + quarter - 1``;
* year:    the year.

Labels: ``YYYY-MM-DD`` (the period's first day) for day and week, ``YYYY-MM`` for month, ``YYYY-Qn`` for
quarter, ``YYYY`` for year. Times are naive wall-clock datetimes, so periods follow the calendar of the
zone the data was loaded in.

The same arithmetic as polars expressions (what the polars engine computes period indexes with) is in
:mod:`workbench.metrics.period_exprs`; the SQL engines write it in SQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

UNITS = ("day", "week", "month", "quarter", "year")
WEEK_STARTS = ("monday", "sunday")
_EPOCH = date(1970, 1, 1)  # a Thursday
_NOUN = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


@dataclass(frozen=True)
class PeriodSpec:
    """A kind of calendar period: ``unit`` in day|week|month|quarter|year; weeks start on ``week_start``."""

    unit: str = "month"
    week_start: str = "monday"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.week_start not in WEEK_STARTS:
            raise ValueError(f"unknown week start {self.week_start!r}; use monday or sunday")

    @property
    def noun(self) -> str:
        """'month', 'week', ... for sentences ('churn rate per month')."""
        return _NOUN[self.unit]

    # ------------------------------------------------------------ indexes, starts and labels

    def index_of(self, ts: datetime) -> int:
        """The index of the period containing ``ts``."""
        if self.unit in ("day", "week"):
            days = (ts.date() - _EPOCH).days
            return days if self.unit == "day" else (days + self.week_shift()) // 7
        if self.unit == "year":
            return ts.year
        if self.unit == "month":
            return ts.year * 12 + ts.month - 1
        return ts.year * 4 + (ts.month - 1) // 3

    @functools.lru_cache(maxsize=8192)  # noqa: B019 (a frozen, hashable spec; a handful of them per run)
    def start_of(self, idx: int) -> datetime:
        """The first instant of the period with index ``idx``."""
        if self.unit == "day":
            day = _EPOCH + timedelta(days=idx)
        elif self.unit == "week":
            day = _EPOCH + timedelta(days=idx * 7 - self.week_shift())
        elif self.unit == "month":
            day = date(idx // 12, idx % 12 + 1, 1)
        elif self.unit == "quarter":
            day = date(idx // 4, (idx % 4) * 3 + 1, 1)
        else:
            day = date(idx, 1, 1)
        return datetime(day.year, day.month, day.day)

    def end_of(self, idx: int) -> datetime:
        """The first instant after the period (= the start of the next one)."""
        return self.start_of(idx + 1)

    @functools.lru_cache(maxsize=8192)  # noqa: B019 (as start_of: every triangle, flow and CLTV row asks again)
    def label_of(self, idx: int) -> str:
        """The label of the period with index ``idx``."""
        start = self.start_of(idx)
        if self.unit in ("day", "week"):
            return f"{start:%Y-%m-%d}"
        if self.unit == "month":
            return f"{start:%Y-%m}"
        if self.unit == "quarter":
            return f"{start.year:04d}-Q{idx % 4 + 1}"
        return f"{start.year:04d}"

    def index_of_label(self, label: str) -> int:
        """The index of a period given its label (inverse of :meth:`label_of`); ValueError if malformed."""
        text = label.strip()
        if self.unit in ("day", "week"):
            idx = self.index_of(datetime.strptime(text, "%Y-%m-%d"))
        elif self.unit == "month":
            idx = self.index_of(datetime.strptime(text, "%Y-%m"))
        elif self.unit == "quarter":
            year, _, quarter = text.partition("-Q")
            if not (year.isdigit() and quarter in ("1", "2", "3", "4")):
                raise ValueError(f"{label!r} is not a quarter label like 2024-Q1")
            idx = int(year) * 4 + int(quarter) - 1
        else:
            if not text.isdigit():
                raise ValueError(f"{label!r} is not a year label like 2024")
            idx = int(text)
        if self.label_of(idx) != text:
            raise ValueError(f"{label!r} is not the label of a {self.noun}")
        return idx

    def week_shift(self) -> int:
        """Days to add to days-since-1970 before dividing by 7 (1970-01-01 is a Thursday)."""
        # 1970-01-01 is a Thursday: the Monday before is day -3, the Sunday before is day -4.
        return 3 if self.week_start == "monday" else 4
