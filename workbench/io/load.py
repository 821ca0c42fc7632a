"""Load files into canonical frames, checking every row and saying what was dropped and why.

Canonical columns (what :mod:`workbench.metrics` relies on):

* events:        ``customer_id`` (str), ``ts`` (datetime), optional ``revenue`` (f64), ``segment`` (str),
                 plus the file's other columns unchanged (in ``Dataset.frame`` only: read again when asked
                 for, see :mod:`workbench.io.dataset`);
* subscriptions: ``customer_id``, ``start``, ``end`` (null = still a customer), optional ``revenue``
                 (MRR), ``segment``;
* nps:           ``customer_id``, ``ts``, ``score`` (Int8, 0–10), optional ``comment``, ``segment``;
* cohorts:       ``cohort`` (str label), ``k`` (Int32), ``active`` (Int64), ``size`` (Int64): a ready-made
                 cohort table (see :mod:`workbench.io.cohorts`; metrics: :mod:`workbench.metrics.cohort_tables`).

Times are naive wall-clock datetimes in the zone chosen with ``tz`` (see :mod:`workbench.io.parse`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from workbench.io.checks import DUPLICATE, TYPED_ROLES, Check, checks, run_checks
from workbench.io.cohorts import detect as cohort_table
from workbench.io.cohorts import load_cohort_table, not_a_cohort_table
from workbench.io.columns import ColumnError, ColumnMap, map_columns
from workbench.io.content import read_sample
from workbench.io.dataset import Dataset, Rows
from workbench.io.derive import derive_revenue
from workbench.io.formats import FORMAT_NAMES, InputError, RawTable, expand_paths, read_raw, scan_ragged
from workbench.io.lines import with_lines
from workbench.io.parse import (
    as_text,
    choose_fast_format,
    id_text,
    parse_number,
    parse_time,
    settle_day_month,
)
from workbench.io.problems import FileReport, Problem, Severity, exit_status
from workbench.io.quotes import find_stray_quotes, is_quote_error, read_with_python_csv, stray_quote_problem
from workbench.io.ragged import is_ragged_error
from workbench.io.text import printable

ROW = "__row"
FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

ProgressCallback = Callable[[str, float], None]
StepCallback = Callable[[int], None]

# What load_file does to a file, in order (a progress line names the step, the file and its size). Each is one
# pass of polars over the file, or less: the fraction of a load is the steps done, weighted by the files' sizes.
FILE_STEPS = ("reading the header of", "parsing the rows of", "finding repeated rows in", "checking the rows of")


@dataclass(frozen=True)
class LoadOptions:
    """How to read the files: forced kind and columns, time zone, and what 'now' is."""

    kind: str | None = None
    id: str | None = None
    time: str | None = None
    start: str | None = None
    end: str | None = None
    score: str | None = None
    revenue: str | None = None
    comment: str | None = None
    segment: str | None = None
    tz: str = "UTC"
    now: datetime | None = None  # wall-clock time in tz; default: the real current time
    drop_duplicates: bool = False

    def overrides(self) -> dict[str, str | None]:
        return {"id": self.id, "time": self.time, "start": self.start, "end": self.end,
                "score": self.score, "revenue": self.revenue, "comment": self.comment, "segment": self.segment}


@dataclass
class LoadResult:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return exit_status(self.reports)


def load(paths: list[str], options: LoadOptions | None = None,
         progress: ProgressCallback | None = None) -> LoadResult:
    """Read, check and combine every file; never raises for bad input (problems go in the reports)."""
    options = options or LoadOptions()
    result = LoadResult()
    try:
        ZoneInfo(options.tz)
    except (ZoneInfoNotFoundError, ValueError):
        result.reports.append(FileReport(path="--tz", problems=[Problem(
            "bad_timezone", Severity.ERROR, "--tz", f"'{printable(options.tz)}' is not a known time zone",
            "use an IANA name such as UTC, Europe/Paris or America/New_York")]))
        return result
    files, path_problems = expand_paths(paths)
    for problem in path_problems:
        result.reports.append(FileReport(path=problem.file, problems=[problem]))
    parts: dict[str, list[Rows]] = {}
    sizes = [_file_size(path) for path in files]
    weights = sizes if sum(sizes) else [1] * len(files)  # empty files: each counts the same
    total, done = sum(weights) or 1, 0
    for path, size, weight in zip(files, sizes, weights, strict=True):
        def step(number: int, path=path, size=size, weight=weight, done=done) -> None:
            if progress:
                progress(f"{FILE_STEPS[number]} {os.path.basename(path)} ({size_text(size)})",
                         (done + weight * number / len(FILE_STEPS)) / total)

        done += weight
        try:
            report, rows = load_file(path, options, step)
        except pl.exceptions.PanicException as exc:  # a BaseException: `except Exception` lets it through
            report, rows = FileReport(path=path, problems=[_panic_problem(path, exc)]), None
        result.reports.append(report)
        if rows is not None and report.kind:
            parts.setdefault(report.kind, []).append(rows)
    for kind, found in parts.items():
        result.datasets[kind] = Dataset(kind=kind, parts=found, files=[r for r in result.reports if r.kind == kind],
                                        tz=options.tz)
    if progress:
        progress("done", 1.0)
    return result


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # gone since it was listed: load_file says so
        return 0


def size_text(size: int) -> str:
    """A file size as people read it: 820 B, 12 kB, 88 MB, 1.2 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{size} B"


