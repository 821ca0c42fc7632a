"""One customer's rows in time order (events, subscriptions, NPS answers), read in a worker."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workbench.io.text import printable
from workbench.metrics.customers import Timeline
from workbench.present.sections import TIMELINE_KINDS, customer_timeline_table
from workbench.present.table import Table, counted
from workbench.ui.frame_table import FrameTable


class TimelineTable(FrameTable):
    """One row of the data per line, oldest first."""

    HELP = ("One customer's rows up to the as-of date, oldest first: their events (with revenue), "
            "subscriptions (start, end, MRR) and NPS answers (score, comment), with the plan or segment of "
            "each row. At most the first 1,000 rows are shown; the line under the table says so.")


class TimelineScreen(ModalScreen[None]):
    """The rows of ``customer_id`` as ``load`` returns them (a :class:`~workbench.metrics.customers.Timeline`);
    escape goes back to the list, ctrl+s exports the rows shown."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="timeline.back"),
        Binding("q", "dismiss", "Back", show=False, id="timeline.back_q"),
        Binding("ctrl+s", "app.export", "Export", id="timeline.export"),
        Binding("question_mark", "app.help", "Help", id="timeline.help"),
        Binding("f1", "app.help", "Help", show=False, id="timeline.help_f1"),
    ]

    def __init__(self, customer_id: str, load: Callable[[str], Timeline]):
        super().__init__()
        self.customer_id = customer_id
        self._load = load
        self.timeline: Timeline | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Static(Text(f"Customer {printable(self.customer_id, 120)}"), id="timeline-title")
            yield TimelineTable(id="timeline-table")
            yield Static(Text("reading this customer's rows…", style="dim"), id="timeline-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TimelineTable).focus()
        self.read_rows()

    @work(thread=True, exclusive=True, group="timeline")
    def read_rows(self) -> None:
        try:
            timeline = self._load(self.customer_id)
        except Exception as exc:  # noqa: BLE001 - any failure of the engine: said in one line, the screen stays
            message = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)
            self.app.call_from_thread(self._say, f"the rows could not be read: {message}")
            return
        self.app.call_from_thread(self._show, timeline)

    def _say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#timeline-status", Static).update(Text(text, style="dim"))

    def _show(self, timeline: Timeline) -> None:
        if not self.is_attached:
            return
        self.timeline = timeline
        self.query_one(TimelineTable).show_frame(timeline.rows, TIMELINE_KINDS)
        title = f"Customer {printable(self.customer_id, 120)} — {counted(timeline.total, 'row')} up to the as-of date"
        self.query_one("#timeline-title", Static).update(Text(title))
        self._say(timeline.note or "oldest first · escape: back · ctrl+s: export")

    def export_table(self) -> Table:
        if self.timeline is None:
            return Table(name="timeline", title=f"Customer {self.customer_id}", columns=())
        return customer_timeline_table(self.timeline, f"timeline-{self.customer_id}")
