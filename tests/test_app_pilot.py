"""Pilot tests of the app: every binding and panel, the numbers on screen checked against workbench.metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import EVIL_IDS, expected, ready, run_async, write_evil, write_sample
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import Input, TabbedContent

from workbench.io import LoadOptions
from workbench.metrics import AnalysisOptions, PeriodSpec, customers_behind_cell
from workbench.present.table import EMPTY
from workbench.ui import main_screen as app_module
from workbench.ui.app import RetentionApp
from workbench.ui.churn_panel import ChurnPanel
from workbench.ui.cltv_panel import CltvPanel
from workbench.ui.cohort_table import CohortTable
from workbench.ui.customers_screen import CustomersScreen
from workbench.ui.data_panel import DataPanel
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import FormulaPanel
from workbench.ui.help_screen import HelpScreen
from workbench.ui.main_screen import MainScreen
from workbench.ui.model import ViewSettings
from workbench.ui.nps_panel import NpsPanel
from workbench.ui.problems_screen import ProblemsScreen

SIZE = (80, 24)


def plain(widget) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def panel_text(panel) -> str:
    return "\n".join(plain(static) for static in panel.query("Static"))


def formula_numbers(row) -> str:
    return f"(({row.CE:,} − {row.CN:,}) / {row.CS:,}) × 100 = {row.crr:.1f} %"


def footer_key(app: RetentionApp, key: str):
    return next(k for k in app.screen.query("FooterKey") if k.key == key)


# ---------------------------------------------------------------- the first screen


@run_async
async def test_first_screen_shows_triangle_and_formula_from_metrics(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        formula = plain(app.query_one(FormulaPanel))
        last = report.flow.rows[-1]
        assert "CRR = ((CE − CN) / CS) × 100" in formula
        assert formula_numbers(last) in formula
        assert f"{last.retained:,} of {last.CS:,} = {last.starting_retention:.1f} %" in formula
        assert "customers at the end" in formula and "new customers" in formula and "at the start" in formula
        if last.explanation:
            assert "Why they differ" in formula
        # rows = cohorts + the average row; every cell is the metrics' retention
        assert table.row_count == len(report.cohorts.rows) + 1
        for r, row in enumerate(report.cohorts.rows):
            assert table.row_label(r).plain.startswith(f"{row.cohort} ({row.size:,})")
            for k, value in enumerate(row.retention):
                cell = table.get_cell_at(Coordinate(r, k)).plain.strip()
                assert cell == f"{value:.1f}" + ("" if row.complete[k] else "~")
        average = [table.get_cell_at(Coordinate(len(report.cohorts.rows), k)).plain.strip()
                   for k in range(report.cohorts.width)]
        assert average == [EMPTY if v is None else f"{v:.1f}" for v in report.cohorts.average]
        # both halves of the product are on screen at 80x24
        for widget in (table, app.query_one(FormulaPanel)):
            assert widget.region.height >= 5
            assert widget.region.bottom <= SIZE[1] - 1
        assert app.first_screen_seconds is not None


@run_async
async def test_cell_under_cursor_numerator_denominator(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("g")  # first cohort, same column → its calendar period
        table = app.query_one(CohortTable)
        row = report.cohorts.rows[0]
        k = table.cursor_coordinate.column
        text = plain(app.query_one(FormulaPanel))
        assert f"Cell {row.cohort} +{k}" in text
        assert f"{row.active[k]:,} active / {row.size:,} in the cohort = {row.retention[k]:.1f} %" in text


# ---------------------------------------------------------------- stepping through periods


@run_async
async def test_n_and_p_step_the_period_and_dim_at_the_ends(files):
    report, _ = expected(files)
    rows = report.flow.rows
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("2", "1")  # the Flow tab's widgets are made when it is first shown: then hidden again
        assert app.main.period == len(rows) - 1
        assert app.main.check_action("next_period", ()) is None  # footer dims n at the end
        await pilot.pause()
        assert footer_key(app, "n").has_class("-disabled") and not footer_key(app, "p").has_class("-disabled")
        await pilot.press("p")
        assert app.main.period == len(rows) - 2
        assert formula_numbers(rows[-2]) in plain(app.query_one(FormulaPanel))
        assert app.query_one(CohortTable).current == report.cohorts.period.index_of(rows[-2].start)
        await pilot.press("n")
        assert formula_numbers(rows[-1]) in plain(app.query_one(FormulaPanel))
        for _ in range(len(rows) + 2):
            await pilot.press("p")
        assert app.main.period == 0
        assert app.main.check_action("prev_period", ()) is None  # footer dims p at the start
        await pilot.pause()
        assert footer_key(app, "p").has_class("-disabled") and not footer_key(app, "n").has_class("-disabled")
        assert app.main.check_action("next_period", ()) is True
        assert formula_numbers(rows[0]) in plain(app.query_one(FormulaPanel))
        # everything follows: the (hidden) flow table's cursor and the churn panel, made now at that period
        assert app.query_one(FlowView).cursor_row == 0
        await pilot.press("3")
        assert f"({rows[0].churned:,} / {rows[0].CS:,}) × 100" in panel_text(app.query_one(ChurnPanel))
        await pilot.press("n")  # a shown panel follows at once
        assert f"({rows[1].churned:,} / {rows[1].CS:,}) × 100" in panel_text(app.query_one(ChurnPanel))


@run_async
async def test_arrow_keys_and_hjkl_in_the_table_move_the_period(files):
    report, _ = expected(files)
    rows = report.flow.rows
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        start = app.main.period
        await pilot.press("left")
        assert app.main.period == start - 1
        await pilot.press("h")
        assert app.main.period == start - 2
        await pilot.press("right", "l")
        assert app.main.period == start
        table = app.query_one(CohortTable)
        before = table.cursor_coordinate
        await pilot.press("j")
        assert table.cursor_coordinate.row == before.row + 1
        await pilot.press("k")
        assert table.cursor_coordinate.row == before.row
        await pilot.press("down")
        assert table.cursor_coordinate.row == before.row + 1
        await pilot.press("down", "up")
        # the period shown is the calendar period of the cell under the cursor
        cohort = report.cohorts.rows[table.cursor_coordinate.row]
        calendar = report.cohorts.period.index_of(cohort.start) + table.cursor_coordinate.column
        assert rows[app.main.period].period == report.cohorts.period.label_of(calendar)


@run_async
async def test_scrollbar_thumb_follows_the_cursor_scroll(files):
    """The table scrolls to the current period as it is built; the thumb must show that scroll (a Textual
    race once drew it at 0 over a scrolled table, on slower machines only)."""
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        # the triangle opens on the newest cohort with +0 in view (issue 13): go to the oldest cohort's last
        # cell, off to the right at 80 columns, and reload, so the rebuilt table scrolls there as it is built
        await pilot.press("g", "end", "ctrl+r")
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        assert table.scroll_x > 0
        assert table.show_horizontal_scrollbar
        assert table.horizontal_scrollbar.position == table.scroll_x
        await pilot.press("home")
        await pilot.pause()
        assert table.horizontal_scrollbar.position == table.scroll_x


@run_async
async def test_g_and_G_go_to_first_and_last_row(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        await pilot.press("g")
        assert table.cursor_coordinate.row == 0
        await pilot.press("G")
        assert table.cursor_coordinate.row == len(report.cohorts.rows)  # the average row


@run_async
async def test_space_plays_and_stops(files, monkeypatch):
    monkeypatch.setattr(app_module, "PLAY_SECONDS", 0.25)
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("space")  # at the end: starts again from the first period
        assert app.main.playing
        assert "playing" in plain(app.query_one("#status"))
        for _ in range(50):
            await pilot.pause(0.1)
            if app.main.period > 0:
                break
        assert app.main.period > 0
        await pilot.press("space")
        assert not app.main.playing
        stopped = app.main.period
        await pilot.pause(0.5)
        assert app.main.period == stopped
        await pilot.press("space")
        for _ in range(100):
            await pilot.pause(0.1)
            if not app.main.playing:
                break
        assert not app.main.playing and app.main.period == len(report.flow.rows) - 1  # stops by itself at the end


# ---------------------------------------------------------------- toggles


@run_async
async def test_c_cycles_percent_counts_revenue_and_revenue_retention(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("c")
        table = app.query_one(CohortTable)
        row = report.cohorts.rows[0]
        assert [table.get_cell_at(Coordinate(0, k)).plain.strip().rstrip("~") for k in range(len(row.active))] \
            == [f"{v:,}" for v in row.active]
        assert "counts" in plain(app.query_one("#status"))
        await pilot.press("c")  # the cohort's revenue by k (the sample's cells run over 100: whole units)
        paid = report.revenue_cohorts.rows[0]
        assert [table.get_cell_at(Coordinate(0, k)).plain.strip().rstrip("~") for k in range(len(paid.revenue))] \
            == [f"{v:,.0f}" for v in paid.revenue]
        assert "revenue" in plain(app.query_one("#status"))
        await pilot.press("c")  # its share of the cohort's first period's revenue
        assert [table.get_cell_at(Coordinate(0, k)).plain.strip().rstrip("~") for k in range(len(paid.revenue))] \
            == [f"{v:.1f}" for v in paid.retention]
        assert "revenue %" in plain(app.query_one("#status"))
        await pilot.press("c")
        assert table.get_cell_at(Coordinate(0, 0)).plain.strip().rstrip("~") == f"{row.retention[0]:.1f}"
        assert "percent" in plain(app.query_one("#status"))


@run_async
async def test_u_toggles_unbounded_retention(files):
    unbounded, _ = expected(files, retention="unbounded")
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("u")
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        assert table.triangle.retention_mode == "unbounded"
        row = unbounded.cohorts.rows[0]
        assert [table.get_cell_at(Coordinate(0, k)).plain.strip().rstrip("~") for k in range(len(row.active))] \
            == [f"{v:.1f}" for v in row.retention]
        assert "unbounded" in plain(app.query_one("#status"))


@pytest.mark.parametrize(("keys", "unit"), [(["t"], "quarter"), (["t", "t"], "year"), (["t", "t", "t"], "day"),
                                            (["T"], "week")])
@run_async
async def test_t_cycles_granularity(files, keys, unit):
    report, _ = expected(files, unit=unit)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for key in keys:
            await pilot.press(key)
            await ready(app, pilot)
        assert app.analysis.spec.unit == unit
        assert app.query_one(CohortTable).triangle.period.unit == unit
        text = plain(app.query_one(FormulaPanel))
        if report.flow.rows:
            row = report.flow.rows[app.main.period]
            assert row.period in text
            if row.crr is not None:
                assert formula_numbers(row) in text
        else:
            assert "needs at least two" in text


# ---------------------------------------------------------------- tabs and panels


@run_async
async def test_number_keys_switch_tabs_and_escape_goes_back(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        tabs = app.query_one(TabbedContent)
        for key, tab in zip("2345671", ("flow", "churn", "nps", "cltv", "data", "survival", "cohorts"),
                            strict=True):
            await pilot.press(key)
            assert tabs.active == tab
        await pilot.press("4", "escape")
        assert tabs.active == "cohorts"


@run_async
async def test_flow_tab_shows_every_period_and_moving_in_it_moves_the_period(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        view = app.query_one(FlowView)
        assert view.row_count == len(report.flow.rows)
        for r, row in enumerate(report.flow.rows):
            cells = [c.plain for c in view.get_row_at(r)]
            assert cells[:6] == [row.period + ("" if row.complete else "~"), f"{row.CS:,}", f"{row.CN:,}",
                                 f"{row.CE:,}", f"{row.retained:,}", f"{row.churned:,}"]
            assert cells[6] == f"{row.crr:.1f}"
        assert view.has_focus
        await pilot.press("k")
        assert app.main.period == len(report.flow.rows) - 2
        await pilot.press("g")
        assert app.main.period == 0


@run_async
async def test_churn_panel_numbers(files):
    report, _ = expected(files)
    row = report.flow.rows[-1]
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        text = panel_text(app.query_one(ChurnPanel))
        assert f"Churn rate = (churned / CS) × 100 = ({row.churned:,} / {row.CS:,}) × 100 = {row.churn_rate:.1f} %" \
            in text
        assert f"{row.resurrected:,}" in text and f"{row.quick_ratio:.2f}" in text
        assert f"NRR {row.nrr:.1f} %" in text
        for r in report.flow.rows:
            assert r.period in text


@run_async
async def test_nps_panel_numbers(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("4")
        text = panel_text(app.query_one(NpsPanel))
        label = report.flow.rows[-1].period
        stats = next((s for s in report.nps.by_period if s.label == label and s.responses), report.nps.overall)
        assert f"NPS {stats.nps:+.1f}" in text
        assert f"± {stats.moe95:.1f}" in text
        assert (f"promoters (9–10) {stats.promoters:,} · passives (7–8) {stats.passives:,} · "
                f"detractors (0–6) {stats.detractors:,}") in text
        assert "█ promoters" in text
        for score, count in enumerate(stats.distribution):
            assert f"{score:>2} {count:>6,}" in text
        assert report.nps.trend_text in text
        assert "⚠" in text  # this small survey has periods with too few answers
        overall = report.nps.overall
        assert f"NPS {overall.nps:+.1f}" in text


@run_async
async def test_cltv_panel_formula(files):
    report, _ = expected(files)
    value = report.cltv
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("5")
        text = panel_text(app.query_one(CltvPanel))
        assert (f"CLTV = (ARPU × margin) / churn rate = ({value.arpu:,.2f} × {value.margin:.2f}) / "
                f"{value.churn_rate:.4f} = {value.cltv:,.2f}") in text
        assert "the default" in text  # margin not given
        for r in value.by_period:
            assert r.period in text


@run_async
async def test_data_panel_lists_files_rows_and_columns(files):
    _, result = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("6")
        table = app.query_one("#data-files")
        assert table.row_count == len(result.reports)
        for r, report in enumerate(result.reports):
            cells = [c.plain for c in table.get_row_at(r)]
            assert cells[:6] == [report.path, report.kind, report.format, f"{report.rows_read:,}",
                                 f"{report.rows_kept:,}", f"{report.rows_read - report.rows_kept:,}"]
            for role, column in report.columns.items():
                assert f"{role}={column}" in cells[6]


@run_async
async def test_panels_say_what_data_they_need(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_sample(tmp_path)
    app = RetentionApp(["nps.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "needs events or subscriptions" in plain(app.query_one(FormulaPanel))
        await pilot.press("5")
        assert "needs events or subscriptions" in panel_text(app.query_one(CltvPanel))
        await pilot.press("3")
        assert "Churn needs events or subscriptions" in panel_text(app.query_one(ChurnPanel))
        await pilot.press("4")
        assert "NPS" in panel_text(app.query_one(NpsPanel))
    app = RetentionApp(["subscriptions.csv"], LoadOptions(revenue=None))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("4")
        assert "NPS needs survey answers" in panel_text(app.query_one(NpsPanel))


# ---------------------------------------------------------------- keys: help, palette, export, reload, quit


@pytest.mark.parametrize("key", ["question_mark", "f1"])
@run_async
async def test_help_lists_every_binding(files, key):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        described = {text for _, text, _ in app.screen.rows}
        for binding in RetentionApp.BINDINGS:
            assert any(d.startswith(binding.description) for d in described), binding.description
        assert any(d.startswith("Who") for d in described)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@run_async
async def test_command_palette_offers_and_runs_actions(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"prev period")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.main.period == len(report.flow.rows) - 2


@run_async
async def test_ctrl_s_exports_the_current_view(files, tmp_path):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "triangle.csv")
        await pilot.press("enter")
        await pilot.pause()
        lines = (tmp_path / "triangle.csv").read_text().splitlines()
        assert lines[0].startswith("cohort,size,complete_periods,+0,+1")
        first = report.cohorts.rows[0]
        assert lines[1].startswith(f"{first.cohort},{first.size},{sum(first.complete)},100.0,{first.retention[1]!r}")
        await pilot.press("2", "ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "flow.md")
        await pilot.press("enter")
        await pilot.pause()
        text = (tmp_path / "flow.md").read_text()
        assert text.startswith("| period | CS | CN | CE |")
        assert f"| {report.flow.rows[0].period} | {report.flow.rows[0].CS:,} |" in text
        await pilot.press("ctrl+s", "escape")
        assert not list(tmp_path.glob(".*.tmp"))
        await pilot.press("1", "ctrl+s")  # the suggested name: the view's name, in the current directory
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert (Path.cwd() / "cohorts-month-classic-percent.csv").is_file()


@run_async
async def test_ctrl_r_reloads(files, tmp_path):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        write_sample(tmp_path, customers=40, seed=3)
        report, _ = expected(files)
        await pilot.press("ctrl+r")
        await ready(app, pilot)
        assert app.query_one(CohortTable).triangle == report.cohorts
        assert formula_numbers(report.flow.rows[-1]) in plain(app.query_one(FormulaPanel))


@run_async
async def test_escape_cancels_loading(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.loading


@run_async
async def test_ctrl_q_quits(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


# ---------------------------------------------------------------- the customers behind a number


@run_async
async def test_enter_lists_the_customers_behind_the_cell(files, tmp_path):
    report, result = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("g")
        table = app.query_one(CohortTable)
        k = table.cursor_coordinate.column
        await pilot.press("enter")
        await ready(app, pilot)
        assert isinstance(app.screen, CustomersScreen)
        ids = customers_behind_cell(result.datasets["events"], report.options, report.cohorts.rows[0].cohort, k)
        assert len(ids) == report.cohorts.rows[0].active[k]
        listed = app.screen.query_one("#customers-table")
        assert [listed.get_row_at(r)[0].plain for r in range(listed.row_count)] == ids
        await pilot.press("c")  # copy: must not fail without a clipboard
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "ids.csv")
        await pilot.press("enter")
        await pilot.pause()
        lines = (tmp_path / "ids.csv").read_text().splitlines()  # each id with its profile (test_drill_screen.py)
        assert lines[0].startswith("customer_id,first_seen") and [line.split(",")[0] for line in lines[1:]] == ids
        await pilot.press("escape")
        assert not isinstance(app.screen, CustomersScreen)


# ---------------------------------------------------------------- bad input


@run_async
async def test_markup_and_escape_codes_in_data_are_shown_literally(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = write_evil(tmp_path)
    app = RetentionApp(names)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("6")
        files_table = app.query_one("#data-files")
        assert files_table.get_row_at(0)[0].plain == "[bold red]events.csv"
        await pilot.press("1", "g", "enter")
        await ready(app, pilot)
        listed = app.screen.query_one("#customers-table")
        shown = [listed.get_row_at(r)[0].plain for r in range(listed.row_count)]
        assert "[bold red]x" in shown and "[link=http://x]y[/link]" in shown
        assert "\\x1b[31mred" in shown  # the escape code is written out, never sent to the terminal
        assert not any("\x1b" in s for s in shown)
        assert set(app.screen.export_table().rows[i][0] for i in range(len(EVIL_IDS) + 1)) >= set(EVIL_IDS)


@run_async
async def test_markup_in_a_problem_example_is_shown_literally(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = write_evil(tmp_path)
    with open(tmp_path / names[0], "a", encoding="utf-8") as out:
        out.write("z,[bold red]when\x1b[2J,1.0,s\n")
    app = RetentionApp(names)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = plain(app.screen.query_one("#problems-text"))
        assert "'[bold red]when\\x1b[2J'" in text
        assert "\x1b" not in text


@run_async
async def test_unusable_file_keeps_the_app_open_with_a_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    app = RetentionApp(["bad.csv", "missing.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = plain(app.screen.query_one("#problems-text"))
        assert "bad.csv" in text and "missing.csv" in text and "fix:" in text
        await pilot.press("escape")
        assert app.is_running
        assert "No file could be used" in plain(app.query_one(FormulaPanel))
        await pilot.press("6")  # the Data tab's widgets are made when it is first shown
        assert app.query_one(DataPanel).reports


@run_async
async def test_dropped_rows_are_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_sample(tmp_path)
    with open(tmp_path / "events.csv", "a") as out:
        out.write("C0001,not a date,1.0,basic\n,2024-02-01,1.0,basic\n")
    app = RetentionApp(["events.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = plain(app.screen.query_one("#problems-text"))
        assert "dropped 2" in text and "cannot be read as a date" in text
        assert plain(app.screen.query_one("#problems-title")) == "2 rows dropped while loading; the rest is shown"
        await pilot.press("escape")
        assert formula_numbers(expected(["events.csv"])[0].flow.rows[-1]) in plain(app.query_one(FormulaPanel))


@run_async
async def test_a_warning_that_drops_nothing_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dup.csv").write_text("user_id,timestamp,user_id\nu1,2024-01-01,x\nu2,2024-02-01,y\n")
    app = RetentionApp(["dup.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert plain(app.screen.query_one("#problems-title")) == "Warnings from loading (nothing was dropped)"
        assert "the header names 'user_id' twice" in plain(app.screen.query_one("#problems-text"))


# ---------------------------------------------------------------- speed


@run_async
async def test_one_n_press_is_measured(files):
    """The app measures each step (benchmarks/bench_step.py prints the figures; tests time nothing)."""
    app = RetentionApp(files, settings=None)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.first_screen_seconds is not None and app.first_screen_seconds > 0
        await pilot.press("p")
        await pilot.pause()
        first = app.main.last_step_seconds
        await pilot.press("n")
        await pilot.pause()
        assert first is not None and app.main.last_step_seconds is not None and app.main.last_step_seconds > 0
        assert app.main.last_step_seconds != first  # a new measurement, for the new step


def test_options_reach_the_metrics():
    settings = ViewSettings(unit="week", retention="unbounded")
    assert settings.options() == AnalysisOptions(period=PeriodSpec("week"), retention="unbounded")


# ---------------------------------------------------------------- NO_COLOR, README


@run_async
async def test_no_color_keeps_the_marks(files, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    report, _ = expected(files)
    app = RetentionApp(files)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        row = len(report.cohorts.rows) - 1
        last = len(report.cohorts.rows[row].active) - 1
        cell = table.get_cell_at(Coordinate(row, last))
        assert cell.plain.strip().endswith("~")  # incomplete: marked by text, not only by colour
        assert formula_numbers(report.flow.rows[-1]) in plain(app.query_one(FormulaPanel))


def test_readme_lists_every_key():
    from workbench.ui.cohort_table import CohortTable as Table
    from workbench.ui.table import KeyTable

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    keys = readme.split("## Keys", 1)[1]
    names = {"question_mark": "?", "space": "space", "escape": "escape", "colon": ":", "slash": "/", "at": "@"}
    for binding in (*MainScreen.BINDINGS, *KeyTable.BINDINGS, *Table.BINDINGS):
        key = names.get(binding.key, binding.key)
        if key.isdigit():
            assert "`1` … `7`" in keys
            continue
        assert f"`{key}`" in keys, f"README ## Keys does not list {key} ({binding.description})"


def lines_on_screen(table: CohortTable) -> list[str]:
    """The text of the triangle's lines as drawn now (scrolled as it is)."""
    return [table.render_line(y).text for y in range(table.size.height)]


