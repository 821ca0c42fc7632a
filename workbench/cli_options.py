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
from workbench.settings_file import MARGIN, Defaults


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
    """Add --period, --week-start, --as-of, --retention, --margin, --inactive, --top-segments and --discount; pass
    ``analysis`` (needs --tz to finish).

    ``analysis`` is a function of the time zone giving :class:`AnalysisOptions`, because an ``--as-of`` with
    an offset is converted to the zone the data is read in. The app also hands it the ``[defaults]`` of its
    settings file (:class:`workbench.settings_file.Defaults`): an option given on the command line wins.
    A period from the file is a preference, not an ask: a cohort table is still read at its labels' period.
    """

    @click.option("--period", type=click.Choice(UNITS), default=None, show_default="month",
                  help="Calendar period of cohorts and of the formula (a cohort table: the period of its labels).")
    @click.option("--week-start", type=click.Choice(WEEK_STARTS), default=None, show_default="monday",
                  help="First day of a week (with --period week).")
    @click.option("--as-of", callback=_parse_as_of, metavar="DATE",
                  help="'Now' as a wall-clock time in --tz (a date means its midnight); default: the latest time "
                       "in the data. Later rows are ignored; a period not ended by then is marked incomplete.")
    @click.option("--retention", type=click.Choice(RETENTION_MODES), default=None, show_default="classic",
                  help="classic: active in period cohort+k; unbounded: active then or in any later period "
                       "(events).")
    @click.option("--margin", type=MARGIN, default=None, show_default="1.0",
                  help="Gross margin for CLTV (0.3 = 30%).")
    @click.option("--inactive", type=click.IntRange(min=1), default=3, show_default=True, metavar="N",
                  help="Events: a customer counts as lost after N periods without an event (survival).")
    @click.option("--top-segments", type=click.IntRange(min=1), default=5, show_default=True, metavar="N",
                  help="With a segment column (--segment): compare the N largest segments, the rest pooled.")
    @click.option("--discount", type=click.FloatRange(min=0, min_open=True), default=0.1, show_default=True,
                  metavar="RATE", help="Yearly discount rate for the forecast's CLTV (0.1 = 10% a year).")
    @functools.wraps(command)
    def wrapper(*args, period, week_start, as_of, retention, margin, inactive, top_segments, discount, **kwargs):
        def analysis(tz: str, defaults: Defaults | None = None) -> AnalysisOptions:
            when = as_of
            if when is not None and when.tzinfo is not None:
                when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
            file = defaults or Defaults()
            return AnalysisOptions(period=PeriodSpec(_first(period, file.period, "month"),
                                                     _first(week_start, file.week_start, "monday")),
                                   as_of=when, retention=_first(retention, file.retention, "classic"),
                                   margin=_first(margin, file.margin, 1.0), period_given=period is not None,
                                   inactive=inactive, top_segments=top_segments, discount=discount)

        kwargs["analysis"] = analysis
        return command(*args, **kwargs)

    return wrapper


def _first(*values):
    """The command line's value, else the settings file's, else the built-in default."""
    return next(value for value in values if value is not None)


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
