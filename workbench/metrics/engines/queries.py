"""The statements, in DuckDB's dialect: as-of, the three reductions, the checks and the drill-downs.

Each is the SQL form of a polars function (named in its docstring) over the ``clean`` rows of
:func:`workbench.metrics.engines.sql.clean`; ``as_of`` and ``now`` are SQL expressions (a timestamp literal,
or for ``workbench sql`` a subquery / ``CURRENT_TIMESTAMP``). Column names that are reserved words in some
dialect get a suffix in SQL (``last_period``) and their polars name when fetched.
"""

from __future__ import annotations

from workbench.metrics.engines.sql import Relation, clean, keep, parsed, period_index, row_problems
from workbench.metrics.periods import PeriodSpec

# the columns each statement returns, in order, with the polars name of each
REDUCE_COLUMNS = {
    "events": ("cohort", "period", "active", "retained", "last", "revenue", "revenue_retained",
               "revenue_retained_capped"),
    "subscriptions": ("cohort", "last", "customers", "mrr"),
    "nps": ("period", "score", "responses"),
}
SQL_NAMES = {"last": "last_period"}  # polars name → SQL name, where they differ
CURRENT_TIMESTAMP = "CAST(CURRENT_TIMESTAMP AS TIMESTAMP)"


def _with(relations: list[Relation], kind: str, now: str, drop_duplicates: bool, *ctes: str) -> str:
    return "WITH " + ", ".join([f"clean AS ({clean(relations, kind, now, drop_duplicates)})", *ctes])


def as_of_expr(kind: str) -> str:
    """:func:`workbench.metrics.reduce.data_as_of` over ``clean`` (a scalar subquery)."""
    if kind == "subscriptions":
        return ("(SELECT GREATEST(MAX(start_time), COALESCE(MAX(end_time), MAX(start_time))) FROM clean)")
    return "(SELECT MAX(ts) FROM clean)"


def as_of_sql(relations: list[Relation], kind: str, now: str, drop_duplicates: bool) -> str:
    """The latest time as text (``YYYY-MM-DD HH:MM:SS[.ffffff]``: no driver converts it between zones) and
    whether any clean row has revenue."""
    revenue = "COUNT(revenue)" if kind != "nps" else "0"
    return _with(relations, kind, now, drop_duplicates) + (
        f" SELECT CAST({as_of_expr(kind)} AS VARCHAR) AS as_of, CAST({revenue} AS BIGINT) AS with_revenue, "
        f"CAST({date_only_expr(kind)} AS BIGINT) AS date_only FROM clean")


def date_only_expr(kind: str) -> str:
    """1 when every time is at midnight (a log of dates, :func:`workbench.metrics.reduce.data_extent`), else 0."""
    columns = ("start_time", "end_time") if kind == "subscriptions" else ("ts",)
    tests = " AND ".join(f"({c} IS NULL OR {c} = CAST(CAST({c} AS DATE) AS TIMESTAMP))" for c in columns)
    return f"COALESCE(MIN(CASE WHEN {tests} THEN 1 ELSE 0 END), 1)"


def _event_ctes(spec: PeriodSpec, as_of: str) -> list[str]:
    """:func:`workbench.metrics.reduce.event_customer_periods` as ``cp``."""
    return [
        "activity AS (SELECT customer_id, period, SUM(revenue) AS revenue FROM ("
        f"SELECT customer_id, {period_index(spec, 'ts')} AS period, COALESCE(revenue, CAST(0 AS DOUBLE)) AS revenue "
        f"FROM clean WHERE ts <= {as_of}) AS a GROUP BY customer_id, period)",
        "spans AS (SELECT customer_id, MIN(period) AS cohort, MAX(period) AS last_period FROM activity "
        "GROUP BY customer_id)",
        "cp AS (SELECT r.customer_id, r.period, r.revenue, s.cohort, s.last_period, b.revenue AS previous_revenue "
        "FROM activity AS r JOIN spans AS s ON r.customer_id = s.customer_id "
        "LEFT JOIN activity AS b ON b.customer_id = r.customer_id AND b.period = r.period - 1)",
    ]


