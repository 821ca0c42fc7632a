"""Wilson score intervals against statsmodels (the reference) and by hand; the too-wide rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.metrics.statistics.wilson import TOO_WIDE, too_wide, wilson, wilson_interval

proportion = pytest.importorskip("statsmodels.stats.proportion")


@st.composite
def k_of_n(draw):
    n = draw(st.integers(1, 10**7))
    return draw(st.integers(0, n)), n


@given(k_of_n(), st.sampled_from([0.05, 0.1, 0.01]))
def test_equals_statsmodels(kn, alpha):
    k, n = kn
    ref = proportion.proportion_confint(k, n, alpha=alpha, method="wilson")
    assert wilson(k, n, alpha) == pytest.approx(ref, rel=0, abs=1e-12)


@given(st.lists(k_of_n(), min_size=1, max_size=30))
def test_vectorised_equals_statsmodels(pairs):
    k, n = np.array(pairs).T
    lower, upper = wilson_interval(k, n)
    ref_lower, ref_upper = proportion.proportion_confint(k, n, method="wilson")
    np.testing.assert_allclose(lower, ref_lower, rtol=0, atol=1e-12)
    np.testing.assert_allclose(upper, ref_upper, rtol=0, atol=1e-12)


def test_hand_checked():
    z2 = 1.959963984540054**2
    # k = 0: the interval is [0, z²/(n + z²)]
    assert wilson(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-15)  # ≈ (0, 0.2775)
    # k = n: [n/(n + z²), 1]
    assert wilson(10, 10) == pytest.approx((10 / (10 + z2), 1.0), abs=1e-15)
    # 5 of 10: symmetric around ½, half-width z·√(n/4 + z²/4)/(n + z²)
    half = math.sqrt(z2) * math.sqrt(10 / 4 + z2 / 4) / (10 + z2)
    assert wilson(5, 10) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-15)  # ≈ (0.2366, 0.7634)


def test_nothing_to_estimate():
    assert wilson(0, 0) is None
    lower, upper = wilson_interval([0, 3], [0, 4])
    assert np.isnan(lower[0]) and np.isnan(upper[0]) and not np.isnan(lower[1])


def test_too_wide():
    assert TOO_WIDE == 0.30
    assert too_wide(*wilson(20, 40)) is False  # 50% of 40: width 0.296
    assert too_wide(*wilson(19, 38)) is True  # 50% of 38: width 0.304
    assert too_wide(*wilson(2, 20)) is False and too_wide(*wilson(1, 10)) is True
    assert list(too_wide(*wilson_interval([20, 19, 0], [40, 38, 0]))) == [False, True, True]  # n = 0: nothing known


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (1.5, 5), (1, 4.5)])
def test_bad_counts_are_refused(k, n):
    with pytest.raises(ValueError, match="0 ≤ k ≤ n"):
        wilson_interval(k, n)
