"""What the app shows, computed once per view setting: a :class:`workbench.metrics.Report` plus the
list of calendar periods one can step through. Pure: no Textual here, and no metric is computed here
either — every number comes from :mod:`workbench.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from workbench.io.load import LoadResult
from workbench.metrics import UNITS, AnalysisOptions, FlowRow, PeriodSpec, Report, analyze

# What the triangle's cells show, in the order ``c`` cycles through them: retention %, active customers, the
# cohort's revenue, and that revenue as a share of the cohort's first-period revenue (revenue retention).
CELL_VIEWS = ("percent", "counts", "revenue", "revenue_pct")
CELL_NAMES = {"percent": "percent", "counts": "counts", "revenue": "revenue", "revenue_pct": "revenue %"}
REVENUE_VIEWS = ("revenue", "revenue_pct")


def next_cell_view(view: str, has_revenue: bool) -> str:
    """The view after ``view`` in :data:`CELL_VIEWS`, skipping the revenue views when there is no revenue."""
    views = CELL_VIEWS if has_revenue else tuple(v for v in CELL_VIEWS if v not in REVENUE_VIEWS)
    return views[(views.index(view) + 1) % len(views)] if view in views else views[0]


@dataclass(frozen=True)
class ViewSettings:
    """The toggles of the cohort view; each distinct setting is one :func:`analyze` call."""

    unit: str = "month"
    week_start: str = "monday"
    retention: str = "classic"
    cells: str = "percent"  # one of CELL_VIEWS: display only
    as_of: datetime | None = None
    margin: float | None = None
    period_given: bool = False  # asked for (--period, t): a cohort table is otherwise read at its labels' period
    inactive: int = 3
    top_segments: int = 5
    discount: float = 0.1

    @classmethod
    def from_options(cls, options: AnalysisOptions) -> ViewSettings:
        """The view the command line's analysis options ask for (``workbench --period week ...``)."""
        return cls(unit=options.period.unit, week_start=options.period.week_start, retention=options.retention,
                   as_of=options.as_of, margin=options.margin, period_given=options.period_given,
                   inactive=options.inactive, top_segments=options.top_segments, discount=options.discount)

    def options(self) -> AnalysisOptions:
        extra = {} if self.margin is None else {"margin": self.margin}
        return AnalysisOptions(period=PeriodSpec(self.unit, self.week_start), as_of=self.as_of,
                               retention=self.retention, period_given=self.period_given, inactive=self.inactive,
                               top_segments=self.top_segments, discount=self.discount, **extra)

    def key(self) -> tuple:
        """What a new computation depends on (what the cells show is display only)."""
        return (self.unit, self.week_start, self.retention, self.as_of, self.margin, self.period_given,
                self.inactive, self.top_segments, self.discount)

    def with_unit_step(self, step: int) -> ViewSettings:
        return replace(self, unit=UNITS[(UNITS.index(self.unit) + step) % len(UNITS)], period_given=True)


@dataclass
class Analysis:
    """A report and the periods n/p step through: those of its retention formula, or, with NPS answers
    alone, the periods of the NPS trend."""

    report: Report
    settings: ViewSettings
    period_index: list[int] = field(default_factory=list)  # calendar index of each step (flow row or NPS period)

    @property
    def step_count(self) -> int:
        return len(self.period_index)

    def step_label(self, position: int) -> str | None:
        if not self.period_index:
            return None
        return self.spec.label_of(self.period_index[min(max(position, 0), len(self.period_index) - 1)])

    def step_start(self, position: int) -> datetime:
        return self.spec.start_of(self.period_index[position])

    def step_at(self, moment: datetime) -> int | None:
        """The step holding the calendar moment ``moment`` (0 when it is before the first)."""
        if not self.period_index:
            return None
        if moment < self.step_start(0):
            return 0
        spec = self.spec
        return next((i for i, idx in enumerate(self.period_index)
                     if spec.start_of(idx) <= moment < spec.end_of(idx)), None)

    def cell_view(self, wanted: str) -> str:
        """The view the triangle can show: ``wanted``, or percent when it is a revenue view and there is no
        revenue (a reload of data without a revenue column)."""
        return "percent" if wanted in REVENUE_VIEWS and self.report.revenue_cohorts is None else wanted

    @property
    def km(self) -> tuple[float, ...] | None:
        """Kaplan-Meier survival % by k (subscriptions when loaded, else events), when there are customers."""
        return self.report.survival.curve if self.report.survival is not None else None

    @property
    def flow_rows(self) -> tuple[FlowRow, ...]:
        return self.report.flow.rows if self.report.flow else ()

    @property
    def spec(self) -> PeriodSpec:
        return self.report.options.period

    def flow_position(self, calendar_index: int) -> int | None:
        """The position in :attr:`flow_rows` of a calendar period index, if it has a row."""
        try:
            return self.period_index.index(calendar_index)
        except ValueError:
            return None


def compute(result: LoadResult, settings: ViewSettings, cache: dict | None = None,
            progress: Callable[[str, float], None] | None = None, forecast: bool = False) -> Analysis:
    """Run the metrics engine on the loaded datasets (call from a worker thread). ``cache`` is kept by the
    caller for the same ``result``: a toggle that does not change the period reuses its reductions.
    ``progress(step, fraction)``: see :func:`workbench.metrics.analyze`.

    Without ``forecast`` the sBG forecast is left for later (``report.forecast_pending``): the screen shows
    the numbers first, and the app fills the forecast in from a second worker (see ``MainScreen.Pending``)."""
    report = analyze(result.datasets, settings.options(), progress=progress, cache=cache, forecast=forecast)
    spec = report.options.period
    if (spec.unit, spec.week_start) != (settings.unit, settings.week_start):  # a cohort table's labels chose it
        settings = replace(settings, unit=spec.unit, week_start=spec.week_start)
    if report.flow and report.flow.rows:
        index = [spec.index_of(row.start) for row in report.flow.rows]
    elif report.nps is not None:  # NPS answers alone: step through the NPS periods
        index = [spec.index_of_label(s.label) for s in report.nps.by_period]
    else:
        index = []
    return Analysis(report=report, settings=settings, period_index=index)
