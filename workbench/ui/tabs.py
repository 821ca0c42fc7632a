"""Every tab of the main screen, declared once: its id, key, title, what it holds and what ctrl+s exports.

The main screen composes its panes (a pane's widgets when it is first shown: see
:mod:`workbench.ui.tab_pane`), makes its key bindings (``1`` … ``7``, with ids ``tab.<id>`` that help, the
palette and the footer read) and chooses what to export from :data:`TABS`; adding a tab is one entry here and
its panel. Exports come from :mod:`workbench.present`, the same tables as ``workbench report``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from workbench.io.problems import FileReport
from workbench.present.sections import (
    arpu_table,
    churn_table,
    cohort_table,
    files_table,
    flow_table,
    nps_table,
    revenue_cohort_table,
    survival_table,
)
from workbench.present.table import Table
from workbench.ui.charts import (
    ChurnCharts,
    CltvCharts,
    FlowCharts,
    NpsCharts,
    RetentionCharts,
    SurvivalCharts,
)
from workbench.ui.churn_panel import ChurnPanel
from workbench.ui.cltv_panel import CltvPanel
from workbench.ui.cohort_table import CohortTable
from workbench.ui.data_panel import DataPanel
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import FormulaPanel
from workbench.ui.model import Analysis
from workbench.ui.nps_panel import NpsPanel
from workbench.ui.survival_panel import SurvivalPanel


@dataclass(frozen=True)
class ExportContext:
    """What an export may read: the analysis on screen, what the triangle's cells show (percent, counts,
    revenue, revenue_pct) and the files' reports."""

    analysis: Analysis | None
    cells: str
    reports: list[FileReport]


@dataclass(frozen=True)
class Tab:
    """``compose`` yields the pane's widgets; ``export`` the table ctrl+s writes (None: nothing yet)."""

    id: str
    key: str
    title: str
    compose: Callable[[], Iterator[Widget]]
    export: Callable[[ExportContext], Table | None]

    def binding(self) -> Binding:
        return Binding(self.key, f"show_tab('{self.id}')", f"{self.title} tab", show=False, id=f"tab.{self.id}")


def _named(table: Table | None, *parts: str) -> Table | None:
    """The table named for its file: the view and its settings (``flow-month``)."""
    return None if table is None else replace(table, name="-".join(parts))


def _report_export(make: Callable) -> Callable[[ExportContext], Table | None]:
    def export(ctx: ExportContext) -> Table | None:
        if ctx.analysis is None:
            return None
        table = make(ctx.analysis.report)
        return _named(table, table.name, ctx.analysis.spec.unit) if table is not None else None
    return export


def _cohorts_export(ctx: ExportContext) -> Table | None:
    if ctx.analysis is None:
        return None
    report = ctx.analysis.report
    if ctx.cells in ("revenue", "revenue_pct"):  # the revenue triangle does not depend on classic/unbounded
        return _named(revenue_cohort_table(report, ctx.cells == "revenue_pct"), "revenue-cohorts",
                      report.options.period.unit, "percent" if ctx.cells == "revenue_pct" else "money")
    return _named(cohort_table(report, ctx.cells == "percent"), "cohorts", report.options.period.unit,
                  report.options.retention, ctx.cells)


def _cohorts_pane() -> Iterator[Widget]:
    with Vertical(id="cohorts-box"):
        yield CohortTable(id="cohort-table")
        yield Static(id="legend")
    with Vertical(id="cohorts-side"):
        yield FormulaPanel(id="formula")
        yield RetentionCharts(id="retention-charts", classes="charts")


def _pair(panel, charts) -> Callable[[], Iterator[Widget]]:
    def compose() -> Iterator[Widget]:
        yield panel()
        yield charts(classes="charts")
    return compose


TABS: tuple[Tab, ...] = (
    Tab("cohorts", "1", "Cohorts", _cohorts_pane, _cohorts_export),
    Tab("flow", "2", "Flow", _pair(lambda: FlowView(id="flow-view"), FlowCharts), _report_export(flow_table)),
    Tab("churn", "3", "Churn", _pair(lambda: ChurnPanel(id="churn-panel"), ChurnCharts),
        _report_export(churn_table)),
    Tab("nps", "4", "NPS", _pair(lambda: NpsPanel(id="nps-panel"), NpsCharts), _report_export(nps_table)),
    Tab("cltv", "5", "CLTV", _pair(lambda: CltvPanel(id="cltv-panel"), CltvCharts), _report_export(arpu_table)),
    Tab("data", "6", "Data", lambda: iter([DataPanel(id="data-panel")]),
        lambda ctx: replace(files_table(ctx.reports), name="data-files") if ctx.reports else None),
    Tab("survival", "7", "Survival", _pair(lambda: SurvivalPanel(id="survival-panel"), SurvivalCharts),
        _report_export(survival_table)),
)
TAB_IDS = tuple(tab.id for tab in TABS)


def tab(tab_id: str) -> Tab:
    return next(t for t in TABS if t.id == tab_id)
