"""Showing text from data files literally, whatever it holds."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: object, limit: int = 40) -> str:
    """The value with control characters (terminal escapes, newlines) written as \\xNN, cut to ``limit``."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_controls(value: object) -> str:
    """Like :func:`printable` but never shortened: for whole messages about to be written to a terminal."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
