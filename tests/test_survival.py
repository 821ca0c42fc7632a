"""Survival in the report: the reduction and the censoring rules against a plain per-customer reference (calendar
arithmetic, one customer at a time), fitted with lifelines; hand-worked files; the JSON and the table."""

from __future__ import annotations

import json
import math
import warnings
from datetime import datetime

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from references import (
    UNITS,
    US,
    dataset,
    event_frames,
    instants,
    next_start,
    period_start,
    ref_events,
    ref_subscribers,
    subscription_frames,
)

from workbench.io import Dataset, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze, survival_of
from workbench.present import report_json
from workbench.present.sections import survival_table
from workbench.resources import sample_paths

lifelines = pytest.importorskip("lifelines")


def steps(a: datetime, b: datetime, unit: str) -> int:
    """Periods from the period starting at ``a`` to the one starting at ``b`` (b ≥ a), walked one by one."""
    n = 0
    while a < b:
        a, n = next_start(a, unit), n + 1
    return n


def ref_sub_durations(frame: pl.DataFrame, unit: str, week_start: str, as_of: datetime):
    """(duration, churned) per customer: lost at the first k whose period starts at or after their end, if that
    period has begun by as_of; else censored at the as_of period."""
    return list(ref_sub_durations_by_customer(frame, unit, week_start, as_of).values())


def ref_sub_durations_by_customer(frame, unit, week_start, as_of) -> dict[str, tuple[int, bool]]:
    seen, customers = ref_subscribers(frame, as_of)
    # the state at a period's first instant is known up to the last instant the data covers
    now = period_start(seen.until - US if seen.date_only else seen.until, unit, week_start)
    out = {}
    for cid, (start, end, _) in customers.items():
        p, k = period_start(start, unit, week_start), 0
        while True:
            if end is not None and end <= p and p <= now:
                out[cid] = (k, True)
                break
            if p >= now:
                out[cid] = (k, False)
                break
            p, k = next_start(p, unit), k + 1
    return out


def ref_event_durations(frame: pl.DataFrame, unit: str, week_start: str, as_of: datetime, inactive: int):
    """(duration, churned) per customer: lost after ``inactive`` quiet periods that are over by as_of."""
    return list(ref_event_durations_by_customer(frame, unit, week_start, as_of, inactive).values())


def ref_event_durations_by_customer(frame, unit, week_start, as_of, inactive) -> dict[str, tuple[int, bool]]:
    seen, active, _, _ = ref_events(frame, unit, week_start, as_of)
    now = period_start(seen.until, unit, week_start)  # periods before this one are over (as far as the data goes)
    out = {}
    for cid, periods in active.items():
        first, last = min(periods), max(periods)
        quiet = steps(last, now, unit) - 1  # over periods after the last active one
        if quiet >= inactive:
            out[cid] = (steps(first, last, unit) + 1, True)
        else:
            # censored at the last k whose loss could be seen: period now − inactive, counted from the first
            out[cid] = (max(0, steps(first, now, unit) - inactive), False)
    return out


def check_against_lifelines(survival, durations):
    if not durations:
        assert survival is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifelines.KaplanMeierFitter().fit([d for d, _ in durations], [o for _, o in durations])
    table = ref.event_table
    assert [r.t for r in survival.rows] == table.index.astype(int).tolist()
    assert [r.at_risk for r in survival.rows] == table["at_risk"].tolist()
    assert [r.churned for r in survival.rows] == table["observed"].tolist()
    assert [r.censored for r in survival.rows] == table["censored"].tolist()
    np.testing.assert_allclose([r.survival for r in survival.rows], ref.survival_function_.iloc[:, 0] * 100,
                               rtol=0, atol=1e-7)
    ci = ref.confidence_interval_.fillna(1.0) * 100
    np.testing.assert_allclose([r.ci_lower for r in survival.rows], ci.iloc[:, 0], rtol=0, atol=1e-7)
    np.testing.assert_allclose([r.ci_upper for r in survival.rows], ci.iloc[:, 1], rtol=0, atol=1e-7)
    assert survival.customers == len(durations)
    assert len(survival.curve) == survival.rows[-1].t + 1 and survival.curve[0] == survival.rows[0].survival


@st.composite
def setups(draw, frames):
    unit = draw(st.sampled_from(UNITS))
    week_start = draw(st.sampled_from(["monday", "sunday"]))
    frame = draw(frames(unit))
    as_of = draw(instants(unit))
    return unit, week_start, frame, as_of


@given(setups(subscription_frames))
def test_subscription_survival_matches_the_reference(setup):
    unit, week_start, frame, as_of = setup
    got = survival_of(dataset("subscriptions", frame), PeriodSpec(unit, week_start), as_of)
    check_against_lifelines(got, ref_sub_durations(frame, unit, week_start, as_of))


@given(setups(event_frames), st.integers(1, 4))
def test_event_survival_matches_the_reference(setup, inactive):
    unit, week_start, frame, as_of = setup
    got = survival_of(dataset("events", frame), PeriodSpec(unit, week_start), as_of, inactive)
    check_against_lifelines(got, ref_event_durations(frame, unit, week_start, as_of, inactive))
    if got is not None:
        assert got.inactive == inactive and got.kind == "events"


