"""A source that fails while listing the customers behind a number (a database gone away, a file moved) is
said in one line; the app stays open on the same screen (bad input never crashes)."""

from __future__ import annotations

import pytest
from app_support import ready, run_async

from workbench.ui import app as app_module
from workbench.ui.app import RetentionApp
from workbench.ui.main_screen import MainScreen


def _failing(*args, **kwargs):
    raise RuntimeError("server closed the connection unexpectedly")


@pytest.mark.parametrize("where", ["customers_behind_cell", "customers_in_flow"])
def test_a_failing_source_behind_enter_is_said_and_the_app_stays(files, monkeypatch, where):
    monkeypatch.setattr(app_module, where, _failing)

    @run_async
    async def scenario():
        app = RetentionApp(files)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            if where == "customers_in_flow":
                await pilot.press("2")  # the Flow tab: enter lists a term's customers
                await pilot.pause()
            await pilot.press("enter")
            await ready(app, pilot)
            assert app.is_running and isinstance(app.screen, MainScreen)
            said = [str(n.message) for n in app._notifications if n.severity == "error"]
            assert any("server closed the connection unexpectedly" in m and "customers" in m for m in said), said

    scenario()
