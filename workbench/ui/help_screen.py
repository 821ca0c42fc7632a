"""The help screen: every key active where it was opened, generated from the bindings themselves."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static


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


def help_text(rows: list[tuple[str, str, str]], about: str) -> Table:
    """Every key and what it does, wrapped under itself (never cut at the edge), then the words on reading
    the numbers."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column("Key", no_wrap=True, style="bold")
    grid.add_column("Does", ratio=1, overflow="fold")
    grid.add_column("Where", no_wrap=True, style="dim")
    for keys, text, where in rows:
        grid.add_row(Text(keys), Text(text), Text(where))
    grid.add_row("", "", "")
    grid.add_row("", Text(about), "")
    return grid


class HelpScroll(VerticalScroll, can_focus=True):
    """The help text; moves with the arrows, j/k, page up/down, home/end (g/G) like every other list."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Up", show=False, id="help.up"),
        Binding("g", "scroll_home", "Top", show=False, id="help.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="help.bottom"),
    ]


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
        self.rows = rows
        self._about = about

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys  (↑↓ j k scroll · escape closes)", style="bold"), id="help-title")
            with HelpScroll(id="help-scroll"):
                yield Static(help_text(self.rows, self._about), id="help-keys")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(HelpScroll).focus()
