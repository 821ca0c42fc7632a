"""A small dialog asking where to write the current view (CSV, or Markdown for .md)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class ExportDialog(ModalScreen[str | None]):
    """Returns the path typed (enter) or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self._suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(Text("Export this view to (.csv, or .md for Markdown):"))
            yield Input(value=self._suggestion, id="export-path")
            yield Static(Text("enter: write · escape: cancel", style="dim"))
        yield Footer(compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
