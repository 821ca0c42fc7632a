"""What the settings file may name that only Textual knows: the app's binding ids, key names and themes.

:func:`app_names` hands them to :func:`workbench.settings_file.read_settings`, so an unknown id, key or
theme is refused with its closest matches before the app starts; the app then applies the file's keymap
with Textual's ``App.set_keymap`` and its theme, and the footer, help and palette show the keys it chose.
"""

from __future__ import annotations

import string
from functools import cache

from textual.app import App
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key
from textual.theme import BUILTIN_THEMES

# every screen and widget of the app, which known_bindings walks (the app imports some where they open)
import workbench.ui.app  # noqa: F401
import workbench.ui.confirm_dialog  # noqa: F401
import workbench.ui.customers_screen  # noqa: F401
import workbench.ui.export_dialog  # noqa: F401
import workbench.ui.help_screen  # noqa: F401
from workbench.settings_file import EVERYWHERE, AppNames, KnownBinding
from workbench.ui.key_order import declared_bindings


def _classes(root: type[DOMNode]) -> list[type[DOMNode]]:
    found, todo = [], [root]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("workbench.ui"):
            found.append(cls)
    return found


@cache
def known_bindings() -> tuple[KnownBinding, ...]:
    """Every binding of the app's screens and widgets (with its inherited ones), and the app's own keys that
    come first wherever the focus is (ctrl+q, the palette's ctrl+p). Screens and widgets are found as the
    subclasses Textual registered of DOMNode in ``workbench.ui``: importing the app imports them all."""
    found: list[KnownBinding] = []
    for cls in sorted(_classes(DOMNode), key=lambda c: (c.__module__, c.__name__)):
        where = EVERYWHERE if issubclass(cls, App) else cls.__name__
        if issubclass(cls, App):
            found.append(KnownBinding(None, EVERYWHERE, (cls.COMMAND_PALETTE_BINDING,), "command_palette",
                                      "the command palette"))
        for binding in declared_bindings(cls):
            if where == EVERYWHERE and not binding.priority and binding.id is None:
                continue  # the app's other keys are only reached when nothing else takes them
            found.append(KnownBinding(binding.id, where, (binding.key,), binding.action, binding.description))
    return tuple(found)


def binding_ids() -> list[str]:
    """Every id a settings file's [keys] may name, sorted."""
    return sorted({b.id for b in known_bindings() if b.id is not None})


@cache
def key_names() -> frozenset[str]:
    """Textual's names of keys: ``right``, ``f5``, ``space``, ``question_mark`` … (without modifiers)."""
    names = {key.value.rpartition("+")[2] for key in Keys}
    names = {name for name in names if name.replace("_", "").isalnum()}  # not <any>, ctrl-at and the like
    names |= {_character_to_key(char) for char in string.printable if not char.isspace()}
    return frozenset(names | {"space", "tab", "enter", "escape", "backspace"})


def normalize_key(key: str) -> str | None:
    """Textual's name for a key as a person writes it (``?`` → ``question_mark``); None when it is no key."""
    if len(key) == 1:
        return _character_to_key(key) if key.isprintable() and not key.isspace() else None
    name = key.lower()
    return name if name in key_names() else None


def app_names() -> AppNames:
    """What :func:`workbench.settings_file.read_settings` checks a file's ids, keys and theme against."""
    return AppNames(known_bindings(), sorted(BUILTIN_THEMES), key_names(), normalize_key)

