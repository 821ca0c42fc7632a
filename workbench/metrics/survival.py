"""Kaplan-Meier survival of subscription customers by periods since their start (pure, no Textual).

A customer (all their subscription rows together, as in :func:`workbench.metrics.reduce.subscription_customers`)
is *alive at k* when they are subscribed during period start+k. Their ``last`` active period ends the curve
for them: they are lost at k = last − start + 1. A customer still subscribed at ``as_of`` is censored: known
alive up to the period containing as_of, unknown after. The product-limit estimate is

    S(k) = Π_{j ≤ k} (1 − lost_j / at_risk_j),

with ``at_risk_j`` the customers known alive or lost at j (lost at j or later, or censored at j or later).
Survival is a percentage (0–100) by k, ending at the last k where someone is still at risk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import reduce_subscriptions


@dataclass(frozen=True)
class SurvivalRow:
    """At k periods since the start: ``at_risk`` customers known alive or lost at k, ``churned`` lost at k,
    ``censored`` still subscribed and last seen at k, ``survival`` S(k) in %."""

    t: int
    at_risk: int
    churned: int
    censored: int
    survival: float


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier survival of the subscriptions by ``period``; ``median_lifetime`` is the first k with
    S(k) ≤ 50% (None when not reached)."""

    kind: str
    period: PeriodSpec
    rows: tuple[SurvivalRow, ...]
    median_lifetime: int | None

    @property
    def curve(self) -> tuple[float, ...]:
        return tuple(r.survival for r in self.rows)


def kaplan_meier_rows(groups: Iterable[tuple[int, int | None, int]], as_of_index: int) -> tuple[SurvivalRow, ...]:
    """The product-limit table from ``(cohort, last, customers)`` counts; ``last`` None = still subscribed."""
    lost: dict[int, int] = {}  # k -> customers lost at k
    censored: dict[int, int] = {}  # k -> customers last seen alive at k (still subscribed)
    horizon = -1
    for cohort, last, customers in groups:
        if last is None:
            k = as_of_index - cohort
            censored[k] = censored.get(k, 0) + customers
            horizon = max(horizon, k)
        else:
            k = last - cohort + 1
            lost[k] = lost.get(k, 0) + customers
            horizon = max(horizon, k - 1)
    at_risk = sum(lost.values()) + sum(censored.values())
    survival = 1.0
    rows: list[SurvivalRow] = []
    for k in range(horizon + 1):
        if at_risk <= 0:
            break
        survival *= 1 - lost.get(k, 0) / at_risk
        rows.append(SurvivalRow(k, at_risk, lost.get(k, 0), censored.get(k, 0), survival * 100))
        at_risk -= lost.get(k, 0) + censored.get(k, 0)
    return tuple(rows)


def kaplan_meier_counts(groups: Iterable[tuple[int, int | None, int]], as_of_index: int) -> tuple[float, ...]:
    """Survival % by k from ``(cohort, last, customers)`` counts; ``last`` None = still subscribed at as_of."""
    return tuple(r.survival for r in kaplan_meier_rows(groups, as_of_index))


def survival_from(frame: pl.DataFrame, spec: PeriodSpec, as_of: datetime) -> Survival:
    """Survival from the ``cohort, last, customers`` aggregate of :func:`reduce_subscriptions`."""
    rows = kaplan_meier_rows(frame.select("cohort", "last", "customers").iter_rows(), spec.index_of(as_of))
    median = next((r.t for r in rows if r.survival <= 50.0), None)
    return Survival("subscriptions", spec, rows, median)


def kaplan_meier(dataset, period: PeriodSpec, as_of: datetime) -> tuple[float, ...]:
    """Kaplan-Meier survival % by k for a subscriptions :class:`workbench.io.Dataset`."""
    if dataset.kind != "subscriptions":
        raise ValueError("Kaplan-Meier needs subscriptions (a start and an end per customer)")
    return survival_from(reduce_subscriptions(dataset.lazy(), period, as_of), period, as_of).curve
