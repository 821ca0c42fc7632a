"""The charts of each tab, given what the app gives its panels: ``analysis`` (a :class:`workbench.ui.model.
Analysis`), ``position`` (the current period: a row of the retention formula) and, for the cohort charts,
``cohort`` (the table's current cohort row). Each box hands its charts the metrics results and maps the
current period onto the chart's x axis; no number is computed here.

* :class:`RetentionCharts`: retention curves (+ Kaplan-Meier when the analysis has it), beside the triangle;
* :class:`FlowCharts`: CS, CN, CE, churned and CRR / kept %, beside the formula table;
* :class:`ChurnCharts`: churn rate, and revenue retention (NRR, GRR) when there is revenue;
* :class:`NpsCharts`: NPS with its margin of error, and the current period's score distribution;
* :class:`CltvCharts`: cumulative revenue per customer by cohort;
* :class:`SurvivalCharts`: Kaplan–Meier survival with its band and the at-risk counts, and beside it the
  segments' curves when the data has a segment column.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive

from workbench.charts.registry import CHARTS
from workbench.metrics import NpsStats
from workbench.ui.charts.chart import Chart


class ChartBox(Horizontal):
    """Charts side by side; subclasses say which and what each plots."""

    DEFAULT_CSS = """
    ChartBox {
        height: 1fr;
        min-height: 8;
    }
    """

    KINDS: tuple[str, ...] = ()

    analysis = reactive(None, always_update=True)
    position: reactive[int] = reactive(0)
    cohort: reactive[int | None] = reactive(None)
    ascii: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        for kind in self.KINDS:
            yield Chart(kind, classes=f"chart-{kind}")

    def on_mount(self) -> None:
        self.ascii = bool(getattr(self.app, "ascii_charts", False))  # the app's --ascii (or auto) setting
        for chart in self.query(Chart):
            chart.ascii = self.ascii
        self._give_data()
        self._give_position()

    def chart(self, kind: str) -> Chart:
        return self.query_one(f".chart-{kind}", Chart)

    def watch_analysis(self) -> None:
        if self.is_mounted:
            self._give_data()
            self._give_position()

    def watch_position(self) -> None:
        if self.is_mounted:
            self._give_position()

    def watch_cohort(self) -> None:
        if self.is_mounted:
            self._give_position()

    def watch_ascii(self, ascii: bool) -> None:
        if self.is_mounted:
            for chart in self.query(Chart):
                chart.ascii = ascii

    # ------------------------------------------------------------ what to plot

    def _give_data(self) -> None:
        for kind in self.KINDS:
            self.chart(kind).data = self.data_for(kind)

    def _give_position(self) -> None:
        for kind in self.KINDS:
            chart = self.chart(kind)
            chart.current = self.current_for(kind)
            chart.marker_index = self.marker_for(kind)

    def data_for(self, kind: str):
        report = self.analysis.report if self.analysis is not None else None
        return None if report is None else report.flow

    def current_for(self, kind: str) -> int | None:
        return None

    def marker_for(self, kind: str) -> int | None:
        rows = self.analysis.flow_rows if self.analysis is not None else ()
        return min(max(self.position, 0), len(rows) - 1) if rows else None

    # ------------------------------------------------------------ shared mappings

    def calendar_index(self) -> int | None:
        """The calendar index of the current period (None without a formula)."""
        analysis = self.analysis
        if analysis is None or not analysis.period_index:
            return None
        return analysis.period_index[min(max(self.position, 0), len(analysis.period_index) - 1)]

    def period_label(self) -> str | None:
        rows = self.analysis.flow_rows if self.analysis is not None else ()
        return rows[min(max(self.position, 0), len(rows) - 1)].period if rows else None

    def k_of(self, cohort_label: str | None) -> int | None:
        """Periods from a cohort's first period to the current period (None before the cohort began)."""
        calendar = self.calendar_index()
        if calendar is None or cohort_label is None:
            return None
        k = calendar - self.analysis.spec.index_of_label(cohort_label)
        return k if k >= 0 else None

    def cohort_label(self) -> str | None:
        triangle = self.analysis.report.cohorts if self.analysis is not None else None
        if triangle is None or self.cohort is None or not 0 <= self.cohort < len(triangle.rows):
            return None
        return triangle.rows[self.cohort].cohort


class RetentionCharts(ChartBox):
    KINDS = ("retention",)

    def data_for(self, kind: str):
        analysis = self.analysis
        if analysis is None:
            return None
        return CHARTS[kind].data(analysis.report)  # the triangle, and Kaplan-Meier of the subscriptions

    def current_for(self, kind: str) -> int | None:
        return self.cohort if self.cohort_label() is not None else None

    def marker_for(self, kind: str) -> int | None:
        return self.k_of(self.cohort_label())


class FlowCharts(ChartBox):
    KINDS = ("flow",)


class ChurnCharts(ChartBox):
    KINDS = ("churn", "revenue")

    def watch_analysis(self) -> None:
        super().watch_analysis()
        if self.is_mounted:
            flow = self.analysis.report.flow if self.analysis is not None else None
            self.chart("revenue").display = bool(flow is not None and flow.has_revenue)


class NpsCharts(ChartBox):
    KINDS = ("nps", "nps_distribution")

    def _stats(self) -> NpsStats | None:
        """The current period's responses when it has some, else all responses."""
        summary = self.analysis.report.nps if self.analysis is not None else None
        if summary is None:
            return None
        label = self.period_label()
        current = next((s for s in summary.by_period if s.label == label), None)
        return current if current is not None and current.responses else summary.overall

    def data_for(self, kind: str):
        if self.analysis is None:
            return None
        return self.analysis.report.nps if kind == "nps" else self._stats()

    def _give_position(self) -> None:
        super()._give_position()
        chart = self.chart("nps_distribution")
        stats = self._stats()
        if stats is not chart.data:
            chart.data = stats

    def marker_for(self, kind: str) -> int | None:
        summary = self.analysis.report.nps if self.analysis is not None else None
        if summary is None or kind != "nps":
            return None
        label = self.period_label()
        return next((i for i, s in enumerate(summary.by_period) if s.label == label), None)


class CltvCharts(ChartBox):
    KINDS = ("cltv",)

    def data_for(self, kind: str):
        return self.analysis.report.cltv if self.analysis is not None else None

    def _cumulative_index(self) -> int | None:
        cltv = self.analysis.report.cltv if self.analysis is not None else None
        label = self.cohort_label()
        if cltv is None or label is None:
            return None
        return next((i for i, r in enumerate(cltv.cumulative) if r.cohort == label), None)

    def current_for(self, kind: str) -> int | None:
        return self._cumulative_index()

    def marker_for(self, kind: str) -> int | None:
        return self.k_of(self.cohort_label()) if self._cumulative_index() is not None else None


class SurvivalCharts(ChartBox):
    KINDS = ("survival", "survival_segments")

    def watch_analysis(self) -> None:
        super().watch_analysis()
        if self.is_mounted:
            report = self.analysis.report if self.analysis is not None else None
            self.chart("survival_segments").display = bool(report is not None
                                                            and CHARTS["survival_segments"].shown(report))

    def data_for(self, kind: str):
        return CHARTS[kind].data(self.analysis.report) if self.analysis is not None else None

    def marker_for(self, kind: str) -> int | None:
        return None  # by tenure, not by calendar period: the current period has no place on it


CHART_BOXES = (RetentionCharts, FlowCharts, ChurnCharts, NpsCharts, CltvCharts, SurvivalCharts)
