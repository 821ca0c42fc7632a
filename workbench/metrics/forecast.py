"""The forecast: the shifted-beta-geometric model fitted to the observed survival, and CLTV three ways.

The sBG model (Fader & Hardie 2007; :mod:`workbench.metrics.statistics.sbg`) is fitted by maximum likelihood to
the same grouped durations as the report's Kaplan–Meier curve (every cohort contributes what it has seen), and
projects S(t) past the longest observed tenure. Survival is in % like the rest of the report.

CLTV is then written three ways, so a reader sees where they part:

* the formula: ARPU × margin / churn rate (:mod:`workbench.metrics.cltv`): a constant churn rate, and with
  events every period without activity counted as a loss;
* realised: the revenue customers have brought so far, per customer (× margin): a floor, since customers still
  there will bring more;
* the forecast: revenue per customer-period × margin × DEL, the discounted expected lifetime Σ δ^t S(t) of
  the fitted model (δ = 1/(1 + d), d the discount rate per period from ``--discount``, a yearly rate). The
  revenue is per period a customer is *alive* (the lifetime's unit): for subscriptions that is ARPU; for
  events a customer is alive from their first to their last event, quiet periods included, so it is the
  revenue of the complete periods over Σ (min(last, L) − cohort + 1) customer-periods (L the last complete
  period), which is below ARPU per active customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.metrics.aggregates import Aggregates
from workbench.metrics.cltv import Cltv
from workbench.metrics.flow import Flow
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.statistics import discounted_expected_lifetime, fit_sbg
from workbench.metrics.survival import Survival

PERIODS_PER_YEAR = {"day": 365.25, "week": 365.25 / 7, "month": 12.0, "quarter": 4.0, "year": 1.0}
AGREE = 0.10  # within 10% of each other: they agree


def per_period_rate(yearly: float, period: PeriodSpec) -> float:
    """A yearly discount rate as a rate per period: (1 + yearly)^(1/periods a year) − 1."""
    return (1 + yearly) ** (1 / PERIODS_PER_YEAR[period.unit]) - 1


@dataclass(frozen=True)
class Forecast:
    """The fitted sBG model: ``projection`` is S(t) in % for t = 0..horizon; ``expected_lifetime`` is None when
    it is infinite (α ≤ 1), ``expected_lifetime_truncated`` the periods expected within the horizon;
    ``holdout_error`` the mean absolute error (points of %) on the last observed periods when fitted without
    them (None when too few periods); ``discounted_lifetime`` DEL at ``discount`` per period."""

    kind: str
    period: PeriodSpec
    alpha: float
    beta: float
    log_likelihood: float
    customers: int
    excluded: int
    at_bound: bool
    projection: tuple[float, ...]
    observed_periods: int
    expected_lifetime: float | None
    expected_lifetime_truncated: float
    holdout_periods: tuple[int, ...]
    holdout_error: float | None
    discount: float
    discounted_lifetime: float


@dataclass(frozen=True)
class CltvCompared:
    """CLTV three ways (money per customer) and why they differ, in words."""

    formula: float | None
    realised: float | None
    forecast: float | None
    explanation: str


def forecast_from(survival: Survival | None, discount_yearly: float) -> Forecast | None:
    """The sBG fit to the survival's durations (None without survival or without any churn yet)."""
    if survival is None:
        return None
    try:
        fit = fit_sbg(survival.durations)
    except ValueError:  # nobody has churned: nothing to fit
        return None
    d = per_period_rate(discount_yearly, survival.period)
    holdout = fit.holdout
    return Forecast(kind=survival.kind, period=survival.period, alpha=fit.alpha, beta=fit.beta,
                    log_likelihood=fit.log_likelihood, customers=fit.customers, excluded=fit.excluded,
                    at_bound=fit.at_bound, projection=tuple(s * 100 for s in fit.projection),
                    observed_periods=fit.observed_periods, expected_lifetime=fit.expected_lifetime,
                    expected_lifetime_truncated=fit.expected_lifetime_truncated,
                    holdout_periods=holdout.periods if holdout else (),
                    holdout_error=holdout.mean_absolute_error * 100 if holdout else None,
                    discount=d, discounted_lifetime=discounted_expected_lifetime(fit.alpha, fit.beta, d))


