"""Options shared by every command that reads data (validate, report, the app)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from workbench.io import LoadOptions
from workbench.io.columns import KINDS


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
