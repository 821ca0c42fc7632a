"""`analyze`: everything the loaded data supports, in one :class:`Report`, and its JSON form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from workbench.metrics.cltv import cltv_from
from workbench.metrics.finish import COHORT_KINDS, aggregate, flow_from, resolve_as_of, triangle_from
from workbench.metrics.nps import nps_summary
from workbench.metrics.results import AnalysisOptions, NpsStats, Report

KIND_ORDER = ("events", "subscriptions", "nps")
ProgressCallback = Callable[[str, float], None]

__all__ = ["COHORT_KINDS", "analyze", "primary_kind", "report_dict", "resolve_as_of"]


def primary_kind(kinds) -> str | None:
    """events if loaded, else subscriptions, else nps (None when nothing is loaded)."""
    return next((k for k in KIND_ORDER if k in kinds), None)


def analyze(datasets: dict, options: AnalysisOptions | None = None,
            progress: ProgressCallback | None = None) -> Report:
    """Compute everything the data supports.

    ``datasets`` is ``LoadResult.datasets`` (kind → Dataset). Cohorts, flow and CLTV come from events if loaded,
    else subscriptions; NPS from nps data. One ``as_of`` serves all: ``options.as_of`` or the latest timestamp
    over every dataset. Raises ValueError when there is no dataset.
    """
    options = options or AnalysisOptions()
    kinds = tuple(k for k in KIND_ORDER if k in datasets)
    if not kinds:
        raise ValueError("there is no usable data to analyse")
    as_of = options.as_of
    if as_of is None:
        candidates = [t for t in (resolve_as_of(datasets[k], options) for k in kinds) if t is not None]
        as_of = max(candidates) if candidates else None
    if as_of is None:
        raise ValueError("there is no usable data to analyse")
    fixed = replace(options, as_of=as_of)
    notes: list[str] = []
    triangle = flow = value = nps = None
    cohort_kind = next((k for k in COHORT_KINDS if k in datasets), None)
    steps = 2 if cohort_kind and "nps" in datasets else 1
    if cohort_kind:
        if progress:
            progress(f"reducing {cohort_kind}", 0.0)
        agg = aggregate(datasets[cohort_kind], fixed, as_of)
        triangle = triangle_from(agg, fixed.retention)
        flow = flow_from(agg)
        value = cltv_from(agg, flow, fixed)
        if cohort_kind == "subscriptions" and fixed.retention == "unbounded":
            notes.append("for subscriptions 'unbounded' retention is the same as classic: a subscription "
                         "has no gaps")
        if not triangle.rows:
            notes.append(f"no {cohort_kind} on or before {as_of:%Y-%m-%d %H:%M} (as of): nothing to count")
        elif value is None:
            notes.append("no revenue column: revenue, revenue retention and CLTV are not shown")
        else:
            if value.margin_is_default:
                notes.append("CLTV uses a gross margin of 100% (the default; set --margin, e.g. 0.3)")
            if value.cltv is None:
                notes.append(value.note)
    if "nps" in datasets:
        if progress:
            progress("NPS", (steps - 1) / steps)
        nps = nps_summary(datasets["nps"], fixed)
    if progress:
        progress("done", 1.0)
    return Report(kind=kinds[0], kinds=kinds, options=fixed, as_of=as_of, cohorts=triangle, flow=flow,
                  nps=nps, cltv=value, notes=tuple(notes))


def _nps_dict(s: NpsStats) -> dict:
    return {"responses": s.responses, "promoters": s.promoters, "passives": s.passives,
            "detractors": s.detractors, "nps": s.nps, "moe95": s.moe95, "wald_low": s.wald_low,
            "wald_high": s.wald_high, "distribution": list(s.distribution)}


def report_dict(report: Report) -> dict:
    """The JSON object of ``workbench report --format json`` (unrounded numbers, null for undefined)."""
    spec = report.options.period
    out: dict = {"kind": report.kind, "kinds": list(report.kinds), "period": spec.unit,
                 "week_start": spec.week_start, "as_of": report.as_of.isoformat(),
                 "retention": report.options.retention, "margin": report.options.margin}
    if report.cohorts is not None:
        t = report.cohorts
        out["cohort_kind"] = t.kind
        out["cohorts"] = [{"cohort": r.cohort, "size": r.size, "active": list(r.active),
                           "retention": list(r.retention), "complete": list(r.complete)} for r in t.rows]
        out["cohort_average"] = {"retention": list(t.average), "cohorts": list(t.average_cohorts)}
    if report.flow is not None:
        rows = []
        for r in report.flow.rows:
            row = {"period": r.period, "CS": r.CS, "CN": r.CN, "CE": r.CE, "retained": r.retained,
                   "churned": r.churned, "crr": r.crr, "churn_rate": r.churn_rate,
                   "starting_retention": r.starting_retention, "complete": r.complete}
            if report.flow.kind == "events":
                row.update(resurrected=r.resurrected, quick_ratio=r.quick_ratio)
            else:
                row["new_lost"] = r.new_lost
            if report.flow.has_revenue:
                row.update(revenue=r.revenue, nrr=r.nrr, grr=r.grr)
            row["explanation"] = r.explanation
            rows.append(row)
        out["flow"] = rows
    if report.nps is not None:
        n = report.nps
        out["nps"] = {**_nps_dict(n.overall), "trend": n.trend, "trend_text": n.trend_text,
                      "by_period": [{"period": s.label, **_nps_dict(s), "complete": s.complete,
                                     "change": s.change, "warning": s.warning} for s in n.by_period]}
    if report.cltv is not None:
        c = report.cltv
        out["cltv"] = {"arpu": c.arpu, "margin": c.margin, "margin_is_default": c.margin_is_default,
                       "churn_rate": c.churn_rate, "churn_period": spec.unit, "cltv": c.cltv, "note": c.note,
                       "by_period": [{"period": r.period, "revenue": r.revenue, "customers": r.customers,
                                      "arpu": r.arpu, "complete": r.complete} for r in c.by_period],
                       "cumulative": [{"cohort": r.cohort, "size": r.size, "per_customer": list(r.per_customer),
                                       "complete": list(r.complete)} for r in c.cumulative]}
    out["notes"] = list(report.notes)
    return out
