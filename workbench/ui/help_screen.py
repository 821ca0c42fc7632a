"""The help screen: every key active where it was opened, generated from the bindings themselves."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


@dataclass
class KeyEntry:
    """One action with every key bound to it, where it is defined, and its words."""

    keys: list[str]
    description: str
    tooltip: str
    node: DOMNode
    action: str

    @property
    def where(self) -> str:
        return type(self.node).__name__


def key_entries(screen: Screen) -> list[KeyEntry]:
    """Every active binding with a description, the keys of one action merged, in binding order."""
    app = screen.app
    merged: dict[tuple[int, str], KeyEntry] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        keys = app.get_key_display(binding)
        entry = merged.get((id(active.node), binding.action))
        if entry is None:
            merged[(id(active.node), binding.action)] = KeyEntry(
                [keys], binding.description, binding.tooltip, active.node, binding.action)
        elif keys not in entry.keys:
            entry.keys.append(keys)
    # the app's keys, the screen's own (periods, views, tabs), the focused widget's (moving in a table), and
    # last Textual's generic screen keys (focus, copy)
    generic = {b.action for b in Screen.BINDINGS if isinstance(b, Binding)}

    def rank(entry: KeyEntry) -> int:
        if entry.node is app:
            return 0
        if entry.node is screen:
            return 3 if entry.action in generic else 1
        return 2

    return sorted(merged.values(), key=rank)


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, where) for the help table."""
    return [(" ".join(e.keys), e.description + (f" — {e.tooltip}" if e.tooltip else ""), e.where)
            for e in key_entries(screen)]


class HelpScreen(ModalScreen[None]):
    """Keys for the screen underneath (and the focused widget), plus a few words on reading the numbers."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
        Binding("q", "dismiss", "Close help", show=False, id="help.close_q"),
        Binding("question_mark", "dismiss", "Close help", show=False, id="help.close_question"),
        Binding("f1", "dismiss", "Close help", show=False, id="help.close_f1"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]], about: str) -> None:
        super().__init__()
        self._rows = rows
        self._about = about

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys  (escape closes)", style="bold"), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="help-about"):
                yield Static(Text(self._about))

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_columns("Key", "Does", "Where")
        for keys, text, where in self._rows:
            table.add_row(Text(keys, style="bold"), Text(text), Text(where))
        table.focus()