def realised_per_customer(cltv: Cltv) -> float | None:
    """Revenue brought so far per customer, over every cohort: Σ cohort revenue / Σ cohort size."""
    customers = sum(r.size for r in cltv.cumulative if r.per_customer)
    if not customers:
        return None
    return sum(r.size * r.per_customer[-1] for r in cltv.cumulative if r.per_customer) / customers


def revenue_per_alive_period(agg: Aggregates, cltv: Cltv) -> float | None:
    """Revenue of the complete periods per customer-period alive (see the module doc); ARPU for
    subscriptions."""
    if agg.kind != "events":
        return cltv.arpu
    done = [p for p in agg.periods() if agg.ended(p)]
    if not done:
        return None
    last = max(done)
    alive = (agg.frame.filter(pl.col("cohort") <= last)
             .select((pl.col("last") * (pl.min_horizontal("period", pl.lit(last)) - pl.col("cohort") + 1)).sum())
             .item())
    revenue = sum(r.revenue for r in cltv.by_period if r.complete)
    return revenue / alive if alive else None


def compare_cltv(cltv: Cltv | None, flow: Flow | None, forecast: Forecast | None,
                 per_period: float | None = None) -> CltvCompared | None:
    """The three CLTVs and a sentence on why they disagree (None without revenue). ``per_period``: revenue per
    customer-period alive (:func:`revenue_per_alive_period`; default ARPU)."""
    if cltv is None:
        return None
    noun = cltv.period.noun
    per_period = cltv.arpu if per_period is None else per_period
    realised = realised_per_customer(cltv)
    realised_value = realised * cltv.margin if realised is not None else None
    predicted = (per_period * cltv.margin * forecast.discounted_lifetime
                 if forecast is not None and per_period is not None else None)
    reasons: list[str] = []
    formula = cltv.cltv
    if formula is not None and realised_value is not None and formula < realised_value * (1 - AGREE):
        reasons.append(f"ARPU × margin / churn ({formula:,.2f}) is below what customers have already brought "
                       f"({realised_value:,.2f} each), so the churn rate overstates how many leave for good")
        done = [r for r in (flow.rows if flow else ()) if r.complete and r.resurrected is not None]
        back = sum(r.resurrected for r in done) / len(done) if done else 0
        if back >= 1:
            reasons.append(f"every {noun} without a purchase counts as churn, while about {back:,.0f} customers "
                           f"come back each {noun}")
    if formula is not None and predicted is not None and abs(formula - predicted) > AGREE * max(formula, predicted):
        constant = 1 / cltv.churn_rate
        lifetime = ("infinite (α ≤ 1)" if forecast.expected_lifetime is None
                    else f"{forecast.expected_lifetime:,.1f} {noun}s")
        reasons.append(f"the formula assumes the same churn every {noun} (1 / churn = {constant:,.1f} {noun}s), "
                       f"while the fitted model lets churn fall as the loyal customers remain (expected lifetime "
                       f"{lifetime}; discounted {forecast.discounted_lifetime:,.1f} {noun}s at "
                       f"{forecast.discount:.2%} per {noun})")
    if reasons and forecast is not None and forecast.kind != cltv.kind:
        reasons.append(f"the forecast's lifetime is of the {forecast.kind}, its revenue per period of the {cltv.kind}")
    if reasons:
        text = "Why they differ: " + "; ".join(reasons) + "."
    elif formula is not None and predicted is not None:
        text = "The formula and the forecast agree within 10%; realised revenue is a floor (customers still there "
        text += "will bring more)."
    else:
        text = "Realised revenue is a floor: customers still there will bring more."
    return CltvCompared(formula, realised_value, predicted, text)
