"""The chart boxes of the app's tabs: given an Analysis, a period position and a cohort, each chart gets the
right metrics result and its marker sits on the current period (mapped to the chart's own x axis)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from workbench.io import load
from workbench.metrics import survival_of
from workbench.resources import sample_paths
from workbench.ui.charts import ChurnCharts, CltvCharts, FlowCharts, NpsCharts, RetentionCharts
from workbench.ui.charts.chart import Chart
from workbench.ui.model import ViewSettings, compute


@pytest.fixture(scope="module")
def analysis():
    loaded = load(sample_paths())
    result = compute(loaded, ViewSettings())
    return result, loaded


class BoxesApp(App[None]):
    def __init__(self, analysis, ascii: bool = False) -> None:
        super().__init__()
        self.start = analysis
        self.ascii_charts = ascii

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for box in (RetentionCharts, FlowCharts, ChurnCharts, NpsCharts, CltvCharts):
                yield box(classes="box")

    def on_mount(self) -> None:
        for box in self.query(".box"):
            box.analysis = self.start
            box.cohort = 1
            box.position = 3


def run(coro):
    return asyncio.run(coro)


def test_every_box_maps_the_current_period(analysis):
    result, _ = analysis

    async def scenario():
        app = BoxesApp(result)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            report = result.report
            for position in (3, 10, len(result.flow_rows) - 1):
                for box in app.query(".box"):
                    box.position = position
                await pilot.pause()
                label = result.flow_rows[position].period
                calendar = result.period_index[position]
                cohort = report.cohorts.rows[1]
                k = calendar - result.spec.index_of(cohort.start)
                retention = app.query_one(RetentionCharts).chart("retention")
                assert retention.data.triangle is report.cohorts
                assert (retention.current, retention.marker_index) == (1, k)
                assert app.query_one(FlowCharts).chart("flow").marker_index == position
                churn = app.query_one(ChurnCharts)
                assert churn.chart("churn").marker_index == position and churn.chart("churn").data is report.flow
                assert churn.chart("revenue").display == report.flow.has_revenue
                nps = app.query_one(NpsCharts)
                index = next(i for i, s in enumerate(report.nps.by_period) if s.label == label)
                assert nps.chart("nps").marker_index == index
                assert nps.chart("nps_distribution").data is report.nps.by_period[index]
                cltv = app.query_one(CltvCharts).chart("cltv")
                assert cltv.data is report.cltv
                assert report.cltv.cumulative[cltv.current].cohort == cohort.cohort
                assert cltv.marker_index == k
                await pilot.pause()
                for chart in app.query(Chart):
                    if chart.display and chart.content_size.height:
                        chart.plain()  # drawn (scrolled off screen ones too)
                        expected = None if chart.kind == "nps_distribution" else chart.marker_index
                        assert chart.spec.marker_x == expected, chart.kind
    run(scenario())


def test_kaplan_meier_shows_when_the_analysis_has_it(analysis):
    result, loaded = analysis
    km = survival_of(loaded.datasets["subscriptions"], result.spec, result.report.as_of).curve
    with_km = replace(result)
    assert with_km.km == km  # the report carries Kaplan-Meier of the subscriptions

    async def scenario():
        app = BoxesApp(with_km)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            chart = app.query_one(RetentionCharts).chart("retention")
            assert chart.data.km == km and chart.data.km_label == "KM subscriptions"
            chart.plain()
            assert "KM subscriptions" in chart.spec.labels()
    run(scenario())


def test_the_app_ascii_setting_reaches_every_chart(analysis):
    result, _ = analysis

    async def scenario():
        app = BoxesApp(result, ascii=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            charts = list(app.query(Chart))
            assert charts and all(chart.ascii for chart in charts)
            for chart in charts:
                if chart.content_size.height:
                    assert max(map(ord, chart.plain())) <= 127
    run(scenario())


def test_no_analysis_yet_is_not_a_crash():
    async def scenario():
        app = BoxesApp(None)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for chart in app.query(Chart):
                assert chart.data is None
    run(scenario())
