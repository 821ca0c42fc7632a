"""A :class:`workbench.metrics.Report` as named tables of raw values, one function per section.

The command line prints them (table, CSV, Markdown), the app shows them and ctrl+s exports them, so every
output has the same columns under the same names. Nothing is computed here: every value is read from the
report.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.io.problems import FileReport
from workbench.metrics import Report, Survival
from workbench.present.columns import flow_columns
from workbench.present.table import EMPTY, Column, Table

SCORES = tuple(range(11))


def _ks(width: int, kind: str) -> list[Column]:
    return [Column(f"+{k}", kind) for k in range(width)]


def _complete_periods(complete: Iterable[bool]) -> int:
    """How many leading cells are final (cells become final oldest first)."""
    return next((k for k, done in enumerate(complete) if not done), len(tuple(complete)))


def cohort_table(report: Report, percent: bool = True) -> Table | None:
    """The triangle: one row per cohort (size, then retention % or active customers at +k), and the
    size-weighted average of complete cells."""
    t = report.cohorts
    if t is None:
        return None
    mode = "active in period cohort+k or later" if t.retention_mode == "unbounded" else "active in period cohort+k"
    what = "retention %" if percent else "active customers"
    start = {"events": "first event", "subscriptions": "first start"}.get(t.kind, "cohort's start")
    columns = (Column("cohort"), Column("size", "int"), Column("complete_periods", "complete_periods"),
               *_ks(t.width, "pct" if percent else "int"))
    rows = []
    for r in t.rows:
        values = list(r.retention if percent else r.active)
        rows.append((r.cohort, r.size, _complete_periods(r.complete), *values, *[""] * (t.width - len(values))))
    # the average is a share; in counts there is no average count to show
    rows.append(("average", None, t.width, *(t.average if percent else [None] * t.width)))
    end = "has not begun" if t.kind == "subscriptions" else "has not ended"
    notes = [f"~ not final: the period {end} by {report.as_of:%Y-%m-%d %H:%M} (as of).",
             "average: size-weighted over complete cells only, all cohorts."]
    return Table(name="cohorts" if percent else "cohort_counts",
                 title=f"Cohort {what} by {t.period.noun} since the {start} ({mode})",
                 columns=columns, rows=tuple(rows), notes=tuple(notes), key_columns=2, summary_rows=1,
                 extra={"unit": t.period.unit, "retention": t.retention_mode})


def revenue_cohort_table(report: Report, percent: bool = True) -> Table | None:
    """The revenue triangle: one row per cohort (size, then revenue retention % of the cohort's first-period
    revenue, or the revenue itself, at +k), and the revenue-weighted average of complete cells."""
    t = report.revenue_cohorts
    if t is None:
        return None
    what = "revenue retention (% of the first period's revenue)" if percent else "revenue"
    start = "first event" if t.kind == "events" else "first start"
    columns = (Column("cohort"), Column("size", "int"), Column("complete_periods", "complete_periods"),
               *_ks(t.width, "pct" if percent else "money"))
    rows = []
    for r in t.rows:
        values = list(r.retention if percent else r.revenue)
        rows.append((r.cohort, r.size, _complete_periods(r.complete), *values, *[""] * (t.width - len(values))))
    rows.append(("average", None, t.width, *(t.average if percent else [None] * t.width)))
    paid = ("revenue of the cohort's customers' events in period cohort+k" if t.kind == "events" else
            "MRR of the cohort's customers who are customers in period cohort+k (all of them at +0)")
    end = "has not begun" if t.kind == "subscriptions" else "has not ended"
    share = "revenue retention = revenue at +k / revenue at +0 × 100; " if percent else ""
    notes = [f"{share}revenue: {paid}.",
             f"~ not final: the period {end} by {report.as_of:%Y-%m-%d %H:%M} (as of).",
             "average: Σ revenue at +k / Σ revenue at +0, over complete cells of cohorts with revenue at +0."]
    return Table(name="revenue_retention" if percent else "revenue_cohorts",
                 title=f"Cohort {what} by {t.period.noun} since the {start}",
                 columns=columns, rows=tuple(rows), notes=tuple(notes), key_columns=2, summary_rows=1,
                 extra={"unit": t.period.unit})


def flow_table(report: Report) -> Table | None:
    f = report.flow
    if f is None:
        return None
    columns = flow_columns(f)
    rows = tuple(tuple(getattr(r, c.name) for c in columns) for r in f.rows)
    notes = ["crr = (CE − CN) / CS × 100; starting_retention = retained / CS × 100, the retention of the "
             "starting customers; ~ = period not over."]
    if f.has_revenue:
        notes.append("nrr/grr: revenue in the period from the customers of CS, over their revenue in the previous "
                      "period (grr caps each customer at that previous revenue)"
                      + ("; revenue is MRR at the end of the period." if f.kind == "subscriptions" else "."))
    if f.kind == "cohorts":  # the same sentence for every period: once
        notes.append("retained, churned, churn_rate and starting_retention are unknown (–): a cohort table cannot "
                     "tell who of the CS customers stayed.")
    else:
        notes += [f"{r.period}: {r.explanation}" for r in f.rows if r.explanation]
    return Table(name="flow", title=f"The retention formula per {f.period.noun} (CRR = (CE − CN) / CS × 100)",
                 columns=tuple(columns), rows=rows, notes=tuple(notes), extra={"unit": f.period.unit})


def churn_table(report: Report) -> Table | None:
    """Churn per period: the formula's columns about who left."""
    f = report.flow
    if f is None:
        return None
    names = ["period", "CS", "churned", "churn_rate", "new_lost" if f.kind == "subscriptions" else "resurrected"]
    if f.has_revenue:
        names += ["nrr", "grr"]
    columns = [c for name in [*names, "complete"] for c in flow_columns(f) if c.name == name]
    rows = tuple(tuple(getattr(r, c.name) for c in columns) for r in f.rows)
    return Table(name="churn", title=f"Churn per {f.period.noun} (churn_rate = churned / CS × 100)",
                 columns=tuple(columns), rows=rows, extra={"unit": f.period.unit})


