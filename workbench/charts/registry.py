"""Every chart, declared once: what it plots from a report and how its spec is built.

The command line (``report --chart NAME``), the app's chart widgets and the tests all read :data:`CHARTS`;
:data:`COMMANDS` says which charts ``--chart NAME`` prints together. Builders import their plotting module
on first use, so reading the names (the command line declares its options with them) does not load plotext.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.metrics import Report

# (data, current cohort row or None, marker index or None, width in cells) -> ChartSpec
Builder = Callable[[Any, "int | None", "int | None", int], Any]


def _module(name: str):
    return importlib.import_module(f"workbench.charts.{name}")


def _retention(d, cur, m, w):
    mod = _module("retention")
    return mod.retention_spec(d.triangle if d else None, current=cur, marker_k=m, km=d.km if d else None,
                              km_kind=d.km_kind if d else "subscriptions")


def _flow(d, cur, m, w):
    mod = _module("flow")
    return mod.flow_spec(d, marker_index=m, max_periods=mod.periods_that_fit(w))


@dataclass(frozen=True)
class ChartDef:
    """``data(report)`` is what the chart plots; ``build(data, current, marker, width)`` its spec; the
    command line draws it with ``current=cli_current``; ``shown(report)`` False leaves it out of a group."""

    name: str
    data: Callable[[Report], Any]
    build: Builder
    cli_current: int | None = None
    shown: Callable[[Report], bool] = field(default=lambda report: True)


def _retention_data(report: Report):
    s = report.survival
    return _module("retention").RetentionData(report.cohorts, s.curve if s else None, s.kind if s else "subscriptions")


CHARTS: dict[str, ChartDef] = {c.name: c for c in (
    ChartDef("retention", _retention_data, _retention),
    ChartDef("flow", lambda r: r.flow, _flow),
    ChartDef("churn", lambda r: r.flow, lambda d, cur, m, w: _module("churn").churn_spec(d, marker_index=m)),
    ChartDef("revenue", lambda r: r.flow, lambda d, cur, m, w: _module("churn").revenue_spec(d, marker_index=m),
             shown=lambda r: r.flow is not None and r.flow.has_revenue),
    ChartDef("nps", lambda r: r.nps, lambda d, cur, m, w: _module("nps").nps_trend_spec(d, marker_index=m)),
    ChartDef("nps_distribution", lambda r: r.nps.overall if r.nps else None,
             lambda d, cur, m, w: _module("nps").nps_distribution_spec(d)),
    # the oldest cohort (the longest curve) bold on the command line
    ChartDef("cltv", lambda r: r.cltv, lambda d, cur, m, w: _module("cltv").cltv_spec(d, current=cur, marker_k=m),
             cli_current=0),
    ChartDef("survival", lambda r: _module("survival").SurvivalData(r.survival, r.forecast),
             lambda d, cur, m, w: _module("survival").survival_spec(d.survival, w, d.forecast)),
    ChartDef("survival_segments", lambda r: r.segments, lambda d, cur, m, w: _module("survival").segments_spec(d),
             shown=lambda r: r.segments is not None and len(r.segments.groups) > 1),
)}

# report --chart NAME: the charts printed together (the first decides whether there is anything to draw)
COMMANDS: dict[str, tuple[str, ...]] = {
    "retention": ("retention",), "flow": ("flow",), "churn": ("churn", "revenue"), "revenue": ("revenue",),
    "nps": ("nps", "nps_distribution"), "cltv": ("cltv",), "survival": ("survival", "survival_segments"),
}
