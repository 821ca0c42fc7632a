"""What the Churn, NPS and CLTV panels share: they are given ``analysis`` and ``position`` and redraw."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget

from workbench.ui.model import Analysis

BAR = "█"


def bar(value: float | None, largest: float | None, width: int) -> str:
    """A bar of ``width`` cells at most, for drawing a number already computed (display only)."""
    if value is None or not largest or largest <= 0 or value <= 0:
        return ""
    return BAR * max(1, round(width * min(value / largest, 1.0)))


class ReportPanel(VerticalScroll, can_focus=True):
    """A scrolling panel that redraws itself from ``analysis`` and the current ``position``."""

    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    position: reactive[int] = reactive(0)
    empty_text = "Loading…"  # what the panel says while there is no analysis (a failed load says why)

    _stale = True

    def _maybe_redraw(self) -> None:
        """Redraw now if shown, else when next shown (a hidden tab costs nothing on n/p)."""
        if self.is_mounted and self.display and self.parent is not None and self.parent.display:
            self._stale = False
            self.redraw()
        else:
            self._stale = True

    def watch_analysis(self) -> None:
        self._maybe_redraw()

    def watch_position(self) -> None:
        self._maybe_redraw()

    def on_mount(self) -> None:
        self._maybe_redraw()

    def on_show(self) -> None:
        if self._stale:
            self._stale = False
            self.redraw()

    def redraw(self) -> None:  # pragma: no cover - every panel overrides it
        raise NotImplementedError

    def keep_in_view(self, static: Widget, line: int) -> None:
        """Scroll (as little as needed) so that line ``line`` of ``static`` is on screen: the current
        period's row of a long history follows n/p instead of staying below the fold."""

        def scroll() -> None:
            top = static.virtual_region.y + line
            height = self.scrollable_content_region.height
            if top < self.scroll_y:
                self.scroll_to(y=top, animate=False, immediate=True)
            elif top >= self.scroll_y + height:
                self.scroll_to(y=top - height + 1, animate=False, immediate=True)

        # after the layout that sizes the new text (the refresh after the next one)
        self.call_after_refresh(self.call_after_refresh, scroll)
