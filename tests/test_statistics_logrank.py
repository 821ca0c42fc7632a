"""The log-rank test between groups of grouped durations, against lifelines and by hand; its sentence."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from workbench.metrics.statistics.logrank import LogRank, chi2_tail, describe, format_p, logrank

lifelines_statistics = pytest.importorskip("lifelines.statistics")

group_st = st.lists(st.tuples(st.integers(0, 12), st.booleans(), st.integers(1, 30)), min_size=1, max_size=10)


def flat(groups: dict):
    durations, labels, observed, weights = [], [], [], []
    for label, rows in groups.items():
        for d, o, c in rows:
            durations.append(d)
            labels.append(label)
            observed.append(o)
            weights.append(c)
    return np.array(durations), np.array(labels), np.array(observed), np.array(weights)


@given(st.lists(group_st, min_size=2, max_size=5))
def test_equals_lifelines_multivariate(rows):
    groups = {f"g{i}": r for i, r in enumerate(rows)}
    durations, labels, observed, weights = flat(groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifelines_statistics.multivariate_logrank_test(durations, labels, observed, weights=weights)
    ours = logrank(groups)
    assert ours.df == ref.degrees_of_freedom == len(rows) - 1
    assert ours.statistic == pytest.approx(ref.test_statistic, rel=1e-9, abs=1e-9)
    assert ours.p_value == pytest.approx(ref.p_value, rel=0, abs=1e-9)
    assert sum(ours.observed) == pytest.approx(sum(ours.expected))


@given(group_st, group_st)
def test_equals_lifelines_two_groups(a, b):
    da, oa, ca = zip(*a, strict=True)
    db, ob, cb = zip(*b, strict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifelines_statistics.logrank_test(da, db, oa, ob, weights_A=np.array(ca), weights_B=np.array(cb))
    ours = logrank({"A": a, "B": b})
    assert ours.statistic == pytest.approx(ref.test_statistic, rel=1e-9, abs=1e-9)
    assert ours.p_value == pytest.approx(ref.p_value, rel=0, abs=1e-9)


def test_hand_checked():
    # A: churn at 1, censored at 2; B: churn at 1, churn at 2.
    # t = 1: n = 4 (2 + 2), d = 2 → E_A = 1, V = 2·2·2·2/(4²·3) = 1/3; t = 2: n = 2, d = 1 (B) → E_A = 1/2, V = 1/4
    # Z_A = (1 − 1) + (0 − 1/2) = −1/2, χ² = (1/4)/(7/12) = 3/7
    result = logrank({"A": [(1, True, 1), (2, False, 1)], "B": [(1, True, 1), (2, True, 1)]})
    assert result.statistic == pytest.approx(3 / 7, abs=1e-15)
    assert result.p_value == pytest.approx(chi2.sf(3 / 7, 1), abs=1e-15)
    assert result.observed == (1, 2) and result.expected == pytest.approx((1.5, 1.5))
    assert result.as_dict() == {"statistic": result.statistic, "df": 1, "p_value": result.p_value}


def test_no_churn_at_all_is_no_difference():
    result = logrank({"A": [(3, False, 5)], "B": [(2, False, 4)]})
    assert result.statistic == 0 and result.p_value == 1.0


@pytest.mark.parametrize(("p", "text"), [
    (0.0, "p < 0.001"), (0.00099, "p < 0.001"), (0.001, "p = 0.0010"), (0.0123, "p = 0.012"),
    (0.04999, "p = 0.049"), (0.05, "p = 0.050"), (0.319, "p = 0.31"), (0.99999, "p = 0.99"), (1.0, "p = 1.0")])
def test_format_p(p, text):
    assert format_p(p) == text


def test_sentences():
    strong = logrank({"Two year contracts": [(1, True, 5), (12, False, 95)],
                      "Month-to-month": [(1, True, 40), (3, True, 20), (12, False, 40)]})
    assert strong.sentence() == "Two year contracts stay longer than Month-to-month (log-rank p < 0.001)"
    flipped = logrank({"Month-to-month": [(1, True, 40), (3, True, 20), (12, False, 40)],
                       "Two year contracts": [(1, True, 5), (12, False, 95)]})
    assert flipped.sentence() == strong.sentence()
    weak = logrank({"A": [(1, True, 3), (5, False, 7)], "B": [(1, True, 4), (5, False, 6)]})
    assert weak.p_value > 0.5
    assert weak.sentence() == f"No clear difference in how long A and B stay (log-rank {format_p(weak.p_value)})"
    three = LogRank(("A", "B", "C"), (10, 30, 20), (20, 20, 20), 12.3, 2, 0.0123)
    assert describe(three) == ("How long customers stay differs between the 3 groups (log-rank p = 0.012): "
                               "longest in A, shortest in B")
    assert describe(LogRank(("A", "B", "C"), (1, 1, 1), (1, 1, 1), 0.1, 2, 0.95)) == (
        "No clear difference in how long customers stay between the 3 groups (log-rank p = 0.95)")


def test_errors():
    with pytest.raises(ValueError, match="two or more"):
        logrank({"A": [(1, True, 1)]})
    with pytest.raises(ValueError, match="'B' has no customers"):
        logrank({"A": [(1, True, 1)], "B": [(1, True, 0)]})


def test_order_of_groups_does_not_change_the_test():
    groups = {"x": [(1, True, 4), (3, False, 6)], "y": [(2, True, 5), (4, True, 2), (4, False, 3)],
              "z": [(1, True, 1), (5, False, 9)]}
    a = logrank(groups)
    b = logrank(dict(reversed(list(groups.items()))))
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12) and np.isclose(a.p_value, b.p_value)


@settings(max_examples=300, deadline=None)
@given(x=st.one_of(st.floats(0, 50), st.floats(0, 2000), st.sampled_from([0.0, 1e-12, 3.84, 700.0, 1500.0])),
       df=st.integers(1, 40))
def test_the_chi_square_tail_is_scipys(x, df):
    """The closed form the p-value is computed with agrees with scipy.stats.chi2.sf, tiny tails included."""
    expected = chi2.sf(x, df)
    assert chi2_tail(x, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)
