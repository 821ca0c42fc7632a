"""Writing tables: one CSV writer, one Markdown writer, and atomic files that never replace without asking.

CSV holds raw values (numbers as numbers, ``true``/``false``, an empty field for no value) and keeps the
completeness columns; Markdown shows what displays show (see :func:`workbench.present.table.display_rows`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

from workbench.present.table import Table, display_rows, displayed_columns


def csv_value(value: object) -> str:
    """A raw value as CSV text: floats in their shortest exact form, so a spreadsheet reads numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value else ""
    return str(value)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()


def md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(table: Table) -> str:
    shown = displayed_columns(table)
    align = ["---:" if table.columns[i].kind != "text" else ":---" for i in shown]
    lines = ["| " + " | ".join(md_cell(table.columns[i].name) for i in shown) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in display_rows(table)]
    return "\n".join(lines) + "\n"


def default_filename(table: Table, fmt: str = "csv") -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", table.name).strip("-") or "view"
    return f"{stem}.{'md' if fmt == 'markdown' else 'csv'}"


def format_for(path: str | os.PathLike) -> str:
    """'markdown' for .md / .markdown, else 'csv'."""
    return "markdown" if Path(path).suffix.lower() in (".md", ".markdown") else "csv"


def write_text_atomic(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder and ``os.replace``. An existing file
    keeps its permission bits (the caller asks before replacing it)."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target.resolve()


def write_table(table: Table, path: str | os.PathLike) -> Path:
    """Write the table to ``path`` (Markdown for .md, else CSV), atomically."""
    text = to_markdown(table) if format_for(path) == "markdown" else to_csv(table)
    return write_text_atomic(text, path)
