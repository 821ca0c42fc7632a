"""Pilot tests of the app's jobs: the loading line names the step, escape cancels at once (a polars pass
runs on in the background and its result is dropped; an engine's query is interrupted), a newer computation
replaces an older one. A slow step is a gate the test opens: nothing here sleeps or times anything."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

from app_support import ready, run_async
from rich.text import Text

from workbench.io.load import size_text
from workbench.metrics.engines import Cancelled as EngineCancelled
from workbench.metrics.engines.sources import SourceChoice
from workbench.ui import loading
from workbench.ui.app import RetentionApp
from workbench.ui.formula_panel import FormulaPanel

SIZE = (100, 30)
IO_LOAD = sys.modules["workbench.io.load"]  # the module (workbench.io.load is also the function's name)
REPORT = sys.modules["workbench.metrics.report"]


class Gate:
    """A step that holds its thread until the test opens it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def hold(self) -> None:
        self.reached.set()
        self.opened.wait(60)


async def until(event: threading.Event) -> None:
    """Wait for another thread's event without blocking the app's loop."""
    await asyncio.to_thread(event.wait, 60)
    assert event.is_set()


def plain(widget) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def held_duplicates(monkeypatch) -> Gate:
    """The load holds at its third step of the first file (finding repeated rows)."""
    gate, real = Gate(), IO_LOAD.duplicates

    def duplicates(*args):
        if not gate.reached.is_set():
            gate.hold()
        return real(*args)

    monkeypatch.setattr(IO_LOAD, "duplicates", duplicates)
    return gate


@run_async
async def test_the_loading_line_names_the_step_the_file_its_size_and_the_seconds(files, monkeypatch):
    gate = held_duplicates(monkeypatch)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(gate.reached)
            app._show_job()  # the clock's tick, now
            await pilot.pause()
            label = plain(app.main.loading_label)
            size = size_text(os.path.getsize("events.csv"))
            assert label.startswith(f"finding repeated rows in events.csv ({size}) · ") and label.endswith(" s")
            assert app.main.loading_box.display and app.main.loading_bar.progress > 0
        finally:
            gate.opened.set()
        await ready(app, pilot)
        assert not app.main.loading_box.display and app.analysis is not None


@run_async
async def test_escape_during_a_polars_pass_cancels_at_once_and_drops_its_result(files, monkeypatch):
    gate = held_duplicates(monkeypatch)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(gate.reached)
            job = app.job
            await pilot.press("escape")  # the pass is still held: the screen does not wait for it
            assert job.cancelled and app.job is None and not app.loading
            await pilot.pause()
            assert not app.main.loading_box.display
            assert "Loading cancelled" in plain(app.query_one(FormulaPanel))
            await pilot.press("2", "1")  # usable meanwhile
        finally:
            gate.opened.set()
        await until(job.done)  # the pass ends in the background, and the load stops at its next step
        await pilot.pause()
        assert app.analysis is None and app.load_result is None
        assert "Loading cancelled" in plain(app.query_one(FormulaPanel))
        await pilot.press("ctrl+r")  # and it loads again
        await ready(app, pilot)
        assert app.analysis is not None and not app.loading


@run_async
async def test_a_reload_replaces_a_load_and_waits_for_its_thread(files, monkeypatch):
    gate = held_duplicates(monkeypatch)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(gate.reached)
            older = app.job
            await pilot.press("ctrl+r")
            newer = app.job
            assert older.cancelled and newer is not older and not newer.cancelled
            app._show_job()
            await pilot.pause()
            assert plain(app.main.loading_label).startswith("waiting for the cancelled load to stop · ")
        finally:
            gate.opened.set()
        await ready(app, pilot)
        assert app.analysis is not None and app.job is None and older.done.is_set()


class SlowEngine:
    """An engine whose row checks run until they are cancelled."""

    name = "fake"

    def __init__(self) -> None:
        self.running = threading.Event()
        self.cancelled = threading.Event()
        self.closed = False

    def cancel(self) -> None:
        self.cancelled.set()

    def close(self) -> None:
        self.closed = True

    def file_reports(self):
        self.running.set()
        if self.cancelled.wait(60):
            raise EngineCancelled("fake: the query was cancelled")
        raise AssertionError("never cancelled")


