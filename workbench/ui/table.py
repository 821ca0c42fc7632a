"""A DataTable with the keys analysts know (h j k l, g/G)."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.scroll_view import ScrollView
from textual.widgets import DataTable


class KeyTable(DataTable):
    """DataTable + VisiData keys (h j k l, g/G); :meth:`user_moved` tells subclasses the analyst moved."""

    BINDINGS = [
        Binding("h", "cursor_left", "Left", show=False, id="table.left"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("l", "cursor_right", "Right", show=False, id="table.right"),
        Binding("g", "first_row", "First row", show=False, id="table.top"),
        Binding("G", "last_row", "Last row", show=False, id="table.bottom"),
    ]

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


class GridKeys(ScrollView, can_focus=True):
    """The keys of Textual's DataTable, for a line-API table that moves a cell cursor."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    def _scroll_cursor_into_view(self) -> None:
        """Scroll so the cursor's cell is in view (each table knows where its cells are)."""
        raise NotImplementedError

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        """Give a scrollbar that appears the scroll position it missed.

        Textual passes ``scroll_x`` to the scrollbar only while the scrollbar is shown, and decides that at the
        next layout: a scroll made in between (moving the cursor right after the table is filled) left the thumb
        drawn at 0 over a scrolled table, depending on timing. A scrollbar that appears also narrows the view:
        the cursor's cell, scrolled into view before, may now be under it."""
        if shown:
            self.horizontal_scrollbar.position = self.scroll_x
            self.call_after_refresh(self._scroll_cursor_into_view)

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        if shown:
            self.vertical_scrollbar.position = self.scroll_y
            self.call_after_refresh(self._scroll_cursor_into_view)
