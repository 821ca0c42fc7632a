"""The Data tab: each loaded file, its rows kept and dropped, the columns detected, and its problems."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from workbench.io.problems import FileReport
from workbench.present.sections import files_table
from workbench.present.table import display_rows
from workbench.ui.problems_screen import describe_reports
from workbench.ui.table import KeyTable


class FilesTable(KeyTable):
    """The files read, one row each."""


class DataPanel(Widget):
    """Shows the load reports it is given (``reports``); renders nothing of its own making."""

    HELP = "Each file read: rows read, kept and dropped, which column was taken for what, and every problem."

    reports: reactive[list[FileReport] | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        yield FilesTable(id="data-files", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="data-problems-scroll"):
            yield Static(Text("Nothing loaded yet."), id="data-problems")

    def on_mount(self) -> None:
        table = self.query_one(FilesTable)
        for column in files_table([]).columns:
            table.add_column(column.name, key=column.name)

    def watch_reports(self, reports: list[FileReport] | None) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(FilesTable)
        table.clear()
        files = files_table(reports or [])
        for row in display_rows(files):
            table.add_row(*[Text(text, justify="left" if column.kind == "text" else "right")
                            for column, text in zip(files.columns, row, strict=True)])
        problems = self.query_one("#data-problems", Static)
        if reports is None:
            problems.update(Text("Nothing loaded yet."))
        elif any(r.problems for r in reports):
            problems.update(describe_reports([r for r in reports if r.problems]))
        else:
            problems.update(Text("No problems found in any file."))
