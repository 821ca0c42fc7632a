"""The two prompts of the main screen that ask for a moment: go to a period (`:` or `/`) and count as of a date
(`@`). Only the dialogs and their wording; the screen decides what an answer does."""

from __future__ import annotations

from datetime import datetime

from workbench.ui.model import Analysis
from workbench.ui.prompt_dialog import PromptDialog


def date_text(moment: datetime) -> str:
    """A date alone at midnight, else the full ISO time: what the analyst would type back."""
    return f"{moment:%Y-%m-%d}" if moment == datetime(moment.year, moment.month, moment.day) else moment.isoformat()


def as_of_dialog(analysis: Analysis, set_at: datetime | None) -> PromptDialog:
    """Ask for the as-of date, showing the one in use (and whether it was set or is the data's end)."""
    now = f"{analysis.report.as_of:%Y-%m-%d %H:%M}" + (" (set)" if set_at else ", the data's end")
    return PromptDialog(f"Count as of (now {now}):", "a date, 2025-03-31 or 2025-03-31T12:00 · empty: the data's end"
                        " · enter: go · escape: cancel", date_text(set_at) if set_at else "")


def goto_dialog(analysis: Analysis) -> PromptDialog:
    """Ask for a period to go to, showing the range there is."""
    first, last = analysis.step_label(0), analysis.step_label(analysis.step_count - 1)
    return PromptDialog(f"Go to a {analysis.spec.noun} ({first} … {last}):",
                        "a label or any date in it · enter: go · escape: cancel")
