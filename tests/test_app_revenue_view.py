"""The revenue views of the triangle (c: revenue, revenue retention %): the numbers are the report's, the cell
line says what a revenue cell is, the cycle skips them without revenue, ctrl+s exports what is shown."""

from __future__ import annotations

from pathlib import Path

from app_support import assert_every_line_labelled, expected, ready, run_async
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import Input

from workbench.ui.app import RetentionApp
from workbench.ui.cohort_table import CohortTable
from workbench.ui.formula_panel import FormulaPanel

SIZE = (80, 24)


def plain(widget) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


@run_async
async def test_a_revenue_cell_is_described_in_words(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("c", "c")  # revenue
        await pilot.press("g", "h", "h", "h", "h", "h", "h", "l")  # the oldest cohort, +1 (h past +0 stays there)
        table = app.query_one(CohortTable)
        assert table.cursor_coordinate == Coordinate(0, 1)
        paid = report.revenue_cohorts.rows[0]
        words = (f"revenue {paid.revenue[1]:,.2f} paid by the cohort's customers ({paid.size:,} in the cohort) = "
                 f"{paid.retention[1]:.1f} % of its revenue at +0 ({paid.revenue[0]:,.2f})")
        assert f"Cell {paid.cohort} +1" in plain(app.query_one(FormulaPanel))
        assert words in plain(app.query_one(FormulaPanel))
        assert "% of +0 revenue" in plain(app.query_one("#legend"))
        await pilot.press("y")
        assert app.clipboard.startswith(f"Cohort {paid.cohort} +1 months") and words in app.clipboard
        await pilot.press("c")  # revenue % says the same in words; back to percent: active / size again
        assert words in plain(app.query_one(FormulaPanel))
        await pilot.press("c")
        assert "active /" in plain(app.query_one(FormulaPanel))
        assert "% of +0 revenue" not in plain(app.query_one("#legend"))


@run_async
async def test_without_revenue_c_cycles_percent_and_counts_and_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = ["customer_id,timestamp"] + [f"c{i},2024-0{1 + i % 4}-10T10:00:00" for i in range(20)]
    (tmp_path / "events.csv").write_text("\n".join(rows) + "\n")
    app = RetentionApp(["events.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.analysis.report.revenue_cohorts is None
        await pilot.press("c")
        assert "counts" in plain(app.query_one("#status"))
        await pilot.press("c")
        await pilot.pause()
        assert "percent" in plain(app.query_one("#status"))
        assert any("No revenue in this data" in str(n.message) for n in app._notifications)


@run_async
async def test_ctrl_s_exports_the_revenue_view(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("c", "c", "ctrl+s")
        await pilot.pause()
        assert app.screen.query_one(Input).value.endswith("revenue-cohorts-month-money.csv")
        await pilot.press("enter")
        await pilot.pause()
        text = (Path.cwd() / "revenue-cohorts-month-money.csv").read_text()
        first = report.revenue_cohorts.rows[0]
        assert f"{first.cohort},{first.size}," in text


@run_async
async def test_revenue_views_keep_the_labels_through_resizes_and_rebuilds(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.resize_terminal(120, 40)  # while loading
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        for keys, size in ((("c", "c"), (80, 24)), (("W",), (120, 40)), (("c",), (80, 24)), (("l", "l", "l"), None),
                           (("M", "c"), (100, 30))):
            await pilot.press(*keys)
            if size:
                await pilot.resize_terminal(*size)
            await ready(app, pilot)
            assert_every_line_labelled(table, keys)
