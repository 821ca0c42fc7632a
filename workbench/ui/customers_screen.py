"""The customers behind a number: their ids at once, then each one's profile (first and last seen, periods
active, revenue, segment, NPS) computed in a worker; sortable by any column, searchable by id, and enter
opens a customer's timeline."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from workbench.io.text import printable
from workbench.metrics.customers import Timeline, customer_profiles, customer_timeline
from workbench.metrics.options import AnalysisOptions
from workbench.present.sections import PROFILE_KINDS, customer_profiles_table
from workbench.present.table import Table, counted
from workbench.ui.frame_table import FrameTable
from workbench.ui.timeline_screen import TimelineScreen

OPTIONAL_COLUMNS = ("revenue", "segment", "nps")


@dataclass(frozen=True)
class CustomerSource:
    """Where the profiles and timelines come from: the loaded datasets (kind → dataset), the kind the ids
    were counted in, and the analysis' options (granularity, as-of)."""

    datasets: dict
    kind: str
    options: AnalysisOptions

    def profiles(self, ids: list[str]) -> pl.DataFrame:
        return customer_profiles(self.datasets, self.kind, self.options, ids)

    def timeline(self, customer_id: str) -> Timeline:
        return customer_timeline(self.datasets, self.options, customer_id)


class CustomerTable(FrameTable):
    """One customer per row; enter opens their timeline."""

    HELP = ("One row per customer behind the number, up to the as-of date. first_seen / last_seen: their first "
            "and last event (subscriptions: first start and last end; empty while still subscribed). "
            "periods_active: the periods (at the current granularity) with an event, or subscribed. revenue: "
            "the sum of their revenue (subscriptions: the MRR of their latest subscription × periods "
            "subscribed). segment: the plan or segment of their latest row. nps: their latest NPS score.")

    BINDINGS = [Binding("enter", "select_cursor", "Timeline", id="customers.timeline",
                        tooltip="The customer's rows in time order (events, subscriptions, NPS answers)")]