def _subscription_ctes(spec: PeriodSpec, as_of: str) -> list[str]:
    """:func:`workbench.metrics.reduce.subscription_customers` as ``sc``; the MRR of the latest-starting row
    (the largest when two rows start at the same instant)."""
    end_minus = "end_time - INTERVAL 1 MICROSECOND"
    return [
        "subs AS (SELECT customer_id, start_time, "
        f"CASE WHEN end_time > {as_of} THEN NULL ELSE end_time END AS end_time, "
        f"COALESCE(revenue, CAST(0 AS DOUBLE)) AS mrr FROM clean WHERE start_time <= {as_of})",
        "customers AS (SELECT customer_id, MIN(start_time) AS start_time, MAX(start_time) AS latest_start, "
        "CASE WHEN COUNT(*) > COUNT(end_time) THEN NULL ELSE MAX(end_time) END AS end_time "
        "FROM subs GROUP BY customer_id)",
        "latest AS (SELECT s.customer_id, MAX(s.mrr) AS mrr FROM subs AS s JOIN customers AS c "
        "ON s.customer_id = c.customer_id AND s.start_time = c.latest_start GROUP BY s.customer_id)",
        f"sc AS (SELECT c.customer_id, {period_index(spec, 'c.start_time')} AS cohort, "
        f"CASE WHEN c.end_time IS NULL THEN NULL ELSE {period_index(spec, end_minus)} END AS last_period, "
        "l.mrr FROM customers AS c JOIN latest AS l ON c.customer_id = l.customer_id)",
    ]


def reduce_sql(relations: list[Relation], kind: str, spec: PeriodSpec, as_of: str, now: str,
               drop_duplicates: bool) -> str:
    """:func:`~workbench.metrics.reduce.reduce_events`, ``reduce_subscriptions`` or ``reduce_nps`` (columns:
    :data:`REDUCE_COLUMNS`)."""
    if kind == "events":
        kept = "previous_revenue IS NOT NULL"
        return _with(relations, kind, now, drop_duplicates, *_event_ctes(spec, as_of)) + (
            " SELECT cohort, period, CAST(COUNT(*) AS BIGINT) AS active, "
            f"CAST(SUM(CASE WHEN {kept} THEN 1 ELSE 0 END) AS BIGINT) AS retained, "
            "CAST(SUM(CASE WHEN last_period = period THEN 1 ELSE 0 END) AS BIGINT) AS last_period, "
            "SUM(revenue) AS revenue, "
            f"COALESCE(SUM(CASE WHEN {kept} THEN revenue END), CAST(0 AS DOUBLE)) AS revenue_retained, "
            f"COALESCE(SUM(CASE WHEN {kept} THEN LEAST(revenue, previous_revenue) END), CAST(0 AS DOUBLE)) "
            "AS revenue_retained_capped FROM cp GROUP BY cohort, period ORDER BY cohort, period")
    if kind == "subscriptions":
        return _with(relations, kind, now, drop_duplicates, *_subscription_ctes(spec, as_of)) + (
            " SELECT cohort, last_period, CAST(COUNT(*) AS BIGINT) AS customers, SUM(mrr) AS mrr FROM sc "
            "GROUP BY cohort, last_period ORDER BY cohort, last_period NULLS LAST")
    return _with(relations, kind, now, drop_duplicates) + (
        " SELECT period, score, CAST(COUNT(*) AS BIGINT) AS responses FROM ("
        f"SELECT {period_index(spec, 'ts')} AS period, CAST(score AS BIGINT) AS score FROM clean "
        f"WHERE ts <= {as_of}) AS n GROUP BY period, score ORDER BY period, score")


# ---------------------------------------------------------------- drill-downs


