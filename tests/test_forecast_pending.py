"""The first screen does not wait for the sBG fit: ``analyze(forecast=False)`` leaves the forecast pending, and
the app fills it in from a second worker without moving the analyst's place."""

from __future__ import annotations

from app_support import expected, ready, run_async
from rich.text import Text

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, analyze
from workbench.present import report_json
from workbench.ui.app import RetentionApp
from workbench.ui.cltv_panel import CltvPanel
from workbench.ui.model import ViewSettings, compute


def test_a_pending_forecast_is_the_full_reports_once_filled_in(files):
    datasets = load(files, LoadOptions()).datasets
    cache: dict = {}
    first = analyze(datasets, AnalysisOptions(), cache=cache, forecast=False)
    assert first.forecast_pending and first.forecast is None and first.cltv_compared is None
    assert first.survival is not None  # the curve under the triangle is not deferred
    assert not any("no forecast" in note for note in first.notes)  # pending is not "no customer churned"
    full = analyze(datasets, AnalysisOptions(), cache=cache)
    assert not full.forecast_pending and full.forecast is not None
    fresh = analyze(datasets, AnalysisOptions())
    assert report_json(full) == report_json(fresh)  # the cache changed nothing
    assert first.cohorts == full.cohorts and first.flow == full.flow and first.survival == full.survival


def test_the_app_models_first_analysis_leaves_the_forecast_pending(files):
    result = load(files, LoadOptions())
    assert compute(result, ViewSettings()).report.forecast_pending
    assert compute(result, ViewSettings(), forecast=True).report.forecast is not None


def _text(panel) -> str:
    return "\n".join(s.content.plain if isinstance(s.content, Text) else str(s.content) for s in panel.query("Static"))


@run_async
async def test_the_app_fills_the_forecast_in_after_the_first_screen(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert not app.analysis.report.forecast_pending
        assert app.analysis.report.forecast == report.forecast
        await pilot.press("5")  # CLTV
        await pilot.pause()
        text = _text(app.query_one(CltvPanel))
        assert "sBG lifetime" in text and "fitting" not in text


@run_async
async def test_a_forecast_for_an_analysis_no_longer_on_screen_is_dropped(files):
    app = RetentionApp(files)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        shown = app.analysis
        stale = compute(app.load_result, ViewSettings(unit="week"), forecast=True)
        pending = compute(app.load_result, ViewSettings(unit="week"))
        app.main.complete_analysis(pending, stale)  # pending is not what the screen shows
        assert app.analysis is shown
