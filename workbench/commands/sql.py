"""`workbench sql`: print the reduction as SQL for a warehouse, so a team can schedule it where the data is."""

from __future__ import annotations

from datetime import datetime

import click

from workbench.io.columns import ColumnError, map_columns
from workbench.metrics import UNITS, WEEK_STARTS, PeriodSpec
from workbench.metrics.engines.base import MissingExtra
from workbench.metrics.engines.queries import (
    CURRENT_TIMESTAMP,
    REDUCE_COLUMNS,
    SQL_NAMES,
    as_of_expr,
    reduce_sql,
)
from workbench.metrics.engines.sql import (
    DIALECTS,
    FLOAT,
    TEXT,
    TIMESTAMP,
    Relation,
    table_name,
    timestamp_literal,
    transpile,
)

# the columns assumed when not named, and their types (times as TIMESTAMP, amounts and scores as numbers)
DEFAULT_COLUMNS = {
    "events": {"id": "customer_id", "time": "event_time", "revenue": "revenue"},
    "subscriptions": {"id": "customer_id", "start": "start_date", "end": "end_date", "revenue": "mrr"},
    "nps": {"id": "customer_id", "time": "response_date", "score": "score"},
}
ROLE_TYPES = {"id": TEXT, "time": TIMESTAMP, "start": TIMESTAMP, "end": TIMESTAMP, "revenue": FLOAT, "score": FLOAT}


def _parse_as_of(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write it as 2024-03-31 or 2024-03-31T12:00") from None


def reduction_statement(dialect: str, kind: str, spec: PeriodSpec, table: str, columns: dict[str, str],
                        as_of: datetime | None = None, drop_duplicates: bool = False) -> str:
    """The reduction of ``kind`` over ``table`` (role → column) in ``dialect``; rows after ``as_of`` (default:
    the latest time in the table) and after the query's own current time are left out."""
    names = list(columns.values())
    cmap = map_columns(table, names, kind, {role: columns.get(role) for role in ROLE_TYPES})
    types = {column: ROLE_TYPES[role] for role, column in columns.items()}
    rel = Relation(table, table_name(table), types, cmap)
    when = timestamp_literal(as_of) if as_of else as_of_expr(kind)
    return transpile(reduce_sql([rel], kind, spec, when, CURRENT_TIMESTAMP, drop_duplicates), dialect, pretty=True)


@click.command()
@click.option("--dialect", type=click.Choice(DIALECTS), required=True, help="SQL dialect to write.")
@click.option("--kind", type=click.Choice(tuple(DEFAULT_COLUMNS)), required=True, help="Kind of data in the table.")
@click.option("--period", type=click.Choice(UNITS), default="month", show_default=True)
@click.option("--week-start", type=click.Choice(WEEK_STARTS), default="monday", show_default=True)
@click.option("--table", metavar="NAME", help="Table or view to read (default: the kind's name).")
@click.option("--id", "id_", metavar="COLUMN", help="Id column (default: customer_id).")
@click.option("--time", metavar="COLUMN", help="Event or response time column (a TIMESTAMP).")
@click.option("--start", metavar="COLUMN", help="Subscription start column (a TIMESTAMP).")
@click.option("--end", metavar="COLUMN", help="Subscription end column (a TIMESTAMP, NULL = still a customer).")
@click.option("--score", metavar="COLUMN", help="NPS score column.")
@click.option("--revenue", metavar="COLUMN", help="Revenue (events) or MRR (subscriptions) column.")
@click.option("--no-revenue", is_flag=True, help="The table has no revenue column.")
@click.option("--as-of", callback=_parse_as_of, metavar="DATE", help="'Now' (default: the latest time in the table).")
@click.option("--drop-duplicates", is_flag=True, help="Leave out event rows that repeat an earlier row exactly.")
def sql(dialect: str, kind: str, period: str, week_start: str, table: str | None, id_, time, start, end, score,
        revenue, no_revenue: bool, as_of: datetime | None, drop_duplicates: bool) -> None:
    """Print the reduction of a table as SQL in one dialect (translated by sqlglot from one definition).

    \b
    It returns the aggregate every number is derived from:
      events:        cohort, period, active, retained, last_period, revenue, revenue_retained,
                     revenue_retained_capped
      subscriptions: cohort, last_period, customers, mrr
      nps:           period, score, responses
    Period columns are integer indexes: day = days since 1970-01-01, week = weeks since the week of
    1970-01-01, month = year * 12 + month - 1, quarter = year * 4 + quarter - 1, year = the year.
    """
    given = {"id": id_, "time": time, "start": start, "end": end, "score": score, "revenue": revenue}
    columns = {role: given.get(role) or default for role, default in DEFAULT_COLUMNS[kind].items()}
    if no_revenue:
        columns.pop("revenue", None)
    try:
        text = reduction_statement(dialect, kind, PeriodSpec(period, week_start), table or kind, columns, as_of,
                                   drop_duplicates)
    except ColumnError as exc:
        raise click.UsageError("; ".join(p.message for p in exc.problems)) from None
    except MissingExtra as exc:
        raise click.ClickException(str(exc)) from None
    header = ", ".join(SQL_NAMES.get(c, c) for c in REDUCE_COLUMNS[kind])
    click.echo(f"-- workbench reduction of {kind} by {period} ({dialect}); returns: {header}")
    click.echo(text + ";")
