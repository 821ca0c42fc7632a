"""CSV lines with more fields than the header: read the file anyway, and say which lines they are.

polars refuses such a file ("found more fields than defined in 'Schema'") without saying where. With
``truncate_ragged_lines=True`` it keeps each line's first fields and ignores the extra ones, which is what
an analyst wants once told. The lines are only looked for after polars has refused the file, so a
well-formed file is never scanned twice.
"""

from __future__ import annotations

import polars as pl

from workbench.io.problems import Problem, Severity

_RAGGED_ERROR = "more fields than defined"
_NO_SEPARATOR = "\x00"  # a byte that does not occur in text: each line is read whole, as one field
_QUOTED = r'"[^"]*"'  # a quoted value ("a,b"; "say ""hi""" is two of them) holds no field separator


def is_ragged_error(exc: Exception) -> bool:
    """Whether polars refused a CSV because a line has more fields than its header."""
    return _RAGGED_ERROR in str(exc)


def find_ragged_lines(path: str | bytes, separator: str, n_fields: int) -> tuple[int | None, int]:
    """The first line of the file (1-based, the header is line 1) with more than ``n_fields`` fields,
    and how many lines have that many.

    Each line is read whole (no quoting) and its separators counted once quoted values are removed.
    A quoted value spanning several lines still miscounts; this only runs after polars found a line
    too long, so at worst it names the wrong line of a file that has one. None when no line is found.
    """
    lines = pl.scan_csv(path, has_header=False, separator=_NO_SEPARATOR, quote_char=None,
                        schema={"line": pl.String}, encoding="utf8-lossy", truncate_ragged_lines=True,
                        glob=False)
    fields = pl.col("line").str.replace_all(_QUOTED, "").str.count_matches(separator, literal=True) + 1
    found = (
        lines.with_row_index("line_no", offset=1)
        .filter((pl.col("line_no") > 1) & (fields > n_fields))
        .select(pl.col("line_no").min().alias("first"), pl.len().alias("count"))
        .collect()
        .row(0, named=True)
    )
    return found["first"], found["count"]


def ragged_problem(path: str, separator: str, n_fields: int, source: str | bytes | None = None) -> Problem:
    """The warning for a file read without its extra fields, naming the first such line when it can be found.

    ``row`` is the data row (header not counted), as for every other problem: line 3 of the file is row 2.
    """
    try:
        first, count = find_ragged_lines(path if source is None else source, separator, n_fields)
    except Exception:  # the file was read once already; not finding the line only makes the message vaguer
        first, count = None, 0
    shown = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(separator, repr(separator))
    example = " (a decimal comma, a comma in a name)" if separator == "," else ""
    fix = (f"check the separator and quoting of those lines: a value that holds a {shown}{example} must be in "
           "double quotes; otherwise remove the extra fields")
    more = f"more than the header's {n_fields} fields"
    if first is None:
        return Problem("ragged_rows", Severity.WARNING, path,
                       f"some lines have {more}; the extra fields were ignored, the rest of each row is read", fix)
    lines = "1 line has" if count == 1 else f"{count:,} lines have"
    return Problem(
        "ragged_rows", Severity.WARNING, path,
        f"{lines} {more} (first: line {first:,} of the file, data row {first - 1:,}); "
        "the extra fields were ignored, the rest of each row is read", fix, row=first - 1, rows_affected=count)
