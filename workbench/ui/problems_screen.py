"""What loading found: each file's problems (what was dropped and why, and the fix), dismissable."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workbench.io.problems import FileReport, Severity, rows_dropped
from workbench.io.text import printable

LABELS = {Severity.NOTE: ("note", "dim"), Severity.WARNING: ("warning", "bold"), Severity.ERROR: ("error", "bold")}


def describe_reports(reports: list[FileReport]) -> Text:
    """Every file and its problems, as literal text (values from files are never read as markup)."""
    text = Text()
    for report in reports:
        path = printable(report.path, 200)
        if report.kind:
            text.append(f"{path}", style="bold")
            text.append(f"  {report.kind} ({report.format}): read {report.rows_read:,}, kept {report.rows_kept:,}, "
                        f"dropped {report.rows_dropped:,}\n")
        else:
            text.append(f"{path}", style="bold")
            text.append("  not usable\n")
        for problem in report.problems:
            label, style = LABELS[problem.severity]
            where = f" ({problem.column})" if problem.column else ""
            text.append(f"  {label}", style=style)
            text.append(f"{where}: {problem.message}\n    fix: {problem.fix}\n")
    return text


class ProblemsScreen(ModalScreen[None]):
    """Shown after loading when a file had problems; escape (or enter) closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="problems.close"),
        Binding("enter", "dismiss", "Close", show=False, id="problems.close_enter"),
        Binding("q", "dismiss", "Close", show=False, id="problems.close_q"),
    ]

    def __init__(self, reports: list[FileReport], usable: bool) -> None:
        super().__init__()
        self._reports = reports
        self._usable = usable

    def compose(self) -> ComposeResult:
        worst = max((r.severity for r in self._reports), default=Severity.NOTE)
        dropped = rows_dropped(self._reports)
        if not self._usable:
            title = "No file could be used — fix the errors below and press ctrl+r to reload"
        elif dropped:
            title = f"{dropped:,} row{'' if dropped == 1 else 's'} dropped while loading; the rest is shown"
        elif worst >= Severity.WARNING:
            title = "Warnings from loading (nothing was dropped)"
        else:
            title = "Notes from loading (nothing was dropped)"
        with Vertical(id="problems-box"):
            yield Static(Text(title, style="bold"), id="problems-title")
            with VerticalScroll(id="problems-scroll"):
                yield Static(describe_reports(self._reports), id="problems-text")
            yield Static(Text("escape: close · the Data tab (6) keeps this list", style="dim"))
        yield Footer(compact=True)
