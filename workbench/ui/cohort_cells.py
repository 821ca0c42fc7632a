"""What each cell of the cohort triangle says and how it is coloured, without drawing anything.

:class:`TriangleCells` answers for one triangle and one view (retention %, counts, revenue or revenue retention
%, a colour ramp): the text and
rich Style of any cell, the row labels and the column widths. It formats a row only when the row is first
drawn (a daily triangle of 500 cohorts has 125,000 cells, of which a screen shows a few hundred), and keeps it.
The widget (:mod:`workbench.ui.cohort_table`) adds the cursor, the current-period underline and the theme.
"""

from __future__ import annotations

from itertools import compress

from rich.cells import cell_len
from rich.style import Style

from workbench.io.text import printable
from workbench.metrics import CohortTriangle, RevenueTriangle
from workbench.present.table import EMPTY, INCOMPLETE
from workbench.ui.ramp import Ramp

BOLD = Style(bold=True)
ITALIC = Style(italic=True)
CURRENT = Style(underline=True, bold=True)


def cell_text(value: float | int | None, percent: bool, complete: bool) -> str:
    if value is None:
        return EMPTY if percent else ""
    body = f"{value:.1f}" if percent else f"{value:,}"
    return body + ("" if complete else INCOMPLETE)


def money_decimals(revenue: RevenueTriangle) -> int:
    """Whole units when the largest cell is 100 or more (cents add nothing there), else cents."""
    largest = max((abs(v) for row in revenue.rows for v in row.revenue), default=0.0)
    return 0 if largest >= 100 else 2


def money_text(value: float, decimals: int, complete: bool) -> str:
    return f"{value:,.{decimals}f}" + ("" if complete else INCOMPLETE)


def money_width(revenue: RevenueTriangle, decimals: int) -> int:
    """The longest money text: that of the largest or the smallest (negative: refunds) value, complete or
    not (with its ~ mark)."""
    longest = 0
    for row in revenue.rows:
        for complete in (True, False):
            values = list(compress(row.revenue, [c == complete for c in row.complete]))
            for value in (max(values, default=None), min(values, default=None)):
                if value is not None:
                    longest = max(longest, len(money_text(value, decimals, complete)))
    return longest


def cell_width(triangle: CohortTriangle) -> int:
    """One width for every column: the longest count (with its ~ mark) or 6, plus a space.

    Counts are non-negative integers, so the longest text of a row is that of its largest complete value or
    of its largest incomplete value plus the mark; no cell needs formatting to find it."""
    longest = 4
    for row in triangle.rows:
        done = max(compress(row.active, row.complete), default=None)
        if done is not None:
            longest = max(longest, len(cell_text(done, False, True)))
        open_ = max(compress(row.active, [not c for c in row.complete]), default=None)
        if open_ is not None:
            longest = max(longest, len(cell_text(open_, False, False)))
    return max(longest, 6) + 1