def _panic_problem(path: str, exc: BaseException) -> Problem:
    """A polars panic on one file, said in one line; the other files are still read."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Problem(
        "reader_crashed", Severity.ERROR, path, f"polars crashed while reading this file ({printable(text, 160)})",
        "check that the file is complete; if it is, save it again in another format (CSV, or Parquet written "
        "by another tool)")


def load_file(path: str, options: LoadOptions, step: StepCallback | None = None) -> tuple[FileReport, Rows | None]:
    """One file: its report, and its checked rows (None when unusable). ``step(i)`` is called as the file
    reaches :data:`FILE_STEPS` ``[i]`` (an exception it raises, such as a cancelled load's, stops the reading)."""
    step = step or (lambda number: None)
    step(0)
    report = FileReport(path=path)
    try:
        raw = read_raw(path)
        report.format = FORMAT_NAMES[raw.format]
        report.problems.extend(raw.problems)
        schema = raw.frame.collect_schema()
        if shape := cohort_table(list(schema.names()), options.kind, any(options.overrides().values())):
            table = load_cohort_table(report, raw.frame, shape)
            return report, (Rows(table) if table is not None else None)
        if options.kind == "cohorts":
            raise ColumnError([not_a_cohort_table(path, list(schema.names()))])
        sample = read_sample(raw.frame, raw.date_system, raw.layout.labels if raw.layout else None)
        cmap = map_columns(path, list(schema.names()), options.kind, options.overrides(), sample)
        cmap.warnings += derive_revenue(path, list(schema.names()), schema, raw.frame, cmap, bool(options.revenue))
    except InputError as exc:
        report.problems.append(exc.problem)
        return report, None
    except ColumnError as exc:
        report.problems.extend(exc.problems)
        return report, None
    report.kind = cmap.kind
    report.columns = dict(cmap.roles)
    report.problems.extend(cmap.warnings)
    if cmap.derived:  # made from other columns: text, like a CSV's
        schema = pl.Schema({**schema, **dict.fromkeys(cmap.derived, pl.String)})
    step(1)
    try:
        parsed, frame = _read_rows(raw, schema, cmap, options, report)
    except Exception as exc:  # a malformed body (unclosed quote, bad UTF-8 in a binary column, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.problems.append(Problem(
            "unreadable", Severity.ERROR, path, f"the file could not be read to the end ({printable(first, 160)})",
            "check that every line has the same number of fields and the file is not truncated"))
        return report, None
    report.rows_read = parsed.rows.height
    if parsed.rows.height == 0:
        report.problems.append(Problem("no_rows", Severity.ERROR, path, "the file has a header but no rows",
                                       "export the data again; there is nothing to analyse"))
        return report, None
    found = len(report.problems)
    step(2)
    rows = parsed.rows.with_columns(_duplicates(parsed))
    step(3)
    keep, dropped = run_checks(rows, checks(cmap, options.drop_duplicates, _now(options), rows), cmap, report,
                               parsed.raw_values)
    if raw.format in ("csv", "tsv") and len(report.problems) > found:  # rows named; lines may differ
        header = [c for c in schema.names() if c not in cmap.derived]
        before = raw.layout.lines_before_rows if raw.layout else 1
        source = raw.layout.source if raw.layout else path
        report.problems[found:] = with_lines(report.problems[found:], frame, header, before, source)
    report.rows_kept = rows.height if keep is None else int(keep.sum())
    if report.rows_kept == 0:
        report.problems.append(Problem("no_usable_rows", Severity.ERROR, path,
                                       "every row has a problem, so nothing is left to analyse",
                                       "fix the problems listed above, or point the options at the right columns"))
        return report, None
    float_ids = any(p.code == "float_ids" for p in report.problems)
    revenue = "revenue" in rows.columns and bool(
        (rows.get_column("revenue").is_not_null() & (keep if keep is not None else True)).any())
    if _rescannable(raw.format, parsed, dropped):
        # cheaper to read the few columns again than to hold every row: the same expressions, the same filter
        plan = parsed.plan
        if dropped:
            plan = plan.filter(~pl.any_horizontal([c.bad.fill_null(False) for c in dropped]))
        return report, Rows(_canonical(plan, float_ids), parsed.extras, keep, revenue)
    return report, Rows(_canonical(rows if keep is None else rows.filter(keep), float_ids), parsed.extras, keep,
                        revenue)


RESCANNABLE = ("parquet", "ipc")  # columnar files: reading a few columns again costs less than holding them


