"""The command palette: every action bound on the current screen, offered by its description."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.ui.help_screen import key_entries


class ActionCommands(Provider):
    """Commands made from the active bindings, so the palette and the keys can never disagree."""

    def _commands(self):
        for entry in key_entries(self.screen):
            help_text = "key: " + " ".join(entry.keys) + (f" — {entry.tooltip}" if entry.tooltip else "")
            yield entry.description, partial(self.app.run_action, entry.action, entry.node), help_text

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
