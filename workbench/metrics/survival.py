"""Kaplan-Meier survival of subscription customers by periods since their start (pure, no Textual).

A customer (all their subscription rows together, as in :func:`workbench.metrics.reduce.subscription_customers`)
is *alive at k* when they are subscribed during period start+k. Their ``last`` active period ends the curve
for them: they are lost at k = last − start + 1. A customer still subscribed at ``as_of`` is censored: known
alive up to the period containing as_of, unknown after. The product-limit estimate is

    S(k) = Π_{j ≤ k} (1 − lost_j / at_risk_j),

with ``at_risk_j`` the customers known alive or lost at j (lost at j or later, or censored at j or later).
Returned as percentages (0–100) by k, ending at the last k where someone is still at risk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import reduce_subscriptions


def kaplan_meier_counts(groups: Iterable[tuple[int, int | None, int]], as_of_index: int) -> tuple[float, ...]:
    """Survival % by k from ``(cohort, last, customers)`` counts; ``last`` None = still subscribed at as_of."""
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
    curve: list[float] = []
    for k in range(horizon + 1):
        if at_risk <= 0:
            break
        survival *= 1 - lost.get(k, 0) / at_risk
        curve.append(survival * 100)
        at_risk -= lost.get(k, 0) + censored.get(k, 0)
    return tuple(curve)


def kaplan_meier(dataset, period: PeriodSpec, as_of: datetime) -> tuple[float, ...]:
    """Kaplan-Meier survival % by k for a subscriptions :class:`workbench.io.Dataset`."""
    if dataset.kind != "subscriptions":
        raise ValueError("Kaplan-Meier needs subscriptions (a start and an end per customer)")
    counts = reduce_subscriptions(dataset.lazy(), period, as_of)
    return kaplan_meier_counts(counts.select("cohort", "last", "customers").iter_rows(), period.index_of(as_of))
