"""What every SQL engine shares: the :class:`~workbench.metrics.engines.base.Engine` methods over the statements
of :mod:`workbench.metrics.engines.queries`. A subclass only connects, lists a relation's columns and runs a
statement (:meth:`SqlEngine._fetch`)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from workbench.io import LoadOptions
from workbench.io.checks import checks as io_checks
from workbench.io.columns import ColumnError, map_columns
from workbench.io.problems import FileReport, Problem, Severity
from workbench.io.text import printable
from workbench.metrics.drill import FLOW_TERMS
from workbench.metrics.engines.base import KINDS, Cancelled, EngineError, conform, sorted_ids
from workbench.metrics.engines.customer_queries import (
    TIMELINE_COLUMNS,
    profiles_sql,
    scores_sql,
    timeline_sql,
)
from workbench.metrics.engines.queries import (
    REDUCE_COLUMNS,
    as_of_sql,
    cell_sql,
    checks_sql,
    flow_sql,
    reduce_sql,
)
from workbench.metrics.engines.sql import Relation, SourceTypeError, parsed, timestamp_literal, transpile
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec


def map_relations(described: list[tuple[str, str, dict[str, str]]], options: LoadOptions
                  ) -> tuple[list[Relation], list[FileReport]]:
    """Detect each relation's kind and columns as :mod:`workbench.io` does for files: ``described`` is
    (name, FROM fragment, column → type class). Relations that cannot be used come back as reports."""
    relations, unusable = [], []
    for name, sql, types in described:
        try:
            cmap = map_columns(name, list(types), options.kind, options.overrides())
        except ColumnError as exc:
            unusable.append(FileReport(path=name, problems=list(exc.problems)))
            continue
        rel = Relation(name, sql, types, cmap)
        try:
            parsed(rel, cmap.kind, False)
        except SourceTypeError as exc:
            raise EngineError(str(exc)) from None
        relations.append(rel)
    if not relations:
        lines = "; ".join(p.describe() for r in unusable for p in r.problems)
        raise EngineError(lines or "no table or file to read")
    return relations, unusable


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class SqlEngine:
    """An :class:`~workbench.metrics.engines.base.Engine` whose rows stay in a SQL engine."""

    name = "sql"
    dialect = "duckdb"

    def __init__(self, relations: list[Relation], options: LoadOptions, unusable: list[FileReport] | None = None):
        self.options = options
        self.unusable = list(unusable or [])
        self.relations: dict[str, list[Relation]] = {}
        for rel in relations:
            self.relations.setdefault(rel.cmap.kind, []).append(rel)
        wall = options.now or datetime.now(ZoneInfo(options.tz)).replace(tzinfo=None)
        self.now = wall
        self._info: dict[str, tuple[datetime | None, bool]] = {}
        self._cancelling = False
        self._running = False

    # -------------------------------------------------------- what a subclass provides

    def _fetch(self, sql: str) -> list[tuple]:
        """Run one statement (already in :attr:`dialect`) and return its rows."""
        raise NotImplementedError

    def _interrupt(self) -> None:
        """Stop the running statement (called from another thread)."""
        raise NotImplementedError

    def close(self) -> None:
        return None

    # -------------------------------------------------------- the Engine protocol

    def run(self, sql: str) -> list[tuple]:
        """Run one statement written in DuckDB's dialect, translated to this engine's."""
        if self._cancelling:  # a cancel between two statements stops the next one
            self._cancelling = False
            raise Cancelled(f"{self.name}: the query was cancelled")
        self._running = True
        try:
            return self._fetch(transpile(sql, self.dialect))
        except EngineError:
            if self._cancelling:
                self._cancelling = False
                raise Cancelled(f"{self.name}: the query was cancelled") from None
            raise
        finally:
            self._running = False

    def cancel(self) -> None:
        """Interrupt the running statement, again every half second while it runs (a cancel that arrives
        while Spark is still planning finds no job to stop), for at most a minute."""
        self._cancelling = True

        def keep_interrupting() -> None:
            deadline = time.monotonic() + 60
            while self._running and self._cancelling and time.monotonic() < deadline:
                self._interrupt()
                time.sleep(0.5)

        threading.Thread(target=keep_interrupting, daemon=True, name="workbench-cancel").start()

    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in KINDS if k in self.relations)

    def _rels(self, kind: str) -> list[Relation]:
        if kind not in self.relations:
            raise ValueError(f"the source holds no {kind} data")
        return self.relations[kind]

    def _now(self) -> str:
        return timestamp_literal(self.now)

    def _facts(self, kind: str) -> tuple[datetime | None, bool, bool]:
        if kind not in self._info:
            rows = self.run(as_of_sql(self._rels(kind), kind, self._now(), self.options.drop_duplicates))
            text, with_revenue, date_only = rows[0] if rows else (None, 0, 0)
            self._info[kind] = (_parse_time(text), bool(with_revenue), bool(date_only))
        return self._info[kind]

    def date_only(self, kind: str) -> bool:
        """Every time at midnight: a log of dates (see :mod:`workbench.metrics.observed`)."""
        return self._facts(kind)[2]

    def as_of(self, kind: str) -> datetime | None:
        return self._facts(kind)[0]

    def has_revenue(self, kind: str) -> bool:
        return kind != "nps" and self._facts(kind)[1]

    def reduce(self, kind: str, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
        sql = reduce_sql(self._rels(kind), kind, period, timestamp_literal(as_of), self._now(),
                         self.options.drop_duplicates)
        rows = self.run(sql)
        frame = pl.DataFrame(rows, schema=list(REDUCE_COLUMNS[kind]), orient="row", infer_schema_length=None)
        return conform(kind, frame)

    def _resolve(self, kind: str, options: AnalysisOptions) -> datetime | None:
        return options.as_of if options.as_of is not None else self.as_of(kind)

    def customers_behind_cell(self, kind: str, options: AnalysisOptions, cohort_label: str, k: int) -> list[str]:
        spec = options.period
        c = spec.index_of_label(cohort_label)
        if kind not in ("events", "subscriptions"):
            raise ValueError(f"{kind} data has no cohort triangle")
        as_of = self._resolve(kind, options)
        if as_of is None or k < 0:
            return []
        sql = cell_sql(self._rels(kind), kind, spec, timestamp_literal(as_of), self._now(),
                       self.options.drop_duplicates, c, k, options.retention)
        return sorted_ids([row[0] for row in self.run(sql)])

    def customers_in_flow(self, kind: str, options: AnalysisOptions, period_label: str, term: str) -> list[str]:
        if term not in FLOW_TERMS:
            raise ValueError(f"unknown term {term!r}; use one of {', '.join(FLOW_TERMS)}")
        spec = options.period
        p = spec.index_of_label(period_label)
        if kind not in ("events", "subscriptions"):
            raise ValueError(f"{kind} data has no retention formula")
        if kind == "events" and term == "new_lost":
            raise ValueError("new_lost is a subscriptions term; events have resurrected instead")
        if kind == "subscriptions" and term == "resurrected":
            raise ValueError("resurrected is an events term; subscriptions have new_lost instead")
        as_of = self._resolve(kind, options)
        if as_of is None:
            return []
        sql = flow_sql(self._rels(kind), kind, spec, timestamp_literal(as_of), self._now(),
                       self.options.drop_duplicates, p, term)
        return sorted_ids([row[0] for row in self.run(sql)])

    # -------------------------------------------------------- customer profiles and timelines

    def customer_profiles(self, kind: str, period: PeriodSpec, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        """:data:`~workbench.metrics.customers.EVENT_ROWS` or ``SUBSCRIPTION_ROWS`` of the ids found up to
        as-of (see :func:`workbench.metrics.customers.customer_profiles`)."""
        from workbench.metrics.customers import EVENT_ROWS, PROFILE_SCHEMA, SUBSCRIPTION_ROWS

        sql = profiles_sql(self._rels(kind), kind, period, timestamp_literal(as_of), self._now(),
                           self.options.drop_duplicates, ids)
        names = EVENT_ROWS if kind == "events" else SUBSCRIPTION_ROWS
        schema = {**PROFILE_SCHEMA, "first_seen": pl.String(), "last_seen": pl.String(), "cohort": pl.Int64(),
                  "last": pl.Int64(), "mrr": pl.Float64()}
        frame = pl.DataFrame(self.run(sql) if ids else [], schema={n: schema[n] for n in names}, orient="row")
        return frame.with_columns(pl.col("first_seen", "last_seen").str.to_datetime(time_unit="us"))

    def latest_scores(self, as_of: datetime, ids: list[str]) -> pl.DataFrame:
        """``customer_id, nps``: each id's latest NPS score up to as-of."""
        rows = self.run(scores_sql(self._rels("nps"), timestamp_literal(as_of), self._now(),
                                   self.options.drop_duplicates, ids)) if ids else []
        return pl.DataFrame(rows, schema={"customer_id": pl.String(), "nps": pl.Int64()}, orient="row")

    def customer_rows(self, kind: str, as_of: datetime, customer_id: str, limit: int) -> tuple[pl.DataFrame, int]:
        """One customer's first ``limit`` rows of ``kind`` up to as-of in timeline columns, and their number
        (:func:`workbench.metrics.customers.customer_timeline`)."""
        from workbench.metrics.customers import TIMELINE_SCHEMA, WHAT

        rows = self.run(timeline_sql(self._rels(kind), kind, timestamp_literal(as_of), self._now(),
                                     self.options.drop_duplicates, customer_id, limit))
        columns = TIMELINE_COLUMNS[kind]
        schema = {"time": pl.String(), "total": pl.Int64(),
                  **{c: pl.String() if c == "end" else TIMELINE_SCHEMA[c] for c in columns}}
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        total = int(frame["total"][0]) if frame.height else 0
        frame = frame.select(pl.col("time").str.to_datetime(time_unit="us"), pl.lit(WHAT[kind]).alias("what"),
                             *[pl.col(c).str.to_datetime(time_unit="us") if c == "end" else pl.col(c)
                               for c in columns])
        return frame, total

    # -------------------------------------------------------- checks

    def file_reports(self, now: datetime | None = None) -> list[FileReport]:
        """One report per table or file, as :func:`workbench.io.load` gives for files: rows read and kept,
        the columns detected and each problem (a count and an example; rows are not numbered in SQL)."""
        now = now or self.now
        reports = list(self.unusable)
        for kind in self.kinds():
            for rel in self.relations[kind]:
                reports.append(self._report(rel, kind, now))
        return reports

    def checks(self, kind: str, now: datetime) -> list[Problem]:
        return [p for rel in self._rels(kind) for p in self._report(rel, kind, now).problems]

    def _report(self, rel: Relation, kind: str, now: datetime) -> FileReport:
        report = FileReport(path=rel.name, kind=kind, format=self.name, columns=dict(rel.cmap.roles))
        report.problems.extend(rel.cmap.warnings)
        sql, keys = checks_sql(rel, kind, timestamp_literal(now), self.options.drop_duplicates)
        row = self.run(sql)[0]
        rows, distinct, kept = row[0], row[1], row[2]
        found = {key: (row[3 + 2 * i], row[4 + 2 * i]) for i, key in enumerate(keys)}
        found[("duplicate_rows", None)] = (rows - distinct, None)
        report.rows_read, report.rows_kept = rows, kept
        if rows == 0:
            report.problems.append(Problem("no_rows", Severity.ERROR, rel.name, "the table has no rows",
                                           "load the data again; there is nothing to analyse"))
            return report
        # io's own list of checks gives the order, codes, severities and wording
        for check in io_checks(rel.cmap, self.options.drop_duplicates, now, None):
            n, example = found.get((check.code, check.role), (0, None))
            if not n:
                continue
            column = rel.cmap.roles.get(check.role) if check.role else None
            report.problems.append(Problem(
                check.code, check.severity, rel.name,
                check.message.format(n=f"{n:,}", example=_example(check.code, example)), check.fix,
                column=column, row=None, rows_affected=n))
        if kept == 0:
            report.problems.append(Problem(
                "no_usable_rows", Severity.ERROR, rel.name, "every row has a problem, so nothing is left to analyse",
                "fix the problems listed above, or point the options at the right columns"))
        return report


def _example(code: str, value: str | None) -> str:
    if value is None:
        return ""
    if code == "end_before_start":
        start, _, end = value.partition("|")
        return f"start '{printable(start)}', end '{printable(end)}'"
    return f"'{printable(value)}'"
