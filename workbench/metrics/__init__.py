"""The metrics engine: pure functions on polars frames, shared by the app and the command line.

Never imports Textual and never prints. Two steps:

1. *reduction* (:mod:`workbench.metrics.reduce`): canonical rows (LazyFrame) → small aggregate DataFrames;
   the heavy part, meant to be run by other engines later;
2. *finishing*: every number derived from those aggregates, returned as frozen dataclasses
   (:mod:`workbench.metrics.results`).

Typical use (app or CLI)::

    from workbench.io import load
    from workbench.metrics import AnalysisOptions, PeriodSpec, analyze

    result = load(paths)
    report = analyze(result.datasets, AnalysisOptions(period=PeriodSpec("month")))
    report.cohorts.rows[0].retention      # tuple of % (None for an empty cohort)
    report.flow.rows[-1].crr, report.flow.rows[-1].explanation
    report.to_json()

Per-dataset functions (each reduces then finishes; ``dataset`` is a :class:`workbench.io.Dataset`):

* :func:`cohort_triangle` (events, subscriptions) → :class:`CohortTriangle`
* :func:`flow` (events, subscriptions) → :class:`Flow` (one :class:`FlowRow` per period after the first:
  CS, CN, CE, retained, churned, crr, churn_rate, starting_retention, new_lost | resurrected + quick_ratio,
  complete, explanation, revenue/nrr/grr)
* :func:`nps_summary` (nps) → :class:`NpsSummary`; :func:`nps_stats` for any score counts
* :func:`cltv` (events or subscriptions with revenue) → :class:`Cltv` or None without revenue
* :func:`customers_behind_cell`, :func:`customers_in_flow`: the customer ids behind a number (sorted)
* :func:`explain_crr`: the plain-English sentence on why CRR differs from the starting customers' retention

Null rules: every ratio with a zero denominator is None (JSON null), never inf/NaN.
"""

from workbench.metrics.cltv import cltv
from workbench.metrics.drill import FLOW_TERMS, customers_behind_cell, customers_in_flow
from workbench.metrics.finish import cohort_triangle, explain_crr, flow
from workbench.metrics.nps import nps_stats, nps_summary
from workbench.metrics.periods import UNITS, WEEK_STARTS, PeriodSpec
from workbench.metrics.report import COHORT_KINDS, analyze, primary_kind, resolve_as_of
from workbench.metrics.results import (
    NPS_MIN_RESPONSES,
    RETENTION_MODES,
    AnalysisOptions,
    ArpuRow,
    Cltv,
    CohortRow,
    CohortTriangle,
    CumulativeRow,
    Flow,
    FlowRow,
    NpsStats,
    NpsSummary,
    Report,
)

__all__ = [
    "COHORT_KINDS", "FLOW_TERMS", "NPS_MIN_RESPONSES", "RETENTION_MODES", "UNITS", "WEEK_STARTS",
    "AnalysisOptions", "ArpuRow", "Cltv", "CohortRow", "CohortTriangle", "CumulativeRow", "Flow", "FlowRow",
    "NpsStats", "NpsSummary", "PeriodSpec", "Report",
    "analyze", "cltv", "cohort_triangle", "customers_behind_cell", "customers_in_flow", "explain_crr", "flow",
    "nps_stats", "nps_summary", "primary_kind", "resolve_as_of",
]
