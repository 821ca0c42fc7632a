"""@ asks for the as-of date: the numbers are recomputed as of it (those of `workbench report --as-of`), the
place is kept, the status line says it, empty goes back to the data's end, a bad date changes nothing."""

from __future__ import annotations

from datetime import datetime

from app_support import ready, run_async
from rich.text import Text
from textual.widgets import Input

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.ui.app import RetentionApp
from workbench.ui.help_screen import HelpScreen
from workbench.ui.prompt_dialog import PromptDialog
from workbench.ui.views import parse_as_of

SIZE = (80, 24)


def status(app) -> str:
    content = app.query_one("#status").content
    return content.plain if isinstance(content, Text) else str(content)


async def type_as_of(app, pilot, text: str) -> None:
    await pilot.press("@")
    await pilot.pause()
    assert isinstance(app.screen, PromptDialog)
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await ready(app, pilot)


def warnings(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "warning"]


@run_async
async def test_at_recomputes_as_of_the_date_typed_and_keeps_the_place(files):
    as_of = datetime(2024, 7, 20)
    want = analyze(load(files, LoadOptions()).datasets, AnalysisOptions(period=PeriodSpec("month"), as_of=as_of))
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "(set)" not in status(app)
        await pilot.press("p", "p", "p", "p", "p")  # an earlier period: it stays the one on screen
        await ready(app, pilot)
        label = app.analysis.step_label(app.main.period)
        await type_as_of(app, pilot, "2024-07-20")
        report = app.analysis.report
        assert report.as_of == as_of and app.settings.as_of == as_of
        assert [(r.cohort, r.active, r.complete) for r in report.cohorts.rows] == \
            [(r.cohort, r.active, r.complete) for r in want.cohorts.rows]
        assert [r.revenue for r in report.revenue_cohorts.rows] == [r.revenue for r in want.revenue_cohorts.rows]
        assert app.analysis.step_label(app.main.period) == label
        assert "as of 2024-07-20 (set)" in status(app)
        await pilot.press("@")  # the prompt starts from the date set, to edit
        await pilot.pause()
        assert app.screen.query_one(Input).value == "2024-07-20"
        app.screen.query_one(Input).value = ""  # empty: the data's end again
        await pilot.press("enter")
        await ready(app, pilot)
        assert app.settings.as_of is None and "(set)" not in status(app)
        assert app.analysis.report.as_of > as_of


@run_async
async def test_a_bad_date_or_escape_changes_nothing(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        before = app.analysis
        await type_as_of(app, pilot, "last tuesday")
        assert app.analysis is before and app.settings.as_of is None
        assert any("'last tuesday' is not a date" in w for w in warnings(app))
        await type_as_of(app, pilot, "1999-01-01")  # before the data: nothing would be left to count
        assert app.analysis is before and app.settings.as_of is None
        assert any("The data starts on 2024-01-01" in w for w in warnings(app))
        await pilot.press("@", "escape")
        await ready(app, pilot)
        assert app.analysis is before and not isinstance(app.screen, PromptDialog)


@run_async
async def test_at_is_in_help_and_the_palette(files):
    from workbench.ui.commands import ActionCommands
    from workbench.ui.help_screen import binding_rows

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert any(keys == "@" and text.startswith("As of") for keys, text, _ in binding_rows(app.screen))
        assert any(name.lower().startswith("as of") for name, _, _ in ActionCommands(app.screen)._commands())
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert any(text.startswith("As of") for _, text, _ in app.screen.rows)


def test_parse_as_of():
    assert parse_as_of("") == (None, None)
    assert parse_as_of(" 2025-03-31 ") == (datetime(2025, 3, 31), None)
    assert parse_as_of("2025-03-31T12:00") == (datetime(2025, 3, 31, 12), None)
    assert parse_as_of("2025-03-31T12:00+02:00", "UTC") == (datetime(2025, 3, 31, 10), None)
    when, problem = parse_as_of("2025-13-01")
    assert when is None and "is not a date" in problem
    when, problem = parse_as_of("2020-01-01", starts=datetime(2024, 1, 1))
    assert when is None and "starts on 2024-01-01" in problem


@run_async
async def test_the_triangle_keeps_its_labels_after_an_as_of(files):
    from app_support import assert_every_line_labelled

    from workbench.ui.cohort_table import CohortTable

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for text in ("2024-03-10", "2024-09-01T06:00", ""):
            await type_as_of(app, pilot, text)
            assert_every_line_labelled(app.query_one(CohortTable), text)