_NPS_COLUMNS = (Column("period"), Column("responses", "int"), Column("promoters", "int"),
                Column("passives", "int"), Column("detractors", "int"), Column("nps", "pct"),
                Column("moe95", "pct"), Column("wald_low", "pct"), Column("wald_high", "pct"),
                Column("change", "pct"), Column("complete", "complete"))


def nps_table(report: Report) -> Table | None:
    n = report.nps
    if n is None:
        return None
    rows = tuple((s.label, s.responses, s.promoters, s.passives, s.detractors, s.nps, s.moe95, s.wald_low,
                  s.wald_high, s.change, s.complete) for s in (*n.by_period, n.overall))
    notes = [f"trend: {n.trend_text}. moe95 = margin of error (95%); wald_low/wald_high = adjusted-Wald 95% "
             "interval.", *[s.warning for s in n.by_period if s.warning]]
    return Table(name="nps", title=f"NPS per {n.period.noun} (promoters 9–10, detractors 0–6)",
                 columns=_NPS_COLUMNS, rows=rows, notes=tuple(notes), summary_rows=1,
                 extra={"unit": n.period.unit})


def nps_distribution_table(report: Report) -> Table | None:
    n = report.nps
    if n is None:
        return None
    columns = (Column("period"), *[Column(f"score_{s}", "int") for s in SCORES], Column("complete", "complete"))
    rows = tuple((s.label, *s.distribution, s.complete) for s in (*n.by_period, n.overall))
    return Table(name="nps_distribution", title=f"NPS answers by score, per {n.period.noun}", columns=columns,
                 rows=rows, summary_rows=1, extra={"unit": n.period.unit})


def cltv_table(report: Report) -> Table | None:
    c = report.cltv
    if c is None:
        return None
    churn = c.churn_rate * 100 if c.churn_rate is not None else None
    columns = (Column("arpu", "money"), Column("margin", "ratio"), Column("churn_rate", "pct"),
               Column("cltv", "money"), Column("realised_cltv", "money"), Column("forecast_cltv", "money"),
               Column("period"))
    notes = [c.note] + (["margin 100% is the default: revenue counted as all profit; set --margin."]
                        if c.margin_is_default else [])
    compared = report.cltv_compared
    if compared is not None:
        notes += ["realised_cltv: revenue brought so far per customer × margin (a floor); forecast_cltv: revenue "
                  "per customer-period alive × margin × the forecast's discounted expected lifetime.",
                  compared.explanation]
    row = (c.arpu, c.margin, churn, c.cltv, compared.realised if compared else None,
           compared.forecast if compared else None, c.period.unit)
    return Table(name="cltv", title=f"CLTV = ARPU × margin / churn rate (per {c.period.noun})", columns=columns,
                 rows=(row,), notes=tuple(notes), extra={"unit": c.period.unit})


