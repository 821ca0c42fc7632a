"""A table of a polars DataFrame drawn with the line API: only the lines in view are made, so a list of tens of
thousands of customers opens at once (Textual's DataTable measures every cell when rows are added).

The first column (the customer id, the time) is frozen at the left; the others scroll under it. Values are
formatted as every display formats them (:func:`workbench.present.table.show`) when their line is drawn, and
text from the data is shown literally (:func:`workbench.io.text.printable`; never markup). The keys are the
app's table keys (arrows, h j k l, g/G, page up/down, home/end); enter and a click on the cursor's cell post
:class:`FrameTable.Selected`.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from workbench.io.text import printable
from workbench.present.table import EMPTY, show
from workbench.ui.table import GridKeys, KeyTable

HEADER = -1
TEXT_WIDTH = 40  # the widest a text column is drawn (longer values end with …)
RIGHT = ("int", "money", "pct", "ratio")


TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")  # dates, minutes, seconds


class FrameTable(GridKeys):
    """Shows ``frame`` (set with :meth:`show_frame`); ``kinds`` says how each column is formatted (text, int,
    money…, as :class:`workbench.present.table.Column`); ``labels`` replaces a header (a sort mark)."""

    BINDINGS = [Binding("enter", "select_cursor", "Select", show=False), *KeyTable.BINDINGS]

    COMPONENT_CLASSES = {"frame-table--cursor", "frame-table--header"}

    DEFAULT_CSS = """
    FrameTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .frame-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .frame-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .frame-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .frame-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor_coordinate: reactive[Coordinate] = reactive(Coordinate(0, 0), repaint=False, always_update=True)

    class Selected(Message):
        """Enter (or a click on the cursor's cell) on row ``row`` of the frame."""

        def __init__(self, table: FrameTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FrameTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._names: list[str] = []
        self._labels: list[str] = []
        self._kinds: list[str] = []
        self._values: list[list] = []  # column-major: the frame's columns as Python lists
        self._time_formats: list[str] = []
        self._widths: list[int] = []
        self._height = 0

    # ------------------------------------------------------------ data

    @property
    def row_count(self) -> int:
        return self._height

    @property
    def columns(self) -> list[str]:
        return list(self._names)

    def show_frame(self, frame: pl.DataFrame, kinds: dict[str, str] | None = None,
                   labels: dict[str, str] | None = None, keep_cursor: bool = False) -> None:
        """Show ``frame``; the cursor goes back to the top left unless ``keep_cursor`` (same column kept)."""
        kinds, labels = kinds or {}, labels or {}
        self._names = list(frame.columns)
        self._labels = [labels.get(c, c) for c in frame.columns]
        self._kinds = [kinds.get(c, "text") for c in frame.columns]
        self._values = [frame.get_column(c).to_list() for c in frame.columns]
        self._height = frame.height
        self._time_formats = [_time_format(frame.get_column(c)) for c in frame.columns]
        self._widths = [self._width(i, frame.get_column(c)) for i, c in enumerate(frame.columns)]
        self._fit()
        before = self.cursor_coordinate
        self.set_reactive(FrameTable.cursor_coordinate, self.validate_cursor_coordinate(
            Coordinate(0 if not keep_cursor else before.row, before.column if keep_cursor else 0)))
        self.refresh()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _width(self, i: int, column: pl.Series) -> int:
        header = cell_len(self._labels[i])
        if column.dtype == pl.Datetime or column.dtype == pl.Date:
            return max(header, len(datetime(2000, 1, 1).strftime(self._time_formats[i])))
        if not column.len() or column.null_count() == column.len():
            return max(header, cell_len(EMPTY))
        if column.dtype.is_numeric():
            return max(header, *(cell_len(show(v, self._kinds[i])) for v in (column.min(), column.max())))
        if column.dtype == pl.String:  # a control character is drawn as \xNN: three more cells
            longest = (column.str.len_chars() + 3 * column.str.count_matches(r"[\x00-\x1f\x7f-\x9f]")).max() or 0
        else:  # lists, structs, binary from a Parquet file's other columns: as drawn, from the first rows
            longest = max(cell_len(printable(v, TEXT_WIDTH)) for v in column.head(1000).to_list())
        return max(header, cell_len(EMPTY), min(int(longest), TEXT_WIDTH))

    def cell_text(self, row: int, column: int) -> str:
        """A cell as drawn (without padding)."""
        value = self._values[column][row]
        if isinstance(value, datetime):
            return value.strftime(self._time_formats[column])
        if value is None:
            return EMPTY
        if self._kinds[column] == "text" and not isinstance(value, bool):
            return printable(value, TEXT_WIDTH)
        return show(value, self._kinds[column])

    def get_row_at(self, row: int) -> list[Text]:
        """The cells of a row as drawn (as DataTable's ``get_row_at``)."""
        return [Text(self.cell_text(row, c)) for c in range(len(self._names))]

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        if not self._height or not self._names:
            return Coordinate(0, 0)
        return Coordinate(min(max(value.row, 0), self._height - 1), min(max(value.column, 0), len(self._names) - 1))

    @property
    def cursor_row(self) -> int:
        return self.cursor_coordinate.row

    @property
    def cursor_column(self) -> int:
        return self.cursor_coordinate.column

    # ------------------------------------------------------------ geometry

    def _fit(self) -> None:
        """The scrollable size: when the columns do not all fit, a little room after the last one, so that
        scrolled to the end the view starts where a column starts (no column shown cut at the left)."""
        if not self._names:
            self.virtual_size = Size(0, 0)
            return
        frozen = self._widths[0] + 2
        rest = sum(w + 2 for w in self._widths[1:])
        view = self.scrollable_content_region.width - frozen
        slack = 0
        if view > 0 and rest > view:
            end = rest - view  # the furthest scroll without room
            slack = next((s for s in (self._left(c) for c in range(1, len(self._names))) if s >= end), end) - end
        self.virtual_size = Size(frozen + rest + slack, 1 + self._height)

    def on_resize(self) -> None:
        self._fit()

    def _left(self, column: int) -> int:
        """x of a scrolling column from the left of the scrolling part (the frozen first column excluded)."""
        return sum(w + 2 for w in self._widths[1:column])

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        self.refresh()
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self._names:
            return
        window = self.scrollable_content_region
        frozen = self._widths[0] + 2
        view_w, view_h = max(window.width - frozen, 1), max(window.height - 1, 1)
        row, column = self.cursor_coordinate
        x, y = self.scroll_x, self.scroll_y
        if column > 0:
            left, width = self._left(column), self._widths[column] + 2
            if left < x:
                x = left
            elif left + width > x + view_w:  # the first column boundary that shows it whole
                starts = [self._left(c) for c in range(1, column + 1)]
                x = next((s for s in starts if s >= left + width - view_w), left)
        if row < y:
            y = row
        elif row + 1 > y + view_h:
            y = row + 1 - view_h
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x=x, y=y, animate=False, force=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # ------------------------------------------------------------ drawing

    def _cell(self, row: int, column: int) -> Segment:
        width = self._widths[column]
        text = self._labels[column] if row == HEADER else self.cell_text(row, column)
        if cell_len(text) > width:
            text = set_cell_size(text, width - 1) + "…"
        pad = " " * (width - cell_len(text))
        right = row != HEADER and self._kinds[column] in RIGHT
        return f" {pad}{text} " if right else f" {text}{pad} "

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        row = HEADER if y == 0 else y - 1 + int(self.scroll_y)
        if not self._names or row >= self._height:
            return Strip.blank(width, base)
        header = self.get_component_styles("frame-table--header").rich_style
        cursor_style = self.get_component_rich_style("frame-table--cursor")
        cursor = self.cursor_coordinate
        row_style = base + header if row == HEADER else base

        def segment(column: int) -> Segment:
            style = row_style + Style.from_meta({"row": row, "column": column})
            if row == cursor.row and column == cursor.column:
                style = style + cursor_style
            return Segment(self._cell(row, column), style)

        frozen = [segment(0)]
        body = [segment(c) for c in range(1, len(self._names))]
        x = int(self.scroll_x)
        view = max(width - self._widths[0] - 2, 0)
        # a column cut at the left edge (scrolled to the end, where no column starts) is left blank rather
        # than shown without its first characters
        whole = next((s for s in (self._left(c) for c in range(1, len(self._names))) if s >= x), x)
        blank = [Segment(" " * min(whole - x, view), row_style)] if whole > x else []
        scrolled = Strip([*blank, *Strip(body).crop(min(whole, x + view), x + view)]) if body else Strip([])
        return Strip([*frozen, *scrolled]).adjust_cell_length(width, row_style).simplify()

    # ------------------------------------------------------------ keys and the mouse

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        current = self.cursor_coordinate
        self.cursor_coordinate = self.validate_cursor_coordinate(
            Coordinate(current.row if row is None else row, current.column if column is None else column))

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(column=self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(column=self.cursor_column + 1)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=self._height - 1)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=self._height - 1)

    def action_scroll_home(self) -> None:
        self.move_cursor(column=0)

    def action_scroll_end(self) -> None:
        self.move_cursor(column=len(self._names) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - max(self.scrollable_content_region.height - 1, 1))

    def action_select_cursor(self) -> None:
        if self._height:
            self.post_message(self.Selected(self, self.cursor_row))

    async def _on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor there; a click on the cursor's cell is enter."""
        meta = event.style.meta
        if "row" not in meta or "column" not in meta or meta["row"] == HEADER:
            return
        event.stop()
        target = Coordinate(meta["row"], meta["column"])
        if target == self.cursor_coordinate:
            self.action_select_cursor()
        else:
            self.cursor_coordinate = target

    def cell_region(self, coordinate: Coordinate) -> Region:
        """Where a cell is drawn, before scrolling (header at line 0)."""
        x = 0 if coordinate.column == 0 else self._widths[0] + 2 + self._left(coordinate.column)
        return Region(x, 1 + coordinate.row, self._widths[coordinate.column] + 2, 1)


def _time_format(column: pl.Series) -> str:
    """How a column's times are shown: as dates when every one is at midnight, to the minute when none has
    seconds, else to the second."""
    if column.dtype == pl.Date:
        return TIME_FORMATS[0]
    if column.dtype != pl.Datetime:
        return TIME_FORMATS[2]
    values = column.drop_nulls()
    for unit, fmt in (("1d", TIME_FORMATS[0]), ("1m", TIME_FORMATS[1])):
        if not values.len() or (values.dt.truncate(unit) == values).all():
            return fmt
    return TIME_FORMATS[2]