@run_async
async def test_every_cohort_can_be_scrolled_to(files):
    report, result = expected(files, unit="day")
    rows = report.cohorts.rows
    assert len(rows) > 3 * SIZE[1]  # many more cohorts than lines on screen
    app = RetentionApp(files, settings=ViewSettings(unit="day"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        assert table.row_count == len(rows) + 1
        assert "not shown" not in plain(app.query_one("#legend"))
        await pilot.press("g")  # the oldest cohort of all
        await pilot.pause()
        k = table.cursor_coordinate.column
        assert table.triangle_row(table.cursor_coordinate.row) == 0
        assert f"Cell {rows[0].cohort} +{k}" in plain(app.query_one(FormulaPanel))
        assert any(line.startswith(f"{rows[0].cohort} ({rows[0].size:,})") for line in lines_on_screen(table))
        await pilot.press("enter")
        await ready(app, pilot)
        listed = app.screen.query_one("#customers-table")
        ids = customers_behind_cell(result.datasets["events"], report.options, rows[0].cohort, k)
        assert [listed.get_row_at(r)[0].plain for r in range(listed.row_count)] == ids
        await pilot.press("escape", "G", "k")  # the newest cohort, just above the average row
        await pilot.pause()
        newest = rows[-1]
        assert table.triangle_row(table.cursor_coordinate.row) == len(rows) - 1
        assert f"Cell {newest.cohort} +" in plain(app.query_one(FormulaPanel))
        shown = lines_on_screen(table)
        assert shown[0].split() and all(k.isdigit() for k in shown[0].split())  # the header stays on top
        assert any(line.startswith(f"{newest.cohort} ({newest.size:,})") for line in shown)
        assert any(line.startswith("average") for line in shown)
        await pilot.press("pageup")  # a page of older cohorts, the labels still frozen at the left
        await pilot.pause()
        cohort = rows[table.cursor_coordinate.row]
        assert any(line.startswith(f"{cohort.cohort} ({cohort.size:,})") for line in lines_on_screen(table))
        assert len(app.current_export().rows) == len(rows) + 1  # export has every cohort too


@run_async
async def test_a_step_draws_only_the_lines_it_changes(files, monkeypatch):
    """n/p move the underline by one cell in each cohort it crosses: at most the lines in view are drawn
    again, each once, and a step back to a period already drawn draws nothing (its lines are cached)."""
    app = RetentionApp(files, settings=ViewSettings(unit="week"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        drawn: list[int] = []
        draw = table._render_row

        def counted(row, *args):
            drawn.append(row)
            return draw(row, *args)

        monkeypatch.setattr(table, "_render_row", counted)
        await pilot.press("p")
        await pilot.pause()
        assert drawn and len(drawn) == len(set(drawn)) and len(drawn) < table.size.height
        assert -1 not in drawn  # the header did not change
        drawn.clear()
        await pilot.press("n")
        await pilot.pause()
        assert drawn == []


@run_async
async def test_enter_in_the_flow_tab_lists_who_churned(files):
    from workbench.metrics import customers_in_flow

    report, result = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("2", "k", "enter")
        await ready(app, pilot)
        assert isinstance(app.screen, CustomersScreen)
        row = report.flow.rows[-2]
        ids = customers_in_flow(result.datasets["events"], report.options, row.period, "churned")
        assert len(ids) == row.churned
        listed = app.screen.query_one("#customers-table")
        assert [listed.get_row_at(r)[0].plain for r in range(listed.row_count)] == ids


@run_async
async def test_a_click_on_a_cell_moves_the_period_like_a_key(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        target = Coordinate(2, 1)  # the third cohort, one period after its start
        region = table.cell_region(target)  # in the table, header line 0 and labels at x 0 (both frozen)
        offset = (region.x - int(table.scroll_x) + 1, region.y - int(table.scroll_y))
        assert offset[0] > table.row_label(0).cell_len and offset[1] >= 1  # in view, right of the labels
        await pilot.click(CohortTable, offset=offset)
        await ready(app, pilot)
        assert table.cursor_coordinate == target
        cohort = report.cohorts.rows[2]
        calendar = report.cohorts.period.index_of(cohort.start) + 1
        assert report.flow.rows[app.main.period].period == report.cohorts.period.label_of(calendar)
        assert formula_numbers(report.flow.rows[app.main.period]) in plain(app.query_one(FormulaPanel))


@run_async
async def test_a_click_on_the_cursor_cell_lists_its_customers_and_headers_do_nothing(files):
    report, result = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        table = app.query_one(CohortTable)
        before = table.cursor_coordinate
        await pilot.click(CohortTable, offset=(1, 0))  # the header line
        await pilot.click(CohortTable, offset=(1, 2))  # a cohort's label
        await ready(app, pilot)
        assert table.cursor_coordinate == before and not isinstance(app.screen, CustomersScreen)
        region = table.cell_region(before)
        await pilot.click(CohortTable, offset=(region.x - int(table.scroll_x) + 1, region.y - int(table.scroll_y)))
        await ready(app, pilot)
        assert isinstance(app.screen, CustomersScreen)  # as enter does
        row = report.cohorts.rows[before.row]
        ids = customers_behind_cell(result.datasets["events"], report.options, row.cohort, before.column)
        listed = app.screen.query_one("#customers-table")
        assert [listed.get_row_at(r)[0].plain for r in range(listed.row_count)] == ids
