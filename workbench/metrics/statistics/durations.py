"""Grouped durations for Kaplan–Meier, the log-rank test and the sBG fit, from the app's small aggregates.

Both helpers turn per-cohort counts into ``(duration, churned?, customers)`` groups in whole periods, where
"alive at k" means alive in period ``cohort + k``:

**Subscriptions** — ``(cohort, last, customers)`` from :func:`workbench.metrics.reduce.reduce_subscriptions`
(active at the first instant of period j iff cohort ≤ j ≤ last; ``last`` None = still subscribed at as_of).
With ``a`` = ``as_of_index`` (the period containing as_of), each cohort is observed up to k = a − cohort:

* ended before period a (``last < a``): churned at k = last − cohort + 1 (alive at last, not at last + 1);
* still subscribed, or ended inside period a (``last`` None or ``last ≥ a``): censored at k = a − cohort
  (alive at the first instant of period a; whether they are alive at the next one is not known yet for their
  still-subscribed peers, so counting only the early leavers as lost at a − cohort + 1 would bias the curve
  down there).

This equals the curve the app drew before this package existed (a plain product-limit over the same
groups) whenever no subscription ends inside the as_of period; when some do, that curve counted them as lost at a − cohort + 1 and this one censors
them at a − cohort, for the reason above.

**Events** — ``(cohort, last_active, customers)`` (cohort = period of the first event, ``last_active`` =
period of the last event: the ``last`` column of :func:`workbench.metrics.reduce.reduce_events` read per
(cohort, period)). A customer is lost after ``inactive`` N ≥ 1 whole periods without an event. ``observed_through`` is
the last period whose activity is complete (the last period that has ended at as_of). Then:

* ``observed_through − last_active ≥ N``: churned, dated at k = last_active − cohort + 1 (the first period
  without activity, as for subscriptions);
* otherwise: censored at k = max(0, observed_through − N + 1 − cohort), the last duration at which a loss of
  this cohort could already have been seen (every such customer is alive there: active at or after it).
  Censoring at the customer's own last activity instead would look into their future (those about to lapse
  would leave the risk set a period before their loss) and bias survival upward.

Only first and last activity are known in the aggregate, so a customer who pauses for N periods or more and
comes back counts as never having left: churn means the final lapse.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.metrics.statistics.kaplan_meier import Group


def subscription_groups(groups: Iterable[tuple[int, int | None, int]], as_of_index: int) -> list[Group]:
    """``(duration, churned?, customers)`` from subscriptions' ``(cohort, last, customers)`` (rules above)."""
    out: dict[tuple[int, bool], int] = {}
    for cohort, last, customers in groups:
        if cohort > as_of_index:
            raise ValueError(f"cohort {cohort} starts after the as_of period {as_of_index}")
        if last is not None and last < as_of_index:
            key = (last - cohort + 1, True)
        else:
            key = (as_of_index - cohort, False)
        if key[0] < 0:
            raise ValueError(f"subscriptions of cohort {cohort} end in period {last}, before they start")
        out[key] = out.get(key, 0) + customers
    return [(d, o, c) for (d, o), c in sorted(out.items())]


def event_groups(groups: Iterable[tuple[int, int, int]], observed_through: int, inactive: int) -> list[Group]:
    """``(duration, churned?, customers)`` from events' ``(cohort, last_active, customers)`` (rules above)."""
    if inactive < 1:
        raise ValueError(f"inactive must be at least 1 period, got {inactive}")
    out: dict[tuple[int, bool], int] = {}
    for cohort, last, customers in groups:
        if last < cohort:
            raise ValueError(f"cohort {cohort} has a last event in period {last}, before its first")
        if observed_through - last >= inactive:  # (activity after observed_through is never a lapse)
            key = (last - cohort + 1, True)
        else:
            key = (max(0, observed_through - inactive + 1 - cohort), False)
        out[key] = out.get(key, 0) + customers
    return [(d, o, c) for (d, o), c in sorted(out.items())]
