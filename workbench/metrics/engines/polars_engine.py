"""The embedded default engine: the polars reductions over files loaded (and checked) by :mod:`workbench.io`.

No logic of its own: each method calls :mod:`workbench.metrics.reduce` or :mod:`workbench.metrics.drill` on the
loaded :class:`~workbench.io.Dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from workbench.io import Dataset, LoadOptions, load
from workbench.io.problems import FileReport, Problem
from workbench.metrics import customers, drill
from workbench.metrics.engines.base import KINDS
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import data_as_of, data_extent, reduce_events, reduce_nps, reduce_subscriptions

_REDUCE = {"events": reduce_events, "subscriptions": reduce_subscriptions, "nps": reduce_nps}


@dataclass
class PolarsEngine:
    """Loaded datasets (kind → Dataset), as ``workbench.io.load`` returns them."""

    datasets: dict[str, Dataset]
    reports: list[FileReport] = field(default_factory=list)
    name: str = "polars"

    @classmethod
    def from_paths(cls, paths: list[str], options: LoadOptions | None = None) -> PolarsEngine:
        result = load(paths, options)
        return cls(result.datasets, result.reports)

    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in KINDS if k in self.datasets)

    def _lazy(self, kind: str) -> pl.LazyFrame:
        return self.datasets[kind].lazy()

    def as_of(self, kind: str) -> datetime | None:
        return data_as_of(self._lazy(kind), kind)

    def date_only(self, kind: str) -> bool:
        return data_extent(self._lazy(kind), kind)[1]

    def reduce(self, kind: str, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
        return _REDUCE[kind](self._lazy(kind), period, as_of)

    def has_revenue(self, kind: str) -> bool:
        return bool(self.datasets[kind].has_revenue)

    def file_reports(self, now: datetime | None = None) -> list[FileReport]:
        """Every file's report, as loaded (``validate``); the SQL engines have the same method."""
        return list(self.reports)

    def checks(self, kind: str, now: datetime) -> list[Problem]:
        """The problems found when the files were loaded (``now`` was fixed then, by ``LoadOptions.now``)."""
        return [p for r in self.reports if r.kind == kind for p in r.problems]

    def customers_behind_cell(self, kind: str, options: AnalysisOptions, cohort_label: str, k: int) -> list[str]:
        return drill.customers_behind_cell(self.datasets[kind], options, cohort_label, k)

    def customers_in_flow(self, kind: str, options: AnalysisOptions, period_label: str, term: str) -> list[str]:
        return drill.customers_in_flow(self.datasets[kind], options, period_label, term)

    def customer_profiles(self, kind: str, period: PeriodSpec, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        return customers.profile_rows(self.datasets[kind], period, as_of, ids)

    def latest_scores(self, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        return customers.latest_scores(self.datasets.get("nps"), as_of, ids)

    def customer_rows(self, kind: str, as_of: datetime, customer_id: str, limit: int) -> tuple[pl.DataFrame, int]:
        return customers.kind_rows(self._lazy(kind), kind, as_of, customer_id, limit)

    def cancel(self) -> None:
        return None

    def close(self) -> None:
        return None
