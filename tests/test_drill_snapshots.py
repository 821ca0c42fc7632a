"""Snapshots of the drill-down (the customers behind the oldest cohort's first cell, with their profiles)
and of one customer's timeline, at 80×24 and 120×40.

Update after looking at the report: ``pytest tests/test_drill_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from app_support import ready

from workbench.ui.app import RetentionApp

SIZES = ((80, 24), (120, 40))


def after(*keys: str):
    """Load, press the keys one at a time, and wait for the workers they start (the list, its profiles)."""

    async def run_before(pilot) -> None:
        await ready(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await ready(pilot.app, pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_customers_behind_a_cell(snap_compare, files, size):
    assert snap_compare(RetentionApp(files), terminal_size=size, run_before=after("g", "home", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_customers_timeline(snap_compare, files, size):
    assert snap_compare(RetentionApp(files), terminal_size=size,
                        run_before=after("g", "home", "enter", "l", "l", "l", "l", "s", "s", "enter"))
