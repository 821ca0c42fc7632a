"""The cohort triangle: rows = cohorts (with size), columns = periods since acquisition, an average row.

Cells are coloured by retention from the theme (:mod:`workbench.ui.ramp`); a cell whose period is not over
is italic with a trailing ``~``; the cells of the current calendar period (a diagonal) are underlined.
The widget only lays out the numbers it is given in ``triangle``.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from workbench.io.text import printable
from workbench.metrics import CohortTriangle
from workbench.present.table import EMPTY, INCOMPLETE
from workbench.ui.ramp import Ramp
from workbench.ui.table import KeyTable

MAX_COHORTS = 60  # the newest cohorts shown; more (daily periods) would make every key slow. Export has all.
AVERAGE_KEY = "average"
PAD_KEY = "pad"


def cell_text(value: float | int | None, percent: bool, complete: bool) -> str:
    if value is None:
        return EMPTY if percent else ""
    body = f"{value:.1f}" if percent else f"{value:,}"
    return body + ("" if complete else INCOMPLETE)


class CohortTable(KeyTable):
    """Shows ``triangle``; posts :class:`CohortTable.CursorMoved` and :class:`CohortTable.CellSelected`."""

    HELP = ("Rows are cohorts (customers first seen in that period, size in brackets); column k is k periods "
            "later. A cell is the share (or count) of the cohort active then. ~ = the period is not over yet. "
            "Underlined: the current calendar period. Enter lists the customers behind a cell.")

    BINDINGS = [Binding("enter", "select_cursor", "Who", id="cohorts.customers", key_display="enter",
                tooltip="List the customers behind the cell under the cursor")]

    triangle: reactive[CohortTriangle | None] = reactive(None, always_update=True)
    percent: reactive[bool] = reactive(True)
    ramp: reactive[Ramp | None] = reactive(None)
    current: reactive[int | None] = reactive(None)  # calendar period index of the current period

    class CursorMoved(Message):
        """The cursor is on cohort ``row`` (None: the average row), ``k`` periods after acquisition."""

        def __init__(self, row: int | None, k: int, calendar_index: int | None) -> None:
            super().__init__()
            self.row = row
            self.k = k
            self.calendar_index = calendar_index

    class CellSelected(Message):
        """Enter on a cell: the customers behind it are wanted."""

        def __init__(self, row: int, k: int) -> None:
            super().__init__()
            self.row = row
            self.k = k

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", cell_padding=0, **kwargs)
        self._cohort_index: list[int] = []  # calendar index of each shown row
        self._first = 0  # triangle row of the first shown row
        self._width_shown = 0
        self._cell_width = 7

    # ------------------------------------------------------------ geometry

    def calendar_index(self, row: int, k: int) -> int | None:
        if 0 <= row < len(self._cohort_index):
            return self._cohort_index[row] + k
        return None

    @property
    def hidden_cohorts(self) -> int:
        """How many of the oldest cohorts are not shown (see MAX_COHORTS)."""
        return self._first

    def row_of_cohort(self, calendar_index: int | None) -> int | None:
        """The table row of the cohort starting in calendar period ``calendar_index`` (None if not shown)."""
        try:
            return self._cohort_index.index(calendar_index) if calendar_index is not None else None
        except ValueError:
            return None

    def triangle_row(self, row: int | None) -> int | None:
        """The triangle's row index of a table row (None for the average row)."""
        if row is None or not 0 <= row < len(self._cohort_index):
            return None
        return self._first + row

    def _active_len(self, row: int) -> int:
        assert self.triangle is not None
        return len(self.triangle.rows[self._first + row].active)

    def position_for(self, calendar_index: int, prefer_row: int) -> tuple[int, int] | None:
        """Where the cursor goes for a calendar period: same cohort if it reaches it, else the newest cohort."""
        if self.triangle is None or not self._cohort_index:
            return None
        candidates = [prefer_row] + list(range(len(self._cohort_index) - 1, -1, -1))
        for row in candidates:
            if 0 <= row < len(self._cohort_index):
                k = calendar_index - self._cohort_index[row]
                if 0 <= k < self._active_len(row):
                    return row, k
        return None

    # ------------------------------------------------------------ rendering

    def _width(self, triangle: CohortTriangle) -> int:
        longest = 4
        for row in triangle.rows[self._first:]:
            for value, complete in zip(row.active, row.complete, strict=False):
                longest = max(longest, len(cell_text(value, False, complete)))
        return max(longest, 6) + 1

    def _cell(self, value: float | int | None, fraction: float | None, complete: bool, width: int,
              on_diagonal: bool) -> Text:
        text = cell_text(value, self.percent, complete).rjust(width - 1) + " "
        style = self.ramp.style(fraction) if self.ramp and value is not None else Style()
        if not complete:
            style += Style(italic=True)
        if on_diagonal:
            style += Style(underline=True, bold=True)
        return Text(text, style=style)

    def _cell_at(self, row_number: int, k: int, width: int) -> Text:
        triangle = self.triangle
        assert triangle is not None
        row = triangle.rows[self._first + row_number]
        if k >= len(row.active):
            return Text(" " * width)
        pct = row.retention[k]
        value = pct if self.percent else row.active[k]
        on_diagonal = self.current is not None and self._cohort_index[row_number] + k == self.current
        return self._cell(value, None if pct is None else pct / 100, row.complete[k], width, on_diagonal)

    def _row_cells(self, row_number: int, width: int) -> list[Text]:
        return [self._cell_at(row_number, k, width) for k in range(self._width_shown)]

    def _average_cells(self, width: int) -> list[Text]:
        triangle = self.triangle
        assert triangle is not None
        cells = []
        for k in range(self._width_shown):
            pct = triangle.average[k] if k < len(triangle.average) else None
            text = (EMPTY if pct is None else f"{pct:.1f}").rjust(width - 1) + " "
            style = (self.ramp.style(pct / 100) if self.ramp and pct is not None else Style()) + Style(bold=True)
            cells.append(Text(text, style=style))
        return cells

    def rebuild(self) -> None:
        triangle = self.triangle
        saved = self.cursor_coordinate
        self.clear(columns=True)
        self._cohort_index = []
        self._first = self._width_shown = 0
        if triangle is None or not triangle.rows:
            return
        spec = triangle.period
        self._first = max(len(triangle.rows) - MAX_COHORTS, 0)
        shown = triangle.rows[self._first:]
        self._cohort_index = [spec.index_of(row.start) for row in shown]
        self._width_shown = max((len(row.active) for row in shown), default=0)
        width = self._cell_width = self._width(triangle)
        for k in range(self._width_shown):
            self.add_column(Text(str(k).rjust(width - 1) + " ", style="bold"), key=str(k), width=width)
        # a blank last column, so the view can always scroll to a column boundary (see _scroll_cursor_into_view)
        self.add_column("", key=PAD_KEY, width=width)
        pad = Text(" " * width)
        for number, row in enumerate(shown):
            label = Text(f"{printable(row.cohort)} ({row.size:,}) ")
            self.add_row(*self._row_cells(number, width), pad, key=str(number), label=label)
        label = "average %" if not self.percent else "average"
        self.add_row(*self._average_cells(width), pad, key=AVERAGE_KEY, label=Text(f"{label} ", style="bold"))
        if saved.row < self.row_count and saved.column < len(self.columns):
            self.cursor_coordinate = saved

    def refresh_diagonal(self, old: int | None, new: int | None) -> None:
        """Re-draw only the cells of the previous and the new current period."""
        triangle = self.triangle
        if triangle is None or not self._cohort_index:
            return
        width = self._cell_width
        for target in {old, new} - {None}:
            for number, start in enumerate(self._cohort_index):
                k = target - start
                if 0 <= k < self._active_len(number):
                    self.update_cell(str(number), str(k), self._cell_at(number, k, width))

    def watch_triangle(self) -> None:
        self.rebuild()

    def watch_percent(self) -> None:
        self.rebuild()

    def watch_ramp(self) -> None:
        self.rebuild()

    def watch_current(self, old: int | None, new: int | None) -> None:
        self.refresh_diagonal(old, new)

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        """Give a scrollbar that appears the scroll position it missed.

        Textual passes ``scroll_x`` to the scrollbar only while the scrollbar is shown, and decides that at the
        next layout: a scroll made in between (moving the cursor to the current period right after the
        triangle is built) left the thumb drawn at 0 over a scrolled table, depending on timing."""
        if shown:
            self.horizontal_scrollbar.position = self.scroll_x

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Keep the cursor cell in view, scrolled to a column boundary so no number shows with its first
        digits cut off (DataTable's own scrolling stops at any character)."""
        if not self.columns or not self.is_valid_coordinate(self.cursor_coordinate):
            super()._scroll_cursor_into_view(animate=animate)
            return
        top, _, _, left = self._get_fixed_offset()
        window = self.scrollable_content_region
        view_w, view_h = window.width - left, window.height - top
        cell = self._get_cell_region(self.cursor_coordinate)
        width = self._cell_width
        col_x, row_y = cell.x - left, cell.y - top
        x, y = self.scroll_x, self.scroll_y
        if col_x < x:
            x = col_x
        elif col_x + width > x + view_w:
            x = col_x + width - view_w
        if x % width:
            for candidate in (-(-int(x) // width) * width, int(x) // width * width):
                if candidate <= col_x and col_x + width <= candidate + view_w and 0 <= candidate <= self.max_scroll_x:
                    x = candidate
                    break
        if row_y < y:
            y = row_y
        elif row_y + cell.height > y + view_h:
            y = row_y + cell.height - view_h
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x=x, y=y, animate=False, force=True)

    # ------------------------------------------------------------ messages up

    def user_moved(self) -> None:
        row, k = self.cursor_coordinate.row, self.cursor_coordinate.column
        is_average = row >= len(self._cohort_index)
        if self.triangle is not None and k >= self._width_shown:
            k = self._width_shown - 1
            self.move_cursor(column=k, animate=False)
        if not is_average and self.triangle is not None and k >= self._active_len(row):
            k = self._active_len(row) - 1  # past the triangle's edge: its last cell
            self.move_cursor(column=k, animate=False)
        self.post_message(self.CursorMoved(self.triangle_row(row), k,
                                           None if is_average else self.calendar_index(row, k)))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        row, k = event.coordinate.row, event.coordinate.column
        if self.triangle is None or row >= len(self._cohort_index) or k >= self._active_len(row):
            self.notify("Move to a cohort's cell to list its customers (the average row has none of its own).",
                        markup=False)
            return
        self.post_message(self.CellSelected(self._first + row, k))
