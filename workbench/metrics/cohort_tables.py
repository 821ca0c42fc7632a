"""A ready-made cohort table (kind ``cohorts``): the triangle and the retention formula it supports.

The table (read by :mod:`workbench.io.cohorts` into ``cohort``, ``k``, ``active``, ``size``) already is the
reduction: one row per cohort and period since its start. What follows from it:

* the triangle: ``active[k]`` and ``retention[k] = active[k] / size × 100``, exactly as written;
* the formula's terms per period p: ``CE(p)`` = the customers of every cohort active in p (Σ active of the
  cells in p), ``CN(p)`` = the size of cohort p, ``CS(p)`` = ``CE(p − 1)``, and ``CRR = (CE − CN) / CS``.
  These are the log's own definitions, so a table built from a log gives the log's numbers.

What it cannot tell is left unknown (None), never guessed: who of the CS customers stayed. A customer active
in p − 1 and in p and one active in p only (returning after a gap) look the same in a table, so ``retained``,
``churned``, ``starting_retention`` and ``churn_rate`` are None, and so is CLTV (it needs the churn rate).

Decisions:

* **Period.** The labels say it: ``2024-01`` is a month, ``2024-Q1`` a quarter, ``2024`` a year, and a date
  (``2024-01-08``, also ``2024-01-01 00:00:00`` as exported) a day, or the first day of a week, month, quarter or
  year. Unless a period was asked for, the coarsest period every label fits is taken (dates that fit several
  are said in a note). A period asked for must fit every label, else :class:`CohortTableError` names the first
  label that does not and the ``--period`` to pass: a table cannot be regrouped into other periods.
* **Completeness.** A table does not say when it was exported, and the exports of analytics tools include
  the period still running. So the table's last period is taken as not over: a cell is final unless its
  calendar period is the table's last (the newest cell of each cohort row that reaches it), and a note says so.
  ``--as-of`` says when the table was taken instead: cells of periods after it are left out, and a period is
  over when it ended by then, as for a log.
* **Missing cells.** A cohort's row runs to the table's last period or its last column (the largest k),
  whichever comes first. A cell inside that the table lacks (a long table built with GROUP BY leaves out
  zero counts) counts as 0 active, and a note says how many. A cell past the last column is outside the
  table, not a zero: when the oldest cohorts are past it (an export of 12 columns over 24 months of
  cohorts), CE cannot be summed, so the formula stops at the last period every cohort is in (noted).
* **Retention mode.** The table is read as classic retention (active in period cohort + k); ``unbounded``
  cannot be derived from it, and a note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.metrics.aggregates import check_span, ratio
from workbench.metrics.cohorts import CohortRow, CohortTriangle, averages
from workbench.metrics.flow import Flow, FlowRow
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec

KIND = "cohorts"
# coarsest first: labels that fit several (dates at a year's start) are read as the coarsest
CANDIDATES = (PeriodSpec("year"), PeriodSpec("quarter"), PeriodSpec("month"), PeriodSpec("week"),
              PeriodSpec("week", "sunday"), PeriodSpec("day"))
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")

UNKNOWN = ("kept, churned, churn_rate and starting_retention are unknown (–): a cohort table cannot tell who of "
           "the customers at the start of a period stayed")
CHURN_UNKNOWN = ("Churn needs to know who of the customers at the start of a period stayed, which a cohort table "
                 "cannot tell: load the event log or subscriptions it was built from.")
NO_IDS = ("A cohort table holds counts, not customers: there are no ids behind its numbers. Load the event log "
          "or subscriptions it was built from to see who.")


class CohortTableError(ValueError):
    """The cohort table cannot be read at the period asked for, or holds a cohort twice; the message says what
    to do."""


@dataclass(frozen=True)
class CohortTableResult:
    """What a cohort table gives: the period it was read at, "now", the triangle, the formula and notes."""

    period: PeriodSpec
    as_of: datetime
    triangle: CohortTriangle
    flow: Flow
    notes: tuple[str, ...]


def label_index(label: str, spec: PeriodSpec) -> int | None:
    """The period index of a cohort label at ``spec``: its label (``2024-01``) or a date at its first day
    (``2024-01-01``, with or without a midnight time); None when the label is not one of ``spec``."""
    text = label.strip()
    date = _DATE.match(text)
    if date and spec.unit not in ("day", "week"):
        try:
            day = datetime(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            return None
        idx = spec.index_of(day)
        return idx if spec.start_of(idx) == day else None
    try:
        return spec.index_of_label(text[:10] if date else text)
    except ValueError:
        return None


def _misfit(labels: list[str], spec: PeriodSpec) -> str | None:
    """The first label that is not a period of ``spec`` (None when all are)."""
    return next((label for label in labels if label_index(label, spec) is None), None)


def _period_flag(spec: PeriodSpec) -> str:
    return f"--period {spec.unit}" + (" --week-start sunday" if spec.unit == "week" and spec.week_start == "sunday"
                                      else "")


def table_period(labels: list[str], options: AnalysisOptions) -> tuple[PeriodSpec, list[str]]:
    """The period to read the table at (see the module's *Period*) and a note when the labels were ambiguous."""
    fits = [spec for spec in CANDIDATES if _misfit(labels, spec) is None]
    if options.period_given:
        bad = _misfit(labels, options.period)
        if bad is None:
            return options.period, []
        if fits:
            raise CohortTableError(
                f"cohort label '{bad}' is not a {options.period.noun}: the table's cohorts are {fits[0].noun}s and a "
                f"cohort table cannot be regrouped; pass {_period_flag(fits[0])} (or leave --period out)")
    elif fits:
        notes = []
        if len(fits) > 1:
            names = ", ".join(dict.fromkeys(f"{s.noun}s" for s in fits))
            notes.append(f"the cohort labels are dates that fit {names}: read as {fits[0].noun}s, the coarsest "
                         f"(pass --period to choose)")
        return fits[0], notes
    bad = _misfit(labels, options.period if options.period_given else CANDIDATES[-1])
    raise CohortTableError(
        f"cohort label '{bad}' is not a period: write cohorts as 2024-01 (month), 2024-Q1 (quarter), 2024 (year) "
        f"or a date such as 2024-01-08 (day, or the first day of a week)")


def _check_cells(cells: pl.DataFrame, spec: PeriodSpec) -> None:
    """One value per cohort and period, one size per cohort, no period before the cohort's start."""
    twice = cells.group_by("c", "k").len().filter(pl.col("len") > 1).sort("c", "k")
    if twice.height:
        c, k, n = twice.row(0)
        raise CohortTableError(
            f"cohort {spec.label_of(c)} has {n} values for +{k}: the table holds the same cohort more than once "
            "(two labels of the same period, or several copies of the table); load one table")
    sizes = cells.group_by("c").agg(pl.col("size").unique().sort()).filter(pl.col("size").list.len() > 1).sort("c")
    if sizes.height:
        c, values = sizes.row(0)
        raise CohortTableError(f"cohort {spec.label_of(c)} has several sizes ({', '.join(map(str, values))}): "
                               "the table holds the same cohort more than once; load one table")
    before = cells.filter(pl.col("k") < 0).sort("c", "k")
    if before.height:
        raise CohortTableError(f"cohort {spec.label_of(before['c'][0])} has a cell at {before['k'][0]} periods, "
                               "before its start; periods since the start count from 0")


def from_cohort_table(dataset, options: AnalysisOptions) -> CohortTableResult:
    """The triangle and the formula of a ``cohorts`` dataset (see the module's docstring).

    Raises :class:`CohortTableError` (a ValueError) when the labels do not fit the period asked for, a cohort
    is written twice, or a cell lies before its cohort's start."""
    frame: pl.DataFrame = dataset.frame
    labels = frame["cohort"].unique().sort().to_list()
    spec, notes = table_period(labels, options)
    index = {label: label_index(label, spec) for label in labels}
    cells = frame.with_columns(pl.col("cohort").replace_strict(index, return_dtype=pl.Int64).alias("c")) \
        .with_columns((pl.col("c") + pl.col("k")).alias("p"))
    _check_cells(cells, spec)
    if options.as_of is not None:
        cut = spec.index_of(options.as_of)
        later = cells.filter(pl.col("p") > cut).height
        if later:
            notes.append(f"{later:,} cells of periods after {options.as_of:%Y-%m-%d %H:%M} (as of) are left out")
        cells = cells.filter(pl.col("p") <= cut)
    if options.retention == "unbounded":
        notes.append("a cohort table is read as classic retention (active in period cohort+k): unbounded "
                     "retention needs each customer's later activity, which a table does not hold")
    if cells.height == 0:
        as_of = options.as_of or datetime(1970, 1, 1)
        notes.append("no cohort on or before the as-of time: nothing to count")
        empty = CohortTriangle(KIND, spec, "classic", (), (), ())
        return CohortTableResult(spec, as_of, empty, Flow(KIND, spec, (), False), tuple(notes))
    first, last = cells["c"].min(), cells["p"].max()
    check_span(spec, first, last)
    if options.as_of is None:
        as_of = spec.start_of(last)
        notes.append(f"the table's last {spec.noun} ({spec.label_of(last)}) is taken as not over: a table does "
                     "not say when it was exported (pass --as-of to say so)")
    else:
        as_of = options.as_of
    width = cells["k"].max()  # the table's last column: cells past it are outside the table, not zeros
    cohorts = cells.group_by("c").agg(pl.col("size").first()).filter(pl.col("size") > 0)
    grid = (cohorts.join(pl.DataFrame({"p": pl.int_range(first, last + 1, eager=True)}), how="cross")
            .filter(pl.col("p").is_between(pl.col("c"), pl.col("c") + width))
            .join(cells.select("c", "p", "active"), on=["c", "p"], how="left")
            .sort("c", "p"))
    missing = grid.filter(pl.col("active").is_null())
    if missing.height:
        c, p = missing.row(0, named=True)["c"], missing.row(0, named=True)["p"]
        notes.append(f"{missing.height:,} cells inside the triangle are not in the table (first: cohort "
                     f"{spec.label_of(c)}, +{p - c}); they are counted as 0 active (a long table leaves out "
                     "zero counts)")
    grid = grid.with_columns(pl.col("active").fill_null(0))
    triangle = _triangle(grid, spec, as_of)
    if first + width < last:
        notes.append(f"the table stops at +{width}: from {spec.label_of(first + width + 1)} on the oldest cohorts are "
                     f"past its last column, so the formula is given up to {spec.label_of(first + width)} only")
    notes.append(f"a cohort table gives the triangle and CS, CN, CE and CRR; {UNKNOWN}, so CLTV is not shown "
                 "either, and no customer ids are behind its numbers")
    flow = _flow(grid, spec, as_of, first, min(last, first + width))
    return CohortTableResult(spec, as_of, triangle, flow, tuple(notes))


def _done(spec: PeriodSpec, as_of: datetime, p: int) -> bool:
    return spec.end_of(p) <= as_of


def _triangle(grid: pl.DataFrame, spec: PeriodSpec, as_of: datetime) -> CohortTriangle:
    by_cohort = grid.group_by("c", maintain_order=True).agg(pl.col("size").first(), pl.col("active"))
    rows = [CohortRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size, active=tuple(active),
                      retention=tuple(ratio(a, size) for a in active),
                      complete=tuple(_done(spec, as_of, c + k) for k in range(len(active))))
            for c, size, active in by_cohort.iter_rows()]  # one row per cohort: the table is already small
    return CohortTriangle(KIND, spec, "classic", tuple(rows), *averages(rows))


