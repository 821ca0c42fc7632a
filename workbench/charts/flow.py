"""The retention formula per period: CS, CN, CE and churned as bars, CRR and the starting customers'
retention (kept %) as lines on the right-hand axis. Narrow charts show a window (a page) of periods
holding the marker.
"""

from __future__ import annotations

from workbench.charts.base import ChartSpec, Series, line
from workbench.metrics import Flow
from workbench.present.table import INCOMPLETE

BARS = (("CS", "muted"), ("CN", "good"), ("CE", "emphasis"), ("churned", "bad"))


def periods_that_fit(width: int) -> int:
    """How many periods of four bars fit a chart ``width`` columns wide: six columns each beside the axes."""
    return max(3, (width - 16) // 6)


def window(count: int, marker: int | None, size: int | None) -> range:
    """At most ``size`` consecutive positions out of ``count`` holding ``marker`` (else the latest). The window
    moves a page at a time, so stepping the marker inside it only moves the marker."""
    if size is None or size >= count:
        return range(count)
    size = max(size, 1)
    position = count - 1 if marker is None else min(max(marker, 0), count - 1)
    start = min(position // size * size, count - size)
    return range(start, start + size)


def flow_spec(flow: Flow | None, *, marker_index: int | None = None, max_periods: int | None = None) -> ChartSpec:
    """``marker_index`` = position in ``flow.rows`` of the current period."""
    if flow is None or not flow.rows:
        return ChartSpec("flow", "The retention formula", (),
                         empty="The formula needs events or subscriptions covering at least two periods.")
    shown = window(len(flow.rows), marker_index, max_periods)
    rows = [flow.rows[i] for i in shown]
    xs = [float(i) for i in shown]
    share = 0.8 / len(BARS)
    series: list[Series] = []
    for j, (name, role) in enumerate(BARS):
        known = [(x, getattr(r, name)) for x, r in zip(xs, rows, strict=True) if getattr(r, name) is not None]
        if known:  # a cohort table cannot tell who churned: no bar rather than a bar of zero
            series.append(Series(name, tuple(x for x, _ in known), tuple(float(v) for _, v in known), role=role,
                                 kind="bar", width=share, offset=(j - (len(BARS) - 1) / 2) * share))
    series.append(line("CRR %", [(x, r.crr) for x, r in zip(xs, rows, strict=True)], role="average",
                       yside="right"))
    kept = line("kept %", [(x, r.starting_retention) for x, r in zip(xs, rows, strict=True)], role="extra",
                yside="right")
    if kept.x:
        series.append(kept)
    labels = tuple(r.period + ("" if r.complete else INCOMPLETE) for r in rows)
    marker = float(marker_index) if marker_index is not None and marker_index in shown else None
    bars = " ".join(s.label for s in series if s.kind == "bar")
    lines = " ".join(s.label for s in series if s.kind != "bar")
    return ChartSpec("flow", f"{bars} (bars) · {lines} (lines, right) per {flow.period.noun}",
                     tuple(series), xticks=tuple(xs), xlabels=labels, ylim_right=(0, 100), marker_x=marker)
