"""Survival on real data: CDNOW customers lost after 3 months without a purchase.

The reference is computed without workbench: the CSV read with the csv module, each customer's first and last
purchase month, one row per customer with the documented rule, and lifelines fitted on those 23,570 rows. The
workbench path goes through the reduction (``reduce_events``' per-cohort ``last`` counts) and the grouped
Kaplan–Meier and log-rank.
"""

from __future__ import annotations

import csv
import functools
import warnings
from collections import defaultdict

import numpy as np
import pytest
from scipy.optimize import minimize

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions
from workbench.metrics.aggregates import aggregate
from workbench.metrics.statistics import event_groups, fit_sbg, kaplan_meier, logrank
from workbench.metrics.statistics.sbg import _Data

lifelines = pytest.importorskip("lifelines")
from lifelines.statistics import multivariate_logrank_test  # noqa: E402

INACTIVE = 3
THROUGH = 1998 * 12 + 6 - 1  # June 1998: the log is of dates and ends on 1998-06-30, a whole day, so June is over


@pytest.fixture
def reference(cdnow_path):
    return cdnow_path, _reference(str(cdnow_path))


@pytest.fixture
def grouped(cdnow_path):
    return _grouped(str(cdnow_path))


@functools.cache
def _reference(path: str) -> list[tuple[int, int, bool]]:
    months: dict[str, list[int]] = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            year, month = int(row["date"][:4]), int(row["date"][5:7])
            months[row["customer_id"]].append(year * 12 + month - 1)
    rows = []  # (cohort, duration, churned)
    for periods in months.values():
        first, last = min(periods), max(periods)
        if THROUGH - last >= INACTIVE:
            rows.append((first, last - first + 1, True))
        else:
            rows.append((first, max(0, THROUGH - INACTIVE + 1 - first), False))
    return rows


@functools.cache
def _grouped(path: str):
    dataset = load([path], LoadOptions()).datasets["events"]
    agg = aggregate(dataset, AnalysisOptions())
    through = max(i for i in agg.periods() if agg.ended(i))
    frame = agg.frame.filter(agg.frame["last"] > 0)
    cohorts = frame.select("cohort", "period", "last").iter_rows()
    groups = event_groups(cohorts, through, INACTIVE)
    by_cohort = {c: event_groups(frame.filter(frame["cohort"] == c).select("cohort", "period", "last").iter_rows(),
                                 through, INACTIVE) for c in sorted(set(frame["cohort"].to_list()))}
    return groups, by_cohort


def test_kaplan_meier_equals_lifelines_on_customers(reference, grouped):
    _, rows = reference
    groups, _ = grouped
    assert sum(c for _, _, c in groups) == len(rows) == 23_570
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifelines.KaplanMeierFitter().fit([d for _, d, _ in rows], [o for _, _, o in rows])
    km = kaplan_meier(groups)
    np.testing.assert_allclose([p.survival for p in km.points], ref.survival_function_.iloc[:, 0], atol=1e-9)
    np.testing.assert_allclose([p.ci_lower for p in km.points], ref.confidence_interval_.iloc[:, 0], atol=1e-9)
    np.testing.assert_allclose([p.ci_upper for p in km.points], ref.confidence_interval_.iloc[:, 1], atol=1e-9)
    assert km.median_lifetime == ref.median_survival_time_ == 1  # most CDNOW customers never buy again
    assert [p.at_risk for p in km.points] == ref.event_table["at_risk"].tolist()


def test_logrank_between_the_three_cohorts_equals_lifelines(reference, grouped):
    _, rows = reference
    _, by_cohort = grouped
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = multivariate_logrank_test([d for _, d, _ in rows], [c for c, _, _ in rows], [o for _, _, o in rows])
    ours = logrank({str(c): g for c, g in by_cohort.items()})
    assert ours.df == 2
    assert ours.statistic == pytest.approx(ref.test_statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(ref.p_value, abs=1e-9)


def test_sbg_fits_cdnow(grouped):
    """The fit is the likelihood's maximum on real data too. How well it projects is a finding, not a pass mark:
    hiding the last 3 of 15 months, it over-predicts their survival (by about 5 points at month 13), since
    CDNOW is not a contractual business (the sBG model's setting) and lapses keep coming. (15 months: the log
    is of dates and ends on 1998-06-30, a whole day, so June 1998 is over.)"""
    groups, _ = grouped
    fit = fit_sbg(groups)
    assert fit.customers == 23_570 and not fit.at_bound and fit.observed_periods == 15
    data = _Data(groups)
    brute = minimize(lambda x: data.negative_ll(x)[0], np.zeros(2), method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-12})
    assert fit.log_likelihood >= -brute.fun - 1e-6
    assert fit.holdout.periods == (13, 14, 15)
    km = kaplan_meier(groups).survival_by_period()
    assert fit.holdout.observed == pytest.approx(km[13:16])
    assert all(p > o for p, o in zip(fit.holdout.predicted, fit.holdout.observed, strict=True))
