"""Ready-made cohort tables: the retention tables analysts export from Mixpanel, Amplitude or PostHog, or
build in a spreadsheet, read as a fourth kind of data, ``cohorts``.

Two shapes are read:

* wide: a cohort label, a size column (optional when the table holds counts), and one column per period
  since the start (``0``, ``1``, … or ``Month 0``, ``Week 1``, ``M2``, ``Day 3``), as counts or as
  percentages of the size (``14.75%``);
* long: a cohort label, the period offset, and the active customers (a size column optional).

Both become one canonical long frame (what metrics can build a triangle from):

* ``cohort`` (str): the cohort's label as written (a period such as ``2024-01``);
* ``k`` (Int32): periods since the cohort's start, 0 being the start;
* ``active`` (Int64): customers of the cohort active in period ``k``;
* ``size`` (Int64): the cohort's customers (its ``active`` at ``k`` = 0 when no size is given).

Empty cells (periods a recent cohort has not reached) are not rows. What such a table cannot tell (who of
the previous period's customers stayed) is not in it, and is not guessed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from workbench.io.columns import normalise, role_for_name
from workbench.io.problems import FileReport, Problem, Severity
from workbench.io.text import printable

COHORT_NAMES = ("cohort", "cohort_label", "cohort_date", "cohort_start", "cohort_month", "cohort_week",
                "cohort_period", "first_period", "acquisition_month", "signup_month", "start_month")
SIZE_NAMES = ("size", "cohort_size", "users", "customers", "people", "total", "new_users", "new_customers",
              "n", "count")
K_NAMES = ("k", "period", "period_number", "periods_since_start", "period_offset", "offset", "age",
           "months_since_start", "weeks_since_start", "days_since_start", "month_number", "week_number")
ACTIVE_NAMES = ("active", "active_customers", "active_users", "retained", "retained_customers",
                "retained_users", "customers", "users", "count")

# a period column of a wide table: "3", "Month 3", "week_3", "M3", "Day 3", "Period 3", "< 1 Day" is not one
PERIOD_COLUMN = re.compile(r"^(?:(?:period|day|week|month|quarter|year|[dwmqy])[\s_-]*)?(\d{1,4})$", re.IGNORECASE)

CANONICAL = pl.Schema({"cohort": pl.String, "k": pl.Int32, "active": pl.Int64, "size": pl.Int64})


@dataclass(frozen=True)
class CohortShape:
    """Which columns hold what in a cohort table."""

    cohort: str
    size: str | None
    periods: dict[str, int] | None = None  # wide: column -> k
    k: str | None = None  # long
    active: str | None = None  # long

    @property
    def wide(self) -> bool:
        return self.periods is not None

    def columns(self) -> dict[str, str]:
        """For the file's report: role -> column(s)."""
        roles = {"cohort": self.cohort}
        if self.size:
            roles["size"] = self.size
        if self.periods:
            names = list(self.periods)
            roles["periods"] = f"{names[0]} … {names[-1]} ({len(names)} columns)" if len(names) > 2 \
                else ", ".join(names)
        if self.k:
            roles["k"] = self.k
        if self.active:
            roles["active"] = self.active
        return roles


def _first(columns: list[str], names: tuple[str, ...], taken: set[str] = frozenset()) -> str | None:
    by_norm = {normalise(c): c for c in reversed(columns) if c not in taken}
    return next((by_norm[n] for n in names if n in by_norm), None)


def cohort_shape(columns: list[str]) -> CohortShape | None:
    """The shape of a cohort table, or None when the columns are not one."""
    cohort = _first(columns, COHORT_NAMES)
    if cohort is None:
        return None
    periods = {c: int(m.group(1)) for c in columns if c != cohort and (m := PERIOD_COLUMN.match(c.strip()))}
    if len(periods) >= 2 and len(set(periods.values())) == len(periods):
        size = _first(columns, SIZE_NAMES, {cohort, *periods})
        return CohortShape(cohort, size, dict(sorted(periods.items(), key=lambda kv: kv[1])))
    k = _first(columns, K_NAMES, {cohort})
    active = _first(columns, ACTIVE_NAMES, {cohort, k} if k else {cohort})
    if k and active:
        size = _first(columns, SIZE_NAMES, {cohort, k, active})
        return CohortShape(cohort, size, k=k, active=active)
    return None


def _number(col: str) -> pl.Expr:
    """A cell as a number: counts, ``14.75%``, ``1,234``; null when empty or unreadable."""
    text = pl.col(col).cast(pl.String).str.strip_chars().str.replace_all(",", "").str.strip_suffix("%")
    return text.cast(pl.Float64, strict=False)


