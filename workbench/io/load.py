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
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from workbench.io.checks import checks, flag_exprs, flag_name, is_repeat, run_checks, text_holds
from workbench.io.cohorts import detect as cohort_table
from workbench.io.cohorts import load_cohort_table, not_a_cohort_table
from workbench.io.columnar import scan_checks
from workbench.io.columns import ColumnError, ColumnMap, map_columns
from workbench.io.content import read_sample
from workbench.io.dataset import Dataset, Rows
from workbench.io.derive import derive_revenue
from workbench.io.formats import FORMAT_NAMES, InputError, RawTable, expand_paths, read_raw
from workbench.io.lines import with_lines
from workbench.io.parse import id_text
from workbench.io.parse_rows import (
    duplicates,
    extras_of,
    fast_formats,
    parse_plan,
    raw_values,
    read_rows,
)
from workbench.io.problems import FileReport, Problem, Severity, exit_status
from workbench.io.text import printable

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
    if raw.format in RESCANNABLE and not cmap.derived:
        try:
            scanned = _load_columnar(raw, schema, cmap, options, report, step)
        except Exception as exc:  # a damaged file
            return _unreadable(report, path, exc, text=False), None
        if scanned is not FULL_LOAD:
            return report, scanned
    try:
        parsed, frame = read_rows(raw, schema, cmap, options.tz, report)
    except Exception as exc:  # a malformed body (unclosed quote, bad UTF-8 in a binary column, ...)
        return _unreadable(report, path, exc), None
    report.rows_read = parsed.rows.height
    if parsed.rows.height == 0:
        return _no_rows(report), None
    found = len(report.problems)
    step(2)
    rows = parsed.rows.with_columns(duplicates(parsed.rows.get_column("__hash"), parsed.source, schema))
    step(3)
    tests = checks(cmap, options.drop_duplicates, _now(options), text_holds(rows, cmap))
    keep, dropped = run_checks(rows.select(flag_exprs(tests)), tests, cmap, report,
                               lambda row, column: rows.get_column(column)[row - 1],
                               partial(raw_values, parsed.source, schema, cmap))
    if raw.format in ("csv", "tsv") and len(report.problems) > found:  # rows named; lines may differ
        header = [c for c in schema.names() if c not in cmap.derived]
        before = raw.layout.lines_before_rows if raw.layout else 1
        source = raw.layout.source if raw.layout else path
        report.problems[found:] = with_lines(report.problems[found:], frame, header, before, source)
    revenue = rows.get_column("revenue").is_not_null() if "revenue" in rows.columns else None
    if (revenue := _count_kept(report, rows.height, keep, revenue)) is None:
        return report, None
    float_ids = any(p.code == "float_ids" for p in report.problems)
    return report, Rows(_canonical(rows if keep is None else rows.filter(keep), float_ids), parsed.extras, keep,
                        revenue)


FULL_LOAD = object()  # what _load_columnar answers when only the full load can read the file


def _load_columnar(raw: RawTable, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
                   report: FileReport, step: StepCallback) -> Rows | None | object:
    """A columnar file checked in one pass that holds no rows (:mod:`workbench.io.columnar`): its rows are a
    scan of the file, read again by each reduction. :data:`FULL_LOAD` (before any problem is reported) when
    some text times are not all in one format: those are parsed again one by one, which needs the rows."""
    fast = fast_formats(raw.frame, schema, cmap, options.tz)
    plan = parse_plan(raw.frame, schema, cmap, options.tz, fast, raw.date_system)
    scan = scan_checks(plan, cmap, options.drop_duplicates, _now(options))
    if any(scan.flags.get_column(flag_name(c)).any() for c in scan.checks if c.code == "bad_date" and c.role in fast):
        return FULL_LOAD
    report.rows_read = scan.height
    if scan.height == 0:
        _no_rows(report)
        return None
    step(2)
    repeat = next(c for c in scan.checks if is_repeat(c))
    flags = scan.flags.with_columns(duplicates(scan.hashes, raw.frame, schema).alias(flag_name(repeat)))
    step(3)
    keep, dropped = run_checks(flags, scan.checks, cmap, report,
                               lambda row, column: plan.slice(row - 1, 1).select(column).collect().item(),
                               partial(raw_values, raw.frame, schema, cmap))
    if (revenue := _count_kept(report, scan.height, keep, scan.revenue_present)) is None:
        return None
    float_ids = any(p.code == "float_ids" for p in report.problems)
    extras = extras_of(raw.frame, schema, cmap)
    if any(is_repeat(c) for c in dropped):  # copies are known by position only: hold the rows kept
        return Rows(_canonical(plan.collect(engine="streaming").filter(keep), float_ids), extras, keep,
                    revenue)
    if dropped:
        plan = plan.filter(~pl.any_horizontal(flag_exprs(dropped)))
    return Rows(_canonical(plan, float_ids), extras, keep, revenue)


def _unreadable(report: FileReport, path: str, exc: Exception, text: bool = True) -> FileReport:
    """A file whose body stops the reader: a text file's lines, or a damaged binary file (``text`` False)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    report.problems.append(Problem(
        "unreadable", Severity.ERROR, path, f"the file could not be read to the end ({printable(first, 160)})",
        "check that every line has the same number of fields and the file is not truncated" if text else
        "the file is damaged (an interrupted copy or save?): write it again from its source"))
    return report


def _no_rows(report: FileReport) -> FileReport:
    report.problems.append(Problem("no_rows", Severity.ERROR, report.path, "the file has a header but no rows",
                                   "export the data again; there is nothing to analyse"))
    return report


def _count_kept(report: FileReport, height: int, keep: pl.Series | None, revenue: pl.Series | None) -> bool | None:
    """Count the rows kept and say whether one has revenue (``revenue``: each row's); None, said, when no row
    is kept."""
    report.rows_kept = height if keep is None else int(keep.sum())
    if report.rows_kept == 0:
        report.problems.append(Problem("no_usable_rows", Severity.ERROR, report.path,
                                       "every row has a problem, so nothing is left to analyse",
                                       "fix the problems listed above, or point the options at the right columns"))
        return None
    return revenue is not None and bool((revenue & (keep if keep is not None else True)).any())


RESCANNABLE = ("parquet", "ipc")  # columnar files: reading a few columns again costs less than holding them


def _canonical(rows: FrameT, float_ids: bool) -> FrameT:
    """The canonical columns of checked rows (eager or lazy)."""
    if float_ids:  # 1.0 is the customer 1 (see parse.id_text)
        rows = rows.with_columns(id_text("customer_id", pl.String))
    names = rows.collect_schema().names()
    if "__score_f" in names:  # checked above: whole numbers 0-10 only
        rows = rows.with_columns(pl.col("__score_f").cast(pl.Int8).alias("score"))
        names = rows.collect_schema().names()
    return rows.select([c for c in names if not c.startswith("__")])


def _now(options: LoadOptions) -> datetime:
    if options.now is not None:
        return options.now
    return datetime.now(ZoneInfo(options.tz)).replace(tzinfo=None)
