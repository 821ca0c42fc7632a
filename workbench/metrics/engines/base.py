"""The engine seam: what the finishing layer needs from wherever the rows live.

Every number the workbench shows is derived from small aggregates (see :mod:`workbench.metrics.reduce`), so an
engine only has to answer a few questions about a source: which kinds of data it holds, the latest time in
each, the three reductions, the row checks, the customer ids behind a number and those customers'
profiles and rows. The polars engine
(:mod:`workbench.metrics.engines.polars_engine`) is the embedded default; the SQL engines (DuckDB, PostgreSQL,
Spark) run one SQL definition (:mod:`workbench.metrics.engines.sql`) where the data lives and bring back
only these aggregates.

Contract of :meth:`Engine.reduce`: exactly the columns, dtypes and sort order of
:func:`~workbench.metrics.reduce.reduce_events`, :func:`~workbench.metrics.reduce.reduce_subscriptions` and
:func:`~workbench.metrics.reduce.reduce_nps` (:data:`REDUCTION_SCHEMAS`); integers equal across engines,
money sums equal up to summation order (1e-9 relative).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

import polars as pl

from workbench.io.problems import Problem
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec

KINDS = ("events", "subscriptions", "nps")

REDUCTION_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "events": {"cohort": pl.Int64(), "period": pl.Int64(), "active": pl.Int64(), "retained": pl.Int64(),
               "last": pl.Int64(), "revenue": pl.Float64(), "revenue_retained": pl.Float64(),
               "revenue_retained_capped": pl.Float64()},
    "subscriptions": {"cohort": pl.Int64(), "last": pl.Int64(), "customers": pl.Int64(), "mrr": pl.Float64()},
    "nps": {"period": pl.Int64(), "score": pl.Int64(), "responses": pl.Int64()},
}
SORT_KEYS = {"events": ("cohort", "period"), "subscriptions": ("cohort", "last"), "nps": ("period", "score")}

EXTRAS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark", "sql": "sql"}


class EngineError(Exception):
    """A failure to say in one line (what went wrong and how to fix it); never holds a password."""


class Cancelled(EngineError):
    """A query stopped by :meth:`Engine.cancel` (the app's escape key)."""


class MissingExtra(EngineError):
    """The engine's optional dependency is not installed."""

    def __init__(self, engine: str, module: str):
        what = "workbench sql" if engine == "sql" else f"the {engine} engine"
        super().__init__(f"{what} needs the '{module}' package, which is not installed. Fix: "
                         f"pip install 'retention-workbench[{EXTRAS.get(engine, engine)}]'")


@runtime_checkable
class Engine(Protocol):
    """A source of rows that can reduce itself. Kinds are ``events``, ``subscriptions``, ``nps``."""

    name: str

    def kinds(self) -> tuple[str, ...]:
        """The kinds of data this source holds (in :data:`KINDS` order)."""
        ...

    def as_of(self, kind: str) -> datetime | None:
        """The latest time in the usable rows: ``ts`` (events, nps), the later of start/end (subscriptions);
        None when there are no usable rows (:func:`workbench.metrics.reduce.data_as_of`)."""
        ...

    def date_only(self, kind: str) -> bool:
        """Whether every time of the usable rows is at midnight: a log of dates, whose last date is a whole
        day (:func:`workbench.metrics.reduce.data_extent`)."""
        ...

    def reduce(self, kind: str, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
        """The kind's aggregate, with :data:`REDUCTION_SCHEMAS` columns, sorted by :data:`SORT_KEYS`."""
        ...

    def has_revenue(self, kind: str) -> bool:
        """Whether the kind has a revenue (MRR) column with at least one value in the usable rows."""
        ...

    def checks(self, kind: str, now: datetime) -> list[Problem]:
        """The row problems of every file or table of this kind, as :mod:`workbench.io` reports them (same
        codes, severities and wording; a count and one example each). ``now`` is the wall-clock time in the
        source's zone after which dates are in the future."""
        ...

    def customers_behind_cell(self, kind: str, options: AnalysisOptions, cohort_label: str, k: int) -> list[str]:
        """Sorted ids behind the triangle cell (cohort, k): :func:`workbench.metrics.drill.customers_behind_cell`."""
        ...

    def customers_in_flow(self, kind: str, options: AnalysisOptions, period_label: str, term: str) -> list[str]:
        """Sorted ids behind a term of the formula: :func:`workbench.metrics.drill.customers_in_flow`."""
        ...

    def customer_profiles(self, kind: str, period: PeriodSpec, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        """Per id found up to as-of: :data:`~workbench.metrics.customers.EVENT_ROWS` (events) or
        ``SUBSCRIPTION_ROWS``, for :func:`workbench.metrics.customers.customer_profiles`."""
        ...

    def latest_scores(self, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        """``customer_id, nps``: each id's latest NPS score up to as-of (ties: the highest)."""
        ...

    def customer_rows(self, kind: str, as_of: datetime, customer_id: str, limit: int) -> tuple[pl.DataFrame, int]:
        """One customer's first ``limit`` rows of ``kind`` up to as-of, in timeline columns, and how many there
        are: :func:`workbench.metrics.customers.customer_timeline`."""
        ...

    def cancel(self) -> None:
        """Stop the query running in another thread (it raises :class:`Cancelled`), or the next one when
        none is running. Safe from any thread; a no-op for the polars engine, whose reductions cannot be
        interrupted."""
        ...

    def close(self) -> None:
        """Release connections (a no-op for in-memory engines)."""
        ...


def conform(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A reduction result with the exact contract: column names, dtypes and sort order of :data:`SORT_KEYS`."""
    schema = REDUCTION_SCHEMAS[kind]
    out = frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    return out.sort(list(SORT_KEYS[kind]), nulls_last=True)


def sorted_ids(ids: list) -> list[str]:
    """Distinct ids sorted by their UTF-8 bytes, as polars sorts them (a server's collation does not matter)."""
    return pl.Series("customer_id", ids, dtype=pl.String).unique().sort().to_list()
