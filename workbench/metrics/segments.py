"""Survival by segment and the log-rank test between the segments (pure, no Textual).

From the ``segment, cohort, last, customers`` aggregate of :func:`workbench.metrics.reduce.
reduce_segment_lifetimes`: the ``top`` segments with the most customers are compared, every other one is
pooled as :data:`OTHER`, and customers without a segment form :data:`MISSING`. Each group's survival uses the
same rules as the whole (:mod:`workbench.metrics.survival`), and the log-rank test (lifelines' multivariate
test) says whether the groups stay differently long, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.metrics.periods import PeriodSpec
from workbench.metrics.statistics import LogRank, event_groups, logrank, subscription_groups
from workbench.metrics.survival import Survival, observed_through, survival_from_groups

OTHER = "(other)"
MISSING = "(none)"
NO_ANSWER = "(no answer)"


@dataclass(frozen=True)
class SegmentGroup:
    """One segment (or :data:`OTHER`, :data:`MISSING`) and the survival of its customers."""

    name: str
    customers: int
    survival: Survival


@dataclass(frozen=True)
class Segments:
    """Survival by ``column``; ``pooled`` names the segments folded into :data:`OTHER`; ``logrank`` is None
    with fewer than two groups, and ``sentence`` then says so."""

    column: str
    groups: tuple[SegmentGroup, ...]
    pooled: tuple[str, ...]
    logrank: LogRank | None
    sentence: str


def grouping(frame: pl.DataFrame, top: int, missing: str = MISSING) -> tuple[pl.Expr, tuple[str, ...]]:
    """An expression naming each row's group, and the segments pooled into :data:`OTHER`.

    The ``top`` segments by customers are kept (ties: by name); a missing segment is its own group."""
    sizes = (frame.filter(pl.col("segment").is_not_null()).group_by("segment").agg(pl.col("customers").sum())
             .sort(["customers", "segment"], descending=[True, False]))
    names = sizes["segment"].to_list()
    kept, pooled = names[:top], tuple(sorted(names[top:]))
    expr = (pl.when(pl.col("segment").is_null()).then(pl.lit(missing))
            .when(pl.col("segment").is_in(kept)).then(pl.col("segment")).otherwise(pl.lit(OTHER)))
    return expr, pooled


def segments_from(frame: pl.DataFrame, kind: str, column: str, period: PeriodSpec, as_of: datetime,
                  inactive: int, top: int = 5, missing: str = MISSING, subject: str = "{} customers") -> Segments | None:
    """Survival of each group and the test between them (None when no customer has a segment); customers
    without one form the group ``missing``; ``subject`` names a group in the sentence."""
    if not frame.height or frame["segment"].null_count() == frame.height:
        return None
    expr, pooled = grouping(frame, top, missing)
    named = (frame.with_columns(expr.alias("group")).group_by("group", "cohort", "last")
             .agg(pl.col("customers").sum()).sort("group", "cohort", "last", nulls_last=True))
    sizes = named.group_by("group").agg(pl.col("customers").sum()).sort(["customers", "group"],
                                                                            descending=[True, False])
    groups: list[SegmentGroup] = []
    for name, customers in sizes.iter_rows():  # one row per group: a handful
        counts = named.filter(pl.col("group") == name).select("cohort", "last", "customers").iter_rows()
        if kind == "subscriptions":
            durations = subscription_groups(counts, period.index_of(as_of))
            survival = survival_from_groups(kind, period, durations)
        else:
            durations = event_groups(counts, observed_through(period, as_of), inactive)
            survival = survival_from_groups(kind, period, durations, inactive)
        if survival is not None:
            groups.append(SegmentGroup(name, customers, survival))
    if len(groups) < 2:
        only = groups[0].name if groups else missing
        return Segments(column, tuple(groups), pooled, None, f"every customer is in one segment ({only})")
    test = logrank({subject.format(g.name): g.survival.durations for g in groups})  # names read as a subject
    return Segments(column, tuple(groups), pooled, test, test.sentence())


@dataclass(frozen=True)
class NpsRetention:
    """Survival by the NPS group of each customer's first answer (promoters, passives, detractors, and
    :data:`NO_ANSWER`), and the answers whose id matches no customer."""

    segments: Segments
    unmatched_responses: int
    unmatched_respondents: int

    @property
    def note(self) -> str:
        return (f"{self.unmatched_responses:,} answers from {self.unmatched_respondents:,} respondents match no "
                "customer id and are left out. Customers answered while they were customers, so compare the "
                "groups with each other rather than their absolute survival.")
