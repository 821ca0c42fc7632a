"""A one-line question (go to a period, the as-of date, …): returns the text typed ("" when enter is pressed
on an empty line: the as-of prompt reads it as the data's end), or None on escape."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class PromptDialog(ModalScreen[str | None]):
    """Asks ``question`` (shown literally); ``hint`` is a dim line under the input."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, hint: str = "", value: str = "") -> None:
        super().__init__()
        self._question = question
        self._hint = hint
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static(Text(self._question, style="bold"))
            yield Input(value=self._value, id="prompt-input")
            yield Static(Text(self._hint or "enter: go · escape: cancel", style="dim"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
