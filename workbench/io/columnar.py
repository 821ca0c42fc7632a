"""A columnar file's checks in one streaming pass that keeps no rows.

A Parquet or Arrow IPC file can be read again for a few columns at less cost than holding its rows (see
:func:`workbench.io.load.load_file`), so checking it needs only what the checks find: each row's hash (for
repeated rows) and a flag per check. Flags are booleans, which polars packs into bits: at 10M rows a check
holds 1.2 MB and the hashes 80 MB, against about 500 MB for the parsed rows themselves. The rows stay in the
file until a reduction reads them.

The text content checks (bytes that are not UTF-8, ids like ``1.0``, NUL bytes) search every id; they are
looked for in a second pass only when the first finds a column holding what they look for (as the full load
does, see :func:`workbench.io.checks.text_holds`). The problems, counts and rows are those of the full load;
``tests/test_io_lazy.py`` compares the two on random files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.io.checks import Check, checks, flag_exprs, flag_name, is_repeat, text_needles
from workbench.io.columns import ColumnMap

HASH = "__hash"
REVENUE_PRESENT = "__revenue_present"


@dataclass
class Scan:
    """What one pass over a file's parsed rows found: the ``checks`` that apply, their ``flags`` (one column
    each, :func:`workbench.io.checks.flag_name`, the repeated-rows check excepted: it needs the hashes),
    every row's ``hashes``, and whether each row has revenue."""

    checks: list[Check]
    flags: pl.DataFrame
    hashes: pl.Series
    revenue_present: pl.Series | None

    @property
    def height(self) -> int:
        return len(self.hashes)


def scan_checks(plan: pl.LazyFrame, cmap: ColumnMap, drop_duplicates: bool, now: datetime) -> Scan:
    """Check the parsed rows of ``plan`` (see :func:`workbench.io.parse_rows.parse_plan`) without holding them."""
    needles = text_needles(cmap)
    first = [c for c in checks(cmap, drop_duplicates, now, dict.fromkeys(needles, False)) if not is_repeat(c)]
    held = [pl.col(col).str.contains_any(words).fill_null(False).alias(f"__holds_{col}")
            for col, words in needles.items()]
    revenue = [pl.col("revenue").is_not_null().alias(REVENUE_PRESENT)] if "revenue" in cmap.roles else []
    rows = plan.select(pl.col(HASH), *flag_exprs(first), *held,
                       *revenue).collect(engine="streaming")
    holds = {col: bool(rows.get_column(f"__holds_{col}").any()) for col in needles}
    found = checks(cmap, drop_duplicates, now, holds)
    flags = rows.select([flag_name(c) for c in first])
    more = [c for c in found if not is_repeat(c) and flag_name(c) not in flags.columns]
    if more:  # some text holds what a content check looks for: those checks, on those columns only
        flags = flags.hstack(plan.select(flag_exprs(more)).collect(engine="streaming"))
    return Scan(found, flags, rows.get_column(HASH), rows.get_column(REVENUE_PRESENT) if revenue else None)
