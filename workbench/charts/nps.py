"""NPS per period with its 95% margin of error as a band, and the 0-10 score distribution by group."""

from __future__ import annotations

from workbench.charts.base import ChartSpec, Series, line
from workbench.metrics import NpsStats, NpsSummary
from workbench.present.table import EMPTY, INCOMPLETE, counted

GROUPS = (("detractors 0-6", range(0, 7), "bad"), ("passives 7-8", range(7, 9), "neutral"),
          ("promoters 9-10", range(9, 11), "good"))


def nps_trend_spec(summary: NpsSummary | None, *, marker_index: int | None = None) -> ChartSpec:
    """``marker_index`` = position in ``summary.by_period``. The band is the metrics' NPS ± moe95
    (``margin_low``/``margin_high``)."""
    if summary is None or not summary.by_period:
        return ChartSpec("nps", "NPS", (), empty="No NPS responses loaded.")
    stats = summary.by_period
    xs = range(len(stats))
    upper = line("95% margin", [(x, s.margin_high) for x, s in zip(xs, stats, strict=True)], role="muted")
    lower = line("- margin", [(x, s.margin_low) for x, s in zip(xs, stats, strict=True)], role="muted",
                 legend=False)
    enough = [s.warning is None for s in stats]
    nps = line("NPS", [(x, s.nps) for x, s in zip(xs, stats, strict=True)], role="emphasis")
    few = line("too few answers", [(x, s.nps) for x, s, ok in zip(xs, stats, enough, strict=True) if not ok],
               role="bad", kind="points")
    series = [s for s in (upper, lower, nps, few) if s.x]
    marker = float(marker_index) if marker_index is not None and 0 <= marker_index < len(stats) else None
    return ChartSpec("nps", f"NPS per {summary.period.noun} and margin (band: 95% margin of error)", tuple(series),
                     xticks=tuple(float(x) for x in xs),
                     xlabels=tuple(s.label + ("" if s.complete else INCOMPLETE) for s in stats), ylim=(-100, 100), yticks=(-100, -50, 0, 50, 100),
                     marker_x=marker)


def nps_distribution_spec(stats: NpsStats | None) -> ChartSpec:
    """Responses per score 0-10, detractors / passives / promoters in their own colours."""
    if stats is None or not stats.responses:
        return ChartSpec("nps_distribution", "NPS scores", (), empty="No NPS responses in this period.")
    series = tuple(Series(name, tuple(float(k) for k in scores), tuple(float(stats.distribution[k]) for k in scores),
                          role=role, kind="bar") for name, scores, role in GROUPS)
    label = "all responses" if stats.label == "all" else stats.label
    nps = EMPTY if stats.nps is None else f"{stats.nps:.1f}"
    return ChartSpec("nps_distribution", f"Scores 0-10, {label}: {counted(stats.responses, 'answer')}, NPS {nps}",
                     series, xticks=tuple(float(k) for k in range(11)), xlabels=tuple(str(k) for k in range(11)))
