"""The drill-down in the app: the ids at once, their profiles from a worker, `s` sorts by the cursor's column
(again: reversed), `/` searches the ids (escape clears), enter opens a customer's timeline (escape back),
`c` and ctrl+s act on what is shown; the help and the palette list every key."""

from __future__ import annotations

import polars as pl
from app_support import ready, run_async
from textual.coordinate import Coordinate

from workbench.metrics import customers_behind_cell
from workbench.metrics.customers import PROFILE_COLUMNS, customer_profiles, customer_timeline
from workbench.ui.app import RetentionApp
from workbench.ui.customers_screen import CustomersScreen
from workbench.ui.frame_table import FrameTable
from workbench.ui.help_screen import HelpScreen, key_entries
from workbench.ui.timeline_screen import TimelineScreen

SIZE = (80, 24)


async def open_first_cell(app, pilot):
    """Enter on the oldest cohort's +0 cell: the list, its profiles computed."""
    await ready(app, pilot)
    await pilot.press("g", "home", "enter")
    await ready(app, pilot)
    assert isinstance(app.screen, CustomersScreen)
    return app.screen, app.screen.query_one("#customers-table", FrameTable)


def shown(table: FrameTable, column: int = 0) -> list[str]:
    return [table.get_row_at(r)[column].plain for r in range(table.row_count)]


def expected_profiles(app) -> pl.DataFrame:
    datasets = app.load_result.datasets
    report = app.analysis.report
    ids = customers_behind_cell(datasets["events"], report.options, report.cohorts.rows[0].cohort, 0)
    return customer_profiles(datasets, "events", report.options, ids)


