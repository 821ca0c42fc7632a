"""The app's model: one metrics computation per view setting, carrying what the charts need."""

from __future__ import annotations

from workbench.io import load
from workbench.metrics import survival_of
from workbench.resources import sample_paths
from workbench.ui.model import ViewSettings, compute


def test_kaplan_meier_comes_with_the_analysis_when_subscriptions_are_loaded():
    result = load(sample_paths())
    analysis = compute(result, ViewSettings(unit="quarter"))
    expected = survival_of(result.datasets["subscriptions"], analysis.spec, analysis.report.as_of).curve
    assert analysis.km == expected and analysis.km[0] == 100.0


def test_kaplan_meier_of_events_without_subscriptions():
    result = load([p for p in sample_paths() if p.endswith("events.csv")])
    analysis = compute(result, ViewSettings(inactive=2))
    expected = survival_of(result.datasets["events"], analysis.spec, analysis.report.as_of, inactive=2)
    assert analysis.report.survival.kind == "events" and analysis.km == expected.curve


def test_no_kaplan_meier_with_nps_only():
    result = load([p for p in sample_paths() if p.endswith("nps.csv")])
    assert compute(result, ViewSettings()).km is None
