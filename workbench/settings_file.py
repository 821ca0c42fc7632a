"""The app's settings file, ``$XDG_CONFIG_HOME/retention-workbench/config.toml``: found, read and checked here.

Pure (stdlib ``tomllib``, no Textual): :func:`read_settings` returns a :class:`SettingsFile`, or raises
:class:`SettingsFileError` with one message naming the file, the setting and the fix. What only Textual knows
(the app's binding ids, key names, themes) is handed in by ``workbench.ui.keymap`` as :class:`AppNames`; the
app then applies the keymap and theme, and the command line gives ``[defaults]`` to the analysis options (a
flag on the command line wins over the file).

An example::

    theme = "nord"

    [keys]
    "period.next" = "],n"           # a binding id = one key or several, comma-separated (or a list)
    "view.percent" = ["%", "c"]

    [defaults]
    period = "week"                 # day, week, month, quarter, year
    week_start = "sunday"           # monday, sunday
    retention = "unbounded"         # classic, unbounded
    margin = 0.3                    # gross margin for CLTV, as --margin takes it (0.3 = 30%)
    ascii_charts = true             # plain ASCII charts
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click

from workbench.metrics import RETENTION_MODES, UNITS, WEEK_STARTS

CONFIG_ENV = "WORKBENCH_CONFIG"
APP_DIR = "retention-workbench"
FILE_NAME = "config.toml"
SECTIONS = ("theme", "keys", "defaults")
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
MARGIN = click.FloatRange(min=0, min_open=True)  # what --margin takes, and `margin` in [defaults]
HELP = "README, 'Settings file'"
EVERYWHERE = "the whole app"  # KnownBinding.where of a key the app takes first, wherever the focus is


class SettingsFileError(ValueError):
    """A settings file that cannot be used; the message names the file, the setting and the fix."""


@dataclass(frozen=True)
class Defaults:
    """``[defaults]``: what the command line's options start from (None: not set, the built-in default)."""

    period: str | None = None
    week_start: str | None = None
    retention: str | None = None
    margin: float | None = None
    ascii_charts: bool | None = None


DEFAULT_NAMES = tuple(Defaults.__dataclass_fields__)


@dataclass(frozen=True)
class SettingsFile:
    """What the file asks for; ``path`` is None when there is no file (everything built in)."""

    path: Path | None = None
    theme: str | None = None
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # binding id → its keys
    defaults: Defaults = field(default_factory=Defaults)

    def keymap(self) -> dict[str, str]:
        """The keys as Textual's ``App.set_keymap`` takes them: binding id → ``"key,key"``."""
        return {binding_id: ",".join(keys) for binding_id, keys in self.keys.items()}


@dataclass(frozen=True)
class KnownBinding:
    """A binding of the app as the ui declares it: where it is bound, its default keys, what it does."""

    id: str | None  # None: a binding without an id (Textual's own), which a keymap cannot move
    where: str
    keys: tuple[str, ...]
    action: str
    description: str


@dataclass(frozen=True)
class AppNames:
    """What only the app (Textual) knows, handed in by ``workbench.ui.keymap.app_names``: its bindings, its
    themes, and Textual's key names (``normalize_key`` turns ``?`` into ``question_mark``, None: no key)."""

    bindings: Collection[KnownBinding]
    themes: Collection[str]
    key_names: Collection[str]
    normalize_key: Callable[[str], str | None]


# ---------------------------------------------------------------- finding the file


