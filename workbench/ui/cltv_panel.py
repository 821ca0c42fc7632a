"""The CLTV tab: ARPU, margin, churn rate and CLTV written out as a formula with its numbers, and ARPU by
period."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from workbench.io.text import printable
from workbench.present.table import EMPTY, INCOMPLETE, show
from workbench.ui.panel_base import ReportPanel, bar

NEEDS = ("CLTV needs revenue: a revenue (amount) column in the events, or an MRR column in the "
         "subscriptions, e.g. --revenue amount. Then press ctrl+r to reload.")


def _money(value: float | None) -> str:
    return show(value, "money")


class CltvPanel(ReportPanel):
    """Shows ``analysis.report.cltv``."""

    HELP = "CLTV = ARPU × margin / churn rate, pooled over the periods that are over."

    def compose(self) -> ComposeResult:
        yield Static(id="cltv-formula")
        yield Static(id="cltv-history")

    def redraw(self) -> None:
        formula = self.query_one("#cltv-formula", Static)
        history = self.query_one("#cltv-history", Static)
        analysis = self.analysis
        if analysis is None:
            formula.update(Text(self.empty_text))
            history.update("")
            return
        value = analysis.report.cltv
        if value is None:
            needs = NEEDS if analysis.report.flow is not None else (
                "CLTV needs events or subscriptions with revenue; only NPS answers are loaded.")
            if analysis.report.kind == "cohorts":
                needs = ("CLTV needs revenue and the churn rate; a cohort table has no revenue and cannot tell "
                         "who of the customers at the start of a period stayed. Load the event log or "
                         "subscriptions it was built from.")
            formula.update(Text(needs))
            history.update("")
            return
        noun = analysis.spec.noun
        churn = value.churn_rate
        text = Text()
        text.append("CLTV = (ARPU × margin) / churn rate", style="bold")
        text.append(f" = ({_money(value.arpu)} × {value.margin:.2f}) / "
                    f"{EMPTY if churn is None else format(churn, '.4f')} = ")
        text.append(_money(value.cltv), style="bold")
        text.append("\n")
        text.append(f"  ARPU revenue per active customer per {noun} {_money(value.arpu)}\n")
        text.append(f"  margin gross margin {value.margin:.0%}"
                    + (" (the default: revenue counted as all profit)" if value.margin_is_default else "") + "\n")
        text.append(f"  churn rate share of customers lost per {noun} "
                    + (EMPTY if churn is None else f"{churn:.4f} ({churn * 100:.1f} %)") + "\n")
        if value.cltv is None and value.note:  # why there is no CLTV (when there is one, the note repeats it)
            text.append(printable(value.note, 400) + "\n", style="italic")
        else:
            text.append(f"  ARPU and churn are pooled over the {noun}s that are over\n", style="italic")
        compared = analysis.report.cltv_compared
        if analysis.report.forecast_pending:
            text.append("Forecast: fitting the sBG model…\n", style="italic")
        elif compared is not None:
            text.append("Brought so far ", style="bold")
            text.append(f"{_money(compared.realised)} per customer (× margin; a floor)  ·  ")
            text.append("forecast ", style="bold")
            text.append(f"{_money(compared.forecast)} (sBG lifetime, discounted)\n")
            text.append(compared.explanation + "\n")
        formula.update(text)
        rows = value.by_period
        current = analysis.flow_rows[min(self.position, len(analysis.flow_rows) - 1)].period \
            if analysis.flow_rows else None
        largest = max((r.arpu or 0.0) for r in rows) if rows else 0.0
        width = max(10, (self.size.width or 80) - 48)
        lines = Text(f"ARPU by {noun} (▶ current, ~ not over)\n", style="bold")
        current_line = None
        for number, r in enumerate(rows):
            marker = "▶" if r.period == current else " "
            if r.period == current:
                current_line = number + 1
            lines.append(f"{marker} {printable(r.period):<11}{'' if r.complete else INCOMPLETE:1} {r.revenue:>12,.2f} "
                         f"{r.customers:>7,} {_money(r.arpu):>9} {bar(r.arpu, largest, width)}\n",
                         style="bold" if r.period == current else "")
        history.update(lines)
        if current_line is not None:
            self.keep_in_view(history, current_line)

    def on_resize(self) -> None:
        self.redraw()
