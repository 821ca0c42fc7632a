"""Grouped durations from subscription and event cohorts: the censoring rules, by hand and against the curve
the app drew before (:func:`references.km_lost_at_end`)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from references import km_lost_at_end

from workbench.metrics.statistics.durations import event_groups, subscription_groups
from workbench.metrics.statistics.kaplan_meier import kaplan_meier

AS_OF = 12


@st.composite
def subscriptions(draw):
    """(cohort, last, customers) with cohort ≤ as_of and ``last`` None (still subscribed) or
    cohort − 1 ≤ last < as_of (no end inside the as_of period, where the two rules differ on purpose)."""
    rows = []
    for _ in range(draw(st.integers(1, 20))):
        cohort = draw(st.integers(0, AS_OF))
        last = draw(st.none() | st.integers(cohort - 1, AS_OF - 1))
        rows.append((cohort, last, draw(st.integers(1, 30))))
    return rows


@given(subscriptions())
def test_subscriptions_agree_with_the_existing_curve(rows):
    existing = km_lost_at_end(rows, AS_OF)
    ours = kaplan_meier(subscription_groups(rows, AS_OF)).survival_by_period()
    assert len(existing) <= len(ours)
    np.testing.assert_allclose([s * 100 for s in ours[: len(existing)]], existing, rtol=0, atol=1e-9)


def test_subscriptions_hand_checked():
    rows = [(10, 10, 2), (10, None, 5), (11, 10, 1), (8, 9, 3), (12, None, 4)]
    assert subscription_groups(rows, AS_OF) == [
        (0, False, 4),  # cohort 12 still there in the as_of period: known alive at k = 0
        (0, True, 1),  # cohort 11 ended before its first full period (last = cohort − 1)
        (1, True, 2),  # cohort 10, last 10: alive at k = 0, gone at k = 1
        (2, False, 5),  # cohort 10 still subscribed: known alive at k = 12 − 10
        (2, True, 3),  # cohort 8, last 9
    ]


def test_an_end_inside_the_as_of_period_is_censored_with_its_peers():
    # cohort 10: 9 still subscribed, 1 ended during period 12 (before as_of); cohort 9: 10 lost at k = 3.
    # Its peers are only known alive up to k = 2, so the early leaver is censored there too, not lost at k = 3.
    rows = [(10, None, 9), (10, 12, 1), (9, None, 10), (9, 11, 10)]
    assert subscription_groups(rows, AS_OF) == [(2, False, 10), (3, False, 10), (3, True, 10)]
    ours = kaplan_meier(subscription_groups(rows, AS_OF)).survival_by_period()
    assert ours[3] == pytest.approx(1 - 10 / 20)  # at k = 3 only cohort 9 is at risk: 10 of 20 lost
    # the existing curve counts the early leaver as lost at k = 3 among 21 at risk: 11/21 lost, lower
    assert km_lost_at_end(rows, AS_OF)[3] == pytest.approx((1 - 11 / 21) * 100)


def test_subscription_errors():
    with pytest.raises(ValueError, match="after the as_of period"):
        subscription_groups([(13, None, 1)], AS_OF)
    with pytest.raises(ValueError, match="before they start"):
        subscription_groups([(5, 2, 1)], AS_OF)


def test_events_hand_checked():
    # complete periods up to 10, lost after N = 2 periods without an event
    rows = [(5, 7, 4), (5, 8, 3), (5, 9, 2), (9, 9, 6), (10, 10, 1), (11, 11, 7), (3, 10, 5)]
    assert event_groups(rows, observed_through=10, inactive=2) == [
        (0, False, 14),  # cohorts 9, 10, 11 (9 − 2 + 1 ≤ cohort): nothing could be seen lost yet
        (3, True, 4),  # cohort 5, last 7: 3 periods without an event ≥ 2, gone from k = 7 − 5 + 1
        (4, False, 2),  # cohort 5, last 9: 1 quiet period; censored at 10 − 2 + 1 − 5 = 4
        (4, True, 3),  # cohort 5, last 8: exactly 2 quiet periods (9, 10)
        (6, False, 5),  # cohort 3, active in 10: censored at 10 − 2 + 1 − 3 = 6, not at its last activity
    ]


def test_events_lost_after_one_quiet_period():
    # active in 3 and quiet in 4: lost at k = 4; active in 4: alive at k = 4 − 1 + 1 − 0 = 4, censored there
    assert event_groups([(0, 3, 2), (0, 4, 1)], observed_through=4, inactive=1) == [(4, False, 1), (4, True, 2)]


def test_event_errors():
    with pytest.raises(ValueError, match="at least 1"):
        event_groups([(0, 1, 1)], 3, 0)
    with pytest.raises(ValueError, match="before its first"):
        event_groups([(4, 1, 1)], 5, 2)


def test_events_recover_a_known_survival_curve():
    """Customers who churn with probability p each period (no returns), 12 cohorts of 20,000 seen through
    period 14: the censoring rule gives back S(k) = (1 − p)^k; censoring at each one's last activity does not."""
    rng = np.random.default_rng(11)
    p, inactive, through = 0.2, 3, 14
    rows = []
    for cohort in range(12):
        lifetime = rng.geometric(p, size=20_000)  # periods active: cohort .. cohort + lifetime − 1
        last = np.minimum(cohort + lifetime - 1, through + 5)  # activity may go on after the complete periods
        values, counts = np.unique(last, return_counts=True)
        rows += [(cohort, int(v), int(c)) for v, c in zip(values, counts, strict=True)]
    curve = kaplan_meier(event_groups(rows, through, inactive)).survival_by_period()
    truth = (1 - p) ** np.arange(len(curve))
    np.testing.assert_allclose(curve[:8], truth[:8], atol=0.01)
    naive = [(last - c + 1, True, n) if through - last >= inactive else (last - c, False, n) for c, last, n in rows]
    assert kaplan_meier(naive).survival_by_period()[6] > truth[6] + 0.05  # biased upward
