"""Where a data row starts in the file, when a quoted value spanning several lines comes before it.

Problems name the data row (the header not counted); an editor shows file lines. The two differ by one until
a value holds a line break; from there each break pushes the following rows one line further. The breaks are
counted, with polars, only in the rows above the latest row a problem names, and only when there is one.
"""

from __future__ import annotations

import dataclasses
import gzip

import polars as pl

from workbench.io.problems import Problem


def row_lines(frame: pl.LazyFrame, header: list[str], rows: list[int], lines_before: int = 1) -> dict[int, int]:
    """For each 1-based data row of ``rows``, the 1-based line of the file where it starts.
    ``lines_before``: the lines above the first row (the header, a ``sep=`` line, extra header rows)."""
    last = max(rows)
    breaks = pl.sum_horizontal([pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in header])
    before = (frame.head(last).select(breaks.alias("n")).with_row_index("row", offset=1)
              .select("row", pl.col("n").cum_sum().shift(1, fill_value=0).alias("before"))
              .filter(pl.col("row").is_in(rows)).collect())
    header_breaks = sum(name.count("\n") for name in header)
    return {row: lines_before + header_breaks + row + extra for row, extra in before.iter_rows()}


def has_quotes(source: str | bytes) -> bool:
    """Whether the file holds a double quote anywhere: without one, no value spans lines, and the costlier
    count is skipped. Read in chunks, stopping at the first quote."""
    if isinstance(source, bytes):
        return b'"' in source
    with open(source, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    with (gzip.open if compressed else open)(source, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if b'"' in chunk:
                return True
    return False


def with_lines(problems: list[Problem], frame: pl.LazyFrame, header: list[str], lines_before: int = 1,
               source: str | bytes | None = None) -> list[Problem]:
    """``problems`` with ``line`` set where the row's line is not simply row + 1 (``lines_before`` lines
    above the first row, the header among them). ``source``: the file, looked at for quotes first."""
    rows = sorted({p.row for p in problems if p.row is not None and p.line is None})
    if not rows:
        return problems
    if lines_before == 1 and source is not None and not has_quotes(source):
        return problems
    lines = row_lines(frame, header, rows, lines_before)
    return [dataclasses.replace(p, line=lines[p.row]) if p.row in lines and p.line is None
            and lines[p.row] != p.row + 1 else p for p in problems]