class TriangleCells:
    """Cells of ``triangle`` as (text, style): rows 0..n-1 are cohorts, row n the average row; column
    ``columns - 1`` is a blank pad column (so the view can always scroll to a column boundary).

    ``view`` is one of ``percent``, ``counts``, ``revenue``, ``revenue_pct``; the revenue views read
    ``revenue`` (the same cohorts, in the same order), coloured by revenue retention, and fall back to percent
    without it."""

    def __init__(self, triangle: CohortTriangle, view: str, ramp: Ramp | None,
                 revenue: RevenueTriangle | None = None) -> None:
        self.triangle = triangle
        if revenue is not None and [r.cohort for r in revenue.rows] != [r.cohort for r in triangle.rows]:
            revenue = None  # not this triangle's cohorts: never show another report's money beside these labels
        self.view = "percent" if view in ("revenue", "revenue_pct") and revenue is None else view
        self.revenue = revenue
        self.percent = self.view in ("percent", "revenue_pct")
        self.ramp = ramp
        spec = triangle.period
        self.cohort_index = [spec.index_of(row.start) for row in triangle.rows]
        self.lengths = [len(row.active) for row in triangle.rows]
        self.decimals = money_decimals(revenue) if revenue is not None else 0
        self.width = cell_width(triangle)
        if self.view == "revenue":
            self.width = max(self.width, money_width(revenue, self.decimals) + 1)
        self.data_columns = max(self.lengths, default=0)
        self.columns = self.data_columns + 1  # the pad column
        self.blank = " " * self.width
        self.labels = [f"{printable(row.cohort)} ({row.size:,}) " for row in triangle.rows]
        self.labels.append(f"{'average' if self.percent else 'average %'} ")
        self.label_width = max(cell_len(label) for label in self.labels)
        self._rows: dict[int, list[tuple[str, Style]]] = {}

    @property
    def cohorts(self) -> int:
        return len(self.triangle.rows)

    @property
    def rows(self) -> int:
        """Cohorts and the average row."""
        return len(self.triangle.rows) + 1

    def label(self, number: int) -> tuple[str, Style]:
        """A row's label: "2024-11 (70) " for a cohort, "average " in bold for the average row."""
        return self.labels[number], (BOLD if number == self.cohorts else Style())

    def header(self, k: int) -> tuple[str, Style]:
        if k >= self.data_columns:
            return "", Style()
        return str(k).rjust(self.width - 1) + " ", BOLD

    def row(self, number: int) -> list[tuple[str, Style]]:
        """The (text, style) of each data column of a row, formatted once per row."""
        cells = self._rows.get(number)
        if cells is None:
            cells = self._average() if number == self.cohorts else self._cohort(number)
            self._rows[number] = cells
        return cells

    def cell(self, number: int, k: int) -> tuple[str, Style]:
        """Text and style of a cell (without the cursor or the current-period underline)."""
        cells = self.row(number)
        return cells[k] if k < len(cells) else (self.blank, Style())

    def _cohort(self, number: int) -> list[tuple[str, Style]]:
        if self.revenue is not None and self.view in ("revenue", "revenue_pct"):
            return self._revenue(number)
        row = self.triangle.rows[number]
        pad = self.width - 1
        cells = []
        for active, pct, complete in zip(row.active, row.retention, row.complete, strict=True):
            value = pct if self.percent else active
            style = self.ramp.style(None if pct is None else pct / 100) if self.ramp and value is not None \
                else Style()
            if not complete:
                style += ITALIC
            cells.append((cell_text(value, self.percent, complete).rjust(pad) + " ", style))
        return cells

    def _revenue(self, number: int) -> list[tuple[str, Style]]:
        """Revenue (or revenue retention %) of a cohort by k, coloured by revenue retention."""
        assert self.revenue is not None
        row = self.revenue.rows[number]
        pad = self.width - 1
        cells = []
        for money, pct, complete in zip(row.revenue, row.retention, row.complete, strict=True):
            style = self.ramp.style(None if pct is None else pct / 100) if self.ramp else Style()
            if not complete:
                style += ITALIC
            text = (money_text(money, self.decimals, complete) if self.view == "revenue"
                    else cell_text(pct, True, complete))
            cells.append((text.rjust(pad) + " ", style))
        return cells

    def _average(self) -> list[tuple[str, Style]]:
        revenue_view = self.revenue is not None and self.view in ("revenue", "revenue_pct")
        average = self.revenue.average if revenue_view else self.triangle.average
        pad = self.width - 1
        cells = []
        for k in range(self.data_columns):
            pct = average[k] if k < len(average) else None
            style = (self.ramp.style(pct / 100) if self.ramp and pct is not None else Style()) + BOLD
            cells.append(((EMPTY if pct is None else f"{pct:.1f}").rjust(pad) + " ", style))
        return cells

    def on_diagonal(self, number: int, current: int | None) -> int | None:
        """The column of a cohort's cell in calendar period ``current`` (None: outside the cohort's row)."""
        if current is None or number >= self.cohorts:
            return None
        k = current - self.cohort_index[number]
        return k if 0 <= k < self.lengths[number] else None
