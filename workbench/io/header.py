"""Header names that occur twice: polars reads such a file without a word, so we say it.

polars' CSV reader keeps the first ``user_id`` and renames the next ones ``user_id_duplicated_0``, ...;
fastexcel (Excel) renames them ``user_id_1``, .... Either way the first column of that name is the one
the options and the column detection see, which may not be the one the analyst meant. The repeats are
found in the header row itself, read by polars as data, rather than by guessing from the renamed names.
"""

from __future__ import annotations

import re

import polars as pl

from workbench.io.columns import OPTION_FOR_ROLE, role_for_name
from workbench.io.prelude import CsvLayout
from workbench.io.problems import Problem, Severity
from workbench.io.text import printable

_EXCEL_RENAMED = re.compile(r"^(.*)_\d+$")


def header_row(path: str, fmt: str, separator: str | None, layout: CsvLayout | None = None) -> list[str | None]:
    """The header's names as written (CSV/TSV, Excel), read as the first data row; [] for other formats."""
    if fmt in ("csv", "tsv"):
        if layout is not None and layout.names is not None:  # built from several rows, made unique
            return []
        source = layout.source if layout else path
        first = pl.scan_csv(source, has_header=False, n_rows=1, separator=separator or ",", infer_schema=False,
                            encoding="utf8-lossy", truncate_ragged_lines=True, glob=False,
                            skip_rows=layout.skip_rows if layout else 0).collect()
    elif fmt == "excel":
        first = pl.read_excel(path, engine="calamine", has_header=False, read_options={"n_rows": 1})
    else:
        return []
    if first.height == 0:
        return []
    return list(first.cast(pl.String).row(0))


def _maybe_repeated(fmt: str, names: list[str]) -> bool:
    """Whether the names polars gave could hide a repeat. Always for CSV (its first line costs nothing to
    read); for Excel only when a name looks renamed (``x_1`` beside ``x``), as reading a sheet again is slow."""
    if fmt in ("csv", "tsv"):
        return True
    if fmt == "excel":
        present = set(names)
        return any((m := _EXCEL_RENAMED.match(n)) and m.group(1) in present for n in names)
    return False


def repeated_names(header: list[str | None]) -> dict[str, list[int]]:
    """Each name written more than once, with its 1-based column positions; empty names are not counted."""
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(header, start=1):
        if name:
            positions.setdefault(name, []).append(number)
    return {name: where for name, where in positions.items() if len(where) > 1}


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def duplicate_columns(path: str, fmt: str, names: list[str], separator: str | None,
                      layout: CsvLayout | None = None) -> list[Problem]:
    """A warning per header name written more than once, naming its positions and what the later ones are
    called once read. ``names`` are the column names polars gave the file."""
    if not _maybe_repeated(fmt, names):
        return []
    try:
        header = header_row(path, fmt, separator, layout)
    except Exception:  # the file was read once already; a header we cannot read again hides nothing new
        return []
    problems = []
    for name, where in repeated_names(header).items():
        shown = printable(name)
        renamed = [names[i - 1] for i in where[1:]] if len(header) == len(names) else []
        read_as = (f", the other{'s are' if len(renamed) > 1 else ' is'} read as "
                   + ", ".join(f"'{printable(n)}'" for n in renamed)) if renamed else ""
        times = "twice" if len(where) == 2 else f"{len(where)} times"
        option = OPTION_FOR_ROLE.get(role_for_name(name) or "")
        if option and renamed:
            fix = f"rename one of them in the file, or pass {option} {printable(renamed[0])} to use the later one"
        else:
            fix = ("rename one of them in the file, or name the one to use with its option "
                   "(--id, --time, --start, --end, --score, --revenue, --segment, --comment)")
        problems.append(Problem(
            "duplicate_column", Severity.WARNING, path,
            f"the header names '{shown}' {times} (columns {_listed(where)}); the first (column {where[0]}) is "
            f"used as '{shown}'{read_as}", fix, column=shown))
    return problems
