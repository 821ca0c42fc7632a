"""A file's rows parsed into canonical columns, with what the checks need (see :mod:`workbench.io.checks`).

One pass of polars gives, for each row, the canonical typed columns, a ``__missing_<role>`` flag for each typed
role (so a check tells 'missing' from 'unreadable' without a text copy of every value) and a hash of the whole
source row (for repeated rows). Times in a text column are read with one format chosen on its first values
and, for the values that format misses, parsed again one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.io.checks import DUPLICATE, TYPED_ROLES
from workbench.io.columns import ColumnMap
from workbench.io.formats import RawTable, scan_ragged
from workbench.io.parse import as_text, choose_fast_format, parse_number, parse_time, settle_day_month
from workbench.io.problems import FileReport, Problem
from workbench.io.quotes import find_stray_quotes, is_quote_error, read_with_python_csv, stray_quote_problem
from workbench.io.ragged import is_ragged_error

ROW = "__row"

TIME_COLUMNS = {"time": "ts", "start": "start", "end": "end"}
FAST_SAMPLE = 2_000
FAST_HEAD = 100_000


def read_rows(raw: RawTable, schema: pl.Schema, cmap: ColumnMap, tz: str,
               report: FileReport) -> tuple[pl.DataFrame, pl.LazyFrame]:
    """Every row parsed, and the frame it was parsed from. A CSV with lines longer than its header is read
    again without their extra fields, one with a quote inside a value is read again as Excel reads it (the
    report says which lines, either way). Raises when the file still cannot be read."""
    try:
        return parse_rows(raw.frame, schema, cmap, tz, raw.date_system), raw.frame
    except Exception as exc:
        if raw.format not in ("csv", "tsv"):
            raise
        header = [c for c in schema.names() if c not in cmap.derived]
        if is_ragged_error(exc):
            frame, problem = scan_ragged(raw, len(header))
        elif is_quote_error(exc):
            frame, problem = _read_stray_quotes(raw, header, exc)
        else:
            raise
    report.problems.append(problem)
    return parse_rows(frame, schema, cmap, tz, raw.date_system), frame


def _read_stray_quotes(raw: RawTable, names: list[str], exc: Exception) -> tuple[pl.LazyFrame, Problem]:
    """The file read by Python's csv module when a quote inside a value is what stopped polars."""
    separator = raw.separator or ","
    source = raw.layout.source if raw.layout else raw.path
    first, text, count = find_stray_quotes(source, separator)
    if first is None:
        raise exc
    skip = raw.layout.lines_before_rows if raw.layout else 1
    return (read_with_python_csv(source, separator, names, skip),
            stray_quote_problem(raw.path, first, text, count))


@dataclass
class Parsed:
    """A file's rows parsed in one pass: canonical columns, the ``__missing_<role>`` flags the checks need
    (see :mod:`workbench.io.checks`) and a hash of each whole row (``__hash``), with the ``source`` they were
    read from (derived columns added), to read back what the rows do not hold."""

    rows: pl.DataFrame
    source: pl.LazyFrame
    extras: pl.LazyFrame | None  # events: the file's other columns, read only when asked for


def raw_values(source: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, row: int,
               roles: list[str]) -> dict[str, str | None]:
    """The source text of ``roles`` on the 1-based ``row`` (a problem's example)."""
    cols = {role: cmap.roles[role] for role in roles}
    return source.slice(row - 1, 1).select(
        [as_text(col, schema[col]).alias(role) for role, col in cols.items()]).collect().row(0, named=True)


def parse_rows(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, tz: str,
               date_system: int | None = None) -> Parsed:
    for name, expr in cmap.derived.items():  # in order: one may be made from an earlier one
        frame = frame.with_columns(expr.alias(name))
    fast = fast_formats(frame, schema, cmap, tz)
    plan = parse_plan(frame, schema, cmap, tz, fast, date_system)
    rows = _reparse_times(plan.collect(engine="streaming"), frame, schema, cmap, fast, tz)
    return Parsed(rows, frame, extras_of(frame, schema, cmap))


def extras_of(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap) -> pl.LazyFrame | None:
    """An event log's other columns (its properties), to be read when asked for."""
    used = set(cmap.roles.values())
    extras = [c for c in schema.names() if c not in used and c not in CANONICAL_NAMES and cmap.kind == "events"]
    return frame.select(extras) if extras else None


