"""The reductions, checks and drill-downs written once, in DuckDB's SQL, and translated by sqlglot.

Every statement is built here from one set of templates in DuckDB's dialect and translated with
``sqlglot.transpile(sql, read="duckdb", write=dialect)`` for the engine that runs it (DuckDB, PostgreSQL,
Spark) or for a warehouse (BigQuery, Snowflake, Trino: ``workbench sql``). No dialect is written by hand.

Portable on purpose (each of these differs between engines otherwise):

* every period index is cast to BIGINT (PostgreSQL's EXTRACT returns numeric); weeks use FLOOR of a
  division by 7.0 (DuckDB's ``//`` truncates toward zero, wrong before 1970) of days since 1970-01-01
  (day-of-week numbering differs between engines, so it is never used);
* finite revenue is ``revenue - revenue = 0`` (``isfinite`` exists only in DuckDB);
* sums over no rows are COALESCEd to 0 and counts cast to BIGINT (DuckDB sums integers into HUGEINT);
* ids are sorted after fetching (a server's collation is not polars' byte order);
* the clean rows are the rows :mod:`workbench.io` keeps: a row with a problem of severity warning is left
  out (no id, unreadable or future time, end before start, score outside 0–10, NaN revenue, and exact
  duplicates except in events).

A source is one or more :class:`Relation` (a table, or a file read by the engine) per kind; each relation's
columns are mapped to roles by :func:`workbench.io.columns.map_columns`, exactly as for files, and the SQL
selects and casts them into the canonical names ``customer_id, ts | start_time, end_time, revenue, score``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workbench.io.columns import ColumnMap
from workbench.metrics.engines.base import MissingExtra
from workbench.metrics.periods import PeriodSpec

SOURCE_DIALECT = "duckdb"
DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake", "trino")

# how a column's type is read (the engines map their own type names onto these)
TEXT, TIMESTAMP, TIMESTAMPTZ, DATE, INTEGER, FLOAT, DECIMAL, OTHER = (
    "text", "timestamp", "timestamptz", "date", "integer", "float", "decimal", "other")
NUMERIC = (INTEGER, FLOAT, DECIMAL)

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_CLOCK = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
NAIVE_TIME = f"^{_DATE}({_CLOCK})?$"
AWARE_TIME = f"^{_DATE}{_CLOCK}(Z|[+-][0-9]{{2}}:[0-9]{{2}})$"
NUMBER = r"^[-+]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[Nn][Aa][Nn]|[Ii][Nn][Ff]([Ii][Nn][Ii][Tt][Yy])?)$"
CURRENCY = r"^[$€£¥]\s*"

# canonical SQL name of each role (``start``/``end`` are reserved words in some dialects)
CANONICAL = {"id": "customer_id", "time": "ts", "start": "start_time", "end": "end_time",
             "revenue": "revenue", "score": "score"}
TIME_ROLE = {"events": "time", "nps": "time", "subscriptions": "start"}


class SourceTypeError(ValueError):
    """A mapped column has a type the SQL engines cannot read for its role."""


@dataclass(frozen=True)
class Relation:
    """One table or file of one kind: how to read it (a FROM fragment in DuckDB's dialect), its columns'
    types (:data:`TEXT`, :data:`TIMESTAMP`, ...) in source order, and the role of each column."""

    name: str
    sql: str
    types: dict[str, str]
    cmap: ColumnMap


def ident(name: str) -> str:
    """A quoted identifier in DuckDB's dialect (column names may hold spaces, capitals or reserved words)."""
    return '"' + name.replace('"', '""') + '"'


def table_name(name: str) -> str:
    """A quoted, possibly qualified table name: ``db.events`` → ``"db"."events"``."""
    return ".".join(ident(part) for part in name.split("."))


def quote_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def timestamp_literal(value: datetime) -> str:
    return f"CAST('{value.isoformat(sep=' ')}' AS TIMESTAMP)"


def transpile(sql: str, dialect: str, pretty: bool = False) -> str:
    """``sql`` (DuckDB's dialect) in ``dialect``."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}")
    try:
        import sqlglot
    except ImportError:
        raise MissingExtra("sql", "sqlglot") from None
    return sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect, pretty=pretty)[0]


# ---------------------------------------------------------------- reading one relation


def _missing(column: str, type_class: str) -> str:
    c = ident(column)
    return f"({c} IS NULL OR TRIM({c}) = '')" if type_class == TEXT else f"({c} IS NULL)"


def _raw(column: str, type_class: str) -> str:
    c = ident(column)
    return f"TRIM({c})" if type_class == TEXT else f"CAST({c} AS VARCHAR)"


def _id(column: str, type_class: str) -> str:
    c = ident(column)
    if type_class == TEXT:
        return f"TRIM({c})"
    if type_class == FLOAT:  # whole floats (JSON, Excel) lose their '.0', as in workbench.io
        return f"CASE WHEN {c} = FLOOR({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
    return f"CAST({c} AS VARCHAR)"


def _time(rel: Relation, column: str) -> str:
    c, type_class = ident(column), rel.types[column]
    if type_class in (TIMESTAMP, TIMESTAMPTZ, DATE):  # timestamptz: wall clock in the session's time zone
        return f"CAST({c} AS TIMESTAMP)"
    if type_class == TEXT:
        t = f"TRIM({c})"
        return (f"CASE WHEN REGEXP_MATCHES({t}, {quote_text(NAIVE_TIME)}) THEN TRY_CAST({t} AS TIMESTAMP) "
                f"WHEN REGEXP_MATCHES({t}, {quote_text(AWARE_TIME)}) "
                f"THEN CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP) END")
    raise SourceTypeError(
        f"{rel.name}: column '{column}' holds {type_class} values; the SQL engines read times from timestamp, "
        "date or ISO 8601 text columns. Fix: use --engine polars for epoch numbers, or convert the column")


def _number(rel: Relation, column: str) -> str:
    c, type_class = ident(column), rel.types[column]
    if type_class in NUMERIC:
        return f"CAST({c} AS DOUBLE)"
    if type_class == TEXT:  # the currency sign is looked for only when the plain number does not match
        t, bare = f"TRIM({c})", f"REGEXP_REPLACE(TRIM({c}), {quote_text(CURRENCY)}, '')"
        return (f"CASE WHEN REGEXP_MATCHES({t}, {quote_text(NUMBER)}) THEN CAST({t} AS DOUBLE) "
                f"WHEN REGEXP_MATCHES({bare}, {quote_text(NUMBER)}) THEN CAST({bare} AS DOUBLE) END")
    raise SourceTypeError(f"{rel.name}: column '{column}' holds {type_class} values, not numbers. "
                          "Fix: name another column with the option for its role, or convert it")


def _roles(rel: Relation, kind: str) -> list[str]:
    wanted = {"events": ("id", "time", "revenue"), "subscriptions": ("id", "start", "end", "revenue"),
              "nps": ("id", "time", "score")}[kind]
    return [role for role in wanted if rel.cmap.get(role)]


def parsed(rel: Relation, kind: str, distinct: bool, extras: tuple[str, ...] = ()) -> str:
    """``SELECT`` of the canonical columns and the raw text of each role (``raw_<role>``) of one relation;
    ``extras`` adds text roles (``segment``, ``comment``) read as :mod:`workbench.io` reads them (NULL when the
    relation has none)."""
    items = []
    for role in _roles(rel, kind):
        column = rel.cmap.roles[role]
        if role == "id":
            items.append(f"{_id(column, rel.types[column])} AS customer_id")
        elif role in ("time", "start", "end"):
            items.append(f"{_time(rel, column)} AS {CANONICAL[role]}")
        else:
            items.append(f"{_number(rel, column)} AS {CANONICAL[role]}")
        if role != "id":
            items.append(f"{_raw(column, rel.types[column])} AS raw_{role}")
    if kind in ("events", "subscriptions") and not rel.cmap.get("revenue"):
        items.append("CAST(NULL AS DOUBLE) AS revenue")
    if kind == "subscriptions" and not rel.cmap.get("end"):
        items.append("CAST(NULL AS TIMESTAMP) AS end_time")
    for role in extras:
        column = rel.cmap.get(role)
        items.append(f"{_id(column, rel.types[column])} AS {role}" if column else f"CAST(NULL AS VARCHAR) AS {role}")
    source = f"(SELECT DISTINCT * FROM {rel.sql}) AS src" if distinct else f"{rel.sql} AS src"
    return f"SELECT {', '.join(items)} FROM {source}"


def row_problems(rel: Relation, kind: str, now: str) -> dict[tuple[str, str], str]:
    """(io problem code, role) → SQL condition on :func:`parsed` columns, for each row check of io."""
    cmap = rel.cmap

    def missing(role: str) -> str:
        return _missing_parsed(rel, role)

    def unreadable(role: str) -> dict[tuple[str, str], str]:
        """Only text can fail to parse; a typed column's value is null exactly when it is missing."""
        if rel.types[cmap.roles[role]] != TEXT:
            return {}
        code = "bad_number" if role == "revenue" else "bad_score" if role == "score" else "bad_date"
        return {(code, role): f"({CANONICAL[role]} IS NULL AND NOT {missing(role)})"}

    trole = TIME_ROLE[kind]
    t = CANONICAL[trole]
    out = {("null_id", "id"): "(customer_id IS NULL OR customer_id = '')",
           ("missing_date", trole): missing(trole), **unreadable(trole),
           ("future_date", trole): f"({t} > {now})"}
    if kind == "subscriptions" and cmap.get("end"):
        out.update(unreadable("end"))
        out[("end_before_start", "end")] = "(end_time < start_time)"
    if kind == "nps":
        out.update(unreadable("score"))
        out[("missing_score", "score")] = missing("score")
        out[("score_out_of_range", "score")] = "(score < 0 OR score > 10 OR score <> FLOOR(score))"
    if kind != "nps" and cmap.get("revenue"):
        out.update(unreadable("revenue"))
        out[("non_finite_number", "revenue")] = "(revenue IS NOT NULL AND NOT (revenue - revenue = 0))"
    return out


def keeps_duplicates(kind: str, drop_duplicates: bool) -> bool:
    """Exact duplicate rows are kept (a note) in events unless asked otherwise; dropped elsewhere (as io)."""
    return kind == "events" and not drop_duplicates


def clean(relations: list[Relation], kind: str, now: str, drop_duplicates: bool, extras: tuple[str, ...] = ()) -> str:
    """The rows io would keep, of every relation of ``kind``, in canonical columns (and the text roles
    ``extras``, see :func:`parsed`)."""
    columns = {"events": "customer_id, ts, revenue", "subscriptions": "customer_id, start_time, end_time, revenue",
               "nps": "customer_id, ts, score"}[kind] + "".join(f", {role}" for role in extras)
    distinct = not keeps_duplicates(kind, drop_duplicates)
    parts = [f"SELECT {columns} FROM ({parsed(rel, kind, distinct, extras)}) AS p WHERE {keep(rel, kind, now)}"
             for rel in relations]
    return " UNION ALL ".join(parts)


def keep(rel: Relation, kind: str, now: str) -> str:
    """The condition for a row to be kept: none of :func:`row_problems` of severity warning holds.

    Written positively, with each parsed column named as few times as possible: PostgreSQL inlines the
    parsing subquery, so every mention of a parsed column parses the text again."""
    conditions = ["customer_id <> ''", f"{CANONICAL[TIME_ROLE[kind]]} <= {now}"]  # NULL is not kept
    if kind == "subscriptions" and rel.cmap.get("end"):
        conditions.append(f"COALESCE(end_time >= start_time, {_missing_parsed(rel, 'end')})")
    if kind == "nps":
        conditions.append("score >= 0 AND score <= 10 AND score = FLOOR(score)")
    if kind != "nps" and rel.cmap.get("revenue"):
        conditions.append(f"COALESCE(revenue - revenue = 0, {_missing_parsed(rel, 'revenue')})")
    return " AND ".join(conditions)


def _missing_parsed(rel: Relation, role: str) -> str:
    """On :func:`parsed` columns: the role's value is missing (rather than unreadable)."""
    if rel.types[rel.cmap.roles[role]] == TEXT:
        return f"(raw_{role} IS NULL OR raw_{role} = '')"
    return f"({CANONICAL[role]} IS NULL)"


# ---------------------------------------------------------------- period indexes


def period_index(spec: PeriodSpec, column: str) -> str:
    """The BIGINT index of :class:`PeriodSpec` (see :mod:`workbench.metrics.periods`) of a TIMESTAMP column."""
    if spec.unit in ("day", "week"):
        days = f"DATE_DIFF('day', DATE '1970-01-01', CAST({column} AS DATE))"
        if spec.unit == "day":
            return f"CAST({days} AS BIGINT)"
        return f"CAST(FLOOR(({days} + {spec.week_shift()}) / 7.0) AS BIGINT)"
    year = f"CAST(EXTRACT(YEAR FROM {column}) AS BIGINT)"
    if spec.unit == "year":
        return year
    if spec.unit == "month":
        return f"({year} * 12 + CAST(EXTRACT(MONTH FROM {column}) AS BIGINT) - 1)"
    return f"({year} * 4 + CAST(EXTRACT(QUARTER FROM {column}) AS BIGINT) - 1)"
