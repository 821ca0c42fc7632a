"""Load files into canonical frames, checking every row and saying what was dropped and why.

Canonical columns (what :mod:`workbench.metrics` relies on):

* events:        ``customer_id`` (str), ``ts`` (datetime), optional ``revenue`` (f64), ``segment`` (str),
                 plus the file's other columns unchanged;
* subscriptions: ``customer_id``, ``start``, ``end`` (null = still a customer), optional ``revenue``
                 (MRR), ``segment``;
* nps:           ``customer_id``, ``ts``, ``score`` (Int8, 0–10), optional ``comment``, ``segment``;
* cohorts:       ``cohort`` (str label), ``k`` (Int32), ``active`` (Int64), ``size`` (Int64): a ready-made
                 cohort table (see :mod:`workbench.io.cohorts`; metrics: :mod:`workbench.metrics.cohort_tables`).

Times are naive wall-clock datetimes in the zone chosen with ``tz`` (see :mod:`workbench.io.parse`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from workbench.io.cohorts import detect as cohort_table
from workbench.io.cohorts import load_cohort_table, not_a_cohort_table
from workbench.io.columns import ColumnError, ColumnMap, map_columns
from workbench.io.content import read_sample
from workbench.io.derive import derive_revenue
from workbench.io.formats import FORMAT_NAMES, InputError, RawTable, expand_paths, read_raw, scan_ragged
from workbench.io.lines import with_lines
from workbench.io.parse import (
    INTEGRAL_FLOAT,
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

ProgressCallback = Callable[[str, float], None]


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
class Dataset:
    """All loaded rows of one kind, in canonical columns."""

    kind: str
    frame: pl.DataFrame
    files: list[FileReport]
    tz: str

    @property
    def has_revenue(self) -> bool:
        return "revenue" in self.frame.columns and self.frame["revenue"].null_count() < self.frame.height

    def lazy(self) -> pl.LazyFrame:
        return self.frame.lazy()


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
    frames: dict[str, list[pl.DataFrame]] = {}
    for number, path in enumerate(files):
        if progress:
            progress(f"reading {path}", number / max(len(files), 1))
        try:
            report, frame = load_file(path, options)
        except pl.exceptions.PanicException as exc:  # a BaseException: `except Exception` lets it through
            report, frame = FileReport(path=path, problems=[_panic_problem(path, exc)]), None
        result.reports.append(report)
        if frame is not None and report.kind:
            frames.setdefault(report.kind, []).append(frame)
    for kind, parts in frames.items():
        combined = pl.concat(parts, how="diagonal_relaxed") if len(parts) > 1 else parts[0]
        result.datasets[kind] = Dataset(kind=kind, frame=combined,
                                        files=[r for r in result.reports if r.kind == kind], tz=options.tz)
    if progress:
        progress("done", 1.0)
    return result


def _panic_problem(path: str, exc: BaseException) -> Problem:
    """A polars panic on one file, said in one line; the other files are still read."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Problem(
        "reader_crashed", Severity.ERROR, path, f"polars crashed while reading this file ({printable(text, 160)})",
        "check that the file is complete; if it is, save it again in another format (CSV, or Parquet written "
        "by another tool)")