@run_async
async def test_the_list_shows_each_customers_profile(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_first_cell(app, pilot)
        want = expected_profiles(app)
        assert screen.profiles_loaded and table.columns == list(PROFILE_COLUMNS)
        assert shown(table) == want["customer_id"].to_list()
        assert shown(table, 3) == [str(n) for n in want["periods_active"]]
        assert shown(table, 4) == [f"{v:,.2f}" for v in want["revenue"]]
        assert shown(table, 6) == ["–" if v is None else str(v) for v in want["nps"]]
        table_rows = screen.export_table().rows
        assert [r[0] for r in table_rows] == want["customer_id"].to_list() and len(table_rows[0]) == 7


@run_async
async def test_s_sorts_by_the_cursor_column_and_again_reverses(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_first_cell(app, pilot)
        want = expected_profiles(app)
        await pilot.press("l", "l", "l", "l", "s")  # the revenue column
        await pilot.pause()
        ascending = want.sort("revenue", nulls_last=True, maintain_order=True)
        assert shown(table) == ascending["customer_id"].to_list()
        assert table.cursor_coordinate.row == 0 and table.cursor_coordinate.column == 4
        assert "revenue ↑" in table.render_line(0).text
        assert "sorted by revenue, smallest first" in str(screen.query_one("#customers-status").render())
        await pilot.press("s")
        await pilot.pause()
        descending = want.sort("revenue", descending=True, nulls_last=True, maintain_order=True)
        assert shown(table) == descending["customer_id"].to_list()
        assert "revenue ↓" in table.render_line(0).text
        assert [r[0] for r in screen.export_table().rows] == descending["customer_id"].to_list()
        await pilot.press("h", "s")  # another column: ascending again
        await pilot.pause()
        assert shown(table, 3) == [str(n) for n in sorted(want["periods_active"])]


@run_async
async def test_slash_searches_the_ids_and_escape_clears(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_first_cell(app, pilot)
        every = shown(table)
        await pilot.press("slash")
        search = screen.query_one("#customers-search")
        assert search.display and search.has_focus
        await pilot.press("c", "0", "0", "1")  # typed into the box (c is not "copy" here), any case
        await pilot.pause()
        assert shown(table) == [i for i in every if "c001" in i.lower()] and 0 < table.row_count < len(every)
        await pilot.press("enter")  # back to the list, the search kept (and said)
        assert table.has_focus and table.row_count < len(every) and not search.display
        assert "ids contain 'c001'" in str(screen.query_one("#customers-status").render())
        await pilot.press("slash")  # edits the same search
        assert search.value == "c001"
        table.focus()  # keys typed before the box has the focus (Textual gives them to the list): into the box
        await pilot.pause()
        await pilot.press("0")
        assert search.value == "c0010" and shown(table) == [i for i in every if "c0010" in i.lower()]
        search.focus()
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, CustomersScreen) and search.value == "c0010" and table.has_focus
        await pilot.press("escape")  # clears the search, stays
        await pilot.pause()
        assert isinstance(app.screen, CustomersScreen) and shown(table) == every and not search.display
        await pilot.press("slash", "z", "z", "z")
        await pilot.pause()
        assert table.row_count == 0
        assert "0 of" in str(screen.query_one("#customers-status").render())
        await pilot.press("enter")  # enter on an empty list does nothing
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, CustomersScreen)


@run_async
async def test_enter_opens_the_customers_timeline_and_escape_goes_back(files, tmp_path):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_first_cell(app, pilot)
        await pilot.press("j", "enter")
        await ready(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        customer = shown(table)[1]
        want = customer_timeline(app.load_result.datasets, app.analysis.report.options, customer)
        timeline = app.screen.query_one("#timeline-table", FrameTable)
        assert app.screen.customer_id == customer and timeline.row_count == want.rows.height == want.total
        assert timeline.columns == want.rows.columns
        assert {r[1] for r in app.screen.export_table().rows} == {"event", "subscription", "NPS answer"} & set(
            want.rows["what"])
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and table.cursor_coordinate.row == 1


@run_async
async def test_the_flow_drill_down_has_profiles_too(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("2", "k", "enter")
        await ready(app, pilot)
        assert isinstance(app.screen, CustomersScreen) and app.screen.profiles_loaded
        table = app.screen.query_one("#customers-table", FrameTable)
        assert all(int(p) >= 1 for p in shown(table, 3))


class Failing:
    """A source whose engine fails: the ids stay, the reason is said in one line."""

    def profiles(self, ids):
        raise RuntimeError("the server went away\nTraceback (most recent call last): ...")

    def timeline(self, customer_id):
        raise RuntimeError("the server went away")


@run_async
async def test_a_failing_profile_keeps_the_ids_and_says_why(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        ids = [f"id{i:05d}" for i in range(20_000)]
        app.push_screen(CustomersScreen("Many", ids, "many", Failing()))
        await ready(app, pilot)
        screen = app.screen
        table = screen.query_one("#customers-table", FrameTable)
        assert table.row_count == 20_000 and table.columns == ["customer_id"]
        status = str(screen.query_one("#customers-status").render())
        assert status == "no profiles: the server went away"
        await pilot.press("G")  # the line API draws only what is in view, down to the last id
        await pilot.pause()
        assert table.cursor_coordinate.row == 19_999
        assert any("id19999" in table.render_line(y).text for y in range(1, table.size.height))
        await pilot.press("enter")
        await ready(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert "could not be read: the server went away" in str(app.screen.query_one("#timeline-status").render())
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, CustomersScreen)


@run_async
async def test_help_and_palette_list_the_new_keys(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_first_cell(app, pilot)
        described = {e.description for e in key_entries(screen)}
        assert {"Sort", "Search ids", "Timeline", "Copy ids", "Export", "Back"} <= described
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = {row[1].split(" — ")[0] for row in app.screen.rows}
        assert {"Sort", "Search ids", "Timeline", "Copy ids"} <= described
        assert "periods_active" in app.screen._about  # the focused list says what its columns mean
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter")
        await ready(app, pilot)
        assert {"Back", "Export", "Help"} <= {e.description for e in key_entries(app.screen)}
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "oldest first" in app.screen._about


@run_async
async def test_columns_the_data_cannot_fill_are_left_out(files):
    app = RetentionApp([files[0]])  # events alone: no NPS answers to show
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_first_cell(app, pilot)
        assert screen.profiles_loaded and "nps" not in table.columns and "segment" in table.columns
        assert "nps" not in screen.export_table().headers


@run_async
async def test_a_click_moves_the_cursor_and_a_click_on_it_opens_the_timeline(files):
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_first_cell(app, pilot)
        region = table.cell_region(Coordinate(2, 3))
        offset = (region.x + 1 - int(table.scroll_x), region.y - int(table.scroll_y))
        await pilot.click(FrameTable, offset=offset)
        await pilot.pause()
        assert table.cursor_coordinate == Coordinate(2, 3) and app.screen is screen
        await pilot.click(FrameTable, offset=(1, 0))  # the header: nothing
        await pilot.pause()
        assert table.cursor_coordinate == Coordinate(2, 3) and app.screen is screen
        await pilot.click(FrameTable, offset=offset)
        await ready(app, pilot)
        assert isinstance(app.screen, TimelineScreen) and app.screen.customer_id == shown(table)[2]
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen


@run_async
async def test_the_table_shows_any_column_literally():
    from datetime import date, datetime

    from textual.app import App

    frame = pl.DataFrame({"time": [datetime(2024, 1, 1), None], "list": [[1, 2], [3]],
                          "struct": [{"a": "1"}, {"a": "[bold]x"}], "text": ["[red]x\x1b", None],
                          "day": [date(2024, 1, 1), None], "flag": [True, None]})

    class One(App):
        def compose(self):
            yield FrameTable()

        def on_mount(self):
            self.query_one(FrameTable).show_frame(frame)

    app = One()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(FrameTable)
        assert table.render_line(0).text.split() == ["time", "list", "struct", "text", "day", "flag"]
        first = table.render_line(1).text
        assert "2024-01-01  [1, 2]" in first and "[red]x\\x1b" in first and "yes" in first
        assert "{'a': '[bold]x'}" in table.render_line(2).text and "\x1b" not in first


class Slow:
    """A source that answers only when told: the list is closed before its profiles arrive."""

    def __init__(self) -> None:
        import threading

        self.go = threading.Event()

    def profiles(self, ids):
        self.go.wait(10)
        raise RuntimeError("too late")

    def timeline(self, customer_id):
        raise RuntimeError("unused")


@run_async
async def test_closing_the_list_before_its_profiles_arrive_is_harmless(files):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        slow = Slow()
        app.push_screen(CustomersScreen("Slow", ["a", "b"], "slow", slow))
        await pilot.pause()
        assert "computing" in str(app.screen.query_one("#customers-status").render())
        await pilot.press("escape")
        await pilot.pause()
        slow.go.set()
        await ready(app, pilot)
        assert not isinstance(app.screen, CustomersScreen) and app.is_running
