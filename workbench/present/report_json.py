"""The JSON form of a :class:`workbench.metrics.Report` (``workbench report --format json``).

Numbers are unrounded, undefined ratios are null, and the keys are the column names used everywhere else
(the app's tables, CSV and Markdown; see README). The same report gives the same bytes on every run: the
metrics sum money exactly, and nothing here depends on hash or thread order.
"""

from __future__ import annotations

import json

from workbench.metrics import NpsStats, Report, Segments, SurvivalRow
from workbench.present.columns import flow_columns


def _nps_dict(s: NpsStats) -> dict:
    return {"responses": s.responses, "promoters": s.promoters, "passives": s.passives,
            "detractors": s.detractors, "nps": s.nps, "moe95": s.moe95, "wald_low": s.wald_low,
            "wald_high": s.wald_high, "distribution": list(s.distribution)}


def survival_row(r: SurvivalRow) -> dict:
    return {"t": r.t, "at_risk": r.at_risk, "churned": r.churned, "censored": r.censored, "survival": r.survival,
            "ci_lower": r.ci_lower, "ci_upper": r.ci_upper}


def segments_dict(seg: Segments) -> dict:
    return {"column": seg.column, "pooled": list(seg.pooled),
            "groups": [{"name": g.name, "customers": g.customers,
                        "survival": [survival_row(r) for r in g.survival.rows],
                        "median_lifetime": g.survival.median_lifetime,
                        "median_lifetime_ci": list(g.survival.median_lifetime_ci)} for g in seg.groups],
            "logrank": seg.logrank.as_dict() if seg.logrank is not None else None, "sentence": seg.sentence}


def report_dict(report: Report) -> dict:
    """The JSON object of ``workbench report --format json``."""
    spec = report.options.period
    out: dict = {"kind": report.kind, "kinds": list(report.kinds), "period": spec.unit,
                 "week_start": spec.week_start, "as_of": report.as_of.isoformat(),
                 "retention": report.options.retention, "margin": report.options.margin,
                 "inactive": report.options.inactive, "top_segments": report.options.top_segments,
                 "discount": report.options.discount}
    if report.cohorts is not None:
        t = report.cohorts
        out["cohort_kind"] = t.kind
        out["cohorts"] = [{"cohort": r.cohort, "size": r.size, "active": list(r.active),
                           "retention": list(r.retention), "complete": list(r.complete),
                           "ci_lower": list(r.ci_lower), "ci_upper": list(r.ci_upper),
                           "too_wide": list(r.too_wide)} for r in t.rows]
        out["cohort_average"] = {"retention": list(t.average), "cohorts": list(t.average_cohorts)}
    if report.flow is not None:
        names = [c.name for c in flow_columns(report.flow)]
        out["flow"] = [{**{n: getattr(r, n) for n in names}, "explanation": r.explanation}
                       for r in report.flow.rows]
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
    if report.revenue_cohorts is not None:
        t = report.revenue_cohorts
        out["revenue_cohorts"] = [{"cohort": r.cohort, "size": r.size, "revenue": list(r.revenue),
                                   "revenue_retention": list(r.retention), "complete": list(r.complete)}
                                  for r in t.rows]
        out["revenue_cohort_average"] = {"revenue_retention": list(t.average), "cohorts": list(t.average_cohorts)}
    if report.survival is not None:
        s = report.survival
        out["survival_kind"] = s.kind
        out["survival"] = [survival_row(r) for r in s.rows]
        out["median_lifetime"] = s.median_lifetime
        out["median_lifetime_ci"] = list(s.median_lifetime_ci)
    if report.forecast is not None:
        f = report.forecast
        out["forecast"] = {
            "model": "sbg", "kind": f.kind, "alpha": f.alpha, "beta": f.beta, "log_likelihood": f.log_likelihood,
            "customers": f.customers, "excluded": f.excluded, "at_bound": f.at_bound,
            "expected_lifetime": f.expected_lifetime, "expected_lifetime_truncated": f.expected_lifetime_truncated,
            "projection": [{"t": t, "survival": v} for t, v in enumerate(f.projection)],
            "observed_periods": f.observed_periods, "holdout_periods": list(f.holdout_periods),
            "holdout_error": f.holdout_error, "discount_per_period": f.discount,
            "discounted_lifetime": f.discounted_lifetime}
    if report.cltv_compared is not None and "cltv" in out:
        c = report.cltv_compared
        out["cltv"].update({"realised_cltv": c.realised, "forecast_cltv": c.forecast, "comparison": c.explanation})
    if report.segments is not None:
        out["segments"] = {**segments_dict(report.segments), "kind": report.survival.kind}
    if report.nps_retention is not None:
        n = report.nps_retention
        out["nps_retention"] = {**segments_dict(n.segments), "kind": report.survival.kind,
                                "unmatched_responses": n.unmatched_responses,
                                "unmatched_respondents": n.unmatched_respondents, "note": n.note}
    out["notes"] = list(report.notes)
    return out


def report_json(report: Report, indent: int | None = 2) -> str:
    """One JSON object (see :func:`report_dict`); NaN and infinity never appear (they would raise)."""
    return json.dumps(report_dict(report), indent=indent, ensure_ascii=False, allow_nan=False)
