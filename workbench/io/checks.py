"""The checks every row goes through, as polars expressions over the parsed rows, and the problems they give.

The parsed rows (see :mod:`workbench.io.load`) hold the canonical columns and, for each role whose source text
is not kept (times, scores, amounts), a ``__missing_<role>`` flag: whether the source value was empty. A value
that is not missing but parsed to null was unreadable. The exact examples a message quotes are read back from
the source, one row each, only for the checks that fail: the rows themselves carry no text copies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.io.columns import ColumnMap
from workbench.io.parse import INTEGRAL_FLOAT
from workbench.io.problems import FileReport, Problem, Severity
from workbench.io.text import printable

# roles whose canonical column is the source value as text, so an example is read from the parsed rows
TEXT_ROLES = {"id": "customer_id", "segment": "segment", "comment": "comment"}
# roles parsed into a type; the parsed rows say only whether the source was empty (``__missing_<role>``)
TYPED_ROLES = ("time", "start", "end", "score", "revenue")
DUPLICATE = "__duplicate"


def missing(role: str) -> pl.Expr:
    return pl.col(f"__missing_{role}")


def unreadable(role: str, parsed: str) -> pl.Expr:
    """Not empty in the source, yet null once parsed."""
    return pl.col(parsed).is_null() & ~missing(role)


@dataclass(frozen=True)
class Check:
    code: str
    role: str | None
    bad: pl.Expr
    severity: Severity
    message: str  # may use {n} and {example}
    fix: str


def text_needles(cmap: ColumnMap) -> dict[str, list[str]]:
    """For each text column, what its content checks look for: a column holding none of these needs none of
    them (one cheap scan instead of a search per check)."""
    return {col: ["\ufffd", ".", "\x00"] if col == "customer_id" else ["\x00"]
            for role, col in TEXT_ROLES.items() if role in cmap.roles}


def text_holds(rows: pl.DataFrame, cmap: ColumnMap) -> dict[str, bool]:
    """For each text column, whether some value of ``rows`` holds one of its needles (one scan of each)."""
    needles = text_needles(cmap)
    if not needles:
        return {}
    found = rows.select([pl.col(col).str.contains_any(words).any().alias(col) for col, words in needles.items()])
    return found.row(0, named=True)


def checks(cmap: ColumnMap, drop_duplicates: bool, now: datetime, held: dict[str, bool] | None) -> list[Check]:
    """Every check that applies to the file's kind and columns, in the order their problems are listed.
    A text content check is left out when ``held`` (see :func:`text_holds`) says no value holds what it looks for;
    ``held`` None (the SQL engines, which only want the list for its codes and words) keeps them all."""
    roles = cmap.roles
    iso = "write dates as ISO 8601 (2024-03-31, 2024-03-31T14:05:00+02:00) or epoch seconds"
    holds = held if held is not None else dict.fromkeys(text_needles(cmap), True)
    found = [
        Check("null_id", "id", pl.col("customer_id").is_null() | (pl.col("customer_id") == ""), Severity.WARNING,
              "{n} rows have no customer id; they are dropped", "fill in the id, or remove those rows"),
    ]
    if holds["customer_id"]:
        found.append(Check(
            "not_utf8", "id", pl.col("customer_id").str.contains("\ufffd", literal=True), Severity.NOTE,
            "{n} ids hold bytes that are not UTF-8 text (first: {example}); they are kept with those bytes "
            "replaced by \ufffd, so ids that differ only there merge", "save the file as UTF-8 (in Excel: 'CSV UTF-8')"))
        found.append(Check(
            "float_ids", "id", pl.col("customer_id").str.contains(INTEGRAL_FLOAT), Severity.NOTE,
            "{n} ids are whole numbers written with a decimal point (first: {example}); they are read without "
            "it, so '1.0' and '1' are the same customer", "nothing to do; write ids without '.0' to avoid this note"))
    for role in ("id", "segment", "comment"):
        if role in roles and holds[TEXT_ROLES[role]]:
            found.append(Check(
                "nul_byte", role, pl.col(TEXT_ROLES[role]).str.contains("\x00", literal=True), Severity.WARNING,
                "{n} values hold a NUL byte, which text never does (first: {example}); those rows are dropped",
                "the file is probably damaged there (an interrupted copy or save): export it again"))
    time_roles = [("time", "ts")] if cmap.kind in ("events", "nps") else [("start", "start")]
    for role, name in time_roles:
        found += [
            Check("missing_date", role, missing(role), Severity.WARNING, "{n} rows have no date; they are dropped",
                  "fill in the date, or remove those rows"),
            Check("bad_date", role, unreadable(role, name), Severity.WARNING,
                  "{n} values cannot be read as a date or time (first: {example}); those rows are dropped", iso),
            Check("future_date", role, pl.col(name) > now, Severity.WARNING,
                  "{n} dates are in the future (first: {example}); those rows are dropped",
                  "check the clock or time zone of the system that wrote them (--tz sets ours)"),
        ]
    if "end" in roles:
        found += [
            Check("bad_date", "end", unreadable("end", "end"), Severity.WARNING,
                  "{n} end dates cannot be read (first: {example}); those rows are dropped",
                  iso + "; leave the end empty for a customer who has not left"),
            Check("end_before_start", "end", pl.col("end") < pl.col("start"), Severity.WARNING,
                  "{n} rows end before they start (first: {example}); they are dropped",
                  "swap or correct the dates; an end equal to the start is allowed"),
        ]
    if "score" in roles:
        score = pl.col("__score_f")
        found += [
            Check("bad_score", "score", unreadable("score", "__score_f"), Severity.WARNING,
                  "{n} scores are not numbers (first: {example}); those rows are dropped",
                  "scores must be whole numbers from 0 to 10"),
            Check("missing_score", "score", missing("score"), Severity.WARNING,
                  "{n} responses have no score; they are dropped", "remove unanswered responses, or fill in the score"),
            Check("score_out_of_range", "score", (score < 0) | (score > 10) | (score != score.round(0)),
                  Severity.WARNING,
                  "{n} scores are outside 0–10 or not whole numbers (first: {example}); those rows are dropped",
                  "NPS scores are whole numbers from 0 to 10; rescale other scales before loading"),
        ]
    if "revenue" in roles:
        found.append(Check(
            "bad_number", "revenue", unreadable("revenue", "revenue"), Severity.WARNING,
            "{n} values are not numbers (first: {example}); those rows are dropped",
            "write amounts as plain numbers with a dot for decimals (1234.50)"))
        found.append(Check(
            "non_finite_number", "revenue", pl.col("revenue").is_nan() | pl.col("revenue").is_infinite(),
            Severity.WARNING, "{n} values are NaN or infinite (first: {example}); those rows are dropped",
            "write a real amount, or leave the cell empty when there is no revenue"))
    if cmap.kind == "events" and not drop_duplicates:
        found.append(Check(
            "duplicate_rows", None, pl.col(DUPLICATE), Severity.NOTE,
            "{n} rows repeat an earlier row exactly; they are kept (repeated identical purchases are common "
            "in date-only logs)", "pass --drop-duplicates to drop them"))
    else:
        found.append(Check(
            "duplicate_rows", None, pl.col(DUPLICATE), Severity.WARNING,
            "{n} rows repeat an earlier row exactly; the copies are dropped",
            "remove the repeated rows at the source"))
    return found


def is_repeat(check: Check) -> bool:
    """The repeated-rows check, whose flags come from the rows' hashes rather than an expression of a row."""
    return check.code == "duplicate_rows"