def _rescannable(fmt: str, parsed: Parsed, dropped: list[Check]) -> bool:
    """Whether the checked rows can be described as a scan of the file: a columnar file, parsed by expressions
    alone (no value parsed again after the fast pass, no derived column) and no duplicate dropped (that needs
    the row hashes)."""
    return (fmt in RESCANNABLE and not parsed.reparsed and not parsed.cmap.derived
            and not any(c.code == "duplicate_rows" for c in dropped))


def _canonical(rows: FrameT, float_ids: bool) -> FrameT:
    """The canonical columns of checked rows (eager or lazy)."""
    if float_ids:  # 1.0 is the customer 1 (see parse.id_text)
        rows = rows.with_columns(id_text("customer_id", pl.String))
    names = rows.collect_schema().names()
    if "__score_f" in names:  # checked above: whole numbers 0-10 only
        rows = rows.with_columns(pl.col("__score_f").cast(pl.Int8).alias("score"))
        names = rows.collect_schema().names()
    return rows.select([c for c in names if not c.startswith("__")])


# ---------------------------------------------------------------- parsing


TIME_COLUMNS = {"time": "ts", "start": "start", "end": "end"}
FAST_SAMPLE = 2_000
FAST_HEAD = 100_000


def _read_rows(raw: RawTable, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
               report: FileReport) -> tuple[pl.DataFrame, pl.LazyFrame]:
    """Every row parsed, and the frame it was parsed from. A CSV with lines longer than its header is read
    again without their extra fields, one with a quote inside a value is read again as Excel reads it (the
    report says which lines, either way). Raises when the file still cannot be read."""
    try:
        return _parse_rows(raw.frame, schema, cmap, options, raw.date_system), raw.frame
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
    return _parse_rows(frame, schema, cmap, options, raw.date_system), frame


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
    schema: pl.Schema
    cmap: ColumnMap
    extras: pl.LazyFrame | None  # events: the file's other columns, read only when asked for
    plan: pl.LazyFrame  # what ``rows`` was collected from
    reparsed: bool  # some times were parsed again after the plan (mixed formats)

    def raw_values(self, row: int, roles: list[str]) -> dict[str, str | None]:
        """The source text of ``roles`` on the 1-based ``row`` (a problem's example)."""
        cols = {role: self.cmap.roles[role] for role in roles}
        return self.source.slice(row - 1, 1).select(
            [as_text(col, self.schema[col]).alias(role) for role, col in cols.items()]).collect().row(0, named=True)


def _parse_rows(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
                date_system: int | None = None) -> Parsed:
    for name, expr in cmap.derived.items():  # in order: one may be made from an earlier one
        frame = frame.with_columns(expr.alias(name))
    fast = _fast_formats(frame, schema, cmap, options.tz)
    plan = _parse(frame, schema, cmap, options, fast, date_system)
    first = plan.collect(engine="streaming")
    rows = _reparse_times(first, frame, schema, cmap, fast, options.tz)
    used = set(cmap.roles.values())
    extras = [c for c in schema.names() if c not in used and c not in CANONICAL_NAMES and cmap.kind == "events"]
    return Parsed(rows, frame, schema, cmap, frame.select(extras) if extras else None, plan, rows is not first)


def _duplicates(parsed: Parsed) -> pl.Series:
    """Which rows repeat an earlier row exactly. Rows whose hashes differ differ, so only rows sharing a hash
    with another are candidates; those alone are read again and compared value by value (exact: a hash
    collision is never taken for a repeat). A file with no repeated hash, the common case, is not read again."""
    hashes = parsed.rows.get_column("__hash")
    flags = pl.repeat(False, len(hashes), eager=True, dtype=pl.Boolean).alias(DUPLICATE)
    ordered = hashes.sort()  # a sort finds repeated hashes faster than a hash table of every row
    repeated = ordered.filter(ordered == ordered.shift(1))
    if repeated.is_empty():
        return flags
    candidates = hashes.is_in(repeated.unique().implode()).arg_true()
    repeats = (parsed.source.with_row_index(ROW).filter(pl.col(ROW).is_in(candidates.implode()))
               .select(pl.col(ROW), pl.struct(list(parsed.schema.names())).is_first_distinct().not_().alias("repeat"))
               .filter(pl.col("repeat")).collect())
    return flags.scatter(repeats.get_column(ROW), True)


def _fast_formats(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, tz: str) -> dict[str, tuple[str, str]]:
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


def _parse(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
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
            exprs.append(parse_time(col, dtype, options.tz, (fast or {}).get(role), date_system)
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
    """A 64-bit hash of the whole row: equal rows hash alike (what :func:`_duplicates` relies on)."""
    return pl.struct([pl.col(c) for c in columns]).hash()


def _now(options: LoadOptions) -> datetime:
    if options.now is not None:
        return options.now
    return datetime.now(ZoneInfo(options.tz)).replace(tzinfo=None)