def load_file(path: str, options: LoadOptions) -> tuple[FileReport, pl.DataFrame | None]:
    """One file: its report, and its canonical rows (None when unusable)."""
    report = FileReport(path=path)
    try:
        raw = read_raw(path)
        report.format = FORMAT_NAMES[raw.format]
        report.problems.extend(raw.problems)
        schema = raw.frame.collect_schema()
        if shape := cohort_table(list(schema.names()), options.kind, any(options.overrides().values())):
            return report, load_cohort_table(report, raw.frame, shape)
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
    try:
        parsed, frame = _read_rows(raw, schema, cmap, options, report)
    except Exception as exc:  # a malformed body (unclosed quote, bad UTF-8 in a binary column, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.problems.append(Problem(
            "unreadable", Severity.ERROR, path, f"the file could not be read to the end ({printable(first, 160)})",
            "check that every line has the same number of fields and the file is not truncated"))
        return report, None
    report.rows_read = parsed.height
    if parsed.height == 0:
        report.problems.append(Problem("no_rows", Severity.ERROR, path, "the file has a header but no rows",
                                       "export the data again; there is nothing to analyse"))
        return report, None
    found = len(report.problems)
    keep = _check(parsed, cmap, options, report)
    if raw.format in ("csv", "tsv") and len(report.problems) > found:  # rows named; lines may differ
        header = [c for c in schema.names() if c not in cmap.derived]
        before = raw.layout.lines_before_rows if raw.layout else 1
        source = raw.layout.source if raw.layout else path
        report.problems[found:] = with_lines(report.problems[found:], frame, header, before, source)
    clean = parsed.filter(keep)
    if any(p.code == "float_ids" for p in report.problems):  # 1.0 is the customer 1 (see parse.id_text)
        clean = clean.with_columns(id_text("customer_id", pl.String))
    if "__score_f" in clean.columns:  # checked above: whole numbers 0-10 only
        clean = clean.with_columns(pl.col("__score_f").cast(pl.Int8).alias("score"))
    clean = clean.drop([c for c in clean.columns if c.startswith("__")])
    report.rows_kept = clean.height
    if clean.height == 0:
        report.problems.append(Problem("no_usable_rows", Severity.ERROR, path,
                                       "every row has a problem, so nothing is left to analyse",
                                       "fix the problems listed above, or point the options at the right columns"))
        return report, None
    return report, clean


# ---------------------------------------------------------------- parsing


TIME_COLUMNS = {"time": "ts", "start": "start", "end": "end"}
FAST_SAMPLE = 2_000


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


def _parse_rows(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
                date_system: int | None = None) -> pl.DataFrame:
    for name, expr in cmap.derived.items():  # in order: one may be made from an earlier one
        frame = frame.with_columns(expr.alias(name))
    fast = _fast_formats(frame, schema, cmap, options.tz)
    parsed = _parse(frame, schema, cmap, options, fast, date_system).collect(engine="streaming")
    return _reparse_times(parsed, fast, options.tz)


def _fast_formats(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, tz: str) -> dict[str, tuple[str, str]]:
    """For each text time column, a single format that reads a sample of its first values (if any)."""
    text_cols = {role: col for role, col in cmap.roles.items() if role in TIME_COLUMNS and schema[col] == pl.String}
    if not text_cols:
        return {}
    sample = frame.select([pl.col(c).drop_nulls().head(FAST_SAMPLE).implode().alias(r)
                           for r, c in text_cols.items()]).collect()
    chosen = {}
    for role, col in text_cols.items():
        fmt = choose_fast_format(sample[role].explode(), tz)
        if fmt is not None:
            chosen[role] = (settle_day_month(frame, col, fmt[0]), fmt[1])
    return chosen


def _reparse_times(parsed: pl.DataFrame, fast: dict[str, tuple[str, str]], tz: str) -> pl.DataFrame:
    """Values the fast single format missed get the general parser (mixed formats in one column)."""
    for role in fast:
        name, raw = TIME_COLUMNS[role], f"__raw_{role}"
        missed = parsed[name].is_null() & parsed[raw].is_not_null() & (parsed[raw] != "")
        if not missed.any():
            continue
        idx = missed.arg_true()
        again = parsed.select(pl.col(raw).gather(idx)).select(parse_time(raw, pl.String, tz))
        parsed = parsed.with_columns(parsed[name].scatter(idx, again.to_series()))
    return parsed


