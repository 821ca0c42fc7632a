"""The analyst's session (issue 13): no crash after a failed or cancelled load, no invented periods, the
place kept across changes, and the moves analysts expect. Pilot tests against workbench.metrics."""

from __future__ import annotations

import shutil

import pytest
from app_support import assert_every_line_labelled, expected, ready, run_async
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


# ---------------------------------------------------------------- bug 5: granularity keeps your place


def current_label(app) -> str:
    return app.analysis.flow_rows[app.main.period].period


@run_async
async def test_month_week_month_comes_back_to_the_same_month(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p", "p", "p", "p")
        month = current_label(app)
        start = app.analysis.flow_rows[app.main.period].start
        await pilot.press("T")  # week
        await ready(app, pilot)
        week = app.analysis.flow_rows[app.main.period]
        assert week.start <= start < week.end  # the week holding the month's first day
        await pilot.press("t")  # month again
        await ready(app, pilot)
        assert current_label(app) == month


@run_async
async def test_after_a_granularity_change_the_cell_line_describes_the_cell_under_the_cursor(files):
    from workbench.ui.model import ViewSettings
    from workbench.ui.views import cell_info

    # the bundled sample: by day, the oldest cohorts are not shown (MAX_COHORTS), so no shown day cohort
    # reaches a week forty weeks back, and the cursor cannot follow
    app = RetentionApp([], settings=ViewSettings(unit="week"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*["p"] * 40)
        await pilot.press("T")  # day
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        cursor = table.cursor_coordinate
        cell = cell_info(app.analysis, table.triangle_row(cursor.row), cursor.column)
        assert app.analysis.spec.unit == "day"
        assert app.main.cell == cell
        assert f"Cell {cell.cohort} +{cell.k} ({cell.period})" in plain(app.query_one(FormulaPanel))


def test_the_empty_state_hint_names_the_key_that_goes_shorter():
    from workbench.ui.main_screen import MainScreen
    from workbench.ui.views import no_formula_note

    class One:  # an analysis whose data covers one period
        class report:  # noqa: N801
            flow = ()
            kinds = ("events",)

        class spec:  # noqa: N801
            noun = "year"

    note = no_formula_note(One)
    keys = {b.key: b.action for b in MainScreen.BINDINGS}
    shorter = [key for key, action in keys.items() if action == "prev_unit"]
    assert shorter and f"Press {shorter[0]} for a shorter period" in note


# ---------------------------------------------------------------- bug 6: NPS answers alone


@run_async
async def test_nps_alone_shows_the_current_period_and_n_p_step_it(files):
    from workbench.ui.nps_panel import NpsPanel

    report, _ = expected(["nps.csv"])
    periods = [s for s in report.nps.by_period]
    app = RetentionApp(["nps.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        panel = app.query_one(NpsPanel)

        def shown() -> str:
            return "\n".join(plain(s) for s in panel.query("Static"))

        last = periods[-1]
        assert f"Month {last.label}: NPS" in shown() or "No responses in the current month" not in shown()
        assert f"{last.responses:,} responses" in shown()
        before = periods[-2]
        await pilot.press("p")
        await pilot.pause()
        assert app.main.period == len(periods) - 2
        assert f"Month {before.label}" in shown() and f"{before.responses:,} responses" in shown()
        await pilot.press("n")
        await pilot.pause()
        assert app.main.period == len(periods) - 1


# ---------------------------------------------------------------- bug 9: exporting over a file asks first


@run_async
async def test_export_over_an_existing_file_asks_first_and_keeps_its_mode(files, tmp_path):
    import os

    from textual.widgets import Input

    target = tmp_path / "mine.csv"
    target.write_text("my own work\n")
    os.chmod(target, 0o640)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)

        async def export() -> None:
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.query_one(Input).value = str(target)
            await pilot.press("enter")
            await pilot.pause()

        await export()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert target.read_text() == "my own work\n"
        await pilot.press("escape")  # no: nothing written
        await pilot.pause()
        assert target.read_text() == "my own work\n" and type(app.screen).__name__ != "ConfirmDialog"
        await export()
        await pilot.press("n")
        await pilot.pause()
        assert target.read_text() == "my own work\n"
        await export()
        await pilot.press("y")
        await pilot.pause()
        assert target.read_text().startswith("cohort,")
        assert target.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- 80×24: help and dialogs


@run_async
async def test_help_wraps_its_lines_and_j_down_scroll_it(files):
    from textual.widgets import Footer

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("j")
        await pilot.pause()
        assert scroll.scroll_y == 1
        await pilot.press("down", "down")
        await pilot.pause()
        assert scroll.scroll_y == 3
        # no line cut at the edge: at the width it is given, every description is there whole (wrapped)
        from rich.console import Console

        from workbench.ui.help_screen import help_text

        console = Console(width=scroll.size.width, record=True, file=__import__("io").StringIO())
        console.print(help_text(app.screen.rows, "about"))
        lines = console.export_text().splitlines()
        assert max(len(line) for line in lines) <= scroll.size.width
        flat = " ".join(" ".join(line.split()) for line in lines)
        for _, text, _ in app.screen.rows:
            for word in text.split():
                assert word in flat
        # the footer shows the dialog's own keys, not the main screen's
        footer_keys = {k.key for k in app.screen.query_one(Footer).query("FooterKey")}
        assert "escape" in footer_keys and "n" not in footer_keys


@run_async
async def test_dialogs_show_their_own_keys_in_the_footer(files):
    from textual.widgets import Footer

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("g", "enter")
        await ready(app, pilot)
        keys = {k.key for k in app.screen.query_one(Footer).query("FooterKey")}
        assert {"escape", "c", "ctrl+s"} <= keys and "n" not in keys and "space" not in keys
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        keys = {k.key for k in app.screen.query_one(Footer).query("FooterKey")}
        assert "escape" in keys and "n" not in keys


# ---------------------------------------------------------------- 80×24: the current row of Churn and CLTV


def _marked_line_visible(panel, static_id: str) -> bool:
    static = panel.query_one(static_id)
    lines = plain(static).splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("▶"))
    top = static.virtual_region.y + line
    return panel.scroll_y <= top < panel.scroll_y + panel.scrollable_content_region.height


@run_async
async def test_churn_and_cltv_current_rows_follow_n_p_and_stay_on_screen(files):
    from workbench.ui.churn_panel import ChurnPanel
    from workbench.ui.cltv_panel import CltvPanel

    app = RetentionApp([])  # the bundled sample: 23 months, far more rows than fit at 80×24
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for tab, panel_type, static_id in (("3", ChurnPanel, "#churn-history"), ("5", CltvPanel, "#cltv-history")):
            await pilot.press(tab)
            await pilot.pause()
            panel = app.query_one(panel_type)
            await pilot.pause()
            assert _marked_line_visible(panel, static_id)
            await pilot.press("p", "p", "p")
            await pilot.pause()
            await pilot.pause()
            label = app.analysis.flow_rows[app.main.period].period
            marked = next(t for t in plain(panel.query_one(static_id)).splitlines() if t.startswith("▶"))
            assert label in marked
            assert _marked_line_visible(panel, static_id)


@run_async
async def test_cltv_formula_is_written_once(files):
    from workbench.ui.cltv_panel import CltvPanel

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("5")
        await pilot.pause()
        text = plain(app.query_one(CltvPanel).query_one("#cltv-formula"))
        assert text.count("CLTV =") == 1


# ---------------------------------------------------------------- 80×24: the Data tab tells files apart


@run_async
async def test_data_tab_shows_the_part_of_each_path_that_tells_them_apart(tmp_path, monkeypatch):
    from app_support import write_sample

    deep = tmp_path / "a-rather-long-folder-name" / "exports-from-the-warehouse" / "2026-11-29"
    deep.mkdir(parents=True)
    names = write_sample(deep)
    app = RetentionApp([str(deep / name) for name in names])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("6")
        await pilot.pause()
        table = app.query_one("#data-files")
        shown = [table.get_row_at(r)[0].plain for r in range(table.row_count)]
        assert shown == names  # distinct, and whole
        width = table.columns[table.ordered_columns[0].key].get_render_width(table)
        assert width <= 40  # the other columns are on screen too
        assert "2026-11-29" in plain(app.query_one("#data-folder"))


# ---------------------------------------------------------------- moves: go to, granularity, week start, copy


@run_async
async def test_colon_goes_to_a_typed_period_or_date(files):
    from textual.widgets import Input

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for key, typed, label in (("colon", "2024-05", "2024-05"), ("slash", "2024-03-17", "2024-03")):
            await pilot.press(key)
            await pilot.pause()
            app.screen.query_one(Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert current_label(app) == label
            cell = app.main.cell
            assert cell is not None and cell.period == label  # the cursor followed
        before = app.main.period
        await pilot.press("colon")
        await pilot.pause()
        app.screen.query_one(Input).value = "2031-01"
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.period == before and app.is_running


@pytest.mark.parametrize(("key", "unit"), [("D", "day"), ("W", "week"), ("Q", "quarter"), ("Y", "year")])
@run_async
async def test_granularity_keys_choose_it_directly(files, key, unit):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(key)
        await ready(app, pilot)
        assert app.analysis.spec.unit == unit
        await pilot.press("M")
        await ready(app, pilot)
        assert app.analysis.spec.unit == "month"


@run_async
async def test_w_switches_the_week_start(files):
    from workbench.ui.model import ViewSettings

    report, _ = expected(files, unit="week")
    app = RetentionApp(files, settings=ViewSettings(unit="week"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("w")
        await ready(app, pilot)
        assert app.analysis.spec.week_start == "sunday"
        assert all(r.start.weekday() == 6 for r in app.analysis.flow_rows)
        await pilot.press("w")
        await ready(app, pilot)
        assert app.analysis.report.flow == report.flow


@run_async
async def test_y_copies_the_cell_under_the_cursor(files):
    from workbench.ui.views import cell_text

    app = RetentionApp(files)
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("g", "y")
        await pilot.pause()
        assert copied == [cell_text(app.main.cell)]
        assert copied[0].startswith(f"Cohort {app.main.cell.cohort} +")
        await pilot.press("2", "y")
        await pilot.pause()
        assert "CRR = ((CE − CN) / CS) × 100" in copied[-1]


@pytest.mark.parametrize("words", ["go to period", "by week", "weeks start", "copy"])
@run_async
async def test_the_palette_offers_the_new_moves(files, words):
    from workbench.ui.commands import ActionCommands

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        provider = ActionCommands(app.screen)
        names = [name.lower() for name, _, _ in provider._commands()]
        assert any(words in name for name in names)
        help_rows = [text.lower() for _, text, _ in __import__("workbench.ui.help_screen", fromlist=["x"])
                     .binding_rows(app.screen)]
        assert any(words in text for text in help_rows)


# ---------------------------------------------------------------- bug 4: Home/End tell the panels


@pytest.mark.parametrize("keys", [("home",), ("end",), ("g", "end"), ("ctrl+home",), ("ctrl+end",), ("g", "home")])
@run_async
async def test_home_and_end_move_to_a_cell_and_tell_the_panels(files, keys):
    from workbench.ui.customers_screen import CustomersScreen
    from workbench.ui.views import cell_info

    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p", "p", *keys)
        await pilot.pause()
        table = app.query_one(CohortTable)
        cursor = table.cursor_coordinate
        cell = cell_info(app.analysis, table.triangle_row(cursor.row), cursor.column)
        if table.triangle_row(cursor.row) is not None:
            assert cell is not None  # never an empty column past the triangle's edge
            assert app.main.cell == cell
            assert f"Cell {cell.cohort} +{cell.k} ({cell.period})" in plain(app.query_one(FormulaPanel))
            if cell.period in [r.period for r in app.analysis.flow_rows]:  # the first period has no formula
                assert current_label(app) == cell.period  # the current period followed the cell
            await pilot.press("enter")
            await ready(app, pilot)
            assert isinstance(app.screen, CustomersScreen)
            assert f"Cohort {cell.cohort}, +{cell.k}" in plain(app.screen.query_one("#customers-title"))


# ---------------------------------------------------------------- 80×24: the triangle opens on its first periods


@pytest.mark.parametrize("bundled", [True, False])
@run_async
async def test_the_triangle_opens_with_its_first_periods_in_view(files, bundled):
    # the bundled sample: 24 months, far wider than 80 columns; the small one: no cohort in the last month
    app = RetentionApp([] if bundled else files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        assert table.scroll_x == 0  # +0 is on screen, not +15 … +23
        cursor = table.cursor_coordinate
        assert table.triangle_row(cursor.row) == len(table.triangle.rows) - 1  # the newest cohort
        assert current_label(app) == app.analysis.flow_rows[-1].period  # still the latest period


# ---------------------------------------------------------------- bug 8: a triangle without its cohort labels


@run_async
async def test_every_drawn_triangle_line_starts_with_its_cohort_label(files):
    """The labels were the old DataTable's row-label column, sized by Textual at the next layout: drawn before
    it, a triangle had no labels. The line-API triangle draws each label in the same line as its cells; this
    checks every line on screen after each change that rebuilds the triangle."""
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for keys in ((), ("c",), ("u",), ("T",), ("t",), ("ctrl+r",), ("W",), ("M",)):
            await pilot.press(*keys)
            await ready(app, pilot)
            assert_every_line_labelled(app.query_one(CohortTable), keys)
