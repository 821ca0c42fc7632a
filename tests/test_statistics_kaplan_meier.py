"""Kaplan–Meier from grouped durations, checked against lifelines (the reference) and by hand."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.metrics.statistics.kaplan_meier import kaplan_meier

lifelines = pytest.importorskip("lifelines")
from lifelines.utils import median_survival_times  # noqa: E402

Z = 1.959963984540054  # Φ⁻¹(0.975)

groups_st = st.lists(st.tuples(st.integers(0, 15), st.booleans(), st.integers(1, 40)), min_size=1, max_size=25)


def fit_lifelines(groups, expand: bool = False):
    durations = [d for d, _, _ in groups]
    observed = [o for _, o, _ in groups]
    counts = [c for _, _, c in groups]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expand:
            return lifelines.KaplanMeierFitter().fit(np.repeat(durations, counts), np.repeat(observed, counts))
        return lifelines.KaplanMeierFitter().fit(durations, observed, weights=counts)


def none_if_inf(x):
    return None if math.isinf(x) else int(x)


def exact_median(groups):
    """First t with S(t) ≤ 1/2, in exact fractions (the plain reference for the median)."""
    times = sorted({0, *(d for d, _, _ in groups)})
    at_risk = sum(c for _, _, c in groups)
    s = Fraction(1)
    for t in times:
        d = sum(c for dd, o, c in groups if dd == t and o)
        s *= Fraction(at_risk - d, at_risk)
        if s <= Fraction(1, 2):
            return t
        at_risk -= sum(c for dd, _, c in groups if dd == t)
    return None


@given(groups_st)
def test_equals_lifelines(groups):
    km = kaplan_meier(groups)
    ref = fit_lifelines(groups)
    table = ref.event_table
    assert [p.t for p in km.points] == table.index.astype(int).tolist()
    assert [p.at_risk for p in km.points] == table["at_risk"].tolist()
    assert [p.churned for p in km.points] == table["observed"].tolist()
    assert [p.censored for p in km.points] == table["censored"].tolist()
    np.testing.assert_allclose([p.survival for p in km.points], ref.survival_function_.iloc[:, 0], rtol=0, atol=1e-9)
    ci = ref.confidence_interval_
    np.testing.assert_allclose([p.ci_lower for p in km.points], ci.iloc[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose([p.ci_upper for p in km.points], ci.iloc[:, 1], rtol=0, atol=1e-9)
    # the median: lifelines' unless S(t) is exactly 1/2 somewhere, where lifelines' exp(Σ ln) may land above it
    assert km.median_lifetime == exact_median(groups)
    if not np.any(np.abs(ref.survival_function_.iloc[:, 0].to_numpy() - 0.5) < 1e-9):
        assert km.median_lifetime == none_if_inf(ref.median_survival_time_)
    if not np.any(np.abs(ci.to_numpy() - 0.5) < 1e-9):
        lower, upper = median_survival_times(ci).iloc[0]
        assert km.median_lifetime_ci == (none_if_inf(lower), none_if_inf(upper))


def test_counts_are_the_same_as_one_row_per_customer():
    groups = [(0, False, 2), (1, True, 3), (1, False, 1), (2, True, 2), (4, False, 5), (4, True, 1), (7, True, 2)]
    ref = fit_lifelines(groups, expand=True)
    km = kaplan_meier(groups)
    np.testing.assert_allclose([p.survival for p in km.points], ref.survival_function_.iloc[:, 0], atol=1e-12)
    np.testing.assert_allclose([p.ci_lower for p in km.points], ref.confidence_interval_.iloc[:, 0], atol=1e-12)
    assert km.median_lifetime == none_if_inf(ref.median_survival_time_) == 7


def test_hand_checked():
    # 10 customers: 2 churn at 1 and 1 is censored there, 2 churn at 3, 5 still there at 4.
    km = kaplan_meier([(1, True, 2), (1, False, 1), (3, True, 2), (4, False, 5)])
    assert [(p.t, p.at_risk, p.churned, p.censored) for p in km.points] == [
        (0, 10, 0, 0), (1, 10, 2, 1), (3, 7, 2, 0), (4, 5, 0, 5)]
    assert [p.survival for p in km.points] == pytest.approx([1, 0.8, 0.8 * 5 / 7, 0.8 * 5 / 7], abs=1e-15)
    # Greenwood at t = 3: 2/(10·8) + 2/(7·5); bounds exp(−exp(ln(−ln S) ∓ z √V / ln S))
    s, var = 4 / 7, 2 / 80 + 2 / 35
    lower = math.exp(-math.exp(math.log(-math.log(s)) - Z * math.sqrt(var) / math.log(s)))
    upper = math.exp(-math.exp(math.log(-math.log(s)) + Z * math.sqrt(var) / math.log(s)))
    assert (km.points[2].ci_lower, km.points[2].ci_upper) == pytest.approx((lower, upper), abs=1e-12)
    assert 0.21 < lower < s < upper < 0.82  # ≈ (0.2172, 0.8146)
    assert km.points[0].ci_lower == km.points[0].ci_upper == 1.0  # S = 1: no uncertainty yet
    assert km.points[1].ci_lower < 0.5  # already at t = 1 (≈ 0.41), so the median's interval starts there
    assert km.median_lifetime is None and km.median_lifetime_ci == (1, None)
    assert km.survival_by_period() == pytest.approx([1, 0.8, 0.8, 4 / 7, 4 / 7])
    assert km.customers == 10
    assert km.as_rows()[1] == {"t": 1, "at_risk": 10, "churned": 2, "censored": 1, "survival": pytest.approx(0.8),
                               "ci_lower": km.points[1].ci_lower, "ci_upper": km.points[1].ci_upper}


def test_median_at_exactly_one_half():
    # 3 of 6 at risk churn at t = 1: S(1) = 1/2 exactly, so the median is 1 (lifelines says 2: exp(ln ½) > ½)
    groups = [(0, False, 1), (1, True, 3), (2, False, 2), (2, True, 1)]
    assert kaplan_meier(groups).median_lifetime == 1
    assert fit_lifelines(groups).median_survival_time_ == 2


def test_everyone_churned_ends_at_zero():
    km = kaplan_meier([(2, True, 4)])
    assert km.points[-1].survival == 0.0 and km.points[-1].ci_lower == km.points[-1].ci_upper == 0.0
    assert km.median_lifetime == 2


def test_empty_and_zero_counts():
    assert kaplan_meier([]).points == () and kaplan_meier([(3, True, 0)]).median_lifetime is None
    assert kaplan_meier([]).survival_by_period() == () and kaplan_meier([]).customers == 0


@pytest.mark.parametrize("bad", [(-1, True, 3), (1.5, True, 3), (1, True, -2), (1, False, 2.5), (None, True, 1), ("x", True, 1)])
def test_bad_groups_are_refused(bad):
    with pytest.raises(ValueError, match="whole number"):
        kaplan_meier([bad])


def test_json_shape():
    out = kaplan_meier([(1, True, 1), (3, False, 3)]).as_dict()
    assert out["median_lifetime"] is None and out["median_lifetime_ci"] == [1, None]  # lower bound at 1 ≈ 0.13
    assert [row["t"] for row in out["survival"]] == [0, 1, 3] and out["survival"][1]["survival"] == 0.75


def test_large_counts_do_not_overflow():
    km = kaplan_meier([(1, True, 3_000_000_000), (2, False, 7_000_000_000)])
    assert km.points[1].survival == pytest.approx(0.7) and 0.69999 < km.points[1].ci_lower < 0.7
