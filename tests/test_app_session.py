"""The analyst's session (issue 13): no crash after a failed or cancelled load, no invented periods, the
place kept across changes, and the moves analysts expect. Pilot tests against workbench.metrics."""

from __future__ import annotations

import shutil

from app_support import expected, ready, run_async
from rich.text import Text

from workbench.ui.app import RetentionApp
from workbench.ui.cohort_table import CohortTable
from workbench.ui.formula_panel import FormulaPanel
from workbench.ui.problems_screen import ProblemsScreen

SIZE = (80, 24)


def plain(widget) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


# ---------------------------------------------------------------- bug 1: a failed or cancelled load


@run_async
async def test_enter_after_a_failed_reload_does_not_crash_and_says_why(files, tmp_path):
    app = RetentionApp(["events.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shutil.move(tmp_path / "events.csv", tmp_path / "moved.csv")
        await pilot.press("ctrl+r")
        await ready(app, pilot)
        if isinstance(app.screen, ProblemsScreen):
            await pilot.press("escape")
        await pilot.press("enter")
        await ready(app, pilot)
        assert app.is_running and app.return_code in (None, 0)
        # the screen says what happened, and the old triangle cannot be stepped
        assert app.query_one(CohortTable).triangle is None
        assert "events.csv" in plain(app.query_one(FormulaPanel))
        assert "Loading" not in plain(app.query_one(FormulaPanel))
        assert app.main.check_action("next_period", ()) is None


@run_async
async def test_escape_during_the_first_load_says_it_was_cancelled(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = plain(app.query_one(FormulaPanel))
        assert "Loading…" not in text and "cancelled" in text
        assert app.query_one("#loading").display is False


@run_async
async def test_escape_during_a_reload_keeps_the_loaded_data_coherent(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+r", "escape")
        await ready(app, pilot)
        assert app.query_one(CohortTable).triangle == report.cohorts
        assert "Loading…" not in plain(app.query_one(FormulaPanel))
        await pilot.press("g", "enter")
        await ready(app, pilot)
        assert app.is_running and app.return_code in (None, 0)
