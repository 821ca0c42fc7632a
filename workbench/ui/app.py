"""The Retention Workbench app: wiring only (screens, bindings, workers, who gets which numbers).

Loading and every computation run in thread workers; widgets receive ready numbers through reactive
attributes and report the analyst's moves with messages. n/p only move an index: the metrics of every
period are computed once per view setting (granularity, classic/unbounded).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from workbench.charts.render import wants_ascii
from workbench.io import LoadOptions
from workbench.io.load import LoadResult
from workbench.io.problems import Severity
from workbench.metrics import AnalysisOptions, customers_behind_cell, customers_in_flow
from workbench.ui.charts import ChartBox, ChurnCharts, CltvCharts, FlowCharts, NpsCharts, RetentionCharts
from workbench.ui.churn_panel import ChurnPanel
from workbench.ui.cltv_panel import CltvPanel
from workbench.ui.cohort_table import CohortTable
from workbench.ui.commands import ActionCommands
from workbench.ui.customers_screen import CustomersScreen
from workbench.ui.data_panel import DataPanel
from workbench.ui.export import default_filename, write_table
from workbench.ui.export_dialog import ExportDialog
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import CellInfo, FormulaPanel
from workbench.ui.help_screen import HelpScreen, binding_rows
from workbench.ui.loading import load_and_compute
from workbench.ui.model import Analysis, ViewSettings, compute
from workbench.ui.nps_panel import NpsPanel
from workbench.ui.problems_screen import ProblemsScreen
from workbench.ui.ramp import STEPS, build_ramp
from workbench.ui.views import cell_info, formula_view, status_line

TABS = ("cohorts", "flow", "churn", "nps", "cltv", "data")
PLAY_SECONDS = 0.8

ABOUT = ("CRR = ((CE − CN) / CS) × 100: CS customers at the start of a period, CN new during it, CE at its end. "
         "Cells marked ~ belong to a period that is not over. Values from data files are shown literally.")


class RetentionApp(App[None]):
    """Cohorts and the retention formula, period by period, with churn, NPS, CLTV and the loaded data."""

    TITLE = "Retention Workbench"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    BINDINGS = [
        Binding("n", "next_period", "Next period", id="period.next"),
        Binding("p", "prev_period", "Prev period", id="period.prev"),
        Binding("space", "toggle_play", "Play/stop", id="period.play",
                tooltip="Step through the periods on its own, to watch the cohorts age"),
        Binding("c", "toggle_percent", "Counts/%", id="view.percent"),
        Binding("u", "toggle_retention", "Classic/unbounded", id="view.retention"),
        Binding("t", "next_unit", "Granularity", id="view.unit_next",
                tooltip="day → week → month → quarter → year"),
        Binding("T", "prev_unit", "Granularity back", show=False, id="view.unit_prev"),
        Binding("v", "toggle_curves", "Curves/formula", show=False, id="view.curves",
                tooltip="Under the triangle: the retention curves or the formula (wide terminals show both)"),
        Binding("a", "toggle_ascii", "ASCII/Unicode charts", show=False, id="view.ascii",
                tooltip="Plain ASCII charts for terminals that cannot show braille and box characters"),
        Binding("1", "show_tab('cohorts')", "Cohorts tab", show=False, id="tab.cohorts"),
        Binding("2", "show_tab('flow')", "Flow tab", show=False, id="tab.flow"),
        Binding("3", "show_tab('churn')", "Churn tab", show=False, id="tab.churn"),
        Binding("4", "show_tab('nps')", "NPS tab", show=False, id="tab.nps"),
        Binding("5", "show_tab('cltv')", "CLTV tab", show=False, id="tab.cltv"),
        Binding("6", "show_tab('data')", "Data tab", show=False, id="tab.data"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("f1", "help", "Help", show=False, id="app.help_f1"),
        Binding("ctrl+s", "export", "Export view", id="app.export",
                tooltip="Write the current view's table to CSV (or Markdown for .md)"),
        Binding("ctrl+r", "reload", "Reload", id="app.reload"),
        Binding("escape", "back", "Back", show=False, id="app.back",
                tooltip="Cancel loading, stop playing, or go back to the Cohorts tab"),
    ]

    period: reactive[int] = reactive(0, bindings=True, init=False)  # position in the flow rows
    playing: reactive[bool] = reactive(False, bindings=True, init=False)
    loading: reactive[bool] = reactive(False, bindings=True, init=False)
    ascii_charts: reactive[bool] = reactive(False, init=False)  # plain ASCII charts; the chart boxes read it

    def __init__(self, paths: list[str] | None = None, load_options: LoadOptions | None = None,
                 settings: ViewSettings | None = None, *, ascii_charts: bool = False) -> None:
        super().__init__()
        self.paths = list(paths or [])
        self.load_options = load_options or LoadOptions()
        self.settings = settings or ViewSettings()
        self.load_result: LoadResult | None = None
        self.analysis: Analysis | None = None
        self.cell: CellInfo | None = None
        self.started = time.perf_counter()
        self.set_reactive(RetentionApp.ascii_charts, ascii_charts)
        self.first_screen_seconds: float | None = None
        self.last_step_seconds: float | None = None
        self._timer = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(Text("Retention Workbench"), id="status")
        with Horizontal(id="loading"):
            yield Static(Text("Loading…"), id="loading-label")
            yield ProgressBar(total=1.0, show_eta=False, id="loading-bar")
        with TabbedContent(initial="cohorts", id="tabs"):
            with TabPane("Cohorts", id="cohorts"):
                with Vertical(id="cohorts-box"):
                    yield CohortTable(id="cohort-table")
                    yield Static(id="legend")
                with Vertical(id="cohorts-side"):
                    yield FormulaPanel(id="formula")
                    yield RetentionCharts(id="retention-charts", classes="charts")
            with TabPane("Flow", id="flow"):
                yield FlowView(id="flow-view")
                yield FlowCharts(classes="charts")
            with TabPane("Churn", id="churn"):
                yield ChurnPanel(id="churn-panel")
                yield ChurnCharts(classes="charts")
            with TabPane("NPS", id="nps"):
                yield NpsPanel(id="nps-panel")
                yield NpsCharts(classes="charts")
            with TabPane("CLTV", id="cltv"):
                yield CltvPanel(id="cltv-panel")
                yield CltvCharts(classes="charts")
            with TabPane("Data", id="data"):
                yield DataPanel(id="data-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # The main screen's widgets, kept so that a dialog on top never hides them from a query.
        self.table = self.query_one(CohortTable)
        self.formula = self.query_one(FormulaPanel)
        self.flow_view = self.query_one(FlowView)
        self.panels = (self.flow_view, self.query_one(ChurnPanel), self.query_one(NpsPanel),
                       self.query_one(CltvPanel))
        self.data_panel = self.query_one(DataPanel)
        self.charts = tuple(self.query(ChartBox))
        self.tabs = self.query_one(TabbedContent)
        self.status = self.query_one("#status", Static)
        self.loading_box = self.query_one("#loading")
        self.loading_label = self.query_one("#loading-label", Static)
        self.loading_bar = self.query_one("#loading-bar", ProgressBar)
        self.legend = self.query_one("#legend", Static)
        self.theme_changed_signal.subscribe(self, lambda _theme: self._apply_ramp())
        self._apply_ramp()
        self.table.focus()
        self.start_loading()

    # ------------------------------------------------------------ loading and computing (workers)

    def start_loading(self) -> None:
        self.loading = True
        self.loading_box.display = True
        self.loading_bar.update(progress=0)
        self.load_data(self.paths or None, self.load_options, self.settings)

    @work(thread=True, exclusive=True, group="data")
    def load_data(self, paths: list[str] | None, options: LoadOptions, settings: ViewSettings) -> None:
        worker = get_current_worker()

        def progress(message: str, fraction: float) -> None:
            if not worker.is_cancelled:
                self.call_from_thread(self._progress, message, fraction)

        try:
            loaded = load_and_compute(paths, options, settings, progress, lambda: worker.is_cancelled)
        except FileNotFoundError as exc:  # the bundled sample data is missing from the installation
            self.call_from_thread(self._load_failed, str(exc))
            return
        if loaded is not None:
            self.call_from_thread(self._loaded, loaded.result, loaded.analysis, loaded.error)

    @work(thread=True, exclusive=True, group="data")
    def recompute(self, result: LoadResult, settings: ViewSettings) -> None:
        worker = get_current_worker()
        try:
            analysis = compute(result, settings)
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self.notify, f"Could not compute: {exc}", severity="error", markup=False)
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._show_analysis, analysis)

    def _progress(self, message: str, fraction: float) -> None:
        self.loading_label.update(Text(message[-60:]))
        self.loading_bar.update(progress=fraction)

    def _load_failed(self, message: str) -> None:
        self.loading = False
        self.loading_box.display = False
        self.formula.update(Text(message))
        self.notify(message, severity="error", markup=False, timeout=10)

    def _loaded(self, result: LoadResult, analysis: Analysis | None, error: str | None) -> None:
        self.loading = False
        self.loading_box.display = False
        self.load_result = result
        self.data_panel.reports = result.reports
        if analysis is not None:
            self._show_analysis(analysis)
        else:
            reason = error or "No file could be used, so there is nothing to show."
            self.formula.update(Text(f"{reason}\nThe Data tab (6) lists each file's problems; "
                                                     "fix them and press ctrl+r to reload."))
            for panel in (*self.panels, *self.charts):
                panel.analysis = None
        if result.exit_status >= Severity.WARNING or (result.reports and not result.datasets):
            self.push_screen(ProblemsScreen(result.reports, usable=bool(result.datasets)))
        if self.first_screen_seconds is None:
            self.call_after_refresh(self._first_screen_done)

    def _first_screen_done(self) -> None:
        self.first_screen_seconds = time.perf_counter() - self.started

    def _show_analysis(self, analysis: Analysis) -> None:
        old = self.analysis
        self.analysis = analysis
        position = len(analysis.flow_rows) - 1
        if old is not None and old.flow_rows and analysis.flow_rows:
            anchor = old.flow_rows[min(self.period, len(old.flow_rows) - 1)].start
            position = next((i for i, r in enumerate(analysis.flow_rows) if r.start <= anchor < r.end), position)
        table = self.table
        table.percent = self.settings.percent
        table.triangle = analysis.report.cohorts
        self._update_legend()
        for panel in (*self.panels, *self.charts):
            panel.analysis = analysis
        self.period = max(position, 0)
        self._sync_period(move_cursor=True)
        self._update_status()

    # ------------------------------------------------------------ the current period

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        count = len(self.analysis.flow_rows) if self.analysis else 0
        if action == "next_period":
            return None if self.period >= count - 1 else True
        if action == "prev_period":
            return None if self.period <= 0 else True
        if action == "toggle_play":
            return True if count > 1 else None
        return True

    def watch_period(self) -> None:
        self._sync_period(move_cursor=True)

    def _sync_period(self, move_cursor: bool) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        table = self.table
        calendar = analysis.period_index[self.period] if analysis.period_index else None
        table.current = calendar
        if move_cursor and calendar is not None:
            target = table.position_for(calendar, table.cursor_coordinate.row)
            if target is not None:
                table.move_cursor(row=target[0], column=target[1], animate=False)
                self.cell = cell_info(analysis, table.triangle_row(target[0]), target[1])
        for panel in self.panels:
            panel.position = self.period
        self._give_cohort()
        self.formula.view = formula_view(analysis, self.period, self.cell)

    def _give_cohort(self) -> None:
        """Charts follow the period and the cohort; only those on screen now, the others when shown."""
        cohort = self.table.triangle_row(self.table.cursor_coordinate.row)
        for box in self.charts:
            if box.display and box.parent is not None and box.parent.display:
                box.position = self.period
                box.cohort = cohort

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.call_after_refresh(self._give_cohort)

    @on(CohortTable.CursorMoved)
    def _cursor_moved(self, event: CohortTable.CursorMoved) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        self.cell = cell_info(analysis, event.row, event.k)
        position = analysis.flow_position(event.calendar_index) if event.calendar_index is not None else None
        if position is not None and position != self.period:
            self.period = position
        self._give_cohort()
        self.formula.view = formula_view(analysis, self.period, self.cell)

    @on(FlowView.PeriodChosen)
    def _flow_period(self, event: FlowView.PeriodChosen) -> None:
        if event.position != self.period:
            self.period = event.position

    def action_next_period(self) -> None:
        if self.analysis and self.period < len(self.analysis.flow_rows) - 1:
            self._time_step()
            self.period += 1

    def action_prev_period(self) -> None:
        if self.period > 0:
            self._time_step()
            self.period -= 1

    def _time_step(self) -> None:
        """Measure one step: from the key's action to the screen drawn (``last_step_seconds``)."""
        started = time.perf_counter()

        def done() -> None:
            self.last_step_seconds = time.perf_counter() - started

        self.call_after_refresh(done)

    def action_toggle_play(self) -> None:
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            if self.analysis and self.period >= len(self.analysis.flow_rows) - 1:
                self.period = 0
            self._timer = self.set_interval(PLAY_SECONDS, self._play_step)
        self._update_status()

    def _play_step(self) -> None:
        if self.analysis is None or self.period >= len(self.analysis.flow_rows) - 1:
            self.playing = False
        else:
            self.period += 1

    # ------------------------------------------------------------ view toggles

    def _change(self, **changes) -> None:
        new = replace(self.settings, **changes)
        recompute = new.key() != self.settings.key()
        self.settings = new
        self.table.percent = new.percent
        self._update_status()
        if recompute and self.load_result is not None and self.load_result.datasets:
            self.notify(f"Computing by {new.unit}, {new.retention}…", timeout=2)
            self.recompute(self.load_result, new)

    def action_toggle_percent(self) -> None:
        self._change(percent=not self.settings.percent)

    def action_toggle_retention(self) -> None:
        self._change(retention="unbounded" if self.settings.retention == "classic" else "classic")

    def action_toggle_curves(self) -> None:
        """Swap the formula panel under the triangle for the retention curves, and back. On terminals of 150
        columns or more both sit beside the triangle and this only remembers the choice for narrower ones."""
        self.query_one("#cohorts", TabPane).toggle_class("-curves")
        if self.tabs.active != "cohorts":
            self.action_show_tab("cohorts")
        self.call_after_refresh(self._give_cohort)  # the curves just became visible: give them the cursor

    def watch_ascii_charts(self, ascii_charts: bool) -> None:
        for box in self.charts:
            box.ascii = ascii_charts

    def action_toggle_ascii(self) -> None:
        self.ascii_charts = not self.ascii_charts
        self.notify("Charts in plain ASCII." if self.ascii_charts else "Charts in braille and box characters.")

    def action_next_unit(self) -> None:
        self._change(unit=self.settings.with_unit_step(1).unit)

    def action_prev_unit(self) -> None:
        self._change(unit=self.settings.with_unit_step(-1).unit)

    def action_show_tab(self, tab: str) -> None:
        self.tabs.active = tab
        self.call_after_refresh(self._focus_tab_content)

    def _focus_tab_content(self) -> None:
        pane = self.tabs.active_pane
        if pane is not None:
            focusable = [w for w in pane.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()

    def _update_status(self) -> None:
        text = status_line(self.analysis, self.settings.percent, self.playing)
        if self.analysis is not None and self.analysis.settings.key() != self.settings.key():
            text += f"  ·  computing by {self.settings.unit}…"
        self.status.update(Text(text))

    def _apply_ramp(self) -> None:
        self.table.ramp = build_ramp(self.get_css_variables(), ansi=self.current_theme.ansi)
        self._update_legend()

    def _update_legend(self) -> None:
        ramp = self.table.ramp
        if ramp is None:
            return
        legend = Text()
        legend.append("%")
        for index in range(STEPS):
            legend.append(f" {index * 100 // STEPS}+ ", style=ramp.styles[index])
        legend.append(" · ~ not over · underlined: current period")
        self.legend.update(legend)

    # ------------------------------------------------------------ dialogs, export, reload, back

    def action_help(self) -> None:
        focused_help = getattr(self.focused, "HELP", None) if self.focused is not None else None
        about = f"{focused_help}\n\n{ABOUT}" if focused_help else ABOUT
        self.push_screen(HelpScreen(binding_rows(self.screen), about))

    @on(CohortTable.CellSelected)
    def _cell_selected(self, event: CohortTable.CellSelected) -> None:
        analysis = self.analysis
        if analysis is None or analysis.report.cohorts is None or self.load_result is None:
            return
        info = cell_info(analysis, event.row, event.k)
        if info is None:
            return
        self.show_customers(info)

    @on(FlowView.CustomersWanted)
    def _flow_customers(self, event: FlowView.CustomersWanted) -> None:
        if self.analysis is not None and self.load_result is not None:
            self.show_flow_customers(self.analysis.flow_rows[event.position].period, event.term)

    @work(thread=True, exclusive=True, group="customers")
    def show_flow_customers(self, period: str, term: str) -> None:
        analysis = self.analysis
        assert analysis is not None and self.load_result is not None and analysis.report.flow is not None
        dataset = self.load_result.datasets[analysis.report.flow.kind]
        ids = customers_in_flow(dataset, analysis.report.options, period, term)
        title = f"{analysis.spec.noun.capitalize()} {period}: {term} customers"
        self.call_from_thread(self.push_screen, CustomersScreen(title, list(ids), f"{term}-{period}"))

    @work(thread=True, exclusive=True, group="customers")
    def show_customers(self, info: CellInfo) -> None:
        analysis = self.analysis
        assert analysis is not None and self.load_result is not None
        dataset = self.load_result.datasets[analysis.report.cohorts.kind]
        ids = customers_behind_cell(dataset, analysis.report.options, info.cohort, info.k)
        title = f"Cohort {info.cohort}, +{info.k} {info.noun}s ({info.period}): active customers"
        name = f"customers-{info.cohort}-plus{info.k}"
        self.call_from_thread(self.push_screen, CustomersScreen(title, list(ids), name))

    def current_export(self):
        """The table of what is on screen: a dialog's own table, else the active tab's."""
        if hasattr(self.screen, "export_table"):
            return self.screen.export_table()
        targets = dict(zip(TABS, (self.table, *self.panels), strict=False))
        target = targets.get(self.tabs.active)
        if target is None:
            return self.data_panel.export_table()
        return target.export_table()

    def action_export(self) -> None:
        table = self.current_export()
        if table is None or not table.headers:
            self.notify("Nothing to export in this view yet.", severity="warning")
            return

        def write(path: str | None) -> None:
            if not path:
                return
            try:
                written = write_table(table, path)
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"Wrote {len(table.rows):,} rows to {written}", title="Exported", markup=False)

        self.push_screen(ExportDialog(str(Path.cwd() / default_filename(table, "csv"))), write)

    def action_reload(self) -> None:
        self.playing = False
        self.start_loading()

    def action_back(self) -> None:
        if self.loading:
            self.workers.cancel_group(self, "data")
            self.loading = False
            self.loading_box.display = False
            self.notify("Loading cancelled; ctrl+r loads again.")
        elif self.playing:
            self.playing = False
        elif self.tabs.active != "cohorts":
            self.action_show_tab("cohorts")


def run_app(paths: list[str], load_options: LoadOptions, analysis: AnalysisOptions | None = None,
            ascii_charts: bool | None = None) -> None:
    """Open the app (``workbench [PATH...]``); with no path, the bundled sample data. ``ascii_charts``
    None: plain ASCII charts when the terminal's encoding or the locale is not UTF-8."""
    settings = ViewSettings() if analysis is None else ViewSettings.from_options(analysis)
    if ascii_charts is None:
        ascii_charts = wants_ascii(sys.__stdout__)
    RetentionApp(paths, load_options, settings, ascii_charts=ascii_charts).run()
