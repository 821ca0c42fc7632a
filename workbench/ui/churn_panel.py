"""The Churn tab: the churn rate of the current period written out, and churn by period as bars."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from workbench.io.text import printable
from workbench.metrics.cohort_tables import CHURN_UNKNOWN
from workbench.present.table import EMPTY, INCOMPLETE, number
from workbench.ui.panel_base import ReportPanel, bar
from workbench.ui.views import no_formula_note


def _pct(value: float | None) -> str:
    return EMPTY if value is None else f"{number(value, 1)} %"


class ChurnPanel(ReportPanel):
    """Churn rate = churned / CS × 100 for the current period, and for every period."""

    HELP = "Churned = customers at the start of a period (CS) who are gone at its end. Bars compare periods."

    def compose(self) -> ComposeResult:
        yield Static(id="churn-current")
        yield Static(id="churn-history")

    def redraw(self) -> None:
        current = self.query_one("#churn-current", Static)
        history = self.query_one("#churn-history", Static)
        analysis = self.analysis
        if analysis is None:
            current.update(Text(self.empty_text))
            history.update("")
            return
        rows = analysis.flow_rows
        if not rows:
            current.update(Text(no_formula_note(analysis).replace("The retention formula", "Churn")))
            history.update("")
            return
        noun = analysis.spec.noun
        row = rows[min(self.position, len(rows) - 1)]
        if row.churned is None:  # a cohort table: who of CS stayed is not in it
            current.update(Text(f"{noun.capitalize()} {printable(row.period)}: {CHURN_UNKNOWN}"))
            history.update("")
            return
        text = Text()
        text.append(f"{noun.capitalize()} {printable(row.period)}", style="bold")
        text.append("" if row.complete else "  (not over yet)")
        text.append("\nChurn rate = (churned / CS) × 100", style="bold")
        text.append(f" = ({row.churned:,} / {row.CS:,}) × 100 = ")
        text.append(_pct(row.churn_rate), style="bold")
        text.append(f"\n  churned: starting customers who left {row.churned:,} · "
                    f"CS: customers at the start {row.CS:,}\n")
        if row.new_lost is not None:
            text.append(f"  New customers lost in the same {noun} (not in the churn rate): {row.new_lost:,}\n")
        if row.resurrected is not None:
            text.append(f"  Returning customers {row.resurrected:,}")
            if row.quick_ratio is not None:
                text.append(f" · quick ratio (CN + returning) / churned = {row.quick_ratio:.2f}")
            text.append("\n")
        if row.nrr is not None or row.grr is not None:
            text.append(f"  Revenue kept from starting customers: NRR {_pct(row.nrr)} · GRR {_pct(row.grr)}\n")
        current.update(text)
        largest = max((r.churn_rate or 0.0) for r in rows)
        lines = Text(f"Churn rate by {noun} (▶ current, ~ not over)\n", style="bold")
        width = max(10, (self.size.width or 80) - 40)
        for index, r in enumerate(rows):
            marker = "▶" if index == self.position else " "
            lines.append(f"{marker} {printable(r.period):<11}{'' if r.complete else INCOMPLETE:1} {_pct(r.churn_rate):>9} "
                         f"{r.churned:>7,} ")
            lines.append(bar(r.churn_rate, largest, width) + "\n", style="bold" if index == self.position else "")
        history.update(lines)
        self.keep_in_view(history, 1 + min(self.position, len(rows) - 1))

    def on_resize(self) -> None:
        self.redraw()
