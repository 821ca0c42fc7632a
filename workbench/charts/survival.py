"""Kaplan–Meier survival: the curve with its 95% band and the at-risk counts under the axis; and the segments'
curves together.

x = periods since the start (t), y = S(t) in % exactly as :class:`workbench.metrics.Survival` holds it. The
curve is a step function, drawn at every whole t from ``Survival.curve``; the band's bounds are drawn at the
rows' t (where they change).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.charts.base import ChartSpec, Series, line, thin_ticks
from workbench.io.text import printable
from workbench.metrics import Forecast, Segments, Survival
from workbench.metrics.statistics import format_p


@dataclass(frozen=True)
class SurvivalData:
    """What the survival chart plots: the Kaplan–Meier estimate and, when fitted, the sBG forecast."""

    survival: Survival | None
    forecast: Forecast | None = None


# colours of the segments' curves, in order (the palette's roles)
SEGMENT_ROLES = ("emphasis", "average", "extra", "good", "bad", "neutral", "muted")


def _steps(s: Survival, values: list[float]) -> list[tuple[float, float]]:
    """The bound at every whole t (carried between rows, like the curve)."""
    out: list[tuple[float, float]] = []
    for row, nxt, value in zip(s.rows, (*s.rows[1:], None), values, strict=True):
        stop = nxt.t if nxt is not None else row.t + 1
        out += [(float(t), value) for t in range(row.t, stop)]
    return out


def at_risk_line(s: Survival, ticks: list[float], room: int) -> str:
    """``at risk +0: 2,500 · +6: 1,204 …`` at the ticks shown, as many as fit in ``room`` columns."""
    parts: list[str] = []
    text = "at risk"
    for tick in ticks:
        t = int(tick)
        # nobody leaves between two rows: at risk at t is the at-risk count of the first row at or after t
        at = next((r.at_risk for r in s.rows if r.t >= t), 0)
        piece = f"{' ·' if parts else ''} +{t}: {at:,}"
        if len(text) + len(piece) > room:
            break
        parts.append(piece)
        text += piece
    return text


def survival_spec(s: Survival | None, width: int = 80, forecast: Forecast | None = None) -> ChartSpec:
    """The curve (bold), its 95% interval (two faint lines), the at-risk counts as the x axis' label and, with a
    ``forecast``, its projection past the observed tenures as dots."""
    if s is None or not s.rows:
        return ChartSpec("survival", "Survival", (), empty="Survival needs events or subscriptions.")
    noun = s.period.noun
    series: list[Series] = [
        line("95% interval", _steps(s, [r.ci_lower for r in s.rows]), role="muted"),
        line("95% upper", _steps(s, [r.ci_upper for r in s.rows]), role="muted", legend=False),
        line(f"S(t) {s.kind}", list(enumerate(s.curve)), role="emphasis", bold=True),
    ]
    end = len(s.curve)
    if forecast is not None:
        end = min(len(forecast.projection), end + max(6, end // 2))  # half as far again as observed
        series.append(line("sBG forecast", [(float(t), forecast.projection[t]) for t in range(len(s.curve), end)],
                           role="average", kind="points"))
    ticks = [float(t) for t in range(end)]
    labels = [f"+{t}" for t in range(end)]
    shown, _ = thin_ticks(ticks, labels, max(10, width - 14))
    return ChartSpec("survival", f"Survival % by {noun}s since the start (Kaplan–Meier, 95% band)",
                     tuple(series), xticks=tuple(ticks), xlabels=tuple(labels),
                     xlabel=at_risk_line(s, shown, max(20, width - 4)), ylim=(0, 100), yticks=(0, 25, 50, 75, 100))


def segments_spec(segments: Segments | None) -> ChartSpec:
    """One curve per segment, in :data:`SEGMENT_ROLES` colours; the title says the log-rank p-value."""
    groups = [(printable(g.name, 24), g.survival) for g in segments.groups] if segments is not None else []
    column = printable(segments.column, 30) if segments is not None else "segment"
    if len(groups) < 2:
        return ChartSpec("survival_segments", "Survival by segment", (),
                         empty="Segments need a segment column (--segment COLUMN) with two values or more.")
    series = [line(name, list(enumerate(s.curve)), role=SEGMENT_ROLES[i % len(SEGMENT_ROLES)])
              for i, (name, s) in enumerate(groups)]
    longest = max(len(s.curve) for _, s in groups)
    noun = groups[0][1].period.noun
    test = f" (log-rank {format_p(segments.logrank.p_value)})" if segments.logrank is not None else ""
    return ChartSpec("survival_segments", f"Survival % by {column}, {noun}s since the start{test}", tuple(series),
                     xticks=tuple(float(t) for t in range(longest)), xlabels=tuple(f"+{t}" for t in range(longest)),
                     ylim=(0, 100), yticks=(0, 25, 50, 75, 100))