@run_async
async def test_escape_interrupts_the_engine_query_and_closes_the_engine(files, monkeypatch):
    engine = SlowEngine()

    def load_source(paths, options, source, opened):
        opened(engine)
        engine.file_reports()

    monkeypatch.setattr(loading, "load_source", load_source)
    app = RetentionApp(files, source=SourceChoice(engine="duckdb"))
    async with app.run_test(size=SIZE) as pilot:
        await until(engine.running)
        job = app.job
        await pilot.press("escape")
        assert engine.cancelled.is_set()  # asked of the engine by the key itself
        await until(job.done)  # the query stopped, and the thread with it
        await pilot.pause()
        assert engine.closed and app.analysis is None and not app.loading
        assert "Loading cancelled" in plain(app.query_one(FormulaPanel))


def held_computation(monkeypatch, unit: str) -> Gate:
    """Computing by ``unit`` holds in the reduction until the test opens the gate."""
    gate, real = Gate(), REPORT.aggregate

    def aggregate(dataset, options, as_of, *args):
        if options.period.unit == unit:
            gate.hold()
        return real(dataset, options, as_of, *args)

    monkeypatch.setattr(REPORT, "aggregate", aggregate)
    return gate


@run_async
async def test_a_newer_computation_replaces_an_older_one_whose_result_is_never_shown(files, monkeypatch):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        gate = held_computation(monkeypatch, "quarter")
        shown: list[str] = []
        show = app.main.show_analysis
        monkeypatch.setattr(app.main, "show_analysis", lambda analysis: (shown.append(analysis.settings.unit),
                                                                           show(analysis)))
        try:
            await pilot.press("t")  # month → quarter: held
            await until(gate.reached)
            older = app.job
            await pilot.press("t")  # quarter → year, while the quarter is computing
            assert older.cancelled and app.job.settings.unit == "year"
        finally:
            gate.opened.set()
        await ready(app, pilot)
        assert shown == ["year"] and app.analysis.settings.unit == "year" and app.settings.unit == "year"
        assert older.done.is_set() and app.job is None and not app.main.loading_box.display


@run_async
async def test_escape_cancels_a_computation_and_keeps_the_numbers_shown(files, monkeypatch):
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        before = app.analysis
        gate = held_computation(monkeypatch, "quarter")
        try:
            await pilot.press("t")
            await until(gate.reached)
            job = app.job
            job.started -= loading.CLOCK_SECONDS  # a tick later: the line shows (a quicker job never shows it)
            app._show_job()
            assert app.main.loading_box.display
            assert plain(app.main.loading_label).startswith("computing: reducing the events · ")
            await pilot.press("escape")
            assert job.cancelled and not app.loading and app.settings.unit == "month"
            await pilot.pause()
            assert "computing" not in plain(app.main.status)
        finally:
            gate.opened.set()
        await until(job.done)
        await pilot.pause()
        assert app.analysis is before and app.settings.unit == "month"


@run_async
async def test_a_view_changed_during_a_load_is_computed_when_it_ends(files, monkeypatch):
    gate = held_duplicates(monkeypatch)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(gate.reached)
            await pilot.press("t")  # month → quarter, while loading: the load goes on
            assert app.job.kind == "load" and not app.job.cancelled and app.settings.unit == "quarter"
        finally:
            gate.opened.set()
        await ready(app, pilot)
        await ready(app, pilot)
        assert app.analysis.settings.unit == "quarter" and app.settings.unit == "quarter"


@run_async
async def test_a_tab_key_is_never_undone_by_the_focus_an_earlier_key_asked_for(files):
    """Seen in tmux while 10M rows loaded: 2 then 1 showed the Flow tab. 2's focus (after a refresh) reaches
    the tabs by a message, which came after 1 had switched them."""
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = app.main
        screen.tabs.active = "flow"  # what 2 does at once
        await pilot.pause()
        screen._focus_tab_content("flow")  # 2's focus, after the refresh: its message is on its way
        await screen.action_show_tab("cohorts")  # 1, before that message reached the tabs (the Cohorts tab's
        # widgets are there from the start: this runs to its end without waiting)
        await pilot.pause()
        await pilot.pause()
        assert screen.tabs.active == "cohorts" and app.focused is screen.table


@run_async
async def test_the_garbage_collector_paused_for_the_start_runs_again_when_the_first_load_ends(files):
    import gc

    app = RetentionApp(files)
    app.collector_paused = True  # as run_app leaves it
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(app, pilot)
            assert gc.isenabled() and not app.collector_paused
    finally:
        gc.enable()
        gc.unfreeze()  # what the app froze stays collectable for the other tests