RawReader = Callable[[int, list[str]], dict[str, str | None]]
TextReader = Callable[[int, str], str | None]  # (1-based row, canonical text column) → its value


def flag_name(check: Check) -> str:
    """The name of a check's column of flags (a code alone is not unique: bad_date is checked on two roles)."""
    return f"{check.code}:{check.role}"


def flag_exprs(found: list[Check]) -> list[pl.Expr]:
    """One boolean column per check (named by :func:`flag_name`): whether the row has that problem."""
    return [c.bad.fill_null(False).alias(flag_name(c)) for c in found]


def run_checks(flags: pl.DataFrame, found: list[Check], cmap: ColumnMap, report: FileReport,
               text_value: TextReader, raw_values: RawReader) -> tuple[pl.Series | None, list[Check]]:
    """Add a problem per failing check from the rows' ``flags`` (:func:`flag_exprs`), and return the rows
    to keep (None: every row) and the checks that dropped rows. ``text_value(row, column)`` gives a canonical
    text value of a row, ``raw_values(row, roles)`` the source text of its typed roles."""
    flags = flags.select([pl.col(flag_name(c)).alias(f"b{i}") for i, c in enumerate(found)])
    summary = flags.select(
        [pl.col(f"b{i}").sum().alias(f"n{i}") for i in range(len(found))]
        + [(pl.col(f"b{i}").arg_max() + 1).alias(f"r{i}") for i in range(len(found))]
    ).row(0, named=True)
    dropped: list[Check] = []
    for i, check in enumerate(found):
        n = summary[f"n{i}"]
        if not n:
            continue
        row = summary[f"r{i}"]
        column = cmap.roles.get(check.role) if check.role else None
        example = _example(text_value, check, row, raw_values)
        report.problems.append(Problem(
            check.code, check.severity, report.path, check.message.format(n=f"{n:,}", example=example), check.fix,
            column=column, row=row, rows_affected=n))
        if check.severity >= Severity.WARNING:
            dropped.append(check)
    if not dropped:
        return None, []
    return flags.select(~pl.any_horizontal([f"b{found.index(c)}" for c in dropped])).to_series(), dropped


def _example(text_value: TextReader, check: Check, row: int | None, raw_values: RawReader) -> str:
    if row is None or check.role is None:
        return ""
    if check.role in TEXT_ROLES:
        value = text_value(row, TEXT_ROLES[check.role])
        return f"'{printable(value)}'"
    if check.code == "end_before_start":
        raw = raw_values(row, ["start", "end"])
        return f"start '{printable(raw['start'])}', end '{printable(raw['end'])}'"
    return f"'{printable(raw_values(row, [check.role])[check.role])}'"
