"""The shifted-beta-geometric model: Fader & Hardie's published fits, the likelihood's maximum, the closed forms
against plain sums, and the holdout check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from workbench.metrics.statistics.sbg import (
    LOG_BOUNDS,
    _Data,
    churn_probability,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    expected_lifetime,
    fit_sbg,
    fit_sbg_survivors,
    groups_from_survivors,
    survival,
)

# Fader, P. S. & Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of Interactive Marketing
# 21(1), 76-90: two cohorts of 1,000 customers each ("Regular" and "High End"), customers still there at the
# start and at the end of years 1..7. The paper fits the sBG model by maximum likelihood to these 7 years and
# reports alpha = 0.704, beta = 1.182 (Regular) and alpha = 0.668, beta = 3.806 (High End).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize(("alive", "alpha", "beta"), [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)])
def test_reproduces_the_published_parameters(alive, alpha, beta):
    fit = fit_sbg_survivors(alive, holdout=0)
    assert fit.alpha == pytest.approx(alpha, rel=0.01) and fit.beta == pytest.approx(beta, rel=0.01)
    # in fact to the three decimals printed
    assert (round(fit.alpha, 3), round(fit.beta, 3)) == (alpha, beta)
    assert not fit.at_bound and fit.customers == 1000 and fit.observed_periods == 7
    # the fitted curve follows the data it was fitted to within 2 points (our check, not a figure of the paper)
    np.testing.assert_allclose(fit.projection[:8], np.array(alive) / 1000, atol=0.02)


def test_published_fits_expected_lifetime_is_infinite():
    fit = fit_sbg_survivors(REGULAR, horizon=100, holdout=0)
    assert fit.alpha < 1 and fit.expected_lifetime is None
    assert fit.expected_lifetime_truncated == pytest.approx(sum(fit.projection[:100]))
    assert fit.horizon == 100 and len(fit.projection) == 101


@given(st.floats(0.05, 50), st.floats(0.05, 50))
def test_probabilities_equal_the_papers_recursions(alpha, beta):
    # P(T = 1) = α/(α + β); P(T = t) = (β + t − 2)/(α + β + t − 1) · P(T = t − 1); S(t) = S(t − 1) − P(T = t)
    p, s = [alpha / (alpha + beta)], [1.0, 1 - alpha / (alpha + beta)]
    for t in range(2, 30):
        p.append((beta + t - 2) / (alpha + beta + t - 1) * p[-1])
        s.append(s[-1] - p[-1])
    np.testing.assert_allclose(churn_probability(alpha, beta, np.arange(1, 30)), p, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(survival(alpha, beta, np.arange(30)), s, rtol=1e-9, atol=1e-12)


datasets = st.lists(st.tuples(st.integers(0, 10), st.booleans(), st.integers(1, 200)), min_size=1, max_size=20).filter(
    lambda g: any(o and d > 0 for d, o, _ in g) and any(not o or d > 1 for d, o, _ in g))


@settings(max_examples=40)
@given(datasets, st.floats(-2, 2), st.floats(-2, 2))
def test_gradient_is_the_likelihoods(groups, la, lb):
    data = _Data(groups)
    value, grad = data.negative_ll(np.array([la, lb]))
    step = 1e-6
    numeric = [(data.negative_ll(np.array([la + step, lb]))[0] - data.negative_ll(np.array([la - step, lb]))[0]) / (2 * step),
               (data.negative_ll(np.array([la, lb + step]))[0] - data.negative_ll(np.array([la, lb - step]))[0]) / (2 * step)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-4)


@st.composite
def sbg_cohorts(draw):
    """Cohorts drawn from an sBG population (α, β random), each seen for its own number of periods."""
    alpha, beta = draw(st.floats(0.2, 5)), draw(st.floats(0.5, 10))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    groups = []
    for _ in range(draw(st.integers(1, 4))):
        seen, size = draw(st.integers(2, 10)), draw(st.integers(200, 5000))
        p = churn_probability(alpha, beta, np.arange(1, seen + 1))
        counts = rng.multinomial(size, [*p, 1 - p.sum()])
        groups += [(t, True, int(c)) for t, c in enumerate(counts[:-1], start=1)] + [(seen, False, int(counts[-1]))]
    return groups


@settings(max_examples=25)
@given(sbg_cohorts())
@example([(1, True, 22), (2, True, 20), (2, False, 158)])  # no heterogeneity: the maximum is at infinity
def test_fit_is_the_maximum(groups):
    fit = fit_sbg(groups, holdout=0)
    data = _Data(groups)
    # in the fit's own box: far past it (α, β ~ 1e9) betaln's cancellation makes the likelihood noise, which
    # once "beat" a true fit by 0.01 (groups [(1, True, 22), (2, True, 20), (2, False, 158)]: the geometric
    # limit is −131.858532, the fit −131.858532, the unbounded search −131.846985 at α 7.9e8, β 6.4e9)
    brute = minimize(lambda x: data.negative_ll(x)[0], np.zeros(2), method="Nelder-Mead", bounds=[LOG_BOUNDS] * 2,
                     options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    # When the data show no heterogeneity the maximum is at infinity (a plain geometric): the fit stops at its
    # bound on α and β, a hair below the limit, by about a millionth per customer at most.
    slack = 1e-6 * (fit.customers if fit.at_bound else 1)
    assert fit.log_likelihood >= -brute.fun - slack
    assert fit.log_likelihood == pytest.approx(-data.negative_ll(np.log([fit.alpha, fit.beta]))[0])


def test_recovers_simulated_parameters():
    """20,000 customers with θ ~ Beta(0.8, 2.5) in 10 cohorts, observed for 10 − cohort periods."""
    rng = np.random.default_rng(7)
    groups = []
    for cohort in range(10):
        theta = rng.beta(0.8, 2.5, size=2000)
        lifetime = rng.geometric(theta)
        seen = 10 - cohort
        churned = lifetime[lifetime <= seen]
        groups += [(int(t), True, 1) for t in churned] + [(seen, False, int((lifetime > seen).sum()))]
    fit = fit_sbg(groups)
    assert fit.alpha == pytest.approx(0.8, rel=0.15) and fit.beta == pytest.approx(2.5, rel=0.15)
    assert fit.holdout is not None and fit.holdout.periods == (9, 10)
    assert fit.holdout.mean_absolute_error < 0.02


@pytest.mark.parametrize(("alpha", "beta"), [(0.704, 1.182), (0.668, 3.806), (3.0, 0.5), (20.0, 60.0)])
@pytest.mark.parametrize("discount", [0.005, 0.1, 0.5])
def test_discounted_lifetimes_equal_their_sums(alpha, beta, discount):
    t = np.arange(200_000)
    s = survival(alpha, beta, t)
    delta = 1 / (1 + discount)
    # DEL = Σ_{t ≥ 0} δ^t S(t)
    assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(np.sum(delta**t * s), rel=1e-9)
    # DERL(a) = Σ_{j ≥ 0} δ^j S(a + 1 + j)/S(a), and DEL = 1 + δ · DERL(0)
    for a in (0, 3, 10):
        ours = discounted_expected_residual_lifetime(alpha, beta, discount, a)
        assert ours == pytest.approx(np.sum(delta ** t[:-a - 1] * s[a + 1:]) / s[a], rel=1e-9)
    assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(
        1 + delta * discounted_expected_residual_lifetime(alpha, beta, discount, 0), rel=1e-12)


def test_expected_lifetime_closed_form():
    assert expected_lifetime(0.9, 2.0) is None
    alpha, beta = 5.0, 3.0  # E[T] = (α + β − 1)/(α − 1) = 7/4
    assert expected_lifetime(alpha, beta) == 1.75
    assert np.sum(survival(alpha, beta, np.arange(100_000))) == pytest.approx(1.75, rel=1e-9)
    with pytest.raises(ValueError, match="above 0"):
        discounted_expected_lifetime(alpha, beta, 0)


def test_holdout_is_the_fit_without_the_last_periods():
    fit = fit_sbg_survivors(REGULAR, holdout=2)
    shorter = fit_sbg_survivors(REGULAR[:-2], holdout=0)  # the same data seen only through year 5
    assert fit.holdout.periods == (6, 7)
    assert fit.holdout.observed == pytest.approx((0.262, 0.241))
    np.testing.assert_allclose(fit.holdout.predicted, shorter.survival(np.array([6, 7])), rtol=1e-6)
    assert (fit.holdout.alpha, fit.holdout.beta) == pytest.approx((shorter.alpha, shorter.beta), rel=1e-6)
    errors = np.abs(np.subtract(fit.holdout.predicted, (0.262, 0.241)))
    assert fit.holdout.mean_absolute_error == pytest.approx(errors.mean())
    assert fit.holdout.max_absolute_error == pytest.approx(errors.max())
    assert fit_sbg_survivors(REGULAR).holdout.periods == (7,)  # default: a quarter of 7 periods
    assert fit_sbg_survivors(REGULAR[:4]).holdout is None  # 3 periods: too few to hide any


def test_conditional_survival_and_json():
    fit = fit_sbg_survivors(HIGH_END, horizon=10)
    assert fit.conditional_survival(9, given=7) == pytest.approx(fit.projection[9] / fit.projection[7])
    out = fit.as_dict()
    assert out["model"] == "sbg" and out["alpha"] == fit.alpha and out["projection"][0] == {"t": 0, "survival": 1.0}
    assert len(out["projection"]) == 11 and out["holdout_error"] == fit.holdout.mean_absolute_error


def test_groups_from_survivors():
    assert groups_from_survivors([10, 7, 7, 2]) == [(1, True, 3), (2, True, 0), (3, True, 5), (3, False, 2)]
    assert groups_from_survivors([]) == []
    with pytest.raises(ValueError, match="must not grow"):
        groups_from_survivors([10, 11])


def test_churn_before_the_first_period_is_left_out_and_counted():
    fit = fit_sbg([(0, True, 5), *groups_from_survivors(REGULAR)], holdout=0)
    assert fit.excluded == 5 and fit.customers == 1000
    assert fit.alpha == pytest.approx(fit_sbg_survivors(REGULAR).alpha)


def test_nothing_to_fit():
    with pytest.raises(ValueError, match="nothing to fit"):
        fit_sbg_survivors([100, 100, 100])


def test_no_heterogeneity_still_projects_the_geometric_curve():
    fit = fit_sbg_survivors([1024, 512, 256, 128, 64, 32, 16, 8], holdout=0)
    assert fit.alpha > 50 and fit.beta > 50  # drifting off to α, β → ∞
    np.testing.assert_allclose(fit.projection[:12], 0.5 ** np.arange(12), atol=0.005)
