"""The Retention Workbench app: wiring only. The app owns the data (files, view settings, the analysis) and
the workers that load and compute it; :class:`~workbench.ui.main_screen.MainScreen` owns the layout and the
keys that move through the numbers; dialogs are screens of their own.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import get_current_worker

from workbench.charts.render import wants_ascii
from workbench.io import LoadOptions
from workbench.io.load import LoadResult
from workbench.io.problems import Severity
from workbench.metrics import AnalysisOptions, customers_behind_cell, customers_in_flow
from workbench.metrics.engines.sources import EngineError, SourceChoice
from workbench.present.table import counted
from workbench.present.writers import default_filename, write_table
from workbench.ui.cohort_table import CohortTable
from workbench.ui.commands import ActionCommands
from workbench.ui.confirm_dialog import ConfirmDialog
from workbench.ui.customers_screen import CustomerSource, CustomersScreen
from workbench.ui.export_dialog import ExportDialog
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import CellInfo
from workbench.ui.help_screen import HelpScreen, binding_rows
from workbench.ui.loading import load_and_compute
from workbench.ui.main_screen import MainScreen
from workbench.ui.model import Analysis, ViewSettings, compute
from workbench.ui.problems_screen import ProblemsScreen
from workbench.ui.views import cell_info

ABOUT = ("CRR = ((CE − CN) / CS) × 100: CS customers at the start of a period, CN new during it, CE at its end. "
         "Cells marked ~ belong to a period that is not over. Values from data files are shown literally.")


class RetentionApp(App[None]):
    """Cohorts and the retention formula, period by period, with churn, NPS, CLTV and the loaded data."""

    TITLE = "Retention Workbench"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    loading: reactive[bool] = reactive(False, init=False)
    ascii_charts: reactive[bool] = reactive(False, init=False)  # plain ASCII charts; the chart boxes read it

    def __init__(self, paths: list[str] | None = None, load_options: LoadOptions | None = None,
                 settings: ViewSettings | None = None, *, ascii_charts: bool = False,
                 source: SourceChoice | None = None, keymap: dict[str, str] | None = None,
                 theme: str | None = None) -> None:
        super().__init__()
        if keymap:  # the settings file's [keys] (checked by workbench.ui.keymap): footer, help, palette follow
            self.set_keymap(keymap)
        if theme:
            self.theme = theme
        self.paths = list(paths or [])
        self.source = source  # --engine/--table: which engine reduces the rows (None: polars)
        self.load_options = load_options or LoadOptions()
        self.settings = settings or ViewSettings()
        self.load_result: LoadResult | None = None
        self.cache: dict = {}  # reductions of load_result, reused by toggles that keep the period
        self.main = MainScreen()
        self.started = time.perf_counter()
        self.set_reactive(RetentionApp.ascii_charts, ascii_charts)
        self.first_screen_seconds: float | None = None

    def get_default_screen(self) -> Screen:
        return self.main

    @on(MainScreen.Ready)
    def _screen_ready(self) -> None:
        self.start_loading()

    @property
    def analysis(self) -> Analysis | None:
        return self.main.analysis

    # ------------------------------------------------------------ loading and computing (workers)

    def start_loading(self) -> None:
        self.loading = True
        self.main.show_loading(True)
        self.load_data(self.paths or None, self.load_options, self.settings)

    def cancel_loading(self) -> None:
        """Escape while loading: the load stops; what was loaded before (if anything) stays, as it was."""
        self.workers.cancel_group(self, "data")
        self.loading = False
        self.main.show_loading(False)
        if self.main.analysis is None:
            self.main.show_message("Loading cancelled (escape); ctrl+r loads again.")
        else:
            self.notify("Reload cancelled: still showing the data loaded before; ctrl+r loads again.")

    @work(thread=True, exclusive=True, group="data")
    def load_data(self, paths: list[str] | None, options: LoadOptions, settings: ViewSettings) -> None:
        worker = get_current_worker()

        def progress(message: str, fraction: float) -> None:
            if not worker.is_cancelled:
                self.call_from_thread(self.main.show_progress, message, fraction)

        try:
            loaded = load_and_compute(paths, options, settings, progress, lambda: worker.is_cancelled, self.source)
        except (FileNotFoundError, EngineError) as exc:  # no bundled sample; an engine that cannot reach the data
            self.call_from_thread(self._load_failed, str(exc))
            return
        if loaded is not None:
            self.call_from_thread(self._loaded, loaded.result, loaded.analysis, loaded.error, loaded.cache)

    @work(thread=True, exclusive=True, group="data")
    def recompute(self, result: LoadResult, settings: ViewSettings) -> None:
        worker = get_current_worker()
        try:
            analysis = compute(result, settings, self.cache)
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self._compute_failed, f"Could not compute: {exc}")
            return
        if not worker.is_cancelled:
            self.call_from_thread(self.main.show_analysis, analysis)

    def change_settings(self, new: ViewSettings) -> None:
        """The view toggles: recompute when what the numbers depend on changed (what the cells show does not)."""
        recompute = new.key() != self.settings.key()
        self.settings = new
        if recompute and self.load_result is not None and self.load_result.datasets:
            self.notify(f"Computing by {new.unit}, {new.retention}…", timeout=2)
            self.recompute(self.load_result, new)

    def _compute_failed(self, message: str) -> None:
        """Keep what is on screen, and the settings it was computed with (a cohort table refuses a period its
        labels do not fit): the status line must not wait for a computation that will not come."""
        if self.analysis is not None:
            self.settings = replace(self.analysis.settings, cells=self.settings.cells)
        self.main.update_status()
        self.notify(message, severity="error", markup=False)

    def _load_failed(self, message: str) -> None:
        self.loading = False
        self.main.show_loading(False)
        self.main.show_message(message)
        self.notify(message, severity="error", markup=False, timeout=10)

    def _loaded(self, result: LoadResult, analysis: Analysis | None, error: str | None, cache: dict) -> None:
        self.loading = False
        self.main.show_loading(False)
        self.load_result = result
        self.cache = cache
        self.main.show_reports(result.reports)
        if analysis is not None:
            self.settings = replace(analysis.settings, cells=self.settings.cells)  # a table's own period
            self.main.show_analysis(analysis)
        else:
            reason = error or _unusable(result)
            self.main.show_message(f"{reason}\nThe Data tab (6) lists each file's problems; "
                                   "fix them and press ctrl+r to reload.")
        if result.exit_status >= Severity.WARNING or (result.reports and not result.datasets):
            self.push_screen(ProblemsScreen(result.reports, usable=bool(result.datasets)))
        if self.first_screen_seconds is None:
            self.call_after_refresh(self._first_screen_done)

    def _first_screen_done(self) -> None:
        self.first_screen_seconds = time.perf_counter() - self.started

    @on(MainScreen.Pending)
    def _forecast_pending(self, event: MainScreen.Pending) -> None:
        if self.load_result is not None:
            self.complete_forecast(self.load_result, event.analysis)

    @work(thread=True, exclusive=True, group="forecast")
    def complete_forecast(self, result: LoadResult, pending: Analysis) -> None:
        """The sBG forecast of the analysis on screen, after its numbers (the reductions come from the cache)."""
        worker = get_current_worker()
        try:
            complete = compute(result, pending.settings, self.cache, forecast=True)
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never a traceback
            self.call_from_thread(self.notify, f"Could not fit the forecast: {exc}", severity="warning",
                                  markup=False)
            return
        if not worker.is_cancelled:
            self.call_from_thread(self.main.complete_analysis, pending, complete)

    # ------------------------------------------------------------ the customers behind a number

    @on(CohortTable.CellSelected)
    def _cell_selected(self, event: CohortTable.CellSelected) -> None:
        analysis = self.analysis
        if analysis is None or analysis.report.cohorts is None or self.load_result is None:
            return
        info = cell_info(analysis, event.row, event.k)
        if info is not None:
            self.show_customers(info)

    @on(FlowView.CustomersWanted)
    def _flow_customers(self, event: FlowView.CustomersWanted) -> None:
        if self.analysis is not None and self.load_result is not None:
            self.show_flow_customers(self.analysis.flow_rows[event.position].period, event.term)

    def _dataset_for(self, kind: str):
        """The loaded dataset behind the analysis on screen (None when a later load replaced it)."""
        datasets = self.load_result.datasets if self.load_result is not None else {}
        return datasets.get(kind)

    @work(thread=True, exclusive=True, group="customers")
    def show_flow_customers(self, period: str, term: str) -> None:
        analysis = self.analysis
        if analysis is None or analysis.report.flow is None:
            return
        dataset = self._dataset_for(analysis.report.flow.kind)
        if dataset is None:
            self.call_from_thread(self.notify, "That data is no longer loaded; ctrl+r loads again.")
            return
        try:
            ids = customers_in_flow(dataset, analysis.report.options, period, term)
        except ValueError as exc:  # a cohort table has no ids behind its numbers: say so
            self.call_from_thread(self.notify, str(exc), severity="warning", markup=False)
            return
        title = f"{analysis.spec.noun.capitalize()} {period}: {term} customers"
        source = CustomerSource(self.load_result.datasets, dataset.kind, analysis.report.options)
        self.call_from_thread(self.push_screen, CustomersScreen(title, list(ids), f"{term}-{period}", source))

    @work(thread=True, exclusive=True, group="customers")
    def show_customers(self, info: CellInfo) -> None:
        analysis = self.analysis
        if analysis is None or analysis.report.cohorts is None:
            return
        dataset = self._dataset_for(analysis.report.cohorts.kind)
        if dataset is None:
            self.call_from_thread(self.notify, "That data is no longer loaded; ctrl+r loads again.")
            return
        try:
            ids = customers_behind_cell(dataset, analysis.report.options, info.cohort, info.k)
        except ValueError as exc:  # a cohort table has no ids behind its numbers: say so
            self.call_from_thread(self.notify, str(exc), severity="warning", markup=False)
            return
        title = f"Cohort {info.cohort}, +{info.k} {info.noun}s ({info.period}): active customers"
        name = f"customers-{info.cohort}-plus{info.k}"
        source = CustomerSource(self.load_result.datasets, dataset.kind, analysis.report.options)
        self.call_from_thread(self.push_screen, CustomersScreen(title, list(ids), name, source))

    # ------------------------------------------------------------ help, export, reload, ASCII

    def action_help(self) -> None:
        focused_help = getattr(self.focused, "HELP", None) if self.focused is not None else None
        about = f"{focused_help}\n\n{ABOUT}" if focused_help else ABOUT
        self.push_screen(HelpScreen(binding_rows(self.screen), about))

    def current_export(self):
        """The table of what is on screen: a dialog's own table, else the active tab's."""
        if hasattr(self.screen, "export_table"):
            return self.screen.export_table()
        return self.main.current_export()

    def action_export(self) -> None:
        table = self.current_export()
        if table is None or not table.headers:
            self.notify("Nothing to export in this view yet.", severity="warning")
            return

        def write(path: str) -> None:
            try:
                written = write_table(table, path)
            except OSError as exc:
                self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"Wrote {counted(len(table.rows), 'row')} to {written}", title="Exported", markup=False)

        def chosen(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            if not target.exists():
                write(path)
                return
            if target.is_dir():
                self.notify(f"{path} is a folder; name a file.", severity="error", markup=False)
                return
            question = f"Replace {target}?"
            detail = "It exists; its contents are replaced (its permissions are kept)."
            self.push_screen(ConfirmDialog(question, detail), lambda yes: write(path) if yes else None)

        self.push_screen(ExportDialog(str(Path.cwd() / default_filename(table, "csv"))), chosen)

    def action_reload(self) -> None:
        self.main.playing = False
        self.start_loading()

    def watch_ascii_charts(self, ascii_charts: bool) -> None:
        for box in self.main.charts if self.main.is_mounted else ():
            box.ascii = ascii_charts

    def action_toggle_ascii(self) -> None:
        self.ascii_charts = not self.ascii_charts
        self.notify("Charts in plain ASCII." if self.ascii_charts else "Charts in braille and box characters.")


def _unusable(result: LoadResult) -> str:
    """Why nothing can be shown: the first error of each file (a moved file: 'no such file')."""
    reasons = [f"{report.path}: {problem.message}" for report in result.reports
               for problem in report.problems[:1]]
    head = "No file could be used, so there is nothing to show."
    return head + ("\n" + "\n".join(reasons[:3]) if reasons else "")


def run_app(paths: list[str], load_options: LoadOptions, analysis: AnalysisOptions | None = None,
            ascii_charts: bool | None = None, source: SourceChoice | None = None,
            keymap: dict[str, str] | None = None, theme: str | None = None) -> int:
    """Open the app (``workbench [PATH...]``); with no path, the bundled sample data. ``ascii_charts``
    None: plain ASCII charts when the terminal's encoding or the locale is not UTF-8. ``keymap`` and ``theme``
    come from the settings file (checked before: see workbench.ui.keymap)."""
    settings = ViewSettings() if analysis is None else ViewSettings.from_options(analysis)
    if ascii_charts is None:
        ascii_charts = wants_ascii(sys.__stdout__)
    app = RetentionApp(paths, load_options, settings, ascii_charts=ascii_charts, source=source, keymap=keymap,
                       theme=theme)
    app.run()
    return app.return_code or 0
