"""The shifted-beta-geometric (sBG) retention model: fit, projection, expected lifetime, discounted lifetime.

Fader & Hardie, "How to Project Customer Retention", Journal of Interactive Marketing 21(1), 2007. Each
customer churns at the end of any period with their own probability θ, and θ varies across customers as
Beta(α, β). The lifetime T ∈ {1, 2, …} is the first tenure at which the customer is no longer there (our
durations: "alive at k" = alive in the k-th period after the cohort's, k = 0 being the first), so

    P(T = t) = B(α + 1, β + t − 1) / B(α, β)             (t ≥ 1)
    S(t)     = P(T > t) = B(α, β + t) / B(α, β)           (S(0) = 1)

(the same numbers as the paper's recursions P(T = 1) = α/(α + β) and
P(T = t) = (β + t − 2)/(α + β + t − 1) · P(T = t − 1)). Fitted by maximum likelihood to grouped durations
``(duration, churned?, customers)``, one cohort or several of different ages (each contributes what it saw):

    LL(α, β) = Σ_churned n · ln P(T = t) + Σ_censored n · ln S(c)

maximised over (ln α, ln β) with scipy's L-BFGS-B and the analytic gradient (ψ = digamma). Churn at duration
0 (gone before the first period began) is outside the model: such customers are left out and counted in
``excluded``. With no churn at all there is nothing to fit (ValueError). When the data show no heterogeneity
(a constant churn rate) the maximum is at α, β → ∞ with a fixed ratio: the fit stops where the likelihood
is flat or at 10⁶ (``at_bound``); the parameters are then large and arbitrary, but the curve is the right
geometric one.

Expected lifetime: E[T] = Σ_{t ≥ 0} S(t) = (α + β − 1)/(α − 1) when α > 1 (closed form), infinite when
α ≤ 1 — common in practice (both of the paper's segments), so ``expected_lifetime`` is None then, and
``expected_lifetime_truncated`` = E[min(T, H)] = Σ_{t=0}^{H−1} S(t) over the projection horizon H is also
given.

Discounted lifetimes (Fader & Hardie, "Customer-Base Valuation in a Contractual Setting: The Perils of
Ignoring Heterogeneity", Marketing Science 29(1), 2010), with d the discount rate per period, δ = 1/(1 + d):

    DEL(d)     = Σ_{t ≥ 0} δ^t S(t) = ₂F₁(1, β; α + β; δ)
    DERL(d, a) = Σ_{j ≥ 0} δ^j S(a + 1 + j) / S(a)
               = (β + a)/(α + β + a) · ₂F₁(1, β + a + 1; α + β + a + 1; δ)

DEL is for a new customer (first period undiscounted); DERL for a customer alive at tenure a, just before
their next renewal (the paper's n = a + 1 periods as a customer). So the expected CLTV of a new customer is
(margin per period) × DEL(d), and of one paid up through tenure a, (margin per period) × DERL(d, a). d is per
period of the triangle (10% a year is 1.1^(1/12) − 1 a month).

Holdout: the model is fitted again with the last h observed periods hidden (churn and censoring beyond T − h
become censoring at T − h) and its S(t) compared with the Kaplan–Meier survival of all the data on those
periods (for one cohort, simply the share still there).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.metrics.statistics.kaplan_meier import Group, kaplan_meier, tally

LOG_BOUNDS = (np.log(1e-4), np.log(1e6))


# scipy is imported on first use, not with this module: `workbench validate` imports the metrics package and
# should not pay for scipy (about a second).
def betaln(a, b):
    from scipy.special import betaln as f

    return f(a, b)


def digamma(x):
    from scipy.special import digamma as f

    return f(x)


def hyp2f1(a, b, c, z):
    from scipy.special import hyp2f1 as f

    return f(a, b, c, z)


def minimize(*args, **kwargs):
    from scipy.optimize import minimize as f

    return f(*args, **kwargs)


@dataclass(frozen=True)
class Holdout:
    """Fit on all but the last periods, compared with what happened on them (survival fractions 0–1)."""

    alpha: float
    beta: float
    periods: tuple[int, ...]
    observed: tuple[float, ...]
    predicted: tuple[float, ...]

    @property
    def mean_absolute_error(self) -> float:
        return float(np.mean(np.abs(np.subtract(self.predicted, self.observed))))

    @property
    def max_absolute_error(self) -> float:
        return float(np.max(np.abs(np.subtract(self.predicted, self.observed))))


@dataclass(frozen=True)
class SbgFit:
    """A fitted sBG model; ``projection`` is S(t) for t = 0..horizon."""

    alpha: float
    beta: float
    log_likelihood: float
    customers: int
    excluded: int
    observed_periods: int
    projection: tuple[float, ...]
    expected_lifetime: float | None
    expected_lifetime_truncated: float
    holdout: Holdout | None
    at_bound: bool

    @property
    def horizon(self) -> int:
        return len(self.projection) - 1

    def survival(self, t) -> np.ndarray:
        return survival(self.alpha, self.beta, t)

    def conditional_survival(self, t, given: int) -> np.ndarray:
        """P(alive at t | alive at ``given``) = S(t)/S(given), to carry an observed cohort forward."""
        return survival(self.alpha, self.beta, t) / survival(self.alpha, self.beta, given)

    def as_dict(self) -> dict:
        return {"model": "sbg", "alpha": self.alpha, "beta": self.beta, "log_likelihood": self.log_likelihood,
                "expected_lifetime": self.expected_lifetime,
                "expected_lifetime_truncated": self.expected_lifetime_truncated,
                "projection": [{"t": t, "survival": s} for t, s in enumerate(self.projection)],
                "holdout_error": self.holdout.mean_absolute_error if self.holdout else None}


def survival(alpha: float, beta: float, t) -> np.ndarray:
    """S(t) = B(α, β + t) / B(α, β)."""
    t = np.asarray(t, dtype=float)
    return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))


def churn_probability(alpha: float, beta: float, t) -> np.ndarray:
    """P(T = t) = B(α + 1, β + t − 1) / B(α, β) for t ≥ 1."""
    t = np.asarray(t, dtype=float)
    return np.exp(betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta))


def expected_lifetime(alpha: float, beta: float) -> float | None:
    """E[T] = (α + β − 1)/(α − 1), None (infinite) when α ≤ 1."""
    return (alpha + beta - 1) / (alpha - 1) if alpha > 1 else None


def discounted_expected_lifetime(alpha: float, beta: float, discount: float) -> float:
    """DEL(d) = ₂F₁(1, β; α + β; 1/(1 + d)): discounted periods a new customer stays (d > 0 per period)."""
    if discount <= 0:
        raise ValueError(f"the discount rate must be above 0, got {discount}")
    return float(hyp2f1(1.0, beta, alpha + beta, 1 / (1 + discount)))


def discounted_expected_residual_lifetime(alpha: float, beta: float, discount: float, alive_at: int) -> float:
    """DERL(d, a) = (β + a)/(α + β + a) · ₂F₁(1, β + a + 1; α + β + a + 1; 1/(1 + d)), alive at tenure a."""
    if discount <= 0:
        raise ValueError(f"the discount rate must be above 0, got {discount}")
    a = alive_at
    renews = (beta + a) / (alpha + beta + a)
    return float(renews * hyp2f1(1.0, beta + a + 1, alpha + beta + a + 1, 1 / (1 + discount)))


def groups_from_survivors(alive: Sequence[int]) -> list[Group]:
    """One cohort's customers alive at t = 0..T → churned at each t ≥ 1, and the survivors censored at T."""
    if any(b > a for a, b in zip(alive, alive[1:], strict=False)) or (alive and alive[-1] < 0):
        raise ValueError(f"customers alive must not grow with tenure: {list(alive)}")
    pairs = zip(alive, alive[1:], strict=False)
    out: list[Group] = [(t, True, a - b) for t, (a, b) in enumerate(pairs, start=1)]
    return out + [(len(alive) - 1, False, alive[-1])] if alive else out