class CustomersScreen(ModalScreen[None]):
    """A list of customers. ``s`` sorts by the cursor's column (again: reversed), ``/`` searches the ids,
    enter opens a timeline, ``c`` copies the ids shown, ctrl+s exports the table shown."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="customers.back", tooltip="Clear the search, else close"),
        Binding("q", "dismiss", "Back", show=False, id="customers.back_q"),
        Binding("s", "sort", "Sort", id="customers.sort",
                tooltip="Sort by the column under the cursor; again reverses the order"),
        Binding("slash", "search", "Search ids", id="customers.search", key_display="/",
                tooltip="Show only the ids that contain the text typed (any case); escape clears"),
        Binding("c", "copy_ids", "Copy ids", id="customers.copy"),
        Binding("ctrl+s", "app.export", "Export", id="customers.export"),
        Binding("question_mark", "app.help", "Help", id="customers.help"),
        Binding("f1", "app.help", "Help", show=False, id="customers.help_f1"),
    ]

    def __init__(self, title: str, ids: list[str], name: str = "customers", source: CustomerSource | None = None):
        super().__init__()
        self._title = title
        self._ids = ids
        self._export_name = name
        self._source = source
        self._frame = pl.DataFrame({"customer_id": pl.Series(ids, dtype=pl.String)})
        self._view = self._frame
        self._sort: tuple[str, bool] | None = None  # (column, descending)
        self._search = ""
        self._status = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="customers-box"):
            yield Static(Text(f"{printable(self._title, 200)} — {counted(len(self._ids), 'customer')}"),
                         id="customers-title")
            search = Input(placeholder="part of an id (escape clears)", id="customers-search")
            search.display = False
            yield search
            yield CustomerTable(id="customers-table")
            yield Static(id="customers-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(CustomerTable)
        table.show_frame(self._frame)
        table.focus()
        if self._source is not None and self._ids:
            self._set_status("computing each customer's first and last time, periods, revenue, segment and NPS…")
            self.load_profiles()
        else:
            self._set_status("")

    # ------------------------------------------------------------ the profiles, in a worker

    @work(thread=True, exclusive=True, group="profiles")
    def load_profiles(self) -> None:
        try:
            frame = self._source.profiles(self._ids)
        except Exception as exc:  # noqa: BLE001 - any failure of the engine: the ids stay, the reason is said
            message = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)
            self.app.call_from_thread(self._set_status, f"no profiles: {message}")
            return
        self.app.call_from_thread(self._profiles_ready, frame)

    def _profiles_ready(self, frame: pl.DataFrame) -> None:
        if not self.is_attached:
            return
        # no revenue column, no segment column, no NPS answers loaded: a column of – says nothing
        empty = [c for c in OPTIONAL_COLUMNS if c in frame.columns and frame[c].null_count() == frame.height]
        self._frame = frame.drop(empty)
        self._status = ""
        self._refresh_view(keep_cursor=True)

    @property
    def profiles_loaded(self) -> bool:
        return self._frame.width > 1

    # ------------------------------------------------------------ sort and search

    def _refresh_view(self, keep_cursor: bool = False) -> None:
        frame = self._frame
        if self._search:
            frame = frame.filter(pl.col("customer_id").str.to_lowercase()
                                 .str.contains(self._search.lower(), literal=True))
        labels = {}
        if self._sort is not None and self._sort[0] in frame.columns:
            column, descending = self._sort
            frame = frame.sort(column, descending=descending, nulls_last=True, maintain_order=True)
            labels[column] = f"{column} {'↓' if descending else '↑'}"
        self._view = frame
        self.query_one(CustomerTable).show_frame(frame, PROFILE_KINDS, labels, keep_cursor=keep_cursor)
        self._set_status(self._status)

    def _set_status(self, loading: str) -> None:
        if not self.is_attached:  # closed before the worker answered
            return
        self._status = loading
        parts = [loading] if loading else []
        if self._search:
            parts.append(f"{self._view.height:,} of {len(self._ids):,} ids contain '{printable(self._search)}'")
        if self._sort is not None:
            column, descending = self._sort
            parts.append(f"sorted by {column}, {'largest' if descending else 'smallest'} first")
        hint = "s sort by this column · / search ids · enter timeline · c copy ids"
        self.query_one("#customers-status", Static).update(Text(" · ".join(parts) or hint, style="dim"))

    def action_sort(self) -> None:
        table = self.query_one(CustomerTable)
        if not table.columns:
            return
        column = table.columns[table.cursor_column]
        descending = self._sort is not None and self._sort[0] == column and not self._sort[1]
        self._sort = (column, descending)
        self._refresh_view(keep_cursor=True)
        table.move_cursor(row=0)

    def action_search(self) -> None:
        search = self.query_one("#customers-search", Input)
        search.display = True
        self.set_focus(search)  # at once (focus() waits its turn): the keys typed right after go to the box

    def on_key(self, event: events.Key) -> None:
        """Typing right after ``/``: Textual hands each key to the widget focused when the key arrives, so keys
        typed fast enough reach the list before the box has the focus. ``/`` opens the box here, at once,
        and a printable key that comes up from the list while the box is open is typed into the box."""
        search = self.query_one("#customers-search", Input)
        if event.key == "slash" and not search.display:
            event.stop()
            event.prevent_default()
            self.action_search()
        elif search.display and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            search.insert_text_at_cursor(event.character)

    @on(Input.Changed, "#customers-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search = event.value
        self._refresh_view()

    @on(Input.Submitted, "#customers-search")
    def _search_done(self) -> None:
        """Enter: back to the list with the search applied (the line under it says so; ``/`` edits it)."""
        self.query_one("#customers-search", Input).display = False
        self.query_one(CustomerTable).focus()

    def action_back(self) -> None:
        """Escape: clear the search first (its box, or the filter it left), else close."""
        search = self.query_one("#customers-search", Input)
        if search.has_focus or self._search:
            search.value = ""  # Input.Changed shows every id again
            self._search = ""
            search.display = False
            self._refresh_view()
            self.query_one(CustomerTable).focus()
            return
        self.dismiss()

    # ------------------------------------------------------------ a customer's timeline

    @on(FrameTable.Selected, "#customers-table")
    def _open_timeline(self, event: FrameTable.Selected) -> None:
        if not 0 <= event.row < self._view.height:
            return
        customer_id = self._view["customer_id"][event.row]
        if self._source is None:
            self.notify("This list has no rows behind it to show.", markup=False)
            return
        self.app.push_screen(TimelineScreen(customer_id, self._source.timeline))

    # ------------------------------------------------------------ copy and export

    def export_table(self) -> Table:
        """The table as shown: the ids searched for, in the order sorted, with their profile once computed."""
        return customer_profiles_table(self._view, self._export_name, printable(self._title, 200))

    def action_copy_ids(self) -> None:
        ids = self._view["customer_id"].to_list()
        self.app.copy_to_clipboard("\n".join(ids))
        self.notify(f"Copied {counted(len(ids), 'id')} to the clipboard (if the terminal allows it; "
                    "ctrl+s writes a file)", markup=False)
