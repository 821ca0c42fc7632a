"""The cohort triangle: rows = cohorts (with size), columns = periods since acquisition, an average row.

Cells are coloured by retention from the theme (:mod:`workbench.ui.ramp`); a cell whose period is not over
is italic with a trailing ``~``; the cells of the current calendar period (a diagonal) are underlined.
The widget only lays out the numbers it is given in ``triangle``.

It draws with Textual's line API: :meth:`CohortTable.render_line` builds only the cells of one screen line
that are in view, and keeps the line in an LRU cache keyed on what can change it (its row, the scroll
position, and where the cursor and the current-period cell fall in view). A step (n/p) moves the underline
by one cell in each row it crosses: only those cells are refreshed, and lines it leaves alone come back from
the cache. Every cohort is a row, however many (a daily triangle scrolls through all of them).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from workbench.metrics import CohortTriangle, RevenueTriangle
from workbench.ui.cohort_cells import CURRENT, TriangleCells
from workbench.ui.ramp import Ramp
from workbench.ui.table import GridKeys, KeyTable

HEADER = -1  # the row index of the header line (as Textual's DataTable numbers it in mouse metadata)
LABEL = -1  # the column index of the frozen label column


class CohortTable(GridKeys):
    """Shows ``triangle``; posts :class:`CohortTable.CursorMoved` and :class:`CohortTable.CellSelected`."""

    HELP = ("Rows are cohorts (customers first seen in that period, size in brackets); column k is k periods "
            "later. A cell is the share (or count) of the cohort active then, or (c) its revenue then and that revenue's "
            "share of its first period's. ~ = the period is not over yet. "
            "Underlined: the current calendar period. Enter lists the customers behind a cell.")

    BINDINGS = [Binding("enter", "select_cursor", "Who", id="cohorts.customers", key_display="enter",
                        tooltip="List the customers behind the cell under the cursor"),
                *KeyTable.BINDINGS]  # h j k l, g G: the keys of every table in the app

    COMPONENT_CLASSES = {"cohort-table--cursor", "cohort-table--header"}

    # The look of Textual's DataTable, which drew the triangle before, so every theme reads the same.
    DEFAULT_CSS = """
    CohortTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .cohort-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .cohort-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .cohort-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .cohort-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .cohort-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    triangle: reactive[CohortTriangle | None] = reactive(None, always_update=True)
    view: reactive[str] = reactive("percent")  # percent, counts, revenue or revenue_pct (of ``revenue``)
    ramp: reactive[Ramp | None] = reactive(None)
    # calendar period index of the current period; no repaint of the whole table: watch_current marks its cells
    current: reactive[int | None] = reactive(None, repaint=False)
    cursor_coordinate: reactive[Coordinate] = reactive(Coordinate(0, 0), repaint=False, always_update=True)

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
        super().__init__(**kwargs)
        self._cells: TriangleCells | None = None
        self.revenue: RevenueTriangle | None = None  # set before ``triangle``, whose cohorts it has
        self._lines: LRUCache[tuple, Strip] = LRUCache(1024)
        self._looks: tuple | None = None  # the theme's styles now (None: to be read again)
        self._drawn_with: tuple | None = None  # those the cached lines were drawn with

    # ------------------------------------------------------------ geometry

    @property
    def row_count(self) -> int:
        """Rows of the table: every cohort and the average row."""
        return self._cells.rows if self._cells is not None else 0

    @property
    def cursor_row(self) -> int:
        return self.cursor_coordinate.row

    @property
    def cursor_column(self) -> int:
        return self.cursor_coordinate.column

    def calendar_index(self, row: int, k: int) -> int | None:
        cells = self._cells
        if cells is not None and 0 <= row < cells.cohorts:
            return cells.cohort_index[row] + k
        return None

    def row_of_cohort(self, calendar_index: int | None) -> int | None:
        """The table row of the cohort starting in calendar period ``calendar_index`` (None if not shown)."""
        cells = self._cells
        if cells is None or calendar_index is None or calendar_index not in cells.cohort_index:
            return None
        return list(cells.cohort_index).index(calendar_index)

    def triangle_row(self, row: int | None) -> int | None:
        """The triangle's row index of a table row (None for the average row)."""
        if row is None or self._cells is None or not 0 <= row < self._cells.cohorts:
            return None
        return row

    def _active_len(self, row: int) -> int:
        assert self._cells is not None
        return self._cells.lengths[row]

    def position_for(self, calendar_index: int, prefer_row: int) -> tuple[int, int] | None:
        """Where the cursor goes for a calendar period: same cohort if it reaches it, else the newest cohort."""
        cells = self._cells
        if cells is None or not cells.cohorts:
            return None
        if 0 <= prefer_row < cells.cohorts:
            k = calendar_index - cells.cohort_index[prefer_row]
            if 0 <= k < cells.lengths[prefer_row]:
                return prefer_row, k
        for row in range(cells.cohorts - 1, -1, -1):
            k = calendar_index - cells.cohort_index[row]
            if 0 <= k < cells.lengths[row]:
                return row, k
        return None

    def get_cell_at(self, coordinate: Coordinate) -> Text:
        """The text of a cell as drawn, with its colour (no cursor, no underline)."""
        cells = self._cells
        if cells is None or not 0 <= coordinate.row < cells.rows or not 0 <= coordinate.column < cells.columns:
            raise IndexError(f"no cell at {coordinate}")
        text, style = cells.cell(coordinate.row, coordinate.column)
        return Text(text, style=style)

    def row_label(self, row: int) -> Text:
        """The label of a row: "2024-11 (70)" for a cohort, "average" for the last row."""
        assert self._cells is not None
        text, style = self._cells.label(row)
        return Text(text, style=style)

    def cell_region(self, coordinate: Coordinate) -> Region:
        """Where a cell is in the table, before scrolling (the header is line 0, the labels are at x 0)."""
        cells = self._cells
        if cells is None:
            return Region(0, 0, 0, 0)
        return Region(cells.label_width + coordinate.column * cells.width, 1 + coordinate.row, cells.width, 1)

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        cells = self._cells
        if cells is None:
            return Coordinate(0, 0)
        return Coordinate(min(max(value.row, 0), cells.rows - 1), min(max(value.column, 0), cells.columns - 1))

    # ------------------------------------------------------------ what changes

    def rebuild(self) -> None:
        triangle = self.triangle
        saved = self.cursor_coordinate
        self._lines.clear()
        if triangle is None or not triangle.rows:
            self._cells = None
            self.virtual_size = Size(0, 0)
            self.set_reactive(CohortTable.cursor_coordinate, Coordinate(0, 0))
            self.refresh()
            return
        cells = self._cells = TriangleCells(triangle, self.view, self.ramp, self.revenue)
        self.virtual_size = Size(cells.label_width + cells.columns * cells.width, 1 + cells.rows)
        # the cursor stays where it was if that cell still exists, else it starts again at the top left
        keep = saved.row < cells.rows and saved.column < cells.columns
        self.set_reactive(CohortTable.cursor_coordinate, saved if keep else Coordinate(0, 0))
        self.refresh()
        self._scroll_cursor_into_view()

    def watch_triangle(self) -> None:
        self.rebuild()

    def watch_view(self) -> None:
        self.rebuild()

    def watch_ramp(self) -> None:
        self.rebuild()

    def watch_current(self, old: int | None, new: int | None) -> None:
        """Re-draw only the cells of the previous and the new current period that are in view."""
        cells = self._cells
        if cells is None:
            return
        top = int(self.scroll_y)
        self._refresh_cells([(row, k) for row in range(top, min(cells.cohorts, top + max(self.size.height - 1, 0)))
                             for k in (cells.on_diagonal(row, old), cells.on_diagonal(row, new)) if k is not None])

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        if old != new:
            self._refresh_cells([old, new])
            self._scroll_cursor_into_view()

    def _refresh_cells(self, coordinates: list[tuple[int, int]]) -> None:
        """Mark the given cells to be drawn again, those in view only (in one refresh: each call costs)."""
        cells = self._cells
        if cells is None:
            return
        left = cells.label_width  # the frozen labels cover what is scrolled under them
        view = Region(left, 1, max(self.size.width - left, 0), max(self.size.height - 1, 0))
        offset = -self.scroll_offset
        regions = [visible for row, k in coordinates
                   if (visible := self.cell_region(Coordinate(row, k)).translate(offset).intersection(view))]
        if regions:
            self.refresh(*regions)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks = None  # the theme, the focus or a parent's class changed: look again before drawing
        self.refresh()

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Keep the cursor cell in view, scrolled to a column boundary so no number shows with its first
        digits cut off, below the header and right of the frozen labels."""
        cells = self._cells
        if cells is None:
            return
        window = self.scrollable_content_region
        view_w, view_h = window.width - cells.label_width, window.height - 1
        width = cells.width
        col_x, row_y = self.cursor_coordinate.column * width, self.cursor_coordinate.row
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
        elif row_y + 1 > y + view_h:
            y = row_y + 1 - view_h
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x=x, y=y, animate=False, force=True)

    # ------------------------------------------------------------ drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._looks is None:
            self._looks = self._theme_styles()
            if self._looks != self._drawn_with:
                self._drawn_with = self._looks
                self._lines.clear()
        return super().render_lines(crop)

    def _theme_styles(self) -> tuple[Style, Style, Style, Color]:
        """(base, cursor, header, background): the theme's styles that every cached line depends on."""
        return (self.rich_style, self.get_component_rich_style("cohort-table--cursor"),
                self.get_component_styles("cohort-table--header").rich_style, self.background_colors[1])

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        cells = self._cells
        if self._looks is None:  # drawn outside render_lines (a test reading a line)
            self.render_lines(Region(0, 0, 0, 0))
        assert self._looks is not None
        base = self._looks[0]
        row = HEADER if y == 0 else y - 1 + int(self.scroll_y)
        if cells is None or row >= cells.rows:
            return Strip.blank(width, base)
        x = int(self.scroll_x)
        view = max(width - cells.label_width, 0)
        first = x // cells.width
        last = min(cells.columns - 1, (x + view - 1) // cells.width)
        cursor = self.cursor_coordinate
        current = cells.on_diagonal(row, self.current) if row >= 0 else None
        key = (row, x, width, cursor.column if cursor.row == row and first <= cursor.column <= last else None,
               current if current is not None and first <= current <= last else None)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(row, first, last, x, width, key[3], key[4])
            self._lines[key] = strip
        return strip

    def _render_row(self, row: int, first: int, last: int, x: int, width: int, cursor: int | None,
                    current: int | None) -> Strip:
        """One line: the frozen label, then the columns ``first``..``last`` cropped to the view, styled as
        Textual's DataTable styles them (theme base + cell colour; the cursor's colours on top)."""
        cells = self._cells
        assert cells is not None and self._looks is not None
        base, cursor_style, header, background = self._looks
        row_style = header if row == HEADER else base
        label, label_style = cells.label(row) if row != HEADER else ("", Style())
        label_pad = cells.label_width - cell_len(label)
        label_meta = Style.from_meta({"row": row, "column": LABEL})
        segments = [Segment(label, header + label_meta + label_style)]
        if label_pad:
            segments.append(Segment(" " * label_pad, header + label_meta))
        body: list[Segment] = []
        for k in range(first, last + 1):
            if row == HEADER:
                text, style = cells.header(k)
                text = text or " " * cells.width
            else:
                text, style = cells.cell(row, k)
                if k == current:
                    style += CURRENT
            if k == cursor:
                style = cursor_style + style + Style.from_color(color=cursor_style.color)
            body.append(Segment(text, row_style + style + Style.from_meta({"row": row, "column": k})))
        if last == cells.columns - 1:  # the end of the table: fill the rest of the widget as DataTable does
            table_width = cells.label_width + cells.columns * cells.width
            fill = max(0, width - table_width)
            if row_style.bgcolor is not None:
                faded = Color.from_rich_color(row_style.bgcolor).blend(background, factor=0.25)
                extend = Style.from_color(color=row_style.color, bgcolor=faded.rich_color)
            else:
                extend = Style.from_color(row_style.color, row_style.bgcolor)
            extend += Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
            body.append(Segment(" " * fill, extend))
        offset = x - first * cells.width
        view = max(width - cells.label_width, 0)
        scrolled = Strip(body).crop(offset, offset + view)
        return Strip([*segments, *scrolled]).adjust_cell_length(width, base).simplify()

    # ------------------------------------------------------------ keys and the mouse

    def user_moved(self) -> None:
        """The analyst moved the cursor (a key or a click, not the app): say where it is now."""
        cells = self._cells
        row, k = self.cursor_coordinate.row, self.cursor_coordinate.column
        if cells is None:
            return
        is_average = row >= cells.cohorts
        if k >= cells.data_columns:
            k = cells.data_columns - 1
            self.move_cursor(column=k, animate=False)
        if not is_average and k >= self._active_len(row):
            k = self._active_len(row) - 1  # past the triangle's edge: its last cell
            self.move_cursor(column=k, animate=False)
        self.post_message(self.CursorMoved(self.triangle_row(row), k,
                                           None if is_average else self.calendar_index(row, k)))

    def move_cursor(self, *, row: int | None = None, column: int | None = None, animate: bool = False,
                    scroll: bool = True) -> None:
        """Move the cursor (it scrolls into view whatever ``scroll`` says, as DataTable's does)."""
        current = self.cursor_coordinate
        self.cursor_coordinate = Coordinate(current.row if row is None else row,
                                            current.column if column is None else column)

    def action_cursor_up(self) -> None:
        self.cursor_coordinate = self.cursor_coordinate.up()
        self.user_moved()

    def action_cursor_down(self) -> None:
        self.cursor_coordinate = self.cursor_coordinate.down()
        self.user_moved()

    def action_cursor_left(self) -> None:
        self.cursor_coordinate = self.cursor_coordinate.left()
        self.user_moved()

    def action_cursor_right(self) -> None:
        self.cursor_coordinate = self.cursor_coordinate.right()
        self.user_moved()

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)
        self.user_moved()

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
        self.user_moved()

    def action_page_down(self) -> None:
        height = self.scrollable_content_region.height - 1
        row = self.cursor_coordinate.row
        target = row + min(height, max(self.row_count - 1 - row, 0))
        self.scroll_relative(y=height, animate=False, force=True)
        self.move_cursor(row=target, scroll=False)
        self.user_moved()

    def action_page_up(self) -> None:
        height = self.scrollable_content_region.height - 1
        row = self.cursor_coordinate.row
        self.scroll_relative(y=-height, animate=False)
        self.move_cursor(row=row - min(height, row), scroll=False)
        self.user_moved()

    # Home/End and ctrl+Home/End move the cursor like the arrows do, so the panels follow (issue 13: they
    # moved it silently, and End landed on the blank column past the last period)

    def action_scroll_top(self) -> None:
        self.cursor_coordinate = Coordinate(0, self.cursor_coordinate.column)
        self.user_moved()

    def action_scroll_bottom(self) -> None:
        self.cursor_coordinate = Coordinate(self.row_count - 1, self.cursor_coordinate.column)
        self.user_moved()

    def action_scroll_home(self) -> None:
        self.move_cursor(column=0)
        self.user_moved()

    def action_scroll_end(self) -> None:
        cells = self._cells
        if cells is None:
            return
        row = self.cursor_coordinate.row
        last = cells.lengths[row] - 1 if row < cells.cohorts else cells.data_columns - 1
        self.move_cursor(column=max(last, 0))
        self.user_moved()

    def action_select_cursor(self) -> None:
        self._select(self.cursor_coordinate)

    def _select(self, coordinate: Coordinate) -> None:
        row, k = coordinate
        cells = self._cells
        if cells is None or row >= cells.cohorts or k >= cells.lengths[row]:
            self.notify("Move to a cohort's cell to list its customers (the average row has none of its own).",
                        markup=False)
            return
        self.post_message(self.CellSelected(row, k))

    async def _on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor like a key does; a click on the cursor's cell is Enter."""
        meta = event.style.meta
        if "row" not in meta or "column" not in meta or meta.get("out_of_bounds", False):
            return
        target = Coordinate(meta["row"], meta["column"])
        if target.row == HEADER or target.column == LABEL:
            return
        event.stop()
        before = self.cursor_coordinate
        self.cursor_coordinate = target
        if target == before:
            self._select(target)
        else:
            self.user_moved()
