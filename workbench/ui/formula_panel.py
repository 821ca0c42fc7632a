"""The retention formula for the current period, written out and then with its numbers, and the cell
under the cursor (numerator, denominator, percentage). Every number comes from a :class:`FlowRow` or a
:class:`CohortRow` computed by :mod:`workbench.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from workbench.io.text import printable
from workbench.metrics import FlowRow
from workbench.present.table import EMPTY


@dataclass(frozen=True)
class CellInfo:
    """The cohort cell under the cursor, as shown in the triangle."""

    cohort: str
    k: int
    period: str  # calendar period of the cell
    active: int
    size: int
    retention: float | None
    complete: bool
    noun: str
    ci_lower: float | None = None  # the 95% Wilson interval of the retention, in %
    ci_upper: float | None = None
    too_wide: bool = False  # too few customers to say anything
    view: str = "percent"  # what the triangle shows (percent, counts, revenue, revenue_pct)
    revenue: float | None = None  # the cohort's revenue in the cell's period (with a revenue column)
    first_revenue: float | None = None  # its revenue at +0
    revenue_retention: float | None = None  # revenue / first_revenue × 100

    @property
    def about_revenue(self) -> bool:
        return self.view in ("revenue", "revenue_pct") and self.revenue is not None

    def revenue_words(self) -> str:
        """A revenue cell in words: what was paid, by whom, and its share of the cohort's first period's."""
        share = (f"{self.revenue_retention:.1f} % of" if self.revenue_retention is not None
                 else "no share (nothing paid) of")
        return (f"revenue {self.revenue:,.2f} paid by the cohort's customers ({self.size:,} in the cohort) = "
                f"{share} its revenue at +0 ({self.first_revenue:,.2f})")


@dataclass(frozen=True)
class FormulaView:
    """What the panel shows: the current period's flow row (None before the first), its place, the cell."""

    row: FlowRow | None
    position: int  # 0-based among the flow rows
    count: int
    kind: str
    noun: str
    cell: CellInfo | None = None
    note: str | None = None  # why there is no formula (no cohort data, only one period, ...)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def formula_text(view: FormulaView) -> Text:
    text = Text()
    row = view.row
    if row is None:
        text.append(view.note or "No period to show yet.")
        return text
    state = "" if row.complete else "  (~ not over yet)"
    text.append(f"{view.noun.capitalize()} {printable(row.period)}", style="bold")
    text.append(f"  ·  {view.position + 1} of {view.count}{state}\n")
    text.append("CRR = ((CE − CN) / CS) × 100", style="bold")
    if row.crr is None:
        text.append(f" = (({row.CE:,} − {row.CN:,}) / {row.CS:,}) × 100 = {EMPTY} (no customers at the start)\n")
    else:
        text.append(f" = (({row.CE:,} − {row.CN:,}) / {row.CS:,}) × 100 = ")
        text.append(pct(row.crr), style="bold")
        text.append("\n")
    text.append(f"  CE customers at the end {row.CE:,} · CN new customers {row.CN:,} · "
                f"CS at the start {row.CS:,}\n")
    if row.retained is None or row.churned is None:  # a cohort table: who of CS stayed is not in it
        text.append(f"Starting customers kept: {EMPTY} of {row.CS:,}  ·  churned {EMPTY} (unknown)\n")
        if row.explanation:
            text.append("Why unknown: ", style="bold")
            text.append(f"{row.explanation}\n")
    else:
        text.append("Starting customers kept: ")
        text.append(f"{row.retained:,} of {row.CS:,} = ")
        text.append(pct(row.starting_retention), style="bold")
        text.append(f"  ·  churned {row.churned:,} ({pct(row.churn_rate)})\n")
        if row.explanation:
            text.append("Why they differ: ", style="bold")
            text.append(f"{row.explanation}\n")
    cell = view.cell
    if cell is not None:
        text.append(f"Cell {printable(cell.cohort)} +{cell.k} ({printable(cell.period)}): ", style="bold")
        tail = "" if cell.complete else " (not over yet)"
        if cell.about_revenue:
            text.append(f"{cell.revenue_words()}{tail}")
            return text
        text.append(f"{cell.active:,} active / {cell.size:,} in the cohort = {pct(cell.retention)}{tail}")
        if cell.ci_lower is not None and cell.ci_upper is not None:
            text.append(f" · 95% {cell.ci_lower:.1f}–{cell.ci_upper:.1f}")
            if cell.too_wide:
                text.append(": too few customers to say", style="italic")
    return text


class FormulaPanel(Static):
    """Shows ``view``; never computes."""

    HELP = ("CRR counts CE − CN as the customers kept; the starting customers' retention follows the CS "
            "customers themselves. They differ when new customers leave in the same period or lapsed ones return.")

    # The panel's height is set in app.tcss (never from its text), so a new view needs no layout of the
    # screen: with one, every n/p cost a full layout pass.
    view: reactive[FormulaView | None] = reactive(None)

    def watch_view(self, view: FormulaView | None) -> None:
        self.update(Text("Loading…") if view is None else formula_text(view), layout=False)

    def one_line(self) -> str:
        """What the panel shows, on one line (what ``y`` copies away from the triangle)."""
        shown = self.content.plain if isinstance(self.content, Text) else str(self.content)
        return " ".join(line.strip() for line in shown.splitlines() if line.strip())