def forecast_table(report: Report) -> Table | None:
    """The sBG projection S(t) in %, with the fit in the notes."""
    f = report.forecast
    if f is None:
        return None
    noun = f.period.noun
    lifetime = ("infinite (α ≤ 1)" if f.expected_lifetime is None else f"{f.expected_lifetime:,.2f} {noun}s")
    notes = [f"sBG (Fader & Hardie 2007) fitted to the {f.kind}' survival: alpha {f.alpha:.4g}, beta {f.beta:.4g}, "
             f"log-likelihood {f.log_likelihood:,.2f} ({f.customers:,} customers"
             + (f"; {f.excluded:,} gone before their first {noun} left out" if f.excluded else "") + ").",
             f"expected lifetime {lifetime}; within the {len(f.projection) - 1} {noun}s shown "
             f"{f.expected_lifetime_truncated:,.2f}; discounted at {f.discount:.3%} per {noun}: "
             f"{f.discounted_lifetime:,.2f} {noun}s."]
    if f.holdout_error is not None:
        notes.append(f"fitted without the last {len(f.holdout_periods)} observed {noun}s, it misses their survival "
                     f"by {f.holdout_error:.1f} points on average.")
    notes.insert(0, f"observed up to +{f.observed_periods}; later values are projected.")
    return Table(name="forecast", title="Forecast survival % (sBG)",
                 columns=(Column("t", "int"), Column("survival", "pct")),
                 rows=tuple(enumerate(f.projection)), notes=tuple(notes), extra={"unit": f.period.unit})


def arpu_table(report: Report) -> Table | None:
    c = report.cltv
    if c is None:
        return None
    columns = (Column("period"), Column("revenue", "money"), Column("customers", "int"), Column("arpu", "money"),
               Column("complete", "complete"))
    rows = tuple((r.period, r.revenue, r.customers, r.arpu, r.complete) for r in c.by_period)
    return Table(name="arpu", title=f"ARPU per {c.period.noun} (revenue / paying customers)", columns=columns,
                 rows=rows, extra={"unit": c.period.unit})


def cumulative_revenue_table(report: Report) -> Table | None:
    c = report.cltv
    if c is None:
        return None
    width = max((len(r.per_customer) for r in c.cumulative), default=0)
    columns = (Column("cohort"), Column("size", "int"), Column("complete_periods", "complete_periods"),
               *_ks(width, "money"))
    rows = tuple((r.cohort, r.size, _complete_periods(r.complete), *r.per_customer,
                  *[""] * (width - len(r.per_customer))) for r in c.cumulative)
    return Table(name="cumulative_revenue", key_columns=2, columns=columns, rows=rows,
                 title=f"Realised cumulative revenue per customer, by {c.period.noun} since acquisition",
                 extra={"unit": c.period.unit})


SURVIVAL_COLUMNS = (Column("t", "int"), Column("at_risk", "int"), Column("churned", "int"), Column("censored", "int"),
                    Column("survival", "pct"), Column("ci_lower", "pct"), Column("ci_upper", "pct"))