def test_subscriptions_by_hand():
    frame = pl.DataFrame({
        "customer_id": ["a", "b", "c", "d", "d"],
        "start": [datetime(2024, 1, 5), datetime(2024, 1, 9), datetime(2024, 2, 1), datetime(2024, 1, 2),
                  datetime(2024, 3, 1)],
        "end": [datetime(2024, 2, 10), None, datetime(2024, 2, 20), datetime(2024, 1, 30), None],
    })
    got = survival_of(Dataset(kind="subscriptions", frame=frame, files=[], tz="UTC"), PeriodSpec("month"),
                      datetime(2024, 4, 15))
    # by customer (start month, last active month): a (Jan, Feb), b (Jan, open), c (Feb, Feb), d (Jan, open)
    # k=1: c is lost (1 of 4 at risk); k=2: a is lost (1 of 3); b and d censored at k=2: the data ends on
    # 2024-03-01 (a log of dates), so April says nothing, though as_of is 2024-04-15
    assert [(r.t, r.at_risk, r.churned, r.censored) for r in got.rows] == [(0, 4, 0, 0), (1, 4, 1, 0),
                                                                             (2, 3, 1, 2)]
    assert list(got.curve) == pytest.approx([100.0, 75.0, 50.0])
    assert got.median_lifetime == 2
    # Greenwood at k=1: V = 1/(4·3); log(−log) bounds of 0.75
    v, s = 1 / 12, 0.75
    half = 1.959963984540054 * math.sqrt(v) / math.log(s)
    assert got.rows[1].ci_lower == pytest.approx(100 * math.exp(-math.exp(math.log(-math.log(s)) - half)))
    assert got.rows[1].ci_upper == pytest.approx(100 * math.exp(-math.exp(math.log(-math.log(s)) + half)))
    with pytest.raises(ValueError, match="subscriptions or events"):
        survival_of(Dataset(kind="nps", frame=frame, files=[], tz="UTC"), PeriodSpec("month"), datetime(2024, 4, 1))


def test_events_by_hand():
    # as of 2024-06-10: January..May are over. x: Jan, Feb → quiet Mar, Apr, May (3) → lost at k = 2;
    # y: Jan, Apr → quiet May only → censored at k = (Jun − 3) − Jan = 2; z: Jun only → censored at 0.
    frame = pl.DataFrame({"customer_id": ["x", "x", "y", "y", "z"],
                          "ts": [datetime(2024, 1, 3), datetime(2024, 2, 3), datetime(2024, 1, 9),
                                 datetime(2024, 4, 9), datetime(2024, 6, 1)]})
    got = survival_of(Dataset(kind="events", frame=frame, files=[], tz="UTC"), PeriodSpec("month"),
                      datetime(2024, 6, 10), inactive=3)
    assert [(r.t, r.at_risk, r.churned, r.censored) for r in got.rows] == [(0, 3, 0, 1), (2, 2, 1, 1)]
    assert got.curve == pytest.approx((100.0, 100.0, 50.0))
    assert "3 months without an event" in got.rule
    # with inactive = 4 nobody is lost yet
    assert survival_of(Dataset(kind="events", frame=frame, files=[], tz="UTC"), PeriodSpec("month"),
                       datetime(2024, 6, 10), inactive=4).rows[-1].churned == 0


def test_the_report_carries_survival_in_json_and_table():
    rep = analyze(load(sample_paths()).datasets, AnalysisOptions())
    data = json.loads(report_json(rep))
    assert data["survival_kind"] == "subscriptions" and data["inactive"] == 3
    assert set(data["survival"][0]) == {"t", "at_risk", "churned", "censored", "survival", "ci_lower", "ci_upper"}
    assert data["survival"][0]["survival"] == 100.0  # percent, like every percentage of the report
    assert all(r["ci_lower"] <= r["survival"] <= r["ci_upper"] for r in data["survival"])
    assert data["median_lifetime"] == rep.survival.median_lifetime
    assert data["median_lifetime_ci"] == list(rep.survival.median_lifetime_ci)
    table = survival_table(rep)
    assert table.headers == ["t", "at_risk", "churned", "censored", "survival", "ci_lower", "ci_upper"]
    assert table.rows[3][4] == rep.survival.rows[3].survival


def test_events_only_survival_uses_the_inactive_option():
    events = load([p for p in sample_paths() if p.endswith("events.csv")]).datasets
    one = analyze(events, AnalysisOptions(inactive=1)).survival
    six = analyze(events, AnalysisOptions(inactive=6)).survival
    assert one.kind == six.kind == "events"
    # a longer quiet window means fewer customers count as lost so far
    assert sum(r.churned for r in six.rows) < sum(r.churned for r in one.rows)
    with pytest.raises(ValueError, match="inactive"):
        AnalysisOptions(inactive=0)


def test_validate_does_not_load_scipy():
    """Every command imports workbench.metrics (its options); scipy (about a second) loads only when a
    statistic is computed."""
    import subprocess
    import sys

    code = "import sys, workbench.cli, workbench.metrics; print(any(m.startswith('scipy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
