"""What to compute: the analysis options shared by the app, the command line and every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from workbench.metrics.periods import PeriodSpec

RETENTION_MODES = ("classic", "unbounded")


@dataclass(frozen=True)
class AnalysisOptions:
    """What to compute.

    * ``period``: the calendar period (default month, weeks start on Monday);
    * ``as_of``: "now" as a naive wall-clock datetime (default: the latest timestamp in the data). Rows after
      it are ignored, and a subscription ending after it counts as still running;
    * ``retention``: ``classic`` (active in period cohort+k) or ``unbounded`` (active in cohort+k or any later
      period; events only, for subscriptions both are the same);
    * ``margin``: gross margin used by CLTV (1.0 = revenue is all profit);
    * ``period_given``: whether ``period`` was asked for (``--period``, the app's ``t``) rather than the default.
      A ready-made cohort table is read at the period its labels show unless one was asked for, and then
      its labels must be of that period (see :mod:`workbench.metrics.cohort_tables`).
    """

    period: PeriodSpec = field(default_factory=PeriodSpec)
    as_of: datetime | None = None
    retention: str = "classic"
    margin: float = 1.0
    period_given: bool = False

    def __post_init__(self) -> None:
        if self.retention not in RETENTION_MODES:
            raise ValueError(f"unknown retention {self.retention!r}; use classic or unbounded")
        if not self.margin > 0:
            raise ValueError("the margin must be a positive number (0.3 = 30%)")