def _parse(frame: pl.LazyFrame, schema: pl.Schema, cmap: ColumnMap, options: LoadOptions,
           fast: dict[str, tuple[str, str]] | None = None, date_system: int | None = None) -> pl.LazyFrame:
    """Canonical typed columns plus ``__raw_<role>`` copies, so checks can tell 'missing' from 'unreadable'."""
    roles = cmap.roles
    source_cols = list(schema.names())
    exprs: list[pl.Expr] = [pl.col(ROW)]
    raw_exprs: list[pl.Expr] = []
    for role, col in roles.items():
        dtype = schema[col]
        raw_exprs.append(as_text(col, dtype).alias(f"__raw_{role}"))
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
    used = set(roles.values())
    canonical_names = {"customer_id", "ts", "start", "end", "revenue", "score", "comment", "segment"}
    extras = [pl.col(c) for c in source_cols if c not in used and c not in canonical_names and cmap.kind == "events"]
    dup_key = pl.struct([pl.col(c) for c in source_cols]).is_first_distinct().not_().alias("__duplicate")
    return frame.with_row_index(ROW, offset=1).select(exprs + extras + raw_exprs + [dup_key])


# ---------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Check:
    code: str
    role: str | None
    bad: pl.Expr
    severity: Severity
    message: str  # may use {n} and {example}
    fix: str


def _checks(cmap: ColumnMap, options: LoadOptions, now: datetime) -> list[_Check]:
    roles = cmap.roles
    iso = "write dates as ISO 8601 (2024-03-31, 2024-03-31T14:05:00+02:00) or epoch seconds"
    checks = [
        _Check("null_id", "id", pl.col("customer_id").is_null() | (pl.col("customer_id") == ""), Severity.WARNING,
               "{n} rows have no customer id; they are dropped", "fill in the id, or remove those rows"),
    ]
    checks.append(_Check(
        "not_utf8", "id", pl.col("customer_id").str.contains("\ufffd", literal=True), Severity.NOTE,
        "{n} ids hold bytes that are not UTF-8 text (first: {example}); they are kept with those bytes replaced "
        "by \ufffd, so ids that differ only there merge", "save the file as UTF-8 (in Excel: 'CSV UTF-8')"))
    checks.append(_Check(
        "float_ids", "id", pl.col("__raw_id").str.contains(INTEGRAL_FLOAT), Severity.NOTE,
        "{n} ids are whole numbers written with a decimal point (first: {example}); they are read without it, "
        "so '1.0' and '1' are the same customer", "nothing to do; write ids without '.0' to avoid this note"))
    for role in ("id", "segment", "comment"):
        if role in roles:
            checks.append(_Check(
                "nul_byte", role, pl.col(f"__raw_{role}").str.contains("\x00", literal=True), Severity.WARNING,
                "{n} values hold a NUL byte, which text never does (first: {example}); those rows are dropped",
                "the file is probably damaged there (an interrupted copy or save): export it again"))
    time_roles = [("time", "ts")] if cmap.kind in ("events", "nps") else [("start", "start")]
    for role, name in time_roles:
        checks += [
            _Check("missing_date", role, pl.col(f"__raw_{role}").is_null() | (pl.col(f"__raw_{role}") == ""),
                   Severity.WARNING, "{n} rows have no date; they are dropped", "fill in the date, or remove those rows"),
            _Check("bad_date", role, pl.col(name).is_null() & pl.col(f"__raw_{role}").is_not_null()
                   & (pl.col(f"__raw_{role}") != ""), Severity.WARNING,
                   "{n} values cannot be read as a date or time (first: {example}); those rows are dropped", iso),
            _Check("future_date", role, pl.col(name) > now, Severity.WARNING,
                   "{n} dates are in the future (first: {example}); those rows are dropped",
                   "check the clock or time zone of the system that wrote them (--tz sets ours)"),
        ]
    if "end" in roles:
        checks += [
            _Check("bad_date", "end", pl.col("end").is_null() & pl.col("__raw_end").is_not_null()
                   & (pl.col("__raw_end") != ""), Severity.WARNING,
                   "{n} end dates cannot be read (first: {example}); those rows are dropped",
                   iso + "; leave the end empty for a customer who has not left"),
            _Check("end_before_start", "end", pl.col("end") < pl.col("start"), Severity.WARNING,
                   "{n} rows end before they start (first: {example}); they are dropped",
                   "swap or correct the dates; an end equal to the start is allowed"),
        ]
    if "score" in roles:
        score = pl.col("__score_f")
        checks += [
            _Check("bad_score", "score", score.is_null() & pl.col("__raw_score").is_not_null()
                   & (pl.col("__raw_score") != ""), Severity.WARNING,
                   "{n} scores are not numbers (first: {example}); those rows are dropped",
                   "scores must be whole numbers from 0 to 10"),
            _Check("missing_score", "score", pl.col("__raw_score").is_null() | (pl.col("__raw_score") == ""),
                   Severity.WARNING, "{n} responses have no score; they are dropped",
                   "remove unanswered responses, or fill in the score"),
            _Check("score_out_of_range", "score", (score < 0) | (score > 10) | (score != score.round(0)),
                   Severity.WARNING,
                   "{n} scores are outside 0–10 or not whole numbers (first: {example}); those rows are dropped",
                   "NPS scores are whole numbers from 0 to 10; rescale other scales before loading"),
        ]
    if "revenue" in roles:
        checks.append(_Check(
            "bad_number", "revenue", pl.col("revenue").is_null() & pl.col("__raw_revenue").is_not_null()
            & (pl.col("__raw_revenue") != ""), Severity.WARNING,
            "{n} values are not numbers (first: {example}); those rows are dropped",
            "write amounts as plain numbers with a dot for decimals (1234.50)"))
        checks.append(_Check(
            "non_finite_number", "revenue", pl.col("revenue").is_nan() | pl.col("revenue").is_infinite(),
            Severity.WARNING, "{n} values are NaN or infinite (first: {example}); those rows are dropped",
            "write a real amount, or leave the cell empty when there is no revenue"))
    if cmap.kind == "events" and not options.drop_duplicates:
        checks.append(_Check(
            "duplicate_rows", None, pl.col("__duplicate"), Severity.NOTE,
            "{n} rows repeat an earlier row exactly; they are kept (repeated identical purchases are common "
            "in date-only logs)", "pass --drop-duplicates to drop them"))
    else:
        checks.append(_Check(
            "duplicate_rows", None, pl.col("__duplicate"), Severity.WARNING,
            "{n} rows repeat an earlier row exactly; the copies are dropped",
            "remove the repeated rows at the source"))
    return checks


