"""Reading a workbook's first sheet, with its header found below any title rows.

Reports exported to Excel often start with a title, a date range or a blank line above the table. The header
is taken to be the first of the sheet's first rows that fills as many cells as the widest of them (a title
fills one); the rows above it are skipped, and a note says so.
"""

from __future__ import annotations

import polars as pl

from workbench.io.problems import Problem, Severity

LOOK_AT = 30


def header_index(path: str) -> int:
    """The 0-based row of the first sheet that holds the header (0 when the table starts at the top)."""
    top = pl.read_excel(path, engine="calamine", has_header=False, read_options={"n_rows": LOOK_AT})
    if top.height < 2:
        return 0
    filled = top.select(pl.sum_horizontal(pl.all().is_not_null().cast(pl.Int32))).to_series()
    widest = filled.max()
    found = int((filled == widest).arg_true()[0]) if widest and widest > 1 else 0
    if found == 0:
        return 0
    # rows read without a header leave out empty rows, which the sheet's row numbers count: look from there
    names = [str(v) for v in top.row(found) if v is not None]
    for row in range(found, found + LOOK_AT):
        head = pl.read_excel(path, engine="calamine", read_options={"header_row": row, "n_rows": 1})
        if [c for c in head.columns if not c.startswith("__UNNAMED__")] == names:
            return row
    return 0


def read_sheet(path: str, row: int | None = None) -> pl.LazyFrame:
    """The first sheet with its header on ``row`` (found with :func:`header_index` when not given)."""
    row = header_index(path) if row is None else row
    if row == 0:
        return pl.read_excel(path, engine="calamine").lazy()
    return pl.read_excel(path, engine="calamine", read_options={"header_row": row}).lazy()


def title_rows_problem(path: str, row: int) -> list[Problem]:
    if row == 0:
        return []
    rows = "row" if row == 1 else f"{row} rows"
    return [Problem("title_rows", Severity.NOTE, path,
                    f"the header is on row {row + 1} of the sheet; the {rows} above it (a title) were skipped",
                    "nothing to do; data rows are counted from the row under the header")]
