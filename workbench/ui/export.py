"""Writing the table of the current view to CSV or Markdown, atomically (temp file, then rename).

Each view offers a :class:`Table` of plain values (the numbers it shows, not their colours); this module
never imports Textual, so it is tested on its own.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.io.text import printable


@dataclass(frozen=True)
class Table:
    """What a view exports: a name for the file, column headers and rows of plain values."""

    name: str
    headers: list[str]
    rows: list[list[object]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if value == value else ""
    return str(value)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _md(value: object) -> str:
    return printable(_cell(value), 200).replace("|", "\\|")


def to_markdown(table: Table) -> str:
    lines = ["| " + " | ".join(_md(h) for h in table.headers) + " |",
             "|" + "|".join("---" for _ in table.headers) + "|"]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def default_filename(table: Table, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", table.name).strip("-") or "view"
    return f"{stem}.{'md' if fmt == 'markdown' else 'csv'}"


def format_for(path: str | os.PathLike) -> str:
    """'markdown' for .md / .markdown, else 'csv'."""
    return "markdown" if Path(path).suffix.lower() in (".md", ".markdown") else "csv"


def write_table(table: Table, path: str | os.PathLike) -> Path:
    """Write the table to ``path`` (format from its suffix) through a temp file and ``os.replace``."""
    target = Path(path).expanduser()
    text = to_markdown(table) if format_for(target) == "markdown" else to_csv(table)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target.resolve()
