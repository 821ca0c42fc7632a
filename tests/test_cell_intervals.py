"""Wilson intervals on every cell of the triangle: against statsmodels (the reference) on random data, in the
JSON, and in the app's cell line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from app_support import expected, ready, run_async
from hypothesis import given
from references import dataset, event_frames, subscription_frames
from rich.text import Text
from test_metrics_properties import options, setups

from workbench.metrics import cohort_triangle
from workbench.present import report_json
from workbench.ui.app import RetentionApp
from workbench.ui.formula_panel import FormulaPanel

statsmodels = pytest.importorskip("statsmodels.stats.proportion")


def check(triangle):
    for row in triangle.rows:
        lower, upper = statsmodels.proportion_confint(np.array(row.active), row.size, method="wilson")
        np.testing.assert_allclose(row.ci_lower, lower * 100, rtol=0, atol=1e-9)
        np.testing.assert_allclose(row.ci_upper, upper * 100, rtol=0, atol=1e-9)
        assert row.too_wide == tuple(bool(hi - lo > 0.30) for lo, hi in zip(lower, upper, strict=True))
        assert all(lo - 1e-9 <= r <= hi + 1e-9 for lo, r, hi in zip(row.ci_lower, row.retention, row.ci_upper,
                                                                   strict=True))


@given(setups(event_frames))
def test_event_cells_match_statsmodels(setup):
    unit, week_start, frame, as_of = setup
    check(cohort_triangle(dataset("events", frame), options(unit, week_start, as_of)))


@given(setups(subscription_frames))
def test_subscription_cells_match_statsmodels(setup):
    unit, week_start, frame, as_of = setup
    check(cohort_triangle(dataset("subscriptions", frame), options(unit, week_start, as_of)))


def test_hand_checked_interval():
    # 1 of 10: Wilson 95% is 1.79% to 40.4% — 38.6 points wide, too wide to say anything
    from workbench.metrics.cohorts import CohortRow

    row = CohortRow("2024-01", None, 10, (10, 1), (100.0, 10.0), (True, True))
    assert row.ci_lower[1] == pytest.approx(1.7875, abs=1e-3) and row.ci_upper[1] == pytest.approx(40.42, abs=1e-2)
    assert row.too_wide == (False, True)  # 10 of 10: 72.2% to 100%, 27.8 points: narrow enough


def test_json_has_the_intervals(files):
    report, _ = expected(files)
    data = json.loads(report_json(report))
    first = data["cohorts"][0]
    assert first["ci_lower"] == list(report.cohorts.rows[0].ci_lower)
    assert first["too_wide"] == list(report.cohorts.rows[0].too_wide)


@run_async
async def test_the_cell_line_says_the_interval_or_too_few(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        panel = app.query_one(FormulaPanel)
        text = panel.content.plain if isinstance(panel.content, Text) else str(panel.content)
        line = text[text.index("Cell "):]
        cohort = next(r for r in report.cohorts.rows if line.startswith(f"Cell {r.cohort} "))
        k = int(line.split("+", 1)[1].split(" ", 1)[0])
        assert f"95% {cohort.ci_lower[k]:.1f}–{cohort.ci_upper[k]:.1f}" in line
        assert ("too few customers to say" in line) == cohort.too_wide[k]
