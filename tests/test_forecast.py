"""The forecast in the report (the sBG fit of the report's survival) and CLTV three ways: against plain loops,
on random data, and on CDNOW where the issue's figures come from."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from hypothesis import given
from references import dataset, event_frames, period_start, ref_events
from test_metrics_properties import setups
from test_survival import steps

from workbench.io import load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.metrics.aggregates import aggregate
from workbench.metrics.cltv import cltv_from
from workbench.metrics.flow import flow_from
from workbench.metrics.forecast import (
    compare_cltv,
    forecast_from,
    per_period_rate,
    realised_per_customer,
    revenue_per_alive_period,
)
from workbench.metrics.statistics import fit_sbg
from workbench.metrics.statistics.sbg import survival as sbg_survival
from workbench.present import report_json, report_tables
from workbench.resources import sample_paths


@pytest.fixture(scope="module")
def sample():
    return analyze(load(sample_paths()).datasets, AnalysisOptions(discount=0.2))


def test_the_forecast_is_the_fit_of_the_report_survival(sample):
    f, s = sample.forecast, sample.survival
    fit = fit_sbg(s.durations)
    assert (f.alpha, f.beta, f.log_likelihood) == (fit.alpha, fit.beta, fit.log_likelihood)
    assert f.projection == pytest.approx([100 * v for v in sbg_survival(f.alpha, f.beta, range(len(f.projection)))])
    d = 1.2 ** (1 / 12) - 1
    assert f.discount == pytest.approx(d) == per_period_rate(0.2, PeriodSpec("month"))
    # DEL = Σ δ^t S(t), summed by a plain loop far enough for the tail to vanish
    plain = sum((1 / (1 + d)) ** t * float(sbg_survival(f.alpha, f.beta, t)) for t in range(20_000))
    assert f.discounted_lifetime == pytest.approx(plain, rel=1e-6)
    assert f.holdout_error is not None and f.holdout_periods


def test_json_forecast_has_the_issue_keys(sample):
    data = json.loads(report_json(sample))
    f = data["forecast"]
    assert {"model", "alpha", "beta", "log_likelihood", "expected_lifetime", "projection", "holdout_error"} <= set(f)
    assert f["model"] == "sbg" and f["projection"][0] == {"t": 0, "survival": 100.0}
    assert data["cltv"]["realised_cltv"] == sample.cltv_compared.realised
    assert data["cltv"]["forecast_cltv"] == sample.cltv_compared.forecast
    assert data["cltv"]["comparison"].startswith("Why they differ")
    tables = {t.name: t for t in report_tables(sample)}
    assert tables["forecast"].rows[3] == (3, sample.forecast.projection[3])
    assert tables["cltv"].headers[4:6] == ["realised_cltv", "forecast_cltv"]


def test_no_forecast_before_anyone_churns():
    subs = load(sample_paths()).datasets["subscriptions"]
    first = subs.frame["start"].min()
    rep = analyze({"subscriptions": subs}, AnalysisOptions(as_of=first))
    assert rep.forecast is None and forecast_from(None, 0.1) is None
    assert "no forecast: no customer has churned yet" in rep.notes


@given(setups(event_frames))
def test_revenue_per_alive_period_matches_a_plain_loop(setup):
    unit, week_start, frame, as_of = setup
    options = AnalysisOptions(period=PeriodSpec(unit, week_start), as_of=as_of)
    agg = aggregate(dataset("events", frame), options)
    value = cltv_from(agg, flow_from(agg), options) if agg.first is not None else None
    if value is None:
        return
    got = revenue_per_alive_period(agg, value)
    seen, active, revenue, _ = ref_events(frame, unit, week_start, as_of)
    now = period_start(seen.until, unit, week_start)  # periods before it are complete (as far as the data goes)
    alive = 0
    for periods in active.values():
        first, last = min(periods), max(periods)
        if first < now:
            alive += steps(first, min(last, _previous(now, first, unit)), unit) + 1
    total = sum(v for (_, p), v in revenue.items() if p < now)
    expected = total / alive if alive else None
    assert (got is None) == (expected is None)
    if got is not None:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def _previous(now: datetime, first: datetime, unit: str) -> datetime:
    """The start of the period before ``now`` (walking from ``first``)."""
    from references import next_start

    p = first
    while next_start(p, unit) < now:
        p = next_start(p, unit)
    return p


def test_compare_says_when_they_agree(sample):
    from dataclasses import replace

    c = sample.cltv
    f = replace(sample.forecast, discounted_lifetime=c.cltv / (c.arpu * c.margin))  # forecast = formula
    compared = compare_cltv(replace(c, cumulative=()), sample.flow, f, c.arpu)
    assert compared.forecast == pytest.approx(c.cltv) and compared.realised is None
    assert compared.explanation.startswith("The formula and the forecast agree within 10%")


def test_cdnow_cltv_three_ways(cdnow_path):
    """The issue's figures: CLTV = ARPU / churn = 58.97 while customers have brought 106.08 each, because ~1,000
    customers come back each month."""
    revenue, customers = 0.0, set()
    with open(cdnow_path, newline="") as f:
        for row in csv.DictReader(f):
            revenue += float(row["revenue"])
            customers.add(row["customer_id"])
    rep = analyze(load([str(cdnow_path)]).datasets, AnalysisOptions())
    c = rep.cltv_compared
    assert c.formula == pytest.approx(59.30, abs=0.005)  # 58.97 before June 1998 counted as over (issue 13)
    assert c.realised == pytest.approx(revenue / len(customers), rel=1e-9) == pytest.approx(106.08, abs=0.005)
    assert realised_per_customer(rep.cltv) == c.realised
    assert "come back each month" in c.explanation and "59.30" in c.explanation
    assert rep.forecast.kind == "events" and rep.forecast.observed_periods == 15  # June 1998 is over (a log of dates)
    # per customer-month alive (quiet months included) is well below ARPU per active customer
    assert c.forecast == pytest.approx(revenue_per_alive_period(aggregate(load([str(cdnow_path)]).datasets["events"],
                                                                          AnalysisOptions()), rep.cltv)
                                       * rep.forecast.discounted_lifetime)
    assert c.forecast / rep.forecast.discounted_lifetime < rep.cltv.arpu / 2