def _flow(grid: pl.DataFrame, spec: PeriodSpec, as_of: datetime, first: int, last: int) -> Flow:
    """CE(p) = Σ active in p, CN(p) = size of cohort p, CS(p) = CE(p − 1); who of CS stayed is unknown."""
    ce = dict(grid.group_by("p").agg(pl.col("active").sum()).iter_rows())
    cn = dict(grid.filter(pl.col("p") == pl.col("c")).select("c", "size").iter_rows())
    rows = []
    for p in range(first + 1, last + 1):
        CS, CN, CE = ce.get(p - 1, 0), cn.get(p, 0), ce.get(p, 0)  # noqa: N806 (the formula's names)
        label = spec.label_of(p)
        rows.append(FlowRow(
            period=label, start=spec.start_of(p), end=spec.end_of(p), CS=CS, CN=CN, CE=CE, retained=None,
            churned=None, crr=ratio(CE - CN, CS), churn_rate=None, starting_retention=None,
            complete=_done(spec, as_of, p),
            explanation=(f"A cohort table cannot tell who of the {CS:,} customers at the start of {label} stayed: "
                         f"CE − CN ({CE - CN:,}) counts the customers of earlier cohorts active in {label}, whether "
                         f"or not they were active in {spec.label_of(p - 1)}, so kept and churned are unknown.")))
    return Flow(KIND, spec, tuple(rows), False)
