"""The one table model of every output: named columns of raw values, and the rules that turn them into text.

A :class:`Table` holds numbers as numbers. Where a value is not final yet (its period is not over), the
table says so in a column of its own: ``complete`` (a row's period is over) or ``complete_periods`` (in a
wide table, the cells ``+0`` … ``+(n−1)`` are final). Displays — the app, the command line's tables and
Markdown — show that as :data:`INCOMPLETE` after the value and hide the column; CSV keeps the column and
writes the bare numbers. Formatting (thousands separators, rounding, the mark, the empty sign) happens only
in :func:`display_rows`, so every display agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from workbench.io.text import printable

INCOMPLETE = "~"  # after a value whose period is not over, everywhere
EMPTY = "–"  # a value that is undefined (a ratio over zero) or absent, in displays; CSV leaves the field empty
KINDS = ("text", "int", "pct", "money", "ratio", "bool", "complete", "complete_periods")


@dataclass(frozen=True)
class Column:
    """``name`` is the one name of this value everywhere (app, CLI, CSV, Markdown, JSON key); ``kind`` says how
    to show it: text, int, pct (a percentage, 0–100), money, ratio, bool, or one of the two completeness kinds."""

    name: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """A named table of raw values. ``key_columns`` are repeated when a display splits a wide table;
    ``summary_rows`` trailing rows (an average, all responses) are kept when a display shows only the latest."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...] = ()
    notes: tuple[str, ...] = ()
    key_columns: int = 1
    summary_rows: int = 0
    extra: dict = field(default_factory=dict, compare=False)  # e.g. the analysis settings, for file names

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> int:
        return self.headers.index(name)

    def records(self) -> list[dict]:
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


def number(value: float | int, digits: int) -> str:
    """``value`` with thousands separators and ``digits`` decimals, never "-0.0"."""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def show(value: object, kind: str) -> str:
    """One value as displays show it (no completeness mark)."""
    if value is None:
        return EMPTY
    if value == "":  # no such cell (past the end of a triangle's row)
        return ""
    if kind == "bool" or isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "int" and isinstance(value, int | float):
        return number(int(value), 0) if float(value).is_integer() else number(value, 2)
    if kind in ("pct",) and isinstance(value, int | float):
        return number(float(value), 1)
    if kind in ("money", "ratio") and isinstance(value, int | float):
        return number(float(value), 2)
    return printable(str(value), 400)


def displayed_columns(table: Table) -> list[int]:
    """The indexes of the columns a display shows (completeness columns become marks)."""
    return [i for i, c in enumerate(table.columns) if c.kind not in ("complete", "complete_periods")]


def _k(name: str) -> int | None:
    return int(name[1:]) if name.startswith("+") and name[1:].isdigit() else None


def display_rows(table: Table) -> list[list[str]]:
    """Every row as text, the shown columns only, with :data:`INCOMPLETE` after values not final yet."""
    kinds = [c.kind for c in table.columns]
    row_flag = next((i for i, k in enumerate(kinds) if k == "complete"), None)
    cell_flag = next((i for i, k in enumerate(kinds) if k == "complete_periods"), None)
    shown = displayed_columns(table)
    out = []
    for row in table.rows:
        texts = []
        for i in shown:
            text = show(row[i], kinds[i])
            k = _k(table.columns[i].name)
            pending = ((row_flag is not None and i == shown[0] and row[row_flag] is False)
                       or (cell_flag is not None and k is not None and row[cell_flag] is not None
                           and k >= row[cell_flag] and row[i] not in (None, "")))
            texts.append(text + INCOMPLETE if pending else text)
        out.append(texts)
    return out


def latest(table: Table, rows: int | None = None, k_columns: int | None = None, what: str = "rows",
           first: bool = False) -> tuple[Table, list[str]]:
    """The table cut to its latest ``rows`` (its ``first`` rows when True; summary rows are kept) and its first
    ``k_columns`` ``+k`` columns, for reading; the notes say what was left out, in ``what`` (a plural: "cohorts
    (days)"). CSV and JSON always hold everything."""
    notes: list[str] = []
    body = table.rows[:len(table.rows) - table.summary_rows]
    tail = table.rows[len(table.rows) - table.summary_rows:]
    if rows is not None and len(body) > rows:
        notes.append(f"showing the {'first' if first else 'latest'} {rows} of {len(body):,} {what}; --format csv "
                     "or json has them all.")
        body = body[:rows] if first else body[-rows:]
    keep = list(range(len(table.columns)))
    ks = [i for i, c in enumerate(table.columns) if _k(c.name) is not None]
    if k_columns is not None and len(ks) > k_columns:
        notes.append(f"showing +0 to +{k_columns - 1} of +{len(ks) - 1}.")
        drop = set(ks[k_columns:])
        keep = [i for i in keep if i not in drop]
    cut = replace(table, columns=tuple(table.columns[i] for i in keep),
                  rows=tuple(tuple(r[i] for i in keep) for r in (*body, *tail)))
    return cut, notes


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 customer``, ``2 customers``, ``1,204 responses``: a count with its noun agreeing."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
