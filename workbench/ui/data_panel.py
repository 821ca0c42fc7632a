"""The Data tab: each loaded file, its rows kept and dropped, the columns detected, and its problems."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from workbench.io.problems import FileReport
from workbench.io.text import printable
from workbench.present.sections import files_table
from workbench.present.table import display_rows
from workbench.ui.problems_screen import describe_reports
from workbench.ui.table import KeyTable

PATH_WIDTH = 28  # the path column's width at most; longer paths keep their end (the file name)


class FilesTable(KeyTable):
    """The files read, one row each."""


def short_paths(paths: list[str]) -> tuple[str, list[str]]:
    """The folder the paths share (empty when none) and each path after it: the part that tells them apart.
    ``/data/x/events.csv``, ``/data/x/nps.csv`` → ``/data/x/``, ``events.csv``, ``nps.csv``."""
    if len(paths) < 2:
        folder, _, name = paths[0].rpartition("/") if paths else ("", "", "")
        return (folder + "/" if folder else ""), ([name] if paths else [])
    split = [p.split("/") for p in paths]
    common = 0
    while all(len(s) > common + 1 for s in split) and len({s[common] for s in split}) == 1:
        common += 1
    folder = "/".join(split[0][:common])
    return (folder + "/" if common else ""), ["/".join(s[common:]) for s in split]


def tail(text: str, width: int) -> str:
    """``text`` cut from the left to ``width`` characters, so the end (the file name) stays."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1:]


class DataPanel(Widget):
    """Shows the load reports it is given (``reports``); renders nothing of its own making."""

    HELP = "Each file read: rows read, kept and dropped, which column was taken for what, and every problem."

    reports: reactive[list[FileReport] | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        yield Static(id="data-folder")
        yield FilesTable(id="data-files", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="data-problems-scroll"):
            yield Static(Text("Nothing loaded yet."), id="data-problems")

    def on_mount(self) -> None:
        table = self.query_one(FilesTable)
        for column in files_table([]).columns:
            table.add_column(column.name, key=column.name)
        if self.reports is not None:  # given before it mounted (its tab was opened after the load)
            self._show(self.reports)

    def watch_reports(self, reports: list[FileReport] | None) -> None:
        if self.is_mounted:
            self._show(reports)

    def _show(self, reports: list[FileReport] | None) -> None:
        table = self.query_one(FilesTable)
        table.clear()
        files = files_table(reports or [])
        folder, names = short_paths([r.path for r in reports or []])
        where = self.query_one("#data-folder", Static)
        where.update(Text(f"Files in {tail(printable(folder, 400), 70)}" if folder else ""))
        where.display = bool(folder)
        for row, name in zip(display_rows(files), names, strict=True):
            row = [tail(printable(name, 400), PATH_WIDTH), *row[1:]]
            table.add_row(*[Text(text, justify="left" if column.kind == "text" else "right")
                            for column, text in zip(files.columns, row, strict=True)])
        problems = self.query_one("#data-problems", Static)
        if reports is None:
            problems.update(Text("Nothing loaded yet."))
        elif any(r.problems for r in reports):
            problems.update(describe_reports([r for r in reports if r.problems]))
        else:
            problems.update(Text("No problems found in any file."))
