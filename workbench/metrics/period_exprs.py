"""Period arithmetic as polars expressions: what the polars engine computes period indexes with.

The same integer indexes as :class:`workbench.metrics.periods.PeriodSpec` computes on Python values (day =
days since 1970-01-01, week = (days + shift) // 7, month = year × 12 + month − 1, quarter, year), so the
finishing step never needs to know which engine reduced the rows.
"""

from __future__ import annotations

import polars as pl

from workbench.metrics.periods import PeriodSpec

_TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}
_OFFSET = {"day": "d", "week": "w", "month": "mo", "quarter": "q", "year": "y"}


def truncate(spec: PeriodSpec, ts: pl.Expr) -> pl.Expr:
    """The first instant of the period containing ``ts`` (datetime expression)."""
    if spec.unit == "week" and spec.week_start == "sunday":
        return (ts + pl.duration(days=1)).dt.truncate("1w") - pl.duration(days=1)
    return ts.dt.truncate(_TRUNCATE[spec.unit])


def offset(spec: PeriodSpec, start: pl.Expr, n: int | pl.Expr) -> pl.Expr:
    """Shift a period start by ``n`` periods (``n`` may be negative or an expression)."""
    if isinstance(n, pl.Expr):
        return start.dt.offset_by(pl.format("{}" + _OFFSET[spec.unit], n))
    return start.dt.offset_by(f"{n}{_OFFSET[spec.unit]}")


def period_index(spec: PeriodSpec, ts: pl.Expr) -> pl.Expr:
    """The Int64 index of the period containing ``ts``."""
    if spec.unit in ("day", "week"):
        days = ts.dt.date().cast(pl.Int64)
        if spec.unit == "day":
            return days
        return (days + spec.week_shift()) // 7
    year = ts.dt.year().cast(pl.Int64)
    if spec.unit == "year":
        return year
    month = ts.dt.month().cast(pl.Int64)
    if spec.unit == "month":
        return year * 12 + month - 1
    return year * 4 + (month - 1) // 3


def period_label(spec: PeriodSpec, ts: pl.Expr) -> pl.Expr:
    """The label of the period containing ``ts``."""
    return index_label(spec, period_index(spec, ts))


def index_start(spec: PeriodSpec, idx: pl.Expr) -> pl.Expr:
    """The first instant (datetime[us]) of the period with index ``idx``."""
    if spec.unit == "day":
        return idx.cast(pl.Int32).cast(pl.Date).cast(pl.Datetime("us"))
    if spec.unit == "week":
        return (idx * 7 - spec.week_shift()).cast(pl.Int32).cast(pl.Date).cast(pl.Datetime("us"))
    if spec.unit == "month":
        return pl.datetime(idx // 12, idx % 12 + 1, 1, time_unit="us")
    if spec.unit == "quarter":
        return pl.datetime(idx // 4, (idx % 4) * 3 + 1, 1, time_unit="us")
    return pl.datetime(idx, 1, 1, time_unit="us")


def index_label(spec: PeriodSpec, idx: pl.Expr) -> pl.Expr:
    """The label (str) of the period with index ``idx``."""
    start = index_start(spec, idx)
    if spec.unit in ("day", "week"):
        return start.dt.strftime("%Y-%m-%d")
    if spec.unit == "month":
        return start.dt.strftime("%Y-%m")
    if spec.unit == "quarter":
        return pl.format("{}-Q{}", start.dt.strftime("%Y"), idx % 4 + 1)
    return start.dt.strftime("%Y")
