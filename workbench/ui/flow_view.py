"""The Flow tab: the retention formula's terms for every period (CS, CN, CE, kept, churned, CRR, ...)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from workbench.present.sections import flow_table
from workbench.present.table import display_rows, displayed_columns
from workbench.ui.model import Analysis
from workbench.ui.table import KeyTable
from workbench.ui.views import no_formula_note


class FlowView(KeyTable):
    """One row per period (the current one highlighted); moving the cursor chooses the period."""

    HELP = ("CS customers at the start of the period, CN new during it, CE at its end; retained = CS customers "
            "still there at the end; crr = (CE − CN) / CS × 100; starting_retention = retained / CS × 100. "
            "~ marks a period that is not over.")

    BINDINGS = [Binding("enter", "who_churned", "Who churned", id="flow.churned", key_display="enter",
                        tooltip="List the customers who were there at the start of the period and left")]

    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    position: reactive[int] = reactive(0)

    class PeriodChosen(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    class CustomersWanted(Message):
        """The customers counted in one term of the formula for the period at ``position``."""

        def __init__(self, position: int, term: str) -> None:
            super().__init__()
            self.position = position
            self.term = term

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        if self.analysis is not None:  # given before it mounted (its tab was opened after the load)
            self.watch_analysis(self.analysis)
            self.call_after_refresh(self._period_at_top)

    def _period_at_top(self) -> None:
        """Scroll as the table did when it was made hidden at the start and followed the period from there
        (a hidden table has no height: each move put the cursor's row at the top): the current period's row
        first, or the end of the table in view. Once shown, the cursor scrolls only as far as it must."""
        self.scroll_to(y=self.cursor_row, animate=False, immediate=True)

    def watch_analysis(self, analysis: Analysis | None) -> None:
        self.clear(columns=True)
        if analysis is None:
            return
        if not analysis.flow_rows:
            self.add_column("Flow")
            self.add_row(Text(no_formula_note(analysis)))
            return
        table = flow_table(analysis.report)
        shown = [table.columns[i] for i in displayed_columns(table)]
        for column in shown:
            self.add_column(Text(column.name, style="bold"), key=column.name)
        for row in display_rows(table):
            self.add_row(*[Text(text, justify="left" if c.kind == "text" else "right")
                           for c, text in zip(shown, row, strict=True)])
        self._move(self.position)

    def watch_position(self, position: int) -> None:
        self._move(position)

    def _move(self, position: int) -> None:
        if self.analysis and self.analysis.flow_rows and 0 <= position < self.row_count:
            self.move_cursor(row=position, animate=False)

    def user_moved(self) -> None:
        if self.analysis and self.analysis.flow_rows and self.cursor_row != self.position:
            self.post_message(self.PeriodChosen(self.cursor_row))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.user_moved()

    def action_who_churned(self) -> None:
        if self.analysis and self.analysis.flow_rows and 0 <= self.cursor_row < len(self.analysis.flow_rows):
            self.user_moved()
            self.post_message(self.CustomersWanted(self.cursor_row, "churned"))
