"""Snapshots of every tab of the app at 80×24 and 120×40, on small seeded data (tests/app_support.py).

Update after looking at the report: ``pytest tests/test_snapshots_app.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from app_support import ready

from workbench.ui.app import RetentionApp

SIZES = ((80, 24), (120, 40))
TABS = {"cohorts": [], "flow": ["2"], "churn": ["3"], "nps": ["4"], "cltv": ["5"], "data": ["6"],
        "survival": ["7"]}


def after(*keys: str):
    """Load, press the keys, and let every redraw they cause (shown panels, charts) settle."""

    async def run_before(pilot) -> None:
        await ready(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.2)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("tab", list(TABS))
def test_tab(snap_compare, files, tab, size):
    assert snap_compare(RetentionApp(files), terminal_size=size, run_before=after(*TABS[tab]))


def test_previous_period_in_counts(snap_compare, files):
    assert snap_compare(RetentionApp(files), terminal_size=(80, 24), run_before=after("p", "p", "c"))


def test_help(snap_compare, files):
    assert snap_compare(RetentionApp(files), terminal_size=(80, 24), run_before=after("question_mark"))


def test_ansi_theme(snap_compare, files):
    async def ansi(pilot) -> None:
        await ready(pilot.app, pilot)
        pilot.app.theme = "ansi-dark"
        await pilot.pause()

    assert snap_compare(RetentionApp(files), terminal_size=(80, 24), run_before=ansi)


def test_retention_curves_under_the_triangle(snap_compare, files):
    assert snap_compare(RetentionApp(files), terminal_size=(80, 24), run_before=after("v"))