def duplicates(hashes: pl.Series, source: pl.LazyFrame, schema: pl.Schema) -> pl.Series:
    """Which rows repeat an earlier row exactly, from each row's hash. Rows whose hashes differ differ, so only
    rows sharing a hash with another are candidates; those alone are read again from ``source`` and compared
    value by value (exact: a hash collision is never taken for a repeat). A file with no repeated hash, the
    common case, is not read again."""
    flags = pl.repeat(False, len(hashes), eager=True, dtype=pl.Boolean).alias(DUPLICATE)
    ordered = hashes.sort()  # a sort finds repeated hashes faster than a hash table of every row
    repeated = ordered.filter(ordered == ordered.shift(1))
    if repeated.is_empty():
        return flags
    candidates = hashes.is_in(repeated.unique().implode()).arg_true()
    repeats = (source.with_row_index(ROW).filter(pl.col(ROW).is_in(candidates.implode()))
               .select(pl.col(ROW), pl.struct(list(schema.names())).is_first_distinct().not_().alias("repeat"))
               .filter(pl.col("repeat")).collect())
    return flags.scatter(repeats.get_column(ROW), True)


def fast_formats(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, tz: str) -> dict[str, tuple[str, str]]:
    """For each text time column, a single format that reads a sample of its first values (if any)."""
    text_cols = {role: col for role, col in cmap.roles.items() if role in TIME_COLUMNS and schema[col] == pl.String}
    if not text_cols:
        return {}
    first = [pl.col(c).drop_nulls().head(FAST_SAMPLE).implode().alias(r) for r, c in text_cols.items()]
    # the first values are near the top: look there first, and through the whole file only when they are not
    sample = frame.head(FAST_HEAD).select(first).collect()
    if any(sample[r].list.len().item() < FAST_SAMPLE for r in text_cols) and \
            frame.head(FAST_HEAD + 1).select(pl.len()).collect().item() > FAST_HEAD:
        sample = frame.select(first).collect()
    chosen = {}
    for role, col in text_cols.items():
        fmt = choose_fast_format(sample[role].explode(), tz)
        if fmt is not None:
            chosen[role] = (settle_day_month(frame, col, fmt[0]), fmt[1])
    return chosen


def _reparse_times(rows: pl.DataFrame, frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap,
                   fast: dict[str, tuple[str, str]], tz: str) -> pl.DataFrame:
    """Values the fast single format missed get the general parser (mixed formats in one column); their text
    is read again from the source, for those rows only."""
    for role in fast:
        name, col = TIME_COLUMNS[role], cmap.roles[role]
        missed = rows.get_column(name).is_null() & ~rows.get_column(f"__missing_{role}")
        if not missed.any():
            continue
        idx = missed.arg_true()
        again = (frame.with_row_index(ROW).filter(pl.col(ROW).is_in(idx.implode()))
                 .select(as_text(col, schema[col]).alias("__raw")).select(parse_time("__raw", pl.String, tz))
                 .collect().to_series())
        rows = rows.with_columns(rows.get_column(name).scatter(idx, again))
    return rows


CANONICAL_NAMES = {"customer_id", "ts", "start", "end", "revenue", "score", "comment", "segment"}


def _is_missing(col: str, dtype: pl.DataType) -> pl.Expr:
    """The source value is empty: null, or blank text. A number or a time is never blank, only null."""
    if dtype.is_numeric() or dtype.is_temporal():
        return pl.col(col).is_null()
    text = as_text(col, dtype)
    return text.is_null() | (text == "")


def parse_plan(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, tz: str,
               fast: dict[str, tuple[str, str]] | None = None, date_system: int | None = None) -> pl.LazyFrame:
    """Canonical typed columns, a ``__missing_<role>`` flag for each typed role (so checks can tell 'missing'
    from 'unreadable' without a text copy of every value) and a hash of the whole source row."""
    exprs: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    for role, col in cmap.roles.items():
        dtype = schema[col]
        if role == "id":
            exprs.append(as_text(col, dtype).alias("customer_id"))
        elif role in ("time", "start", "end"):
            exprs.append(parse_time(col, dtype, tz, (fast or {}).get(role), date_system)
                         .alias(TIME_COLUMNS[role]))
        elif role == "score":
            exprs.append(parse_number(col, dtype).alias("__score_f"))
        elif role == "revenue":
            exprs.append(parse_number(col, dtype).alias("revenue"))
        elif role in ("comment", "segment"):
            exprs.append(as_text(col, dtype).alias(role))
        if role in TYPED_ROLES:
            flags.append(_is_missing(col, dtype).alias(f"__missing_{role}"))
    return frame.select(exprs + flags + [row_hash(list(schema.names())).alias("__hash")])


def row_hash(columns: list[str]) -> pl.Expr:
    """A 64-bit hash of the whole row: equal rows hash alike (what :func:`duplicates` relies on)."""
    return pl.struct([pl.col(c) for c in columns]).hash()
