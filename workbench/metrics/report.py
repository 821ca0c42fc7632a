"""`analyze`: everything the loaded data supports, in one :class:`Report` (its JSON form is written by
:mod:`workbench.present.report_json`, outside this package)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from workbench.metrics.aggregates import COHORT_KINDS, aggregate, reduce_dataset, resolve_as_of
from workbench.metrics.cltv import Cltv, cltv_from
from workbench.metrics.cohort_tables import from_cohort_table
from workbench.metrics.cohorts import CohortTriangle, triangle_from
from workbench.metrics.flow import Flow, flow_from
from workbench.metrics.forecast import (
    CltvCompared,
    Forecast,
    compare_cltv,
    forecast_from,
    revenue_per_alive_period,
)
from workbench.metrics.nps import NpsSummary, nps_summary
from workbench.metrics.observed import extent_of, observed
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.reduce import reduce_nps_lifetimes, reduce_segment_lifetimes
from workbench.metrics.revenue_triangle import RevenueTriangle, revenue_triangle_from
from workbench.metrics.segments import NO_ANSWER, NpsRetention, Segments, segments_from
from workbench.metrics.survival import Survival, survival_from

KIND_ORDER = ("events", "subscriptions", "nps")
ProgressCallback = Callable[[str, float], None]

__all__ = ["COHORT_KINDS", "Report", "analyze", "primary_kind", "resolve_as_of"]


@dataclass(frozen=True)
class Report:
    """Everything the data supports.

    ``kind`` is the primary kind (events if loaded, else subscriptions, else nps); ``kinds`` all loaded kinds.
    ``cohorts``, ``flow`` and ``cltv`` come from the primary cohort kind (events, else subscriptions, else a
    ready-made cohort table: then ``kind`` is ``cohorts`` and the flow's unknown terms are None);
    ``nps`` from NPS data; ``survival`` (Kaplan-Meier) from subscriptions when loaded (their ends are known),
    else from events (lost after ``options.inactive`` periods without an event). A part the data does not
    support is None. ``notes`` are plain sentences for the reader (e.g. the margin default, why CLTV is
    missing). ``segments``: survival by segment and the log-rank test, when that dataset has a segment
    column. ``forecast``: the sBG model fitted to that survival; ``cltv_compared``: CLTV by the formula,
    realised and forecast, and why they differ. ``nps_retention``: survival by NPS group, when NPS answers
    are loaded with events or subscriptions. ``revenue_cohorts``: the revenue triangle (revenue of each cohort
    by k and its share of the first period's, :mod:`workbench.metrics.revenue_triangle`) when the cohort kind
    has a revenue column. ``forecast_pending``: the forecast was left out on purpose
    (``analyze(forecast=False)``: the app's first screen does not wait for the model fit); the same call with
    ``forecast=True`` fills it in.
    """

    kind: str
    kinds: tuple[str, ...]
    options: AnalysisOptions
    as_of: datetime
    cohorts: CohortTriangle | None = None
    flow: Flow | None = None
    nps: NpsSummary | None = None
    cltv: Cltv | None = None
    survival: Survival | None = None
    segments: Segments | None = None
    forecast: Forecast | None = None
    cltv_compared: CltvCompared | None = None
    nps_retention: NpsRetention | None = None
    revenue_cohorts: RevenueTriangle | None = None
    notes: tuple[str, ...] = ()
    forecast_pending: bool = False


def primary_kind(kinds) -> str | None:
    """events if loaded, else subscriptions, else nps (None when nothing is loaded)."""
    return next((k for k in KIND_ORDER if k in kinds), None)


def analyze(datasets: dict, options: AnalysisOptions | None = None,
            progress: ProgressCallback | None = None, cache: dict | None = None, forecast: bool = True) -> Report:
    """Compute everything the data supports.

    ``datasets`` is ``LoadResult.datasets`` (kind → Dataset). Cohorts, flow and CLTV come from events if loaded,
    else subscriptions; NPS from nps data. One ``as_of`` serves all: ``options.as_of`` or the latest timestamp
    over every dataset. Raises ValueError when there is no dataset.

    ``cache``: a dict the caller keeps for the same datasets (the app, between key presses). The reductions
    depend only on the kind, the period and as_of, so classic/unbounded, the margin or going back to an
    earlier granularity reuse them instead of scanning the rows again.

    ``forecast=False`` leaves out the sBG forecast and the CLTV comparison built on it (``forecast_pending``):
    fitting the model, and importing scipy's optimiser for it, is most of a small report's time.
    """
    options = options or AnalysisOptions()
    cache = {} if cache is None else cache

    def once(key: tuple, compute):
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def extent(kind: str) -> tuple[datetime | None, bool]:
        """Where the kind's data ends, and whether it is a log of dates: one pass per load, whatever the view."""
        return once(("extent", kind), lambda: extent_of(datasets[kind]))

    if "cohorts" in datasets:
        return _with_cohort_table(datasets, options, progress, cache)
    kinds = tuple(k for k in KIND_ORDER if k in datasets)
    if not kinds:
        raise ValueError("there is no usable data to analyse")
    cohort_kind = next((k for k in COHORT_KINDS if k in datasets), None)
    # the steps a progress line names; each is one or a few passes over the rows (or queries to the engine)
    statistics = "survival, segments and the forecast" if forecast else "survival and segments"
    steps = ["finding where the data ends", *([f"reducing the {cohort_kind}", statistics]
                                              if cohort_kind else []), *(["NPS"] if "nps" in datasets else [])]

    def step(name: str) -> None:
        if progress:
            progress(name, steps.index(name) / len(steps))

    step(steps[0])
    as_of = options.as_of
    if as_of is None:
        found = (extent(k)[0] for k in kinds)
        candidates = [t for t in found if t is not None]
        as_of = max(candidates) if candidates else None
    if as_of is None:
        raise ValueError("there is no usable data to analyse")
    fixed = replace(options, as_of=as_of)
    notes: list[str] = []
    triangle = flow = value = nps = revenue = None
    if cohort_kind:
        step(f"reducing the {cohort_kind}")
        agg = once((cohort_kind, fixed.period, as_of),
                   lambda: aggregate(datasets[cohort_kind], fixed, as_of, extent(cohort_kind)))
        seen = agg.observed
        if seen is not None and options.as_of is not None and seen.last_instant < options.as_of:
            notes.append(f"the {cohort_kind} data ends on {seen.last_instant:%Y-%m-%d}: the {fixed.period.noun}s "
                         f"after it up to the as-of date {options.as_of:%Y-%m-%d} are not observed, so they are "
                         "not counted (no invented churn)")
        triangle = triangle_from(agg, fixed.retention)
        flow = flow_from(agg)
        value = cltv_from(agg, flow, fixed)
        revenue = revenue_triangle_from(agg)
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
    survival = segments = None
    if cohort_kind:
        step(statistics)
        survival_kind = "subscriptions" if "subscriptions" in datasets else "events"
        frame = (agg.frame if cohort_kind == survival_kind else once(
            ("subscriptions", fixed.period, as_of),
            lambda: reduce_dataset(datasets["subscriptions"], fixed.period, as_of)))
        seen = agg.observed if cohort_kind == survival_kind else once(
            ("observed", "subscriptions", as_of), lambda: observed(*extent("subscriptions"), as_of))
        # censored where the data ends, not at as_of: events count the periods over by then, subscriptions
        # the state at the last instant the data covers
        until = as_of if seen is None else seen.until if survival_kind == "events" else seen.last_instant
        survival = survival_from(frame, survival_kind, fixed.period, until, fixed.inactive)
        segments = _segments(datasets[survival_kind], fixed, as_of, until, once) if survival is not None else None
    pending = survival is not None and not forecast
    prediction = None if pending else forecast_from(survival, fixed.discount)
    per_alive = revenue_per_alive_period(agg, value) if value is not None else None
    if survival is not None and prediction is None and not pending:
        notes.append("no forecast: no customer has churned yet")
    nps_retention = None
    if "nps" in datasets and survival is not None and _in_memory(datasets[survival.kind], datasets["nps"]):
        frame, responses, respondents = once(("nps_lifetimes", survival.kind, fixed.period, as_of),
                                             lambda: reduce_nps_lifetimes(datasets[survival.kind].lazy(), survival.kind,
                                                                          datasets["nps"].lazy(), fixed.period, as_of))
        groups = segments_from(frame, survival.kind, "NPS group", fixed.period, until, fixed.inactive, 3, NO_ANSWER,
                               "{}")
        if groups is not None:
            nps_retention = NpsRetention(groups, responses, respondents)
    if "nps" in datasets:
        step("NPS")
        nps = once(("nps", fixed.period, as_of), lambda: nps_summary(datasets["nps"], fixed))
    if progress:
        progress("done", 1.0)
    return Report(kind=kinds[0], kinds=kinds, options=fixed, as_of=as_of, cohorts=triangle, flow=flow,
                  nps=nps, cltv=value, survival=survival, segments=segments, forecast=prediction,
                  cltv_compared=None if pending else compare_cltv(value, flow, prediction, per_alive),
                  nps_retention=nps_retention, revenue_cohorts=revenue, notes=tuple(notes),
                  forecast_pending=pending)


def _in_memory(*datasets) -> bool:
    """Segments and NPS × retention are reduced by polars only, for now: not for rows another engine holds."""
    return all(getattr(d, "engine", None) is None for d in datasets)


def _segments(dataset, options: AnalysisOptions, as_of: datetime, until: datetime, once) -> Segments | None:
    """Survival by the dataset's segment column (the name it has in the files), when it has one: rows up to
    as_of, censored at ``until`` (where the data ends)."""
    if not _in_memory(dataset) or "segment" not in dataset.lazy().collect_schema().names():
        return None
    column = next((f.columns["segment"] for f in dataset.files if f.columns.get("segment")), "segment")
    frame = once(("segments", dataset.kind, options.period, as_of),
                 lambda: reduce_segment_lifetimes(dataset.lazy(), dataset.kind, options.period, as_of))
    return segments_from(frame, dataset.kind, column, options.period, until, options.inactive,
                         options.top_segments)


def _with_cohort_table(datasets: dict, options: AnalysisOptions, progress: ProgressCallback | None,
                       cache: dict) -> Report:
    """A ready-made cohort table (kind ``cohorts``): its triangle and formula (see
    :mod:`workbench.metrics.cohort_tables`), NPS from answers loaded beside it. Beside events or subscriptions
    the table is not used: the rows say more than a table of counts."""
    rest = {k: v for k, v in datasets.items() if k != "cohorts"}
    if any(k in rest for k in COHORT_KINDS):
        report = analyze(rest, options, progress, cache)
        return replace(report, notes=(*report.notes, "the cohort table is not used: cohorts and the formula "
                                      f"come from the {report.kind}, which say who stayed"))
    table = from_cohort_table(datasets["cohorts"], options)  # the table is already small: nothing to cache
    fixed = replace(options, period=table.period, as_of=table.as_of)
    nps = analyze(rest, replace(options, period=table.period), progress, cache) if rest else None
    return Report(kind="cohorts", kinds=("cohorts", *(nps.kinds if nps else ())), options=fixed,
                  as_of=table.as_of, cohorts=table.triangle, flow=table.flow, nps=nps.nps if nps else None,
                  notes=(*table.notes, *(nps.notes if nps else ())))
