"""The customer profiles and timelines (:mod:`workbench.metrics.customers`) as statements in DuckDB's dialect,
translated by sqlglot like every other statement (:mod:`workbench.metrics.engines.queries`).

Times come back as text (as :func:`~workbench.metrics.engines.queries.as_of_sql` does: no driver converts them
between zones); the ids are an ``IN`` list of literals, which sqlglot writes in each dialect's quoting.
"""

from __future__ import annotations

from workbench.metrics.engines.sql import Relation, clean, period_index, quote_text
from workbench.metrics.periods import PeriodSpec

EXTRAS = {"events": ("segment",), "subscriptions": ("segment",), "nps": ("segment", "comment")}
# the timeline columns each kind's statement returns, after its time and the total
TIMELINE_COLUMNS = {"events": ("revenue", "segment"), "subscriptions": ("end", "revenue", "segment"),
                    "nps": ("score", "segment", "comment")}
_SQL_TIMELINE = {"end": "CAST(end_time AS VARCHAR)", "revenue": "revenue", "segment": "segment",
                 "score": "CAST(score AS BIGINT)", "comment": "comment"}


def _in(ids: list[str]) -> str:
    return "customer_id IN (" + ", ".join(quote_text(i) for i in ids) + ")"


def _with(relations: list[Relation], kind: str, now: str, drop_duplicates: bool, *ctes: str) -> str:
    return "WITH " + ", ".join([f"clean AS ({clean(relations, kind, now, drop_duplicates, EXTRAS[kind])})", *ctes])


def profiles_sql(relations: list[Relation], kind: str, spec: PeriodSpec, as_of: str, now: str,
                 drop_duplicates: bool, ids: list[str]) -> str:
    """Events: ``customer_id, first_seen, last_seen, periods_active, revenue, segment``; subscriptions:
    ``customer_id, first_seen, last_seen, cohort, last_period, mrr, segment`` (see
    :data:`workbench.metrics.customers.SUBSCRIPTION_ROWS`). Segment and MRR: of the latest row (ties: the
    largest)."""
    if kind == "events":
        return _with(relations, kind, now, drop_duplicates,
                     f"picked AS (SELECT customer_id, ts, revenue, segment, {period_index(spec, 'ts')} AS period "
                     f"FROM clean WHERE ts <= {as_of} AND {_in(ids)})",
                     "spans AS (SELECT customer_id, MIN(ts) AS first_seen, MAX(ts) AS last_seen, "
                     "CAST(COUNT(DISTINCT period) AS BIGINT) AS periods_active, "
                     "COALESCE(SUM(revenue), CAST(0 AS DOUBLE)) AS revenue FROM picked GROUP BY customer_id)",
                     "latest AS (SELECT p.customer_id, MAX(p.segment) AS segment FROM picked AS p JOIN spans AS s "
                     "ON p.customer_id = s.customer_id AND p.ts = s.last_seen GROUP BY p.customer_id)") + (
            " SELECT s.customer_id, CAST(s.first_seen AS VARCHAR) AS first_seen, "
            "CAST(s.last_seen AS VARCHAR) AS last_seen, s.periods_active, s.revenue, l.segment "
            "FROM spans AS s JOIN latest AS l ON s.customer_id = l.customer_id")
    end_minus = "s.last_seen - INTERVAL 1 MICROSECOND"
    return _with(relations, kind, now, drop_duplicates,
                 "picked AS (SELECT customer_id, start_time, "
                 f"CASE WHEN end_time > {as_of} THEN NULL ELSE end_time END AS end_time, "
                 "COALESCE(revenue, CAST(0 AS DOUBLE)) AS mrr, segment "
                 f"FROM clean WHERE start_time <= {as_of} AND {_in(ids)})",
                 "spans AS (SELECT customer_id, MIN(start_time) AS first_seen, MAX(start_time) AS latest_start, "
                 "CASE WHEN COUNT(*) > COUNT(end_time) THEN NULL ELSE MAX(end_time) END AS last_seen "
                 "FROM picked GROUP BY customer_id)",
                 "latest AS (SELECT p.customer_id, MAX(p.mrr) AS mrr, MAX(p.segment) AS segment FROM picked AS p "
                 "JOIN spans AS s ON p.customer_id = s.customer_id AND p.start_time = s.latest_start "
                 "GROUP BY p.customer_id)") + (
        " SELECT s.customer_id, CAST(s.first_seen AS VARCHAR) AS first_seen, "
        f"CAST(s.last_seen AS VARCHAR) AS last_seen, {period_index(spec, 's.first_seen')} AS cohort, "
        f"CASE WHEN s.last_seen IS NULL THEN NULL ELSE {period_index(spec, end_minus)} END AS last_period, "
        "l.mrr, l.segment FROM spans AS s JOIN latest AS l ON s.customer_id = l.customer_id")


def scores_sql(relations: list[Relation], as_of: str, now: str, drop_duplicates: bool, ids: list[str]) -> str:
    """Each id's latest NPS score up to as-of (ties: the highest): ``customer_id, score``."""
    return _with(relations, "nps", now, drop_duplicates,
                 f"picked AS (SELECT customer_id, ts, score FROM clean WHERE ts <= {as_of} AND {_in(ids)})",
                 "latest AS (SELECT customer_id, MAX(ts) AS ts FROM picked GROUP BY customer_id)") + (
        " SELECT p.customer_id, CAST(MAX(p.score) AS BIGINT) AS score FROM picked AS p JOIN latest AS l "
        "ON p.customer_id = l.customer_id AND p.ts = l.ts GROUP BY p.customer_id")


def timeline_sql(relations: list[Relation], kind: str, as_of: str, now: str, drop_duplicates: bool,
                 customer_id: str, limit: int) -> str:
    """One customer's first ``limit`` rows of ``kind`` in time order: the time as text, how many rows they
    have up to as-of, then :data:`TIMELINE_COLUMNS`."""
    time = "start_time" if kind == "subscriptions" else "ts"
    columns = ", ".join(f"{_SQL_TIMELINE[c]} AS {c}_" for c in TIMELINE_COLUMNS[kind])
    return _with(relations, kind, now, drop_duplicates) + (
        f" SELECT CAST({time} AS VARCHAR) AS time_, CAST(COUNT(*) OVER () AS BIGINT) AS total_, {columns} "
        f"FROM clean WHERE customer_id = {quote_text(customer_id)} AND {time} <= {as_of} "
        f"ORDER BY {time} LIMIT {int(limit)}")