class _Data:
    """Churned and censored counts by duration (duration-0 churn left out), and the log-likelihood on them."""

    def __init__(self, groups: Iterable[Group]):
        times, churned, censored = tally(groups)
        self.excluded = int(churned[0]) if times.size else 0
        keep = times > 0
        self.t, self.d = times[keep].astype(float), churned[keep].astype(float)
        self.c_t, self.c = times.astype(float), censored.astype(float)
        self.customers = int(self.d.sum() + self.c.sum())
        self.last = int(times.max()) if times.size else 0

    def negative_ll(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(log_params)
        t, d, c_t, c = self.t, self.d, self.c_t, self.c
        ll = d @ (betaln(a + 1, b + t - 1) - betaln(a, b)) + c @ (betaln(a, b + c_t) - betaln(a, b))
        psi_ab = digamma(a + b)
        g_a = (d @ (digamma(a + 1) - digamma(a + b + t) - digamma(a) + psi_ab)
               + c @ (psi_ab - digamma(a + b + c_t)))
        g_b = (d @ (digamma(b + t - 1) - digamma(a + b + t) - digamma(b) + psi_ab)
               + c @ (digamma(b + c_t) - digamma(a + b + c_t) - digamma(b) + psi_ab))
        return -float(ll), -np.array([g_a * a, g_b * b])


def _maximise(data: _Data) -> tuple[float, float, float, bool]:
    if data.d.sum() == 0:
        raise ValueError("no customer has churned yet: the sBG model has nothing to fit")
    best = None
    for start in ((0.0, 0.0), (-1.0, 1.0), (1.0, 2.0)):
        res = minimize(data.negative_ll, np.array(start), jac=True, method="L-BFGS-B",
                       bounds=[LOG_BOUNDS] * 2, options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    at_bound = bool(np.any(np.isclose(best.x, LOG_BOUNDS[0]) | np.isclose(best.x, LOG_BOUNDS[1])))
    a, b = np.exp(best.x)
    return float(a), float(b), -float(best.fun), at_bound


def _censor_at(groups: list[Group], cut: int) -> list[Group]:
    return [(d, o, n) if d <= cut else (cut, False, n) for d, o, n in groups]


def fit_sbg(groups: Iterable[Group], horizon: int | None = None, holdout: int | None = None) -> SbgFit:
    """Fit the sBG model to grouped durations.

    ``horizon``: last t of the projection (default: twice the longest observed duration, at least 12 more).
    ``holdout``: periods hidden for the holdout check (default: a quarter of the observed periods when
    there are at least 4; 0 for none)."""
    groups = list(groups)
    data = _Data(groups)
    alpha, beta, ll, at_bound = _maximise(data)
    last = data.last
    horizon = max(2 * last, last + 12) if horizon is None else horizon
    projection = survival(alpha, beta, np.arange(horizon + 1))
    h = (last // 4 if last >= 4 else 0) if holdout is None else holdout
    return SbgFit(alpha, beta, ll, data.customers, data.excluded, last, tuple(projection.tolist()),
                  expected_lifetime(alpha, beta), float(projection[:horizon].sum()),
                  _holdout(groups, last, h) if h > 0 else None, at_bound)


def _holdout(groups: list[Group], last: int, h: int) -> Holdout | None:
    cut = last - h
    if cut < 1:
        return None
    try:
        alpha, beta, _, _ = _maximise(_Data(_censor_at(groups, cut)))
    except ValueError:  # no churn before the cut: nothing to fit on
        return None
    observed = kaplan_meier(groups).survival_by_period()
    periods = tuple(range(cut + 1, min(last, len(observed) - 1) + 1))
    if not periods:
        return None
    return Holdout(alpha, beta, periods, tuple(observed[t] for t in periods),
                   tuple(survival(alpha, beta, np.array(periods)).tolist()))


def fit_sbg_survivors(alive: Sequence[int], horizon: int | None = None, holdout: int | None = None) -> SbgFit:
    """Fit to one cohort's customers alive at t = 0..T (the paper's form of the data)."""
    return fit_sbg(groups_from_survivors(alive), horizon, holdout)