def cell_sql(relations: list[Relation], kind: str, spec: PeriodSpec, as_of: str, now: str, drop_duplicates: bool,
             cohort: int, k: int, retention: str) -> str:
    """Ids behind a triangle cell: :func:`workbench.metrics.drill.customers_behind_cell`."""
    if kind == "events":
        condition = (f"last_period >= {cohort + k}" if retention == "unbounded" else f"period = {cohort + k}")
        return _with(relations, kind, now, drop_duplicates, *_event_ctes(spec, as_of)) + (
            f" SELECT DISTINCT customer_id FROM cp WHERE cohort = {cohort} AND {condition}")
    condition = "" if k == 0 else f" AND (last_period IS NULL OR last_period >= {cohort + k})"
    return _with(relations, kind, now, drop_duplicates, *_subscription_ctes(spec, as_of)) + (
        f" SELECT DISTINCT customer_id FROM sc WHERE cohort = {cohort}{condition}")


def flow_sql(relations: list[Relation], kind: str, spec: PeriodSpec, as_of: str, now: str, drop_duplicates: bool,
             p: int, term: str) -> str:
    """Ids behind a term of the formula: :func:`workbench.metrics.drill.customers_in_flow`."""
    if kind == "events":
        conditions = {"CS": "before_ = 1", "CE": "now_ = 1", "CN": f"now_ = 1 AND cohort = {p}",
                      "retained": "before_ = 1 AND now_ = 1", "churned": "before_ = 1 AND now_ = 0",
                      "resurrected": f"now_ = 1 AND before_ = 0 AND cohort < {p}"}
        per_customer = (f"pc AS (SELECT customer_id, MAX(CASE WHEN period = {p - 1} THEN 1 ELSE 0 END) AS before_, "
                        f"MAX(CASE WHEN period = {p} THEN 1 ELSE 0 END) AS now_, MIN(cohort) AS cohort "
                        "FROM cp GROUP BY customer_id)")
        return _with(relations, kind, now, drop_duplicates, *_event_ctes(spec, as_of), per_customer) + (
            f" SELECT customer_id FROM pc WHERE {conditions[term]}")
    last = "last_period"
    stays = f"({last} IS NULL OR {last} >= {p + 1})"
    conditions = {"CS": f"cohort < {p} AND ({last} IS NULL OR {last} >= {p})", "CN": f"cohort = {p}",
                  "CE": f"cohort <= {p} AND {stays}", "retained": f"cohort < {p} AND {stays}",
                  "churned": f"cohort < {p} AND {last} = {p}",
                  "new_lost": f"cohort = {p} AND {last} IS NOT NULL AND {last} <= {p}"}
    return _with(relations, kind, now, drop_duplicates, *_subscription_ctes(spec, as_of)) + (
        f" SELECT customer_id FROM sc WHERE {conditions[term]}")


# ---------------------------------------------------------------- checks


def checks_sql(rel: Relation, kind: str, now: str, drop_duplicates: bool) -> tuple[str, list[tuple[str, str]]]:
    """For one relation: rows, distinct rows, rows kept, then a count and the smallest raw example of each
    row problem (in the order of the returned keys)."""
    problems = row_problems(rel, kind, now)
    examples = {"start": "raw_start", "end": "raw_end", "time": "raw_time", "score": "raw_score",
                "revenue": "raw_revenue"}
    items = []
    for (code, role), condition in problems.items():
        example = "raw_start || '|' || raw_end" if code == "end_before_start" else examples.get(role, "NULL")
        items.append(f"CAST(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS BIGINT)")
        items.append(f"MIN(CASE WHEN {condition} THEN {example} END)")
    distinct = kind != "events" or drop_duplicates
    kept_from = f"({parsed(rel, kind, distinct)}) AS k"
    sql = (f"SELECT CAST(COUNT(*) AS BIGINT), "
           f"(SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT DISTINCT * FROM {rel.sql} AS d0) AS d), "
           f"(SELECT CAST(COUNT(*) AS BIGINT) FROM {kept_from} WHERE {keep(rel, kind, now)}), "
           f"{', '.join(items)} FROM ({parsed(rel, kind, False)}) AS p")
    return sql, list(problems)
