"""A DataTable with the keys analysts know (h j k l, g/G) that can hand its contents to the exporter."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import DataTable

from workbench.ui.export import Table


class KeyTable(DataTable):
    """DataTable + VisiData keys; subclasses set ``export_name`` and may override :meth:`export_table`."""

    BINDINGS = [
        Binding("h", "cursor_left", "Left", show=False, id="table.left"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("l", "cursor_right", "Right", show=False, id="table.right"),
        Binding("g", "first_row", "First row", show=False, id="table.top"),
        Binding("G", "last_row", "Last row", show=False, id="table.bottom"),
    ]

    export_name = "table"

    def user_moved(self) -> None:
        """Called after the analyst moved the cursor with a key or a click (not when the app moved it)."""

    async def _on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor like a key does, so the current period follows the mouse too."""
        before = self.cursor_coordinate
        await super()._on_click(event)
        if self.cursor_coordinate != before:
            self.user_moved()

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)
        self.user_moved()

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
        self.user_moved()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.user_moved()

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.user_moved()

    def action_cursor_left(self) -> None:
        super().action_cursor_left()
        self.user_moved()

    def action_cursor_right(self) -> None:
        super().action_cursor_right()
        self.user_moved()

    def action_page_up(self) -> None:
        super().action_page_up()
        self.user_moved()

    def action_page_down(self) -> None:
        super().action_page_down()
        self.user_moved()

    def export_table(self) -> Table:
        """The plain text of every cell, as shown."""
        headers = [str(column.label) for column in self.ordered_columns]
        rows: list[list[object]] = []
        for row_index, row in enumerate(self.ordered_rows):
            cells = [str(value).strip() for value in self.get_row_at(row_index)]
            if self.show_row_labels and row.label is not None:
                cells = [str(row.label).strip(), *cells]
            rows.append(cells)
        if self.show_row_labels and any(r.label is not None for r in self.ordered_rows):
            headers = ["", *headers]
        return Table(self.export_name, headers, rows)
