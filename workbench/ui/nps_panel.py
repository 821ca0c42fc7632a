"""The NPS tab: score with its margin of error, promoters/passives/detractors, the 0–10 distribution and the
trend by period — for the current period when it has responses, and overall."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from workbench.io.text import printable
from workbench.metrics import NPS_MIN_RESPONSES, NpsStats
from workbench.present.table import EMPTY, INCOMPLETE, counted
from workbench.ui.panel_base import BAR, ReportPanel, bar

NEEDS = ("NPS needs survey answers: a file with a customer id, a response date and a 0–10 score "
         "(e.g. nps.csv with customer_id,response_date,score). Load it with the other files and press ctrl+r.")


def _signed(value: float | None) -> str:
    return EMPTY if value is None else f"{value:+.1f}"


def stats_text(stats: NpsStats, title: str, width: int) -> Text:
    text = Text()
    text.append(f"{title}: ", style="bold")
    text.append(f"NPS {_signed(stats.nps)}", style="bold")
    if stats.moe95 is not None:
        text.append(f" ± {stats.moe95:.1f} (95 %)")
    text.append(f" · {counted(stats.responses, 'response')}")
    if stats.change is not None:
        text.append(f" · change {stats.change:+.1f}")
    text.append("\n")
    if stats.wald_low is not None and stats.wald_high is not None:
        text.append(f"  95 % interval (adjusted Wald) {stats.wald_low:+.1f} to {stats.wald_high:+.1f}\n")
    if stats.warning or (0 < stats.responses < NPS_MIN_RESPONSES):
        text.append("⚠ " + (stats.warning or f"fewer than {NPS_MIN_RESPONSES} responses: too few to rely on")
                    + "\n", style="bold")
    text.append("NPS = % promoters − % detractors\n")
    total = stats.responses
    text.append(f"  promoters (9–10) {stats.promoters:,} · passives (7–8) {stats.passives:,} · "
                f"detractors (0–6) {stats.detractors:,}\n")
    if total:
        widths = [round(width * n / total) for n in (stats.promoters, stats.passives, stats.detractors)]
        text.append("  ")
        text.append(BAR * widths[0], style="bold")
        text.append("▒" * widths[1])
        text.append("░" * widths[2])
        text.append("\n  █ promoters ▒ passives ░ detractors\n")
    largest = max(stats.distribution) if stats.distribution else 0
    text.append("Scores 0–10:\n", style="bold")
    for score, count in enumerate(stats.distribution):
        text.append(f"  {score:>2} {count:>6,} {bar(count, largest, max(width - 12, 5))}\n")
    return text


class NpsPanel(ReportPanel):
    """Shows the NPS numbers of ``analysis.report.nps``."""

    HELP = "NPS = % promoters (9–10) − % detractors (0–6); ± is the 95 % margin of error."

    def compose(self) -> ComposeResult:
        yield Static(id="nps-current")
        yield Static(id="nps-trend")

    def _current_stats(self) -> NpsStats | None:
        analysis = self.analysis
        if analysis is None or analysis.report.nps is None or not analysis.step_count:
            return None
        label = analysis.step_label(self.position)
        return next((s for s in analysis.report.nps.by_period if s.label == label), None)

    def redraw(self) -> None:
        current = self.query_one("#nps-current", Static)
        trend = self.query_one("#nps-trend", Static)
        analysis = self.analysis
        if analysis is None:
            current.update(Text(self.empty_text))
            trend.update("")
            return
        summary = analysis.report.nps
        if summary is None:
            current.update(Text(NEEDS))
            trend.update("")
            return
        width = max(20, min((self.size.width or 80) - 30, 50))
        stats = self._current_stats()
        noun = analysis.spec.noun
        if stats is not None and stats.responses:
            text = stats_text(stats, f"{noun.capitalize()} {printable(stats.label)}", width)
        else:
            note = Text(f"No responses in the current {noun}; all responses:\n", style="italic")
            text = note + stats_text(summary.overall, "All responses", width)
        if stats is not None and stats.responses:
            overall = summary.overall
            text.append(f"All responses: NPS {_signed(overall.nps)}"
                        + (f" ± {overall.moe95:.1f}" if overall.moe95 is not None else "")
                        + f" ({overall.responses:,})\n")
        current.update(text)
        lines = Text(f"Trend by {noun}: {summary.trend_text} (▶ current, ~ not over, ⚠ < "
                     f"{NPS_MIN_RESPONSES} responses)\n", style="bold")
        label = stats.label if stats is not None else None
        for s in summary.by_period:
            marker = "▶" if s.label == label else " "
            warn = "⚠" if s.responses < NPS_MIN_RESPONSES else " "
            lines.append(f"{marker} {printable(s.label):<11}{'' if s.complete else INCOMPLETE:1} {_signed(s.nps):>7} "
                         f"{'± ' + format(s.moe95, '.1f') if s.moe95 is not None else '':>7} "
                         f"{s.responses:>6,} {warn}\n")
        trend.update(lines)

    def on_resize(self) -> None:
        self.redraw()
