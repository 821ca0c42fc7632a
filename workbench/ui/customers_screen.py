"""The customers behind a number: their ids, literally, to copy or export."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workbench.io.text import printable
from workbench.present.sections import customers_table
from workbench.present.table import Table, counted
from workbench.ui.table import KeyTable


class CustomerTable(KeyTable):
    """One customer id per row."""


class CustomersScreen(ModalScreen[None]):
    """A list of customer ids. ``c`` copies them (one per line) to the clipboard, ctrl+s exports them."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="customers.back"),
        Binding("q", "dismiss", "Back", show=False, id="customers.back_q"),
        Binding("c", "copy_ids", "Copy ids", id="customers.copy"),
        Binding("ctrl+s", "app.export", "Export ids", id="customers.export"),
    ]

    def __init__(self, title: str, ids: list[str], name: str = "customers") -> None:
        super().__init__()
        self._title = title
        self._ids = ids
        self._export_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="customers-box"):
            yield Static(Text(f"{self._title} — {counted(len(self._ids), 'customer')}"), id="customers-title")
            yield CustomerTable(id="customers-table", cursor_type="row")
            yield Static(Text("c: copy ids · ctrl+s: export · escape: back", style="dim"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(CustomerTable)
        table.add_column("customer_id", key="customer_id")
        table.add_rows([(Text(printable(i, 120)),) for i in self._ids])
        table.focus()

    def export_table(self) -> Table:
        return customers_table(self._ids, self._export_name)

    def action_copy_ids(self) -> None:
        self.app.copy_to_clipboard("\n".join(self._ids))
        self.notify(f"Copied {counted(len(self._ids), 'id')} to the clipboard (if the terminal allows it; "
                    "ctrl+s writes a file)", markup=False)
