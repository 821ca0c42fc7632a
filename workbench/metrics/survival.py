"""Kaplan–Meier survival of customers by periods since their start, with its 95% interval (pure, no Textual).

The statistics are in :mod:`workbench.metrics.statistics` (fractions 0–1); this module finishes the report's
aggregates into the report's form, where every percentage is 0–100:

* **subscriptions** — the ``cohort, last, customers`` aggregate of :func:`workbench.metrics.reduce.
  reduce_subscriptions`: a customer is lost at k = last − cohort + 1 when their subscription ended before the
  period containing as_of, otherwise censored there (:func:`~workbench.metrics.statistics.subscription_groups`);
* **events** — the ``cohort, period, last`` counts of :func:`workbench.metrics.reduce.reduce_events` (customers
  whose last event is in ``period``): a customer is lost after ``inactive`` whole periods without an event,
  dated at the first period without one; censored while that window has not passed
  (:func:`~workbench.metrics.statistics.event_groups`). Only periods that are over at as_of count as seen.

S(t), the at-risk, churned and censored counts at each t, the exponential Greenwood interval and the median
lifetime with its interval are lifelines' defaults (tested against lifelines).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.metrics.observed import observed_of
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import reduce_events, reduce_subscriptions
from workbench.metrics.statistics import event_groups, kaplan_meier, subscription_groups
from workbench.metrics.statistics.kaplan_meier import Group

SURVIVAL_KINDS = ("subscriptions", "events")


@dataclass(frozen=True)
class SurvivalRow:
    """At ``t`` periods since the start: ``at_risk`` customers still there or lost at t, ``churned`` lost at
    t, ``censored`` last known to be there at t; ``survival`` S(t) and its 95% interval, in %."""

    t: int
    at_risk: int
    churned: int
    censored: int
    survival: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class Survival:
    """Kaplan–Meier survival of the ``kind`` customers by ``period``.

    ``rows`` has t = 0 and every t where someone churned or was censored; ``curve`` is S(k) in % for every
    whole k up to the last row (carried between rows, for charts). ``median_lifetime`` is the first t with
    S(t) ≤ 50% (None when not reached) and ``median_lifetime_ci`` the same read off the interval's bounds.
    ``inactive`` is the events' rule (periods without an event before a customer counts as lost; None for
    subscriptions). ``durations`` are the ``(duration, churned?, customers)`` groups behind it all, for the
    log-rank test and the forecast.
    """

    kind: str
    period: PeriodSpec
    inactive: int | None
    rows: tuple[SurvivalRow, ...]
    median_lifetime: int | None
    median_lifetime_ci: tuple[int | None, int | None]
    curve: tuple[float, ...]
    durations: tuple[Group, ...]

    @property
    def customers(self) -> int:
        return self.rows[0].at_risk if self.rows else 0

    @property
    def rule(self) -> str:
        """How a customer counts as lost, in words."""
        noun = self.period.noun
        if self.kind == "subscriptions":
            return "lost when their subscription ends, censored while still subscribed"
        return (f"lost after {self.inactive} {noun}{'s' if self.inactive != 1 else ''} without an event, "
                "censored until that has passed")


def survival_from_groups(kind: str, period: PeriodSpec, groups: Iterable[Group],
                         inactive: int | None = None) -> Survival | None:
    """The report's survival from grouped durations (None when there is no customer)."""
    groups = tuple(groups)
    km = kaplan_meier(groups)
    if not km.points:
        return None
    rows = tuple(SurvivalRow(p.t, p.at_risk, p.churned, p.censored, p.survival * 100, p.ci_lower * 100,
                             p.ci_upper * 100) for p in km.points)
    curve = tuple(s * 100 for s in km.survival_by_period())
    return Survival(kind, period, inactive, rows, km.median_lifetime, km.median_lifetime_ci, curve, groups)


def observed_through(period: PeriodSpec, as_of: datetime) -> int:
    """The last period that is over at ``as_of`` (its activity is complete)."""
    return period.index_of(as_of) - 1


def subscription_durations(frame: pl.DataFrame, period: PeriodSpec, as_of: datetime) -> list[Group]:
    """Grouped durations from a ``cohort, last, customers`` aggregate."""
    if not frame.height:
        return []
    return subscription_groups(frame.select("cohort", "last", "customers").iter_rows(), period.index_of(as_of))


def event_durations(frame: pl.DataFrame, period: PeriodSpec, as_of: datetime, inactive: int) -> list[Group]:
    """Grouped durations from a ``cohort, period, last`` aggregate (``last``: customers whose last event is in
    ``period``)."""
    if not frame.height:
        return []
    counts = frame.filter(pl.col("last") > 0).select("cohort", "period", "last").iter_rows()
    return event_groups(counts, observed_through(period, as_of), inactive)


def survival_from(frame: pl.DataFrame, kind: str, period: PeriodSpec, as_of: datetime,
                  inactive: int) -> Survival | None:
    """Survival from the kind's aggregate (:func:`reduce_subscriptions` or :func:`reduce_events`)."""
    if kind == "subscriptions":
        return survival_from_groups(kind, period, subscription_durations(frame, period, as_of))
    if kind == "events":
        return survival_from_groups(kind, period, event_durations(frame, period, as_of, inactive), inactive)
    raise ValueError(f"survival needs subscriptions or events, not {kind}")


def survival_of(dataset, period: PeriodSpec, as_of: datetime, inactive: int = 3) -> Survival | None:
    """Survival of a subscriptions or events :class:`workbench.io.Dataset` (reduces, then finishes)."""
    if dataset.kind not in SURVIVAL_KINDS:
        raise ValueError(f"survival needs subscriptions or events, not {dataset.kind}")
    reduce = reduce_subscriptions if dataset.kind == "subscriptions" else reduce_events
    seen = observed_of(dataset, as_of)  # as the report: censored where the data ends, not at as_of
    until = as_of if seen is None else seen.until if dataset.kind == "events" else seen.last_instant
    return survival_from(reduce(dataset.lazy(), period, as_of), dataset.kind, period, until, inactive)