def _percent(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars().str.ends_with("%")


def _long_raw(frame: pl.LazyFrame, shape: CohortShape) -> pl.LazyFrame:
    """cohort, k, the raw value and whether it was a percentage, and the size (null when not given)."""
    size = _number(shape.size) if shape.size else pl.lit(None, dtype=pl.Float64)
    if shape.wide:
        assert shape.periods is not None
        cells = frame.select(
            pl.col(shape.cohort).cast(pl.String).str.strip_chars().alias("cohort"), size.alias("__size"),
            *[pl.struct(_number(c).alias("value"), _percent(c).alias("percent"), pl.lit(k, pl.Int32).alias("k"),
                        pl.col(c).cast(pl.String).alias("raw")).alias(c) for c, k in shape.periods.items()])
        long = cells.unpivot(index=["cohort", "__size"], on=list(shape.periods), value_name="__cell") \
            .unnest("__cell").drop("variable")
    else:
        long = frame.select(
            pl.col(shape.cohort).cast(pl.String).str.strip_chars().alias("cohort"), size.alias("__size"),
            _number(shape.active).alias("value"), _percent(shape.active).alias("percent"),
            _number(shape.k).cast(pl.Int32, strict=False).alias("k"), pl.col(shape.active).cast(pl.String).alias("raw"))
    return long.filter(pl.col("raw").is_not_null() & (pl.col("raw").str.strip_chars() != ""))


def cohort_frame(path: str, frame: pl.LazyFrame, shape: CohortShape) -> tuple[pl.DataFrame, list[Problem]]:
    """The canonical long frame of a cohort table, and the problems found (rows dropped are said)."""
    problems: list[Problem] = []
    long = _long_raw(frame, shape).collect()
    unreadable = long.filter(pl.col("value").is_null() | pl.col("k").is_null())
    if unreadable.height:
        problems.append(Problem(
            "bad_number", Severity.WARNING, path,
            f"{unreadable.height:,} cells are not numbers (first: '{printable(unreadable['raw'][0])}' for cohort "
            f"'{printable(unreadable['cohort'][0])}'); they are left out",
            "write counts (1234) or percentages (14.75%)", column=shape.active or shape.cohort))
    long = long.filter(pl.col("value").is_not_null() & pl.col("k").is_not_null())
    percent = bool(long["percent"].any()) or (shape.size is not None and _fractions(long))
    given = long.group_by("cohort").agg(pl.col("__size").first().alias("given"),
                                        pl.col("value").filter(pl.col("k") == 0).first().alias("at_start"))
    if percent and given["given"].null_count():
        missing = given.filter(pl.col("given").is_null())["cohort"][0]
        problems.append(Problem(
            "missing_size", Severity.ERROR, path,
            f"the table holds percentages but no cohort size (first: cohort '{printable(missing)}')",
            "add a size column (the cohort's customers), or export counts instead of percentages",
            column=shape.size))
        return pl.DataFrame(schema=CANONICAL), problems
    size = pl.coalesce(pl.col("__size"), pl.col("value").filter(pl.col("k") == 0).first().over("cohort"))
    scale = 100.0 if long["percent"].any() else 1.0
    active = ((pl.col("value") / scale * pl.col("size")) if percent else pl.col("value")).round(0)
    out = long.with_columns(size.round(0).cast(pl.Int64).alias("size")).with_columns(
        active.cast(pl.Int64).alias("active")).select("cohort", "k", "active", "size").drop_nulls(["size"])
    too_many = out.filter(pl.col("active") > pl.col("size"))
    if too_many.height:
        problems.append(Problem(
            "active_above_size", Severity.WARNING, path,
            f"{too_many.height:,} cells count more active customers than the cohort has (first: cohort "
            f"'{printable(too_many['cohort'][0])}', period {too_many['k'][0]}); they are left out",
            "check the size column, or whether the cells are percentages", column=shape.size))
        out = out.filter(pl.col("active") <= pl.col("size"))
    return out.sort("cohort", "k").cast(dict(CANONICAL)), problems


def _fractions(long: pl.DataFrame) -> bool:
    """Shares written as fractions of one (0.1475): every value at most 1 while the sizes are larger."""
    return bool(long["value"].max() <= 1.0 and (long["__size"].drop_nulls() > 1).all()
                and long["__size"].drop_nulls().len() > 0)


def not_a_cohort_table(path: str, columns: list[str]) -> Problem:
    shown = ", ".join(printable(c) for c in columns)
    return Problem(
        "missing_column", Severity.ERROR, path,
        f"not a cohort table: it needs a cohort column and period columns (0, 1, 2 …) or a period and an "
        f"active column (columns are: {shown})",
        "name the columns cohort, size, 0, 1, 2 … (wide) or cohort, k, active (long)")


def detect(columns: list[str], kind: str | None, options_given: bool) -> CohortShape | None:
    """The cohort table shape to read the file as, if it is one: forced with ``--kind cohorts``, or detected
    when no column option is given and no column could be a customer id (a cohort table has none)."""
    if kind not in (None, "cohorts") or (kind is None and options_given):
        return None
    shape = cohort_shape(columns)
    if shape is None or kind == "cohorts":
        return shape
    return None if any(role_for_name(c) == "id" for c in columns) else shape


def load_cohort_table(report: FileReport, frame: pl.LazyFrame, shape: CohortShape) -> pl.DataFrame | None:
    """Fill ``report`` for a cohort table and return its canonical frame (None when unusable)."""
    report.kind = "cohorts"
    report.columns = shape.columns()
    try:
        table, problems = cohort_frame(report.path, frame, shape)
        report.rows_read = frame.select(pl.len()).collect().item()
    except Exception as exc:  # noqa: BLE001 - a malformed body: one message, as for the other kinds
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.problems.append(Problem(
            "unreadable", Severity.ERROR, report.path,
            f"the file could not be read to the end ({printable(first, 160)})",
            "check that every line has the same number of fields and the file is not truncated"))
        return None
    report.problems.extend(problems)
    # a wide table's row is a cohort; a long table's row is a cell
    report.rows_kept = (table["cohort"].n_unique() if shape.wide else table.height) if table.height else 0
    if report.usable and table.height == 0:
        report.problems.append(Problem("no_usable_rows", Severity.ERROR, report.path,
                                       "no cohort has a size and a count, so nothing is left to analyse",
                                       "fix the problems listed above, or check the table's columns"))
    return table if report.usable else None
