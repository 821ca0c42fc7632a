"""A tab's pane whose widgets are made the first time it is shown, and what the main screen hands them then.

Why: mounting the widgets of all seven tabs (styles, layout) was about a third of the app's start on the main
thread, which the first screen waits for; the analyst sees one tab at first. A pane of :data:`workbench.ui.tabs.
TABS` composes its widgets when :meth:`LazyTabPane.fill` is called (the main screen does, when the tab is
activated); until then it is empty. The main screen gives the new widgets the numbers already on screen
(:class:`PanelState`) before they mount, so each draws once, with them, as if it had been there all along.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import TabPane

from workbench.io.problems import FileReport
from workbench.ui.charts import ChartBox
from workbench.ui.data_panel import DataPanel
from workbench.ui.flow_view import FlowView
from workbench.ui.model import Analysis
from workbench.ui.panel_base import ReportPanel
from workbench.ui.tabs import Tab


class LazyTabPane(TabPane):
    """The pane of ``tab``: empty until :meth:`fill` (or filled from the start, for the tab shown first)."""

    def __init__(self, tab: Tab, filled: bool = False) -> None:
        super().__init__(tab.title, id=tab.id)
        self.tab = tab
        self.filled = filled

    def compose(self) -> ComposeResult:
        if self.filled:
            yield from self.tab.compose()

    async def fill(self, state: Callable[[], PanelState]) -> bool:
        """Compose and mount the tab's widgets with ``state()`` (once: False when already done). They get it
        before they mount (they are in the DOM, not mounted, when ``mount_compose`` returns), and what changed
        by the end of their mount after."""
        if self.filled:
            return False
        self.filled = True
        mounting = self.mount_compose(self.tab.compose())
        given = state()
        give_before_mount(self, given)
        await mounting
        give_changes(self, given, state())
        return True


@dataclass(frozen=True, eq=False)
class PanelState:
    """What the main screen shows now, for widgets made after it: the analysis (None: nothing loaded, or a
    failed load), the current period's position, the triangle's current cohort row, the files' reports (None
    before the first load ends) and the panels' text when there is no analysis (None: their own)."""

    analysis: Analysis | None
    position: int
    cohort: int | None
    reports: list[FileReport] | None
    empty_text: str | None

    def same_as(self, other: PanelState) -> bool:
        return (self.analysis is other.analysis and self.position == other.position
                and self.cohort == other.cohort and self.reports is other.reports
                and self.empty_text == other.empty_text)


def panels_in(root: Widget) -> tuple[Widget, ...]:
    """The widgets under ``root`` that follow the analysis and the current period (FlowView, the report
    panels), in the screen's order."""
    return (*root.query(FlowView), *root.query(ReportPanel))


def give_before_mount(root: Widget, state: PanelState) -> None:
    """Set the state of widgets not mounted yet, without their watchers: each draws from it when it mounts."""
    for panel in panels_in(root):
        if state.empty_text is not None and isinstance(panel, ReportPanel):
            panel.empty_text = state.empty_text
        panel.set_reactive(type(panel).analysis, state.analysis)
        panel.set_reactive(type(panel).position, state.position)
    for box in root.query(ChartBox):
        box.set_reactive(ChartBox.analysis, state.analysis)
        box.set_reactive(ChartBox.position, state.position)
        box.set_reactive(ChartBox.cohort, state.cohort)
    if state.reports is not None:
        for data in root.query(DataPanel):
            data.set_reactive(DataPanel.reports, state.reports)


def give_changes(root: Widget, given: PanelState, now: PanelState) -> None:
    """After the mount: what changed meanwhile (a load that ended while the tab was mounting), through the
    widgets' watchers as for any new analysis."""
    for panel in panels_in(root):
        if now.empty_text is not None and isinstance(panel, ReportPanel):
            panel.empty_text = now.empty_text
        if now.analysis is not given.analysis:
            panel.analysis = now.analysis
        panel.position = now.position
    for box in root.query(ChartBox):
        if now.analysis is not given.analysis:
            box.analysis = now.analysis
        box.position = now.position
        box.cohort = now.cohort
    if now.reports is not given.reports:
        for data in root.query(DataPanel):
            data.reports = now.reports