def default_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CONFIG_HOME/retention-workbench/config.toml``; ``~/.config`` when the variable is unset, empty
    or relative (the XDG spec says to ignore a relative one)."""
    base = environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / APP_DIR / FILE_NAME


def read_settings(path: str | Path | None = None, names: AppNames | Callable[[], AppNames] | None = None,
                  environ: Mapping[str, str] = os.environ) -> SettingsFile:
    """Read and check the file at ``path`` (``--config`` or ``WORKBENCH_CONFIG``: it must exist), else at
    :func:`default_path` (no file there: every setting built in, no message). With ``names``, the binding ids,
    keys and theme are checked too (and the keys come back in Textual's names); ``names`` may be a function
    giving them, called only when there is a file to check."""
    if path is None:
        target = default_path(environ)
        if not target.exists():
            return SettingsFile()
    else:
        target = Path(path).expanduser()
        if not target.exists():
            raise SettingsFileError(f"Settings file {target}: no such file. Check the path given to --config "
                                    f"or {CONFIG_ENV}, or leave both out to use {default_path(environ)}.")
    try:
        data = tomllib.loads(target.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileError(f"Settings file {target}: not valid TOML: {exc}. Check the quotes, the = signs "
                                f"and the [table] headers there (a text value needs quotes: theme = \"nord\").") \
            from None
    except UnicodeDecodeError:
        raise SettingsFileError(f"Settings file {target}: not UTF-8 text. Save it as UTF-8.") from None
    except OSError as exc:
        raise SettingsFileError(f"Settings file {target}: cannot be read ({exc.strerror or exc}).") from None
    return parse_settings(data, target, names() if callable(names) else names)


# ---------------------------------------------------------------- what the file says


def parse_settings(data: Mapping[str, object], path: Path, names: AppNames | None = None) -> SettingsFile:
    """Check the types and values of a parsed file (and with ``names`` the ids, keys and theme against the
    app's); every problem is collected into one message."""
    problems: list[str] = []
    for name in data:
        if name not in SECTIONS:
            problems.append(f"unknown setting {_quote(name)}{_did_you_mean(name, SECTIONS)}; "
                            f"the file holds theme = \"...\", a [keys] table and a [defaults] table")
    theme = data.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme.strip()):
        problems.append(f"theme must be a theme's name in quotes, e.g. theme = \"textual-dark\", "
                        f"not {_shown(theme)}")
        theme = None
    theme = theme.strip() if isinstance(theme, str) else None
    keys = _parse_keys(data.get("keys", {}), problems)
    defaults = _parse_defaults(data.get("defaults", {}), problems)
    if names is not None:
        keys = _check_keys(keys, names, problems)
        _check_theme(theme, names.themes, problems)
    _raise(path, problems)
    return SettingsFile(path=path, theme=theme, keys=keys, defaults=defaults)


def _parse_keys(table: object, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        problems.append(f"keys must be a table: a [keys] header, then lines like \"period.next\" = \"right,n\" "
                        f"(not keys = {_shown(table)})")
        return {}
    keys: dict[str, tuple[str, ...]] = {}
    for binding_id, value in table.items():
        where = f"keys.{_quote(binding_id)}"
        if isinstance(value, str):
            parts = value.split(",")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts = value
        else:
            problems.append(f"{where} must be a key in quotes (\"right\"), several separated by commas "
                            f"(\"right,n\") or a list ([\"right\", \"n\"]), not {_shown(value)}")
            continue
        found = tuple(part.strip() for part in parts)
        if not found or any(not key for key in found):
            problems.append(f"{where} = {_shown(value)} has an empty key; write one or more keys, e.g. "
                            f"{where} = \"right,n\"")
            continue
        keys[binding_id] = tuple(dict.fromkeys(found))
    return keys


def _parse_defaults(table: object, problems: list[str]) -> Defaults:
    if not isinstance(table, dict):
        problems.append(f"defaults must be a table: a [defaults] header, then lines like period = \"week\" "
                        f"(not defaults = {_shown(table)})")
        return Defaults()
    values: dict[str, object] = {}
    choices = {"period": UNITS, "week_start": WEEK_STARTS, "retention": RETENTION_MODES}
    for name, value in table.items():
        where = f"defaults.{_quote(name)}"
        if name in choices:
            allowed = choices[name]
            if isinstance(value, str) and value.strip().lower() in allowed:
                values[name] = value.strip().lower()
            else:
                guess = _did_you_mean(str(value), allowed) if isinstance(value, str) else ""
                problems.append(f"{where} = {_shown(value)} is not one of "
                                f"{', '.join(allowed)}{guess}; write e.g. {name} = \"{allowed[1]}\"")
        elif name == "margin":
            margin = _margin(value)
            if margin is None:
                problems.append(f"{where} = {_shown(value)}: the margin is a number above 0, as --margin takes "
                                f"it (0.3 = 30%); write e.g. margin = 0.3")
            else:
                values[name] = margin
        elif name == "ascii_charts":
            if isinstance(value, bool):
                values[name] = value
            else:
                problems.append(f"{where} = {_shown(value)} must be true or false (no quotes)")
        else:
            problems.append(f"unknown setting {where}{_did_you_mean(name, DEFAULT_NAMES, 'defaults.')}; "
                            f"[defaults] knows {', '.join(DEFAULT_NAMES)}")
    return Defaults(**values)


def _margin(value: object) -> float | None:
    """A number the command line's --margin accepts (the same click type), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        margin = MARGIN.convert(value, None, None)
    except click.BadParameter:
        return None
    return margin if math.isfinite(margin) else None


# ---------------------------------------------------------------- the names only the app knows


def _check_keys(keys: Mapping[str, tuple[str, ...]], names: AppNames,
                problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The keys in Textual's names, each binding id known; an unknown id or key is named with its closest
    matches. A key taking another binding's key on the same screen or widget is a clash, since Textual would
    silently drop the other binding."""
    known = {b.id for b in names.bindings if b.id is not None}
    remapped: dict[str, tuple[str, ...]] = {}
    for binding_id, wanted in keys.items():
        where = f"keys.{_quote(binding_id)}"
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(f"{where}: no key binding has the id {_quote(binding_id)}{hint} "
                            f"(every id: {HELP})")
            continue
        found = []
        for key in wanted:
            name = _key_name(key, names.normalize_key)
            if name is None:
                base = key.rpartition("+")[2]
                close = difflib.get_close_matches(base, sorted(names.key_names), n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                problems.append(f"{where}: {_shown(key)} is not a key{hint} (a character, or a name such as "
                                f"right, enter, f5, space, ctrl+n, shift+tab)")
            else:
                found.append(name)
        if len(found) == len(wanted):
            remapped[binding_id] = tuple(dict.fromkeys(found))
    unsure = set(keys) - set(remapped)  # ids whose keys are wrong: no clash is reported with their old keys
    problems += _clashes(remapped, [b for b in names.bindings if b.id not in unsure])
    return remapped


def _check_theme(theme: str | None, themes: Collection[str], problems: list[str]) -> None:
    if theme is not None and theme not in themes:
        close = difflib.get_close_matches(theme, list(themes), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        problems.append(f"theme = {_shown(theme)} is not a Textual theme{hint} "
                        f"(available: {', '.join(sorted(themes))})")


def _key_name(key: str, normalize_key: Callable[[str], str | None]) -> str | None:
    """Textual's name for ``ctrl+shift+x``-style keys: the modifiers must be known, the last part a key."""
    if len(key) == 1:
        return normalize_key(key)
    *modifiers, base = key.split("+")
    if base == "" and modifiers and modifiers[-1] == "":  # "ctrl++": the plus key
        modifiers, base = modifiers[:-1], "+"
    if any(m.lower() not in MODIFIERS for m in modifiers):
        return None
    name = normalize_key(base)
    return None if name is None else "+".join([*(m.lower() for m in modifiers), name])


def _clashes(remapped: Mapping[str, tuple[str, ...]], bindings: Collection[KnownBinding]) -> list[str]:
    """A remapped key that another binding of the same screen or widget keeps (Textual would drop that one),
    or that a key of the whole app takes first (ctrl+q quits wherever you are)."""
    found: dict[tuple[str, str, str | None, str], list[str]] = {}
    for binding_id, keys in remapped.items():
        owners = {b.where for b in bindings if b.id == binding_id}
        actions = {b.action for b in bindings if b.id == binding_id}
        for other in bindings:
            if (other.where not in owners and other.where != EVERYWHERE) or other.id == binding_id \
                    or other.action in actions:
                continue
            other_keys = remapped.get(other.id, other.keys) if other.id is not None else other.keys
            for key in sorted(set(keys) & set(other_keys)):
                label = other.description or other.action
                found.setdefault((binding_id, key, other.id, label), []).append(other.where)
    problems = []
    for (binding_id, key, other_id, label), wheres in found.items():
        named = label if other_id is None else f"{label} ({other_id})"
        fix = ("a key without an id cannot be moved: choose another one" if other_id is None else
               f"give {other_id} another key too, e.g. {_quote(other_id)} = \"...\"")
        problems.append(f"keys.{_quote(binding_id)}: {_shown(key)} is already {named} in "
                        f"{', '.join(sorted(set(wheres)))}; {fix}")
    return problems


# ---------------------------------------------------------------- messages


def _raise(path: Path | None, problems: list[str]) -> None:
    if not problems:
        return
    name = f"Settings file {path}" if path is not None else "Settings"
    if len(problems) == 1:
        raise SettingsFileError(f"{name}: {problems[0]}.")
    raise SettingsFileError(f"{name}:\n" + "\n".join(f"  - {p}." for p in problems))


def _quote(name: str) -> str:
    """A TOML key as it is written: bare when it can be, else in double quotes (binding ids have dots)."""
    return name if name.replace("_", "").replace("-", "").isalnum() else '"' + name.replace('"', '\\"') + '"'


def _shown(value: object) -> str:
    """A value as TOML shows it, so the message points at what is in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _did_you_mean(name: str, choices: Collection[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(name.strip().lower(), list(choices), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(prefix + c for c in close)}?)" if close else ""
