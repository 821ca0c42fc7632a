"""The Survival tab: how long customers stay (Kaplan–Meier), the median lifetime in words, the rule that says
who counts as lost, the segments compared with the log-rank test, and the table behind the curve."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from workbench.io.text import printable
from workbench.present.sections import median_sentence, periods, survival_table
from workbench.present.table import display_rows
from workbench.ui.panel_base import ReportPanel

NEEDS = ("Survival needs events or subscriptions: customers with a start (a first event, or a subscription "
         "start) and, for subscriptions, an end when they left.")


def median_words(survival) -> str:
    """``Median lifetime 2 months (95% interval 2 to 3): half of the customers are gone by +2.``, or why there is
    no median."""
    if survival.median_lifetime is None:
        return "Median lifetime not reached: more than half of the customers are still there."
    lower, upper = survival.median_lifetime_ci
    bounds = f"{'–' if lower is None else lower} to {'not reached' if upper is None else upper}"
    return (f"Median lifetime {periods(survival.median_lifetime, survival.period.noun)} (95% interval {bounds}): "
            f"half of the customers are gone by +{survival.median_lifetime}.")


class SurvivalPanel(ReportPanel):
    """Shows ``analysis.report.survival`` (and ``segments`` when the data has a segment column)."""

    HELP = ("S(t) = share of customers still there t periods after their start (Kaplan–Meier), with its 95% "
            "interval; customers not yet seen long enough are censored, not lost.")

    def compose(self) -> ComposeResult:
        yield Static(id="survival-summary")
        yield Static(id="survival-rows")

    def redraw(self) -> None:
        summary = self.query_one("#survival-summary", Static)
        rows = self.query_one("#survival-rows", Static)
        analysis = self.analysis
        if analysis is None:
            summary.update(Text("Loading…"))
            rows.update("")
            return
        report = analysis.report
        s = report.survival
        if s is None:
            summary.update(Text(NEEDS))
            rows.update("")
            return
        text = Text()
        text.append(median_words(s), style="bold")
        text.append(f"\n{s.customers:,} {s.kind} customers: {s.rule}.\n")
        segments = getattr(report, "segments", None)
        if segments is not None:
            text.append(f"By {printable(segments.column, 60)}: ", style="bold")
            text.append((segments.sentence if segments.logrank is not None else "only one segment") + "\n")
            for group in segments.groups:
                text.append(f"  {printable(group.name, 30)}: {group.survival.customers:,} customers · "
                            f"{median_sentence(group.survival)}\n")
        nps = report.nps_retention
        if nps is not None:
            text.append("By NPS group (first answer): ", style="bold")
            text.append(nps.segments.sentence + "\n")
            for group in nps.segments.groups:
                text.append(f"  {group.name}: {group.survival.customers:,} customers · "
                            f"{median_sentence(group.survival)}\n")
            text.append(nps.note + "\n", style="italic")
        summary.update(text)
        table = survival_table(report)
        headers = ["t", "at risk", "churned", "censored", "S(t) %", "95% interval"]
        lines = Text("  ".join(f"{h:>9}" for h in headers) + "\n", style="bold")
        for r in display_rows(table):
            t, at_risk, churned, censored, surv, lower, upper = r
            lines.append("  ".join(f"{v:>9}" for v in (f"+{t}", at_risk, churned, censored, surv))
                         + f"  {lower:>5} – {upper}\n")
        rows.update(lines)