def _now(options: LoadOptions) -> datetime:
    if options.now is not None:
        return options.now
    return datetime.now(ZoneInfo(options.tz)).replace(tzinfo=None)


def _check(parsed: pl.DataFrame, cmap: ColumnMap, options: LoadOptions, report: FileReport) -> pl.Series:
    """Run every check in one pass, add a problem per failing check, and return the rows to keep."""
    checks = _checks(cmap, options, _now(options))
    flags = parsed.select([c.bad.fill_null(False).alias(f"__bad{i}") for i, c in enumerate(checks)])
    summary = pl.concat([flags, parsed.select(ROW)], how="horizontal").select(
        [pl.col(f"__bad{i}").sum().alias(f"n{i}") for i in range(len(checks))]
        + [pl.col(ROW).filter(pl.col(f"__bad{i}")).first().alias(f"r{i}") for i in range(len(checks))]
    ).row(0, named=True)
    keep = pl.repeat(True, parsed.height, eager=True)
    for i, check in enumerate(checks):
        n = summary[f"n{i}"]
        if not n:
            continue
        row = summary[f"r{i}"]
        column = cmap.roles.get(check.role) if check.role else None
        example = _example(parsed, check, row)
        report.problems.append(Problem(
            check.code, check.severity, report.path, check.message.format(n=f"{n:,}", example=example), check.fix,
            column=column, row=row, rows_affected=n))
        if check.severity >= Severity.WARNING:
            keep = keep & ~flags[f"__bad{i}"]
    return keep


def _example(parsed: pl.DataFrame, check: _Check, row: int | None) -> str:
    if row is None or check.role is None:
        return ""
    source = f"__raw_{check.role}"
    if source not in parsed.columns:
        return ""
    value = parsed.filter(pl.col(ROW) == row).get_column(source).item(0)
    if check.code == "end_before_start":
        start = parsed.filter(pl.col(ROW) == row).get_column("__raw_start").item(0)
        return f"start '{printable(start)}', end '{printable(value)}'"
    return f"'{printable(value)}'"
