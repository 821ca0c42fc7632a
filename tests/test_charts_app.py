"""The charts inside the app: they follow n/p and the table's cohort, in every tab, and ASCII mode reaches
them all. (Layout and first-screen checks are the app's own tests.)"""

from __future__ import annotations

from app_support import expected, ready, run_async

from workbench.ui.app import RetentionApp
from workbench.ui.charts import ChartBox, ChurnCharts, CltvCharts, FlowCharts, NpsCharts, RetentionCharts
from workbench.ui.charts.chart import Chart

WIDE = (160, 48)  # the app shows the retention chart beside the formula from its "-wide" breakpoint


def marker_column(text: str) -> int | None:
    """The screen column of the vertical marker: the column with the most '|' inside the frame."""
    counts: dict[int, int] = {}
    for line in text.split("\n"):
        bars = [i for i, ch in enumerate(line) if ch in "|│"]
        for i in bars[1:-1]:
            counts[i] = counts.get(i, 0) + 1
    return max(counts, key=counts.get) if counts else None


@run_async
async def test_charts_follow_the_period_with_n_and_p(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert len(list(app.query(ChartBox))) == 1  # the Cohorts tab's; the others' when their tab is shown
        retention = app.query_one(RetentionCharts).chart("retention")
        assert retention.data.triangle == report.cohorts
        last = len(report.flow.rows) - 1
        assert app.main.period == last
        columns = [marker_column(retention.plain())]
        for expected_period in (last - 1, last - 2):
            await pilot.press("p")
            await ready(app, pilot)
            assert app.main.period == expected_period
            row = report.cohorts.rows[retention.current]
            k = app.analysis.period_index[app.main.period] - report.cohorts.period.index_of(row.start)
            assert retention.marker_index == (k if k >= 0 else None)
            assert retention.spec.marker_x == retention.marker_index
            columns.append(marker_column(retention.plain()))
        assert columns[0] > columns[1] > columns[2]  # the marker moved left on screen, one period a step

        await pilot.press("2")  # the Flow tab
        await ready(app, pilot)
        flow = app.query_one(FlowCharts).chart("flow")
        assert flow.marker_index == app.main.period == last - 2
        await pilot.press("n")
        await ready(app, pilot)
        assert flow.marker_index == last - 1 and flow.spec.marker_x == last - 1

        await pilot.press("3")
        await ready(app, pilot)
        churn = app.query_one(ChurnCharts).chart("churn")
        assert churn.marker_index == last - 1 and churn.data is app.analysis.report.flow

        await pilot.press("4")
        await ready(app, pilot)
        nps = app.query_one(NpsCharts).chart("nps")
        label = report.flow.rows[last - 1].period
        if nps.marker_index is not None:
            assert app.analysis.report.nps.by_period[nps.marker_index].label == label
        else:
            assert all(s.label != label for s in app.analysis.report.nps.by_period)

        await pilot.press("5")
        await ready(app, pilot)
        cltv = app.query_one(CltvCharts).chart("cltv")
        assert cltv.data is app.analysis.report.cltv
        assert len(list(app.query(ChartBox))) == 5  # one per tab shown so far (1 to 5)


@run_async
async def test_ascii_app_setting_reaches_every_chart(files):
    app = RetentionApp(files, ascii_charts=True)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        for tab in "12345":
            await pilot.press(tab)
            await ready(app, pilot)
            shown = [c for c in app.query(Chart) if c.content_size.height and c.region.height]
            for chart in shown:
                assert chart.ascii
                assert max(map(ord, chart.plain())) <= 127


@run_async
async def test_a_toggles_ascii_charts_both_ways(files):
    app = RetentionApp(files)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("2")
        await ready(app, pilot)
        shown = [c for c in app.query(Chart) if c.content_size.height and c.region.height]
        assert shown and all(max(map(ord, c.plain())) > 127 for c in shown)  # braille and box characters
        await pilot.press("a")
        await ready(app, pilot)
        assert app.ascii_charts
        assert all(c.ascii and max(map(ord, c.plain())) <= 127 for c in shown)
        await pilot.press("a")
        await ready(app, pilot)
        assert not app.ascii_charts
        assert all(not c.ascii and max(map(ord, c.plain())) > 127 for c in shown)


@run_async
async def test_v_shows_the_retention_curves_under_the_triangle_at_80x24(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        box = app.query_one(RetentionCharts)
        formula = app.query_one("#formula")
        assert formula.region.height and not box.region.height  # the formula under the triangle by default
        await pilot.press("3", "v")  # from another tab: v brings the Cohorts tab back with the curves
        await ready(app, pilot)
        assert app.main.tabs.active == "cohorts"
        assert box.region.height >= 8 and not formula.region.height
        chart = box.chart("retention")
        assert chart.data.triangle == report.cohorts
        assert chart.current == app.main.table.triangle_row(app.main.table.cursor_coordinate.row)
        before = chart.marker_index
        await pilot.press("p")
        await ready(app, pilot)
        assert chart.marker_index == before - 1 and chart.spec.marker_x == chart.marker_index
        await pilot.press("j")  # the next cohort's curve becomes the bold one
        await ready(app, pilot)
        assert chart.current == app.main.table.triangle_row(app.main.table.cursor_coordinate.row)
        await pilot.press("v")
        await ready(app, pilot)
        assert formula.region.height and not box.region.height