def periods(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def median_sentence(s: Survival) -> str:
    """The median lifetime and its 95% interval in words."""
    if s.median_lifetime is None:
        return "median lifetime: not reached (more than half are still customers)"
    lower, upper = s.median_lifetime_ci
    bounds = f"{EMPTY if lower is None else lower} to {'not reached' if upper is None else upper}"
    return f"median lifetime: {periods(s.median_lifetime, s.period.noun)} (95% interval {bounds})"


def survival_rows(s: Survival) -> tuple[tuple, ...]:
    return tuple((r.t, r.at_risk, r.churned, r.censored, r.survival, r.ci_lower, r.ci_upper) for r in s.rows)


def survival_table(report: Report) -> Table | None:
    s = report.survival
    if s is None:
        return None
    notes = (median_sentence(s), f"{s.kind}: {s.rule}.",
             "ci_lower/ci_upper: 95% interval (Greenwood, log(−log) scale, as lifelines).")
    return Table(name="survival", title=f"Kaplan-Meier survival of the {s.kind} by {s.period.noun}s since the start",
                 columns=SURVIVAL_COLUMNS, rows=survival_rows(s), notes=notes, extra={"unit": s.period.unit})


def segments_table(report: Report, nps: bool = False) -> Table | None:
    """One row per segment (``nps``: per NPS group): customers, churned so far, the median lifetime and its
    interval; the test in the notes."""
    seg = report.segments if not nps else report.nps_retention.segments if report.nps_retention else None
    if seg is None:
        return None
    columns = (Column("name"), Column("customers", "int"), Column("churned", "int"),
               Column("median_lifetime", "int"), Column("median_lower", "int"),
               Column("median_upper", "int"))
    rows = tuple((g.name, g.customers, sum(r.churned for r in g.survival.rows), g.survival.median_lifetime,
                  *g.survival.median_lifetime_ci) for g in seg.groups)
    notes = [seg.sentence]
    if seg.logrank is not None:
        t = seg.logrank
        notes.append(f"log-rank: statistic {t.statistic:.4g}, df {t.df}, p_value {t.p_value:.4g}.")
    if seg.pooled:
        notes.append(f"(other): {', '.join(seg.pooled)}.")
    if nps:
        notes.append(report.nps_retention.note)
    return Table(name="nps_retention" if nps else "segments", title=f"Survival by {seg.column} (median lifetime in {report.survival.period.noun}s)",
                 columns=columns, rows=rows, notes=tuple(notes), extra={"unit": report.survival.period.unit})


def segment_survival_table(report: Report) -> Table | None:
    """Every segment's Kaplan–Meier rows, one after the other (``name`` first)."""
    seg = report.segments
    if seg is None:
        return None
    rows = tuple((g.name, *row) for g in seg.groups for row in survival_rows(g.survival))
    return Table(name="segment_survival", title=f"Kaplan-Meier survival by {seg.column}",
                 columns=(Column("name"), *SURVIVAL_COLUMNS), rows=rows, key_columns=2,
                 extra={"unit": report.survival.period.unit})


def report_tables(report: Report, percent: bool = True) -> list[Table]:
    """Every table the report supports, in reading order."""
    makers = (lambda r: cohort_table(r, percent), flow_table, nps_table, nps_distribution_table, cltv_table,
              arpu_table, cumulative_revenue_table, revenue_cohort_table, survival_table, segments_table, segment_survival_table,
              forecast_table, lambda r: segments_table(r, nps=True))
    return [t for t in (make(report) for make in makers) if t is not None]


def files_table(reports: Iterable[FileReport]) -> Table:
    """Each file read: kind, format, rows read, kept and dropped, and the column taken for each role."""
    columns = (Column("path"), Column("kind"), Column("format"), Column("rows_read", "int"),
               Column("rows_kept", "int"), Column("rows_dropped", "int"), Column("columns"))
    rows = tuple((r.path, r.kind or "not usable", r.format, r.rows_read, r.rows_kept, r.rows_dropped,
                  ", ".join(f"{role}={col}" for role, col in r.columns.items())) for r in reports)
    return Table(name="data_files", title="Files read", columns=columns, rows=rows)


def customers_table(ids: Iterable[str], name: str = "customers") -> Table:
    return Table(name=name, title="Customers", columns=(Column("customer_id"),), rows=tuple((i,) for i in ids))


PROFILE_KINDS = {"periods_active": "int", "revenue": "money", "nps": "int"}


def customer_profiles_table(profiles, name: str = "customers", title: str = "Customers") -> Table:
    """The drill-down's customers with their profile (:func:`workbench.metrics.customers.customer_profiles`:
    a polars DataFrame); times as ``YYYY-MM-DD HH:MM:SS``, an empty last_seen for a subscription still on."""
    columns = tuple(Column(c, PROFILE_KINDS.get(c, "text")) for c in profiles.columns)
    return Table(name=name, title=title, columns=columns, rows=tuple(profiles.iter_rows()))


TIMELINE_KINDS = {"revenue": "money", "score": "int"}


def customer_timeline_table(timeline, name: str | None = None) -> Table:
    """One customer's rows in time order (:class:`workbench.metrics.customers.Timeline`); the note says when
    only the first rows are shown."""
    rows = timeline.rows
    columns = tuple(Column(c, TIMELINE_KINDS.get(c, "text")) for c in rows.columns)
    note = timeline.note
    return Table(name=name or "timeline", title=f"Customer {timeline.customer_id}", columns=columns,
                 rows=tuple(rows.iter_rows()), notes=(note,) if note else ())
