"""Options shared by every command that reads data (validate, report, the app)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from workbench.io import LoadOptions
from workbench.io.columns import KINDS
from workbench.metrics import RETENTION_MODES, UNITS, WEEK_STARTS, AnalysisOptions, PeriodSpec


def data_options(command: Callable) -> Callable:
    """Add --kind, the column overrides, --tz and --drop-duplicates; pass a LoadOptions as ``load_options``."""

    @click.option("--kind", type=click.Choice(KINDS), help="Force the kind of data instead of detecting it.")
    @click.option("--id", "id_", metavar="COLUMN", help="Column holding the customer / user / respondent id.")
    @click.option("--time", metavar="COLUMN", help="Column holding the event or response time.")
    @click.option("--start", metavar="COLUMN", help="Column holding the subscription start.")
    @click.option("--end", metavar="COLUMN", help="Column holding the subscription end (empty = active).")
    @click.option("--score", metavar="COLUMN", help="Column holding the NPS score (0-10).")
    @click.option("--revenue", metavar="COLUMN", help="Column holding revenue (events) or MRR (subscriptions).")
    @click.option("--segment", metavar="COLUMN", help="Column holding a segment or plan to compare by.")
    @click.option("--comment", metavar="COLUMN", help="Column holding NPS comments.")
    @click.option("--tz", default="UTC", show_default=True, metavar="ZONE",
                  help="Time zone that times are converted to; periods follow its calendar.")
    @click.option("--drop-duplicates", is_flag=True, help="Drop event rows that repeat an earlier row exactly.")
    @functools.wraps(command)
    def wrapper(*args, kind, id_, time, start, end, score, revenue, segment, comment, tz, drop_duplicates,
                **kwargs):
        kwargs["load_options"] = LoadOptions(kind=kind, id=id_, time=time, start=start, end=end, score=score,
                                             revenue=revenue, segment=segment, comment=comment, tz=tz, drop_duplicates=drop_duplicates)
        return command(*args, **kwargs)

    return wrapper


def _parse_as_of(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.strip())  # an offset, if given, is converted to --tz later
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write it as 2024-03-31 or 2024-03-31T12:00") from None


def analysis_options(command: Callable) -> Callable:
    """Add --period, --week-start, --as-of, --retention and --margin; pass ``analysis`` (needs --tz to finish).

    ``analysis`` is a function of the time zone giving :class:`AnalysisOptions`, because an ``--as-of`` with
    an offset is converted to the zone the data is read in.
    """

    @click.option("--period", type=click.Choice(UNITS), default=None, show_default="month",
                  help="Calendar period of cohorts and of the formula (a cohort table: the period of its labels).")
    @click.option("--week-start", type=click.Choice(WEEK_STARTS), default="monday", show_default=True,
                  help="First day of a week (with --period week).")
    @click.option("--as-of", callback=_parse_as_of, metavar="DATE",
                  help="'Now' as a wall-clock time in --tz (a date means its midnight); default: the latest time "
                       "in the data. Later rows are ignored; a period not ended by then is marked incomplete.")
    @click.option("--retention", type=click.Choice(RETENTION_MODES), default="classic", show_default=True,
                  help="classic: active in period cohort+k; unbounded: active then or in any later period "
                       "(events).")
    @click.option("--margin", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
                  help="Gross margin for CLTV (0.3 = 30%).")
    @functools.wraps(command)
    def wrapper(*args, period, week_start, as_of, retention, margin, **kwargs):
        def analysis(tz: str) -> AnalysisOptions:
            when = as_of
            if when is not None and when.tzinfo is not None:
                when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
            return AnalysisOptions(period=PeriodSpec(period or "month", week_start), as_of=when,
                                   retention=retention, margin=margin, period_given=period is not None)

        kwargs["analysis"] = analysis
        return command(*args, **kwargs)

    return wrapper


ENGINE_NAMES = ("polars", "duckdb", "postgres", "spark")


def source_options(command: Callable) -> Callable:
    """--engine, --table, --spark-master: which engine reduces the rows, and where they are."""

    @click.option("--engine", type=click.Choice(ENGINE_NAMES), default=None,
                  help="Where the reduction runs: polars (default, in this process), duckdb or spark reading the "
                       "files themselves; a postgresql:// or duckdb:/// URL as PATH picks its engine.")
    @click.option("--table", metavar="NAME", help="The table or view to read, with a database URL or --engine spark.")
    @click.option("--spark-master", metavar="URL", help="Spark's master (default local[2]; SPARK_REMOTE for Connect).")
    @functools.wraps(command)
    def wrapper(*args, engine, table, spark_master, **kwargs):
        from workbench.metrics.engines.sources import SourceChoice

        return command(*args, source=SourceChoice(engine, table, spark_master), **kwargs)

    return wrapper
