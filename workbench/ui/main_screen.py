"""The main screen: the tabs of :data:`workbench.ui.tabs.TABS`, the current period and the view toggles.

The screen owns the layout and the keys that move through the numbers (n/p, play, what the cells show, classic/
unbounded, granularity, the as-of date, tabs); the app owns the data and the workers that load and compute it, and hands
the screen a finished :class:`~workbench.ui.model.Analysis`. n/p only move an index: the metrics of every
period are computed once per view setting.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ProgressBar, Static, TabbedContent, TabPane

from workbench.io.problems import FileReport
from workbench.metrics import UNITS
from workbench.present.table import Table
from workbench.ui.charts import ChartBox
from workbench.ui.cohort_table import CohortTable
from workbench.ui.data_panel import DataPanel
from workbench.ui.flow_view import FlowView
from workbench.ui.footer import OncePerFrameFooter
from workbench.ui.formula_panel import CellInfo, FormulaPanel
from workbench.ui.key_order import DeclaredKeyOrder
from workbench.ui.model import CELL_VIEWS, REVENUE_VIEWS, Analysis, next_cell_view
from workbench.ui.panel_base import ReportPanel
from workbench.ui.period_prompts import as_of_dialog, goto_dialog
from workbench.ui.ramp import build_ramp, legend
from workbench.ui.tab_pane import LazyTabPane, PanelState, panels_in
from workbench.ui.tabs import TABS, ExportContext, tab
from workbench.ui.views import at_ends, cell_info, cell_text, formula_view, parse_as_of, status_line, step_for

PLAY_SECONDS = 0.8


class MainScreen(DeclaredKeyOrder, Screen):
    """Cohorts and the retention formula, period by period, with churn, NPS, CLTV and the loaded data."""

    BINDINGS = [
        Binding("n", "next_period", "Next period", id="period.next"),
        Binding("p", "prev_period", "Prev period", id="period.prev"),
        Binding("space", "toggle_play", "Play/stop", id="period.play",
                tooltip="Step through the periods on its own, to watch the cohorts age"),
        Binding("c", "toggle_percent", "Values", id="view.percent",
                tooltip="Cells: retention % → customers → revenue → revenue retention % (revenue needs a revenue "
                        "column)"),
        Binding("u", "toggle_retention", "Classic/unbounded", id="view.retention"),
        Binding("t", "next_unit", "Granularity", id="view.unit_next",
                tooltip="day → week → month → quarter → year"),
        Binding("T", "prev_unit", "Granularity back", show=False, id="view.unit_prev"),
        *[Binding(unit[0].upper(), f"set_unit('{unit}')", f"By {unit}", show=False, id=f"view.unit_{unit}")
          for unit in UNITS],
        Binding("w", "toggle_week_start", "Weeks start Monday/Sunday", show=False, id="view.week_start",
                tooltip="Weeks from Monday or from Sunday (by week)"),
        Binding("colon", "goto", "Go to period", show=False, id="period.goto",
                tooltip="Type a period or a date (2025-03, 2025-Q1, 2025-03-14) to jump to it"),
        Binding("slash", "goto", "Go to period", show=False, id="period.goto_slash"),
        Binding("at", "as_of", "As of…", show=False, id="view.as_of", key_display="@",
                tooltip="Count up to a date you type (2025-03-31, 2025-03-31T12:00), or the data's end when empty"),
        Binding("y", "copy", "Copy", show=False, id="app.copy",
                tooltip="Copy the cell under the cursor (or the current period's formula) to the clipboard; "
                        "works over SSH in terminals that allow OSC 52"),
        Binding("v", "toggle_curves", "Curves/formula", show=False, id="view.curves",
                tooltip="Under the triangle: the retention curves or the formula (wide terminals show both)"),
        Binding("a", "app.toggle_ascii", "ASCII/Unicode charts", show=False, id="view.ascii",
                tooltip="Plain ASCII charts for terminals that cannot show braille and box characters"),
        *[t.binding() for t in TABS],
        Binding("question_mark", "app.help", "Help", id="app.help"),
        Binding("f1", "app.help", "Help", show=False, id="app.help_f1"),
        Binding("ctrl+s", "app.export", "Export view", id="app.export",
                tooltip="Write the current view's table to CSV (or Markdown for .md)"),
        Binding("ctrl+r", "app.reload", "Reload", id="app.reload"),
        Binding("escape", "back", "Back", show=False, id="app.back",
                tooltip="Cancel loading, stop playing, or go back to the Cohorts tab"),
    ]

    class Ready(Message):
        """The screen is laid out: the app may start loading into it."""

    class Pending(Message):
        """An analysis on screen still lacks its forecast: the app fits it in a worker and calls
        :meth:`MainScreen.complete_analysis`."""

        def __init__(self, analysis: Analysis) -> None:
            super().__init__()
            self.analysis = analysis

    period: reactive[int] = reactive(0, init=False)  # position in the flow rows (bindings: see watch_period)
    playing: reactive[bool] = reactive(False, bindings=True, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.analysis: Analysis | None = None
        self.reports: list[FileReport] = []
        self._reports_given: list[FileReport] | None = None  # what the Data tab shows (None: nothing yet)
        self._empty_text: str | None = None  # what the panels say without an analysis (None: their own)
        self.cell: CellInfo | None = None
        # the calendar moment the analyst chose (the start of the period they moved to): a granularity change,
        # a reload or a toggle maps it to the new periods without moving it, so month → week → month comes back
        self.moment: datetime | None = None
        self._keep_moment = False
        self.last_step_seconds: float | None = None
        self._timer = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Retention Workbench"), id="status")
        with Horizontal(id="loading"):
            yield Static(Text("Loading…"), id="loading-label")
            yield ProgressBar(total=1.0, show_eta=False, id="loading-bar")
        with TabbedContent(initial=TABS[0].id, id="tabs"):
            for t in TABS:  # only the first tab's widgets now; the others' when first shown (see _fill)
                yield LazyTabPane(t, filled=t is TABS[0])
        yield OncePerFrameFooter(compact=True)

    def on_mount(self) -> None:
        # kept, so that a dialog on top never hides them from a query
        self.table = self.query_one(CohortTable)
        self.formula = self.query_one(FormulaPanel)
        self._collect()
        self.tabs = self.query_one(TabbedContent)
        self.status = self.query_one("#status", Static)
        self.loading_box = self.query_one("#loading")
        self.loading_label = self.query_one("#loading-label", Static)
        self.loading_bar = self.query_one("#loading-bar", ProgressBar)
        self.legend = self.query_one("#legend", Static)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._apply_ramp())
        self._apply_ramp()
        self.table.focus()
        self.post_message(self.Ready())

    def _collect(self) -> None:  # the panels and charts made so far (a tab's are made when first shown)
        self.panels = panels_in(self)
        self.data_panel = next(iter(self.query(DataPanel)), None)
        self.charts = tuple(self.query(ChartBox))

    def _state(self) -> PanelState:
        cohort = self.table.triangle_row(self.table.cursor_coordinate.row)  # as _give_cohort gives the charts
        return PanelState(self.analysis, self.period, cohort, self._reports_given, self._empty_text)

    async def _fill(self, pane: LazyTabPane) -> None:
        """Make a tab's widgets the first time it is shown, with the numbers on screen."""
        if await pane.fill(self._state):
            self._collect()

    # ------------------------------------------------------------ what the app hands over

    def show_loading(self, shown: bool) -> None:
        self.loading_box.display = shown
        if shown:
            self.loading_bar.update(progress=0)

    def show_progress(self, message: str, fraction: float) -> None:
        """The loading line: the step, the file and its size, the seconds spent (one line, cut at its end)."""
        self.loading_label.update(Text(message, no_wrap=True, overflow="ellipsis"))
        self.loading_bar.update(progress=fraction)

    def show_reports(self, reports: list[FileReport]) -> None:
        self.reports = list(reports)
        self._reports_given = reports
        if self.data_panel is not None:
            self.data_panel.reports = reports

    def show_message(self, text: str) -> None:
        """No analysis to show (nothing usable was loaded, or the first load was cancelled): clear every
        number of an earlier load, so nothing stale can be stepped or opened, and say why everywhere."""
        self.playing = False
        self.analysis = None
        self.cell = None
        self.table.triangle = None
        self.table.current = None
        self._empty_text = text
        for panel in self.panels:
            if isinstance(panel, ReportPanel):
                panel.empty_text = text
        for panel in (*self.panels, *self.charts):
            panel.analysis = None
        self.set_reactive(MainScreen.period, 0)
        self.formula.update(Text(text))
        self._update_legend()
        self.update_status(text.splitlines()[0])
        self.refresh_bindings()

    def show_analysis(self, analysis: Analysis) -> None:
        """Show a new analysis at the same calendar moment (the last period stays the last one) and, when it
        still exists, on the cohort holding the previous cell's cohort start."""
        old, old_cell = self.analysis, self.cell
        self.analysis = analysis
        position = analysis.step_count - 1
        if old is not None and old.step_count and analysis.step_count and self.period < old.step_count - 1:
            found = analysis.step_at(self.moment or old.step_start(self.period))
            position = position if found is None else found
        cohort_index = None
        if old is not None and old_cell is not None:
            start = old.spec.start_of(old.spec.index_of_label(old_cell.cohort))
            cohort_index = analysis.spec.index_of(start)
        triangle = analysis.report.cohorts
        # first show: the newest cohort reaching the period, so the first periods are in view (not +15 … +23)
        newest = len(triangle.rows) - 1 if old is None and triangle is not None and triangle.rows else None
        self.table.view = analysis.cell_view(self.app.settings.cells)
        self.table.revenue = analysis.report.revenue_cohorts
        self.table.triangle = analysis.report.cohorts
        self._update_legend()
        for panel in (*self.panels, *self.charts):
            panel.analysis = analysis
        self.set_reactive(MainScreen.period, max(position, 0))
        self._keep_moment = old is not None
        try:
            prefer = self.table.row_of_cohort(cohort_index) if newest is None else newest
            self._sync_period(move_cursor=True, prefer_row=prefer)
        finally:
            self._keep_moment = False
        self.refresh_bindings()
        self.update_status()
        if analysis.report.forecast_pending:
            self.post_message(self.Pending(analysis))

    def complete_analysis(self, pending: Analysis, complete: Analysis) -> None:
        """The same analysis with its forecast: only the panels and charts take it (the triangle and the
        place are the same), unless another analysis replaced ``pending`` meanwhile."""
        if self.analysis is not pending:
            return
        self.analysis = complete
        for panel in (*self.panels, *self.charts):
            panel.analysis = complete

    def export_context(self) -> ExportContext:
        return ExportContext(self.analysis, self.cell_view, self.reports)

    @property
    def cell_view(self) -> str:
        """What the triangle's cells show: the setting, or percent when there is no revenue for a revenue view."""
        return self.analysis.cell_view(self.app.settings.cells) if self.analysis else self.app.settings.cells

    def current_export(self) -> Table | None:
        return tab(self.tabs.active).export(self.export_context())

    # ------------------------------------------------------------ the current period

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        count = self.analysis.step_count if self.analysis else 0
        if action == "next_period":
            return None if self.period >= count - 1 else True
        if action == "prev_period":
            return None if self.period <= 0 else True
        if action == "toggle_play":
            return True if count > 1 else None
        return True

    def watch_period(self, old: int, new: int) -> None:
        self._sync_period(move_cursor=True)
        count = len(self.analysis.flow_rows) if self.analysis else 0
        if at_ends(old, count) != at_ends(new, count):  # the footer dims n/p only at the ends; refreshing
            self.refresh_bindings()  # the bindings on every step made the footer recompose all its keys

    def _sync_period(self, move_cursor: bool, prefer_row: int | None = None) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        table = self.table
        calendar = analysis.period_index[self.period] if analysis.period_index else None
        table.current = calendar
        if analysis.step_count and not self._keep_moment:
            self.moment = analysis.step_start(min(self.period, analysis.step_count - 1))
        if move_cursor and calendar is not None:
            row = table.cursor_coordinate.row if prefer_row is None else prefer_row
            target = table.position_for(calendar, row)
            if target is not None:
                table.move_cursor(row=target[0], column=target[1], animate=False)
        # the cell line always describes the cell under the cursor, even when no shown cohort reaches the period
        cursor = table.cursor_coordinate
        self.cell = cell_info(analysis, table.triangle_row(cursor.row), cursor.column, self.cell_view)
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
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if isinstance(event.pane, LazyTabPane):  # a click on the tab, or a key (then already filled)
            await self._fill(event.pane)
        self.call_after_refresh(self._give_cohort)

    @on(CohortTable.CursorMoved)
    def _cursor_moved(self, event: CohortTable.CursorMoved) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        self.cell = cell_info(analysis, event.row, event.k, self.cell_view)
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
        if self.analysis and self.period < self.analysis.step_count - 1:
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
            if self.analysis and self.period >= self.analysis.step_count - 1:
                self.period = 0
            self._timer = self.set_interval(PLAY_SECONDS, self._play_step)
        self.update_status()

    def _play_step(self) -> None:
        if self.analysis is None or self.period >= self.analysis.step_count - 1:
            self.playing = False
        else:
            self.period += 1

    # ------------------------------------------------------------ view toggles

    def _change(self, **changes) -> None:
        new = replace(self.app.settings, **changes)
        self.app.change_settings(new)
        if self.analysis is not None:  # the cell line says what the cells now show (the moment stays as chosen)
            self.table.view = self.cell_view
            cursor = self.table.cursor_coordinate
            self.cell = cell_info(self.analysis, self.table.triangle_row(cursor.row), cursor.column, self.cell_view)
            self.formula.view = formula_view(self.analysis, self.period, self.cell)
        self.update_status()
        self._update_legend()

    def action_toggle_percent(self) -> None:
        """Cycle what the cells show (:data:`workbench.ui.model.CELL_VIEWS`); without revenue, % and counts."""
        has_revenue = self.analysis is not None and self.analysis.report.revenue_cohorts is not None
        view = next_cell_view(self.cell_view, has_revenue)
        if not has_revenue and self.analysis is not None and view == CELL_VIEWS[0]:
            self.notify("No revenue in this data (no revenue column): c shows retention % and counts only.",
                        markup=False)
        self._change(cells=view)

    def action_as_of(self) -> None:
        """Ask for the as-of date (empty: the data's end) and recompute at the same calendar moment; a text
        that is not a date, or a date before the data, changes nothing and says why."""
        analysis = self.analysis
        if analysis is None:
            self.notify("Nothing loaded yet to count as of a date.", markup=False)
            return
        set_at = self.app.settings.as_of
        rows = analysis.report.cohorts.rows if analysis.report.cohorts else ()
        starts = rows[0].start if rows else None

        def chosen(text: str | None) -> None:
            if text is None:
                return
            when, problem = parse_as_of(text, self.app.load_options.tz, starts)
            if problem:
                self.notify(problem, severity="warning", markup=False)
            elif when != self.app.settings.as_of:
                self._change(as_of=when)

        self.app.push_screen(as_of_dialog(analysis, set_at), chosen)

    def action_toggle_retention(self) -> None:
        self._change(retention="unbounded" if self.app.settings.retention == "classic" else "classic")

    def action_next_unit(self) -> None:
        self._change(unit=self.app.settings.with_unit_step(1).unit, period_given=True)

    def action_prev_unit(self) -> None:
        self._change(unit=self.app.settings.with_unit_step(-1).unit, period_given=True)

    def action_set_unit(self, unit: str) -> None:
        """Choose the granularity directly (D W M Q Y), not only by cycling with t/T."""
        if unit != self.app.settings.unit:
            self._change(unit=unit)

    def action_toggle_week_start(self) -> None:
        start = "sunday" if self.app.settings.week_start == "monday" else "monday"
        self._change(week_start=start)
        if self.app.settings.unit != "week":
            self.notify(f"Weeks now start on {start.capitalize()} (seen by week: W).", markup=False)

    def action_goto(self) -> None:
        analysis = self.analysis
        if analysis is None or not analysis.step_count:
            self.notify("Nothing to go to yet.", markup=False)
            return
        first, last = analysis.step_label(0), analysis.step_label(analysis.step_count - 1)

        def go(text: str | None) -> None:
            if not text or self.analysis is None:
                return
            position = step_for(self.analysis, text)
            if position is None:
                self.notify(f"No {self.analysis.spec.noun} {text} to go to: the periods run from {first} to {last}.",
                            severity="warning", markup=False)
            else:
                self.period = position

        self.app.push_screen(goto_dialog(analysis), go)

    def action_copy(self) -> None:
        """Copy what is under the cursor: the cohort cell on the Cohorts tab, else the current formula."""
        if self.analysis is None:
            return
        on_cell = self.tabs.active == TABS[0].id and self.cell is not None
        text = cell_text(self.cell) if on_cell else self.formula.one_line()
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied: {text[:70]}{'…' if len(text) > 70 else ''}", markup=False)

    async def action_toggle_curves(self) -> None:
        """Swap the formula panel under the triangle for the retention curves, and back. On terminals of 150
        columns or more both sit beside the triangle and this only remembers the choice for narrower ones."""
        self.query_one("#cohorts", TabPane).toggle_class("-curves")
        if self.tabs.active != "cohorts":
            await self.action_show_tab("cohorts")
        self.call_after_refresh(self._give_cohort)  # the curves just became visible: give them the cursor

    async def action_show_tab(self, tab_id: str) -> None:
        self.tabs.active = tab_id
        await self._fill(self.query_one(f"#{tab_id}", LazyTabPane))  # before the next key: its focus needs them
        self.call_after_refresh(self._focus_tab_content, tab_id)

    def _focus_tab_content(self, tab_id: str) -> None:
        """Give the cursor to the tab a key asked for. Focusing a widget makes its pane the active tab too, by
        a message: when keys come faster than the screen (a busy machine, a big load), the focus an earlier key
        asked for can reach the tabs after a later key switched them, and undo it. The tab is set again here,
        in key order, so the last key always wins."""
        self.tabs.active = tab_id
        pane = self.tabs.active_pane
        if pane is not None:
            focusable = [w for w in pane.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()

    async def action_back(self) -> None:
        if self.app.loading:
            self.app.cancel_loading()
        elif self.playing:
            self.playing = False
        elif self.tabs.active != TABS[0].id:
            await self.action_show_tab(TABS[0].id)

    # ------------------------------------------------------------ status line and legend

    def update_status(self, note: str | None = None) -> None:
        self.status.update(Text(status_line(self.analysis, self.cell_view, self.playing, self.app.settings, note)))

    def _apply_ramp(self) -> None:
        self.table.ramp = build_ramp(self.app.get_css_variables(), ansi=self.app.current_theme.ansi)
        self._update_legend()

    def _update_legend(self) -> None:
        if self.table.ramp is not None:
            self.legend.update(legend(self.table.ramp, self.cell_view in REVENUE_VIEWS))
