"""The Flow tab: the retention formula's terms for every period (CS, CN, CE, kept, churned, CRR, ...)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from workbench.io.text import printable
from workbench.ui.export import Table
from workbench.ui.model import Analysis
from workbench.ui.table import KeyTable
from workbench.ui.views import no_formula_note


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _num(value: float | int | None, money: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}" if money else f"{value:,}"


def columns_for(analysis: Analysis) -> list[tuple[str, object]]:
    """(header, getter) for the columns this data has."""
    cols: list[tuple[str, object]] = [
        ("Period", lambda r: printable(r.period) + ("" if r.complete else "~")),
        ("CS", lambda r: _num(r.CS)), ("CN", lambda r: _num(r.CN)), ("CE", lambda r: _num(r.CE)),
        ("Kept", lambda r: _num(r.retained)), ("Churned", lambda r: _num(r.churned)),
        ("CRR %", lambda r: _pct(r.crr)), ("Start ret %", lambda r: _pct(r.starting_retention)),
        ("Churn %", lambda r: _pct(r.churn_rate)),
    ]
    rows = analysis.flow_rows
    if any(r.new_lost is not None for r in rows):
        cols.append(("New lost", lambda r: _num(r.new_lost)))
    if any(r.resurrected is not None for r in rows):
        cols.append(("Returned", lambda r: _num(r.resurrected)))
        cols.append(("Quick ratio", lambda r: "" if r.quick_ratio is None else f"{r.quick_ratio:.2f}"))
    if analysis.report.flow is not None and analysis.report.flow.has_revenue:
        cols += [("Revenue", lambda r: _num(r.revenue, money=True)), ("NRR %", lambda r: _pct(r.nrr)),
                 ("GRR %", lambda r: _pct(r.grr))]
    return cols


class FlowView(KeyTable):
    """One row per period (the current one highlighted); moving the cursor chooses the period."""

    HELP = ("CS customers at the start of the period, CN new during it, CE at its end; Kept = CS customers still "
            "there at the end; CRR = (CE − CN) / CS. ~ marks a period that is not over.")

    export_name = "flow"

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

    def watch_analysis(self, analysis: Analysis | None) -> None:
        self.clear(columns=True)
        if analysis is None:
            return
        if not analysis.flow_rows:
            self.add_column("Flow")
            self.add_row(Text(no_formula_note(analysis)))
            return
        cols = columns_for(analysis)
        for header, _ in cols:
            self.add_column(Text(header, style="bold"), key=header)
        for row in analysis.flow_rows:
            self.add_row(*[Text(get(row), justify="left" if h == "Period" else "right") for h, get in cols])
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

    def export_table(self) -> Table:
        analysis = self.analysis
        if analysis is None or not analysis.flow_rows:
            return Table(self.export_name, [], [])
        cols = columns_for(analysis)
        rows: list[list[object]] = [[get(r) for _, get in cols] for r in analysis.flow_rows]
        return Table(f"flow-{analysis.spec.unit}", [h for h, _ in cols], rows)

