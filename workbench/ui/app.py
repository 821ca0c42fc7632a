"""The Retention Workbench app: wiring only. The app owns the data (files, view settings, the analysis) and
the workers that load and compute it; :class:`~workbench.ui.main_screen.MainScreen` owns the layout and the
keys that move through the numbers; dialogs are screens of their own.
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import replace
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
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
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import CellInfo
from workbench.ui.loading import (
    CLOCK_SECONDS,
    Cancelled,
    Job,
    compute_analysis,
    load_and_compute,
    run_in_thread,
)
from workbench.ui.main_screen import MainScreen
from workbench.ui.model import Analysis, ViewSettings, compute
from workbench.ui.problems_screen import ProblemsScreen
from workbench.ui.views import cell_info

# The dialogs and the customers screen are imported where they open, not with the app: the first screen does
# not wait for them (workbench.ui.keymap imports them all, to know every binding a settings file may name).

ABOUT = ("CRR = ((CE − CN) / CS) × 100: CS customers at the start of a period, CN new during it, CE at its end. "
         "Cells marked ~ belong to a period that is not over. Values from data files are shown literally.")


class RetentionApp(App[None]):
    """Cohorts and the retention formula, period by period, with churn, NPS, CLTV and the loaded data."""

    TITLE = "Retention Workbench"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    loading: reactive[bool] = reactive(False, init=False)  # a job (a load or a computation) is running
    job: Job | None = None  # the running job (see start_loading and start_computing)
    _clock: Timer | None = None  # draws the loading line from the job's progress
    _shown: tuple[str, float] | None = None  # what the loading line shows
    ascii_charts: reactive[bool] = reactive(False, init=False)  # plain ASCII charts; the chart boxes read it
    collector_paused = False  # run_app turned Python's cyclic garbage collector off for the start (see there)

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

    # ------------------------------------------------------------ loading and computing (jobs, in workers)

    def start_loading(self) -> None:
        """Load the files and compute (ctrl+r: again). A job already running is cancelled."""
        job = self._start_job(Job("load", self.settings, self.job))
        self.main.show_loading(True)
        self._show_job()
        self._load(job, self.paths or None, self.load_options)

    def start_computing(self, settings: ViewSettings) -> None:
        """Compute the loaded data with new view settings; a computation still running is cancelled, and its
        result never shown. The loading line appears if it takes more than a moment (see :meth:`_show_job`)."""
        job = self._start_job(Job("computation", settings, self.job))
        self._compute(job, self.load_result, self.cache)

    def _start_job(self, job: Job) -> Job:
        if self.job is not None:
            self.job.cancel()
        self.job = job
        self.loading = True
        if self._clock is None:
            self._clock = self.set_interval(CLOCK_SECONDS, self._show_job)
        else:
            self._clock.resume()
        return job

    def _show_job(self) -> None:
        """The loading line, from the job's own progress (the clock calls this; the job's thread never waits
        for the screen). A computation's line shows from its second tick on: a quick one does not flash it."""
        job = self.job
        if job is None:
            return
        if not self.main.loading_box.display:
            if job.kind != "load" and job.seconds() < CLOCK_SECONDS:
                return
            self.main.show_loading(True)
        shown = (job.label(), job.progress[1])
        if shown != self._shown:
            self._shown = shown
            self.main.show_progress(*shown)

    def _end_job(self) -> None:
        self.job = None
        self.loading = False
        self._shown = None
        if self._clock is not None:
            self._clock.pause()
        self.main.show_loading(False)
        if self.collector_paused:  # the first load ended: what the start made stays, and is never scanned again
            self.collector_paused = False
            gc.freeze()
            gc.enable()

    def _current(self, job: Job) -> bool:
        """Whether a finished job's result is still wanted: not cancelled, not replaced by a newer job."""
        return job is self.job and not job.cancelled

    def cancel_loading(self) -> None:
        """Escape while loading or computing: the work stops; what was shown before (if anything) stays."""
        job = self.job
        if job is None:
            return
        job.cancel()
        self.workers.cancel_group(self, "data")
        self._end_job()
        if job.kind == "computation":
            self._keep_shown_settings()
            self.notify("Computation cancelled: still showing the numbers as they were.")
        elif self.main.analysis is None:
            self.main.show_message("Loading cancelled (escape); ctrl+r loads again.")
        else:
            self.notify("Reload cancelled: still showing the data loaded before; ctrl+r loads again.")

    @work(exclusive=True, group="data")
    async def _load(self, job: Job, paths: list[str] | None, options: LoadOptions) -> None:
        try:
            loaded = await run_in_thread(job, lambda: load_and_compute(paths, options, job.settings, job,
                                                                       self.source))
        except Cancelled:
            return  # the app said so when it cancelled
        except (FileNotFoundError, EngineError) as exc:  # no bundled sample; an engine that cannot reach the data
            if self._current(job):
                self._load_failed(str(exc))
            return
        if not self._current(job):  # cancelled after its last step: dropped
            job.close_opened()
            return
        wanted = self.settings  # changed during the load (t, u...)? it computed with those it started with
        self._end_job()
        self._loaded(loaded.result, loaded.analysis, loaded.error, loaded.cache)
        if loaded.analysis is not None and wanted.key() != job.settings.key():
            self.settings = wanted
            self.call_later(self.start_computing, wanted)  # once this worker is done (its group is exclusive)

    @work(exclusive=True, group="data")
    async def _compute(self, job: Job, result: LoadResult, cache: dict) -> None:
        def work() -> tuple[Analysis | None, Exception | None]:
            job.wait_for_previous()
            return compute_analysis(result, job.settings, cache, job)

        try:
            analysis, error = await run_in_thread(job, work)
        except Cancelled:
            return
        if not self._current(job):
            return
        self._end_job()
        if analysis is None:
            self._compute_failed(f"Could not compute: {error}")  # the reason alone, as a cohort table says it
        else:
            self.main.show_analysis(analysis)

    def change_settings(self, new: ViewSettings) -> None:
        """The view toggles: recompute when what the numbers depend on changed (what the cells show does not).
        During a load the new settings wait for its end (the load computes with those it started with)."""
        recompute = new.key() != self.settings.key()
        self.settings = new
        loading_files = self.job is not None and self.job.kind == "load"
        if recompute and not loading_files and self.load_result is not None and self.load_result.datasets:
            self.start_computing(new)

    def _keep_shown_settings(self) -> None:
        """Back to the settings of the numbers on screen (the status line then stops saying 'computing')."""
        if self.analysis is not None:
            self.settings = replace(self.analysis.settings, cells=self.settings.cells)
        self.main.update_status()

    def _compute_failed(self, message: str) -> None:
        """Keep what is on screen, and the settings it was computed with (a cohort table refuses a period its
        labels do not fit): the status line must not wait for a computation that will not come."""
        self._keep_shown_settings()
        self.notify(message, severity="error", markup=False)

    def _load_failed(self, message: str) -> None:
        self._end_job()
        self.main.show_message(message)
        self.notify(message, severity="error", markup=False, timeout=10)

    def _loaded(self, result: LoadResult, analysis: Analysis | None, error: str | None, cache: dict) -> None:
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

    def on_unmount(self) -> None:
        """Quitting: the job's engine queries are interrupted (its daemon thread does not hold up the exit)."""
        if self.job is not None:
            self.job.cancel()

    def _first_screen_done(self) -> None:
        self.first_screen_seconds = time.perf_counter() - self.started

    @on(MainScreen.Pending)
    def _forecast_pending(self, event: MainScreen.Pending) -> None:
        if self.load_result is not None:
            self.complete_forecast(self.load_result, event.analysis)

    @work(thread=True, group="forecast")
    def complete_forecast(self, result: LoadResult, pending: Analysis) -> None:
        """The sBG forecast of the analysis on screen, after its numbers (the reductions come from the cache).

        Not an exclusive worker: a newer analysis makes this one's result stale, and :meth:`MainScreen.complete_
        analysis` drops it; a fit is short, so it is left to end rather than cancelled."""
        worker = get_current_worker()
        if self.main.analysis is not pending:  # replaced before this worker started
            return
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
        except Exception as exc:  # noqa: BLE001 - a database gone, a file moved: said, never a traceback
            self._customers_failed(exc)
            return
        from workbench.ui.customers_screen import CustomerSource, CustomersScreen

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
        except Exception as exc:  # noqa: BLE001 - a database gone, a file moved: said, never a traceback
            self._customers_failed(exc)
            return
        from workbench.ui.customers_screen import CustomerSource, CustomersScreen

        title = f"Cohort {info.cohort}, +{info.k} {info.noun}s ({info.period}): active customers"
        name = f"customers-{info.cohort}-plus{info.k}"
        source = CustomerSource(self.load_result.datasets, dataset.kind, analysis.report.options)
        self.call_from_thread(self.push_screen, CustomersScreen(title, list(ids), name, source))

    def _customers_failed(self, exc: Exception) -> None:
        """From a worker: the customers could not be listed (engine errors hold no password: see
        :class:`~workbench.metrics.engines.base.EngineError`)."""
        self.call_from_thread(self.notify, f"Could not list the customers: {exc}", severity="error",
                              markup=False, timeout=10)

    # ------------------------------------------------------------ help, export, reload, ASCII

    def action_help(self) -> None:
        from workbench.ui.help_screen import HelpScreen, binding_rows

        focused_help = getattr(self.focused, "HELP", None) if self.focused is not None else None
        about = f"{focused_help}\n\n{ABOUT}" if focused_help else ABOUT
        self.push_screen(HelpScreen(binding_rows(self.screen), about))

    def current_export(self):
        """The table of what is on screen: a dialog's own table, else the active tab's."""
        if hasattr(self.screen, "export_table"):
            return self.screen.export_table()
        return self.main.current_export()

    def action_export(self) -> None:
        from workbench.ui.confirm_dialog import ConfirmDialog
        from workbench.ui.export_dialog import ExportDialog

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
    # The start makes many objects that live as long as the app (widgets, styles, the loaded data's wrappers):
    # the collector's passes over them, looking for cycles, were about a tenth of the first screen's time.
    # It is off until the first load ends (or fails, or is cancelled); then they are frozen and it runs again.
    if gc.isenabled():
        gc.disable()
        app.collector_paused = True
    try:
        app.run()
    finally:  # the app ended before its first load did (quit at once, an error): the collector runs again
        if app.collector_paused:
            gc.enable()
    return app.return_code or 0
