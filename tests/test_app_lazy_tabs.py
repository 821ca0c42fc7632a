"""Pilot tests of the tabs whose widgets are made when first shown (workbench.ui.tab_pane): at the start only
the Cohorts tab's exist; a tab opened later (by a key, a click, during a load or after a failed one) shows
what it would have shown had it been there from the start."""

from __future__ import annotations

from app_support import expected, ready, run_async
from rich.text import Text
from test_app_loading import held_duplicates, until

from workbench.ui.app import RetentionApp
from workbench.ui.charts import ChartBox, FlowCharts
from workbench.ui.churn_panel import ChurnPanel
from workbench.ui.data_panel import DataPanel
from workbench.ui.flow_view import FlowView

SIZE = (100, 30)


def panel_text(panel) -> str:
    texts = (static.content for static in panel.query("Static"))
    return "\n".join(t.plain if isinstance(t, Text) else str(t) for t in texts)


@run_async
async def test_only_the_first_tab_is_made_at_the_start_and_a_click_makes_another(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert not app.query(FlowView) and not app.query(DataPanel) and len(app.query(ChartBox)) == 1
        await pilot.press("p", "p")
        await pilot.click("#--content-tab-flow")  # the tab's label, with the mouse
        await ready(app, pilot)
        assert app.main.tabs.active == "flow"
        flow = app.query_one(FlowView)
        position = len(report.flow.rows) - 3
        assert app.main.period == position and flow.row_count == len(report.flow.rows)
        assert flow.cursor_row == position
        assert app.query_one(FlowCharts).chart("flow").marker_index == position
        await pilot.press("n")  # made late, it follows the period like the others
        assert flow.cursor_row == position + 1


@run_async
async def test_a_tab_opened_after_a_failed_load_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    app = RetentionApp(["bad.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("escape", "3")  # the problems dialog, then the Churn tab, made now
        assert "No file could be used" in panel_text(app.query_one(ChurnPanel))
        await pilot.press("6")
        assert app.query_one("#data-files").row_count == 1


@run_async
async def test_a_tab_opened_during_a_load_shows_the_numbers_when_it_ends(files, monkeypatch):
    report, _ = expected(files)
    gate = held_duplicates(monkeypatch)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(gate.reached)
            await pilot.press("2")
            assert app.query_one(FlowView).row_count == 0
        finally:
            gate.opened.set()
        await ready(app, pilot)
        flow = app.query_one(FlowView)
        assert flow.row_count == len(report.flow.rows) and flow.cursor_row == len(report.flow.rows) - 1
