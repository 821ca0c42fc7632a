"""Churn rate per period, and revenue retention (NRR, GRR) per period where the data has revenue."""

from __future__ import annotations

from workbench.charts.base import ChartSpec, Series, split_complete
from workbench.metrics import Flow
from workbench.metrics.cohort_tables import CHURN_UNKNOWN
from workbench.present.table import INCOMPLETE


def _ticks(flow: Flow) -> tuple[tuple[float, ...], tuple[str, ...]]:
    return (tuple(float(i) for i in range(len(flow.rows))),
            tuple(r.period + ("" if r.complete else INCOMPLETE) for r in flow.rows))


def _marker(flow: Flow, marker_index: int | None) -> float | None:
    return float(marker_index) if marker_index is not None and 0 <= marker_index < len(flow.rows) else None


def churn_spec(flow: Flow | None, *, marker_index: int | None = None) -> ChartSpec:
    if flow is None or not flow.rows:
        return ChartSpec("churn", "Churn rate", (),
                         empty="Churn needs events or subscriptions covering at least two periods.")
    if all(r.churn_rate is None for r in flow.rows) and flow.kind == "cohorts":
        return ChartSpec("churn", "Churn rate", (), empty=CHURN_UNKNOWN)
    xs = range(len(flow.rows))
    series = split_complete("churn %", xs, [r.churn_rate for r in flow.rows], [r.complete for r in flow.rows],
                            role="bad")
    ticks, labels = _ticks(flow)
    return ChartSpec("churn", f"Churn rate % per {flow.period.noun} (churned / CS; dot = not over)", tuple(series),
                     xticks=ticks, xlabels=labels, marker_x=_marker(flow, marker_index))


def revenue_spec(flow: Flow | None, *, marker_index: int | None = None) -> ChartSpec:
    if flow is None or not flow.rows or not flow.has_revenue:
        return ChartSpec("revenue", "Revenue retention", (), empty="No revenue column: NRR and GRR need revenue.")
    xs = range(len(flow.rows))
    complete = [r.complete for r in flow.rows]
    series: list[Series] = []
    series += split_complete("NRR %", xs, [r.nrr for r in flow.rows], complete, role="emphasis")
    series += split_complete("GRR %", xs, [r.grr for r in flow.rows], complete, role="average")
    ticks, labels = _ticks(flow)
    return ChartSpec("revenue", f"NRR and GRR % per {flow.period.noun} (revenue retention; dot = not over)",
                     tuple(series), xticks=ticks, xlabels=labels, marker_x=_marker(flow, marker_index))
