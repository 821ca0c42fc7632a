"""A double quote inside an unquoted value (``27" monitor``): read the file the way Excel and Python do.

polars' CSV reader refuses the whole file ("CSV malformed") when a quote appears in the middle of a value
that does not start with one. Excel, Python's :mod:`csv` and most tools take such a quote literally. The file
is scanned line by line for one (only after polars has refused it, so a sound file is never scanned twice),
then read with :mod:`csv` and handed to polars as text, with a warning naming the first such line.
"""

from __future__ import annotations

import csv
import gzip
import io
import re

import polars as pl

from workbench.io.problems import Problem, Severity
from workbench.io.text import printable

_NO_SEPARATOR = "\x00"
MALFORMED = ("CSV malformed", "could not parse")


def is_quote_error(exc: BaseException) -> bool:
    """Whether polars refused a CSV in a way a stray quote causes."""
    return any(text in str(exc) for text in MALFORMED)


def _stray(separator: str) -> str:
    """A quote with a character that is neither a quote, a separator nor a line end on both sides: inside
    a value, not at its edge (as around ``"a, b"``) and not a doubled quote (as in ``"say ""hi"" twice"``).
    """
    other = '[^"\\r\\n' + re.escape(separator) + "]"
    return other + '"' + other


def find_stray_quotes(path: str | bytes, separator: str) -> tuple[int | None, str, int]:
    """The first line (1-based, the header is line 1) with a quote inside a value, that line, and how many
    lines have one."""
    lines = pl.scan_csv(path, has_header=False, separator=_NO_SEPARATOR, quote_char=None,
                        schema={"line": pl.String}, encoding="utf8-lossy", truncate_ragged_lines=True, glob=False)
    hits = (lines.with_row_index("line_no", offset=1)
            .filter(pl.col("line").str.contains(_stray(separator)))
            .select(pl.col("line_no").first().alias("first"), pl.col("line").first().alias("text"),
                    pl.len().alias("count"))
            .collect().row(0, named=True))
    return hits["first"], hits["text"] or "", hits["count"]


def _open_text(source: str | bytes):
    if isinstance(source, bytes):
        return io.TextIOWrapper(io.BytesIO(source), encoding="utf-8-sig", errors="replace", newline="")
    with open(source, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    return opener(source, "rt", encoding="utf-8-sig", errors="replace", newline="")


def read_with_python_csv(source: str | bytes, separator: str, names: list[str], skip: int = 1) -> pl.LazyFrame:
    """Every row as text under ``names`` (the header polars read), empty values as null like polars' reader;
    rows shorter than the header are padded, longer ones cut. ``skip``: the rows above the first data row."""
    width = len(names)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))  # a long comment is not an error
    with _open_text(source) as fh:
        reader = csv.reader(fh, delimiter=separator)
        for _ in range(skip):  # the header (and what surrounds it), already read by polars
            next(reader, None)
        rows = [(row + [""] * width)[:width] for row in reader]
    frame = pl.DataFrame(rows, schema={name: pl.String for name in names}, orient="row")
    return frame.lazy().with_columns(pl.when(pl.all() != "").then(pl.all()).name.keep())


def stray_quote_problem(path: str, first: int, text: str, count: int) -> Problem:
    lines = "1 line has" if count == 1 else f"{count:,} lines have"
    return Problem(
        "stray_quote", Severity.WARNING, path,
        f"{lines} a double quote inside a value that is not in quotes (first: line {first:,} of the file: "
        f"'{printable(text, 60)}'); the file was read as Excel reads it, the quote kept as part of the value",
        "check those values; to be safe, quote such values and double the quote inside (\"27\"\" monitor\")",
        line=first, rows_affected=count)
