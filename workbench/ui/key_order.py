"""Keys listed in the order they are declared, even after a settings file moved some of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.screen import Screen

    _ScreenBase = Screen
else:
    _ScreenBase = object


def declared_bindings(cls: type[DOMNode]) -> list[Binding]:
    """A class's bindings in the order they are declared, inherited ones first (what Textual merges and
    applies a keymap to)."""
    merged = cls._merged_bindings
    return [b for bindings in merged.key_to_bindings.values() for b in bindings] if merged is not None else []


class DeclaredKeyOrder(_ScreenBase):
    """A screen whose footer, help and palette list the keys in the order they are declared. Textual's keymap
    puts every moved binding last, which pushed n and p off the end of an 80-column footer."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        active = super().active_bindings
        nodes: dict[int, int] = {}
        places: dict[int, dict] = {}

        def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
            node, binding = item[1].node, item[1].binding
            rank = nodes.setdefault(id(node), len(nodes))
            if id(node) not in places:
                places[id(node)] = {}
                for index, declared in enumerate(declared_bindings(type(node))):
                    places[id(node)].setdefault(declared.id or (declared.key, declared.action), index)
            return rank, places[id(node)].get(binding.id or (binding.key, binding.action), len(places[id(node)]))

        return dict(sorted(active.items(), key=place))
