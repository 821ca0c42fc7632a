"""The metrics engine: pure functions on polars frames, shared by the app and the command line.

Never imports Textual, never reads files (``workbench.io`` does) and never prints. Two steps:

1. *reduction* (:mod:`workbench.metrics.reduce`, with period indexes from
   :mod:`workbench.metrics.period_exprs`): canonical rows (LazyFrame) → small aggregate DataFrames; the only
   step that touches rows, meant to be run by other engines too;
2. *finishing*, one module per metric, from those aggregates only: :mod:`~workbench.metrics.cohorts` (the
   triangle), :mod:`~workbench.metrics.flow` (the retention formula, churn, revenue retention),
   :mod:`~workbench.metrics.nps`, :mod:`~workbench.metrics.cltv`, :mod:`~workbench.metrics.survival`; a
   ready-made cohort table (kind ``cohorts``) is already reduced: :mod:`~workbench.metrics.cohort_tables`
   finishes it into the same triangle and formula.

Typical use (app or CLI)::

    from workbench.io import load
    from workbench.metrics import AnalysisOptions, PeriodSpec, analyze

    result = load(paths)
    report = analyze(result.datasets, AnalysisOptions(period=PeriodSpec("month")))
    report.cohorts.rows[0].retention      # tuple of % (None for an empty cohort)
    report.flow.rows[-1].crr, report.flow.rows[-1].explanation

Per-dataset functions (each reduces then finishes; ``dataset`` is a :class:`workbench.io.Dataset`):
:func:`cohort_triangle`, :func:`flow`, :func:`nps_summary` (and :func:`nps_stats` for any score counts),
:func:`cltv`, :func:`survival_of`, :func:`customers_behind_cell` / :func:`customers_in_flow` (the ids behind a number) and
:func:`explain_crr`.

Null rules: every ratio with a zero denominator is None (JSON null), never inf/NaN.
"""

from workbench.metrics.aggregates import COHORT_KINDS, resolve_as_of
from workbench.metrics.cltv import ArpuRow, Cltv, CumulativeRow, cltv
from workbench.metrics.cohorts import CohortRow, CohortTriangle, cohort_triangle
from workbench.metrics.drill import FLOW_TERMS, customers_behind_cell, customers_in_flow
from workbench.metrics.flow import Flow, FlowRow, explain_crr, flow
from workbench.metrics.forecast import CltvCompared, Forecast
from workbench.metrics.nps import NPS_MIN_RESPONSES, NpsStats, NpsSummary, nps_stats, nps_summary
from workbench.metrics.options import RETENTION_MODES, AnalysisOptions
from workbench.metrics.periods import UNITS, WEEK_STARTS, PeriodSpec
from workbench.metrics.report import Report, analyze, primary_kind
from workbench.metrics.revenue_triangle import RevenueRow, RevenueTriangle
from workbench.metrics.segments import SegmentGroup, Segments
from workbench.metrics.survival import Survival, SurvivalRow, survival_of

__all__ = [
    "COHORT_KINDS", "FLOW_TERMS", "NPS_MIN_RESPONSES", "RETENTION_MODES", "UNITS", "WEEK_STARTS",
    "AnalysisOptions", "ArpuRow", "Cltv", "CltvCompared", "Forecast", "CohortRow", "CohortTriangle", "CumulativeRow", "Flow", "FlowRow",
    "NpsStats", "NpsSummary", "PeriodSpec", "Report", "RevenueRow", "RevenueTriangle", "SegmentGroup", "Segments", "Survival", "SurvivalRow",
    "analyze", "cltv", "cohort_triangle", "customers_behind_cell", "customers_in_flow", "explain_crr", "flow",
    "nps_stats", "nps_summary", "primary_kind", "resolve_as_of", "survival_of",
]
