"""The plain Python loops over cells that finished the cohort, revenue and CLTV triangles and the flow's
event terms before :mod:`workbench.metrics.grids` (as they were, lightly condensed). A helper module, not
collected as tests: ``test_finishing_grids.py`` checks that the grids give the same report to the bit."""

from __future__ import annotations

from workbench.metrics.aggregates import Aggregates, ratio
from workbench.metrics.cltv import Cltv, CumulativeRow, cltv_from
from workbench.metrics.cohorts import CohortRow, CohortTriangle, averages
from workbench.metrics.flow import Flow
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.reduce import MICRO
from workbench.metrics.revenue_triangle import RevenueRow, RevenueTriangle, _micro


def _done(agg: Aggregates) -> dict[int, bool]:
    return {p: (agg.ended(p) if agg.kind == "events" else agg.begun(p)) for p in agg.periods()}


def loop_triangle(agg: Aggregates, retention: str = "classic") -> CohortTriangle:
    rows: list[CohortRow] = []
    spec, done = agg.period, _done(agg)

    def row(c: int, size: int, counts: list[int]) -> CohortRow:
        return CohortRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size, active=tuple(counts),
                         retention=tuple(ratio(a, size) for a in counts),
                         complete=tuple(done[c + k] for k in range(len(counts))))

    if agg.kind == "events":
        active, lasts = {}, {}
        for c, p, a, last in agg.frame.select("cohort", "period", "active", "last").iter_rows():
            active[(c, p)], lasts[(c, p)] = a, last
        for c in agg.periods():
            size = active.get((c, c), 0)
            if retention == "unbounded":
                counts, running = [], 0
                for p in range(agg.last, c - 1, -1):
                    running += lasts.get((c, p), 0)
                    counts.append(running)
                counts.reverse()
            else:
                counts = [active.get((c, p), 0) for p in range(c, agg.last + 1)]
            if size:
                rows.append(row(c, size, counts))
    else:
        by_cohort: dict[int, list] = {}
        for c, last, n in agg.frame.select("cohort", "last", "customers").iter_rows():
            by_cohort.setdefault(c, []).append((last, n))
        for c in agg.periods():
            groups = by_cohort.get(c, [])
            size = sum(n for _, n in groups)
            if not size:
                continue
            ends: dict[int, int] = {}
            for last, n in groups:
                if last is not None:
                    ends[last] = ends.get(last, 0) + n
            counts, gone = [size], sum(n for last, n in ends.items() if last < c)
            for p in range(c + 1, agg.last + 1):
                gone += ends.get(p - 1, 0)
                counts.append(size - gone)
            rows.append(row(c, size, counts))
    mode = retention if agg.kind == "events" else "classic"
    return CohortTriangle(agg.kind, spec, mode, tuple(rows), *averages(rows))


def loop_event_terms(agg: Aggregates, span: list[int]) -> dict[int, dict]:
    totals = {p: {"CE": 0, "CN": 0, "retained": 0, "revenue": 0.0, "rev_kept": 0.0, "rev_capped": 0.0}
              for p in span}
    cols = ("cohort", "period", "active", "retained", "revenue", "revenue_retained", "revenue_retained_capped")
    for c, p, a, kept, rev, rev_kept, capped in agg.frame.select(cols).iter_rows():
        t = totals[p]
        t["CE"] += a
        t["retained"] += kept
        t["revenue"] += rev
        t["rev_kept"] += rev_kept
        t["rev_capped"] += capped
        if c == p:
            t["CN"] += a
    for p in span[1:]:
        totals[p]["CS"] = totals[p - 1]["CE"]
        totals[p]["rev_start"] = totals[p - 1]["revenue"]
    return totals


def loop_cltv(agg: Aggregates, flow: Flow, options: AnalysisOptions) -> Cltv | None:
    """The loops' revenue and customers by period and cumulative rows; the rest (ARPU, churn, the note) is
    the same code as :func:`workbench.metrics.cltv.cltv_from`, taken from it."""
    found = cltv_from(agg, flow, options)
    if found is None:
        return None
    revenue = {p: 0.0 for p in agg.periods()}
    customers = {p: 0 for p in agg.periods()}
    cumulative, sizes = [], {}

    def add(c: int, size: int, totals: list[float]) -> None:
        cumulative.append(CumulativeRow(cohort=agg.period.label_of(c), size=size,
                                        per_customer=tuple(t / size if size else 0.0 for t in totals),
                                        complete=tuple(agg.ended(c + k) for k in range(len(totals)))))

    if agg.kind == "events":
        by_cell = {}
        for c, p, a, rev in agg.frame.select("cohort", "period", "active", "revenue").iter_rows():
            revenue[p] += rev
            customers[p] += a
            by_cell[(c, p)] = rev
            if c == p:
                sizes[c] = a
        for c in agg.periods():
            running, values = 0.0, []
            for p in range(c, agg.last + 1):
                running += by_cell.get((c, p), 0.0)
                values.append(running)
            if sizes.get(c):
                add(c, sizes[c], values)
    else:
        width = agg.last - agg.first + 2
        pay_diff, count_diff = {}, {}
        for c, last, n, mrr in agg.frame.select("cohort", "last", "customers", "mrr").iter_rows():
            pays = pay_diff.setdefault(c, [0.0] * width)
            counts = count_diff.setdefault(c, [0] * width)
            sizes[c] = sizes.get(c, 0) + n
            pays[0] += mrr
            counts[0] += n
            if last is not None and max(last, c) + 1 <= agg.last:
                pays[max(last, c) + 1 - c] -= mrr
                counts[max(last, c) + 1 - c] -= n
        for c in agg.periods():
            pays, counts = pay_diff.get(c, [0.0] * width), count_diff.get(c, [0] * width)
            paid, payers, running, values = 0.0, 0, 0.0, []
            for k in range(agg.last - c + 1):
                paid += pays[k]
                payers += counts[k]
                running += paid
                values.append(running)
                revenue[c + k] += paid
                customers[c + k] += payers
            if sizes.get(c):
                add(c, sizes[c], values)
    by_period = tuple(type(r)(period=r.period, revenue=revenue[p], customers=customers[p],
                              arpu=revenue[p] / customers[p] if customers[p] else None, complete=r.complete)
                      for p, r in zip(agg.periods(), found.by_period, strict=True))
    return Cltv(kind=found.kind, period=found.period, margin=found.margin, margin_is_default=found.margin_is_default,
                arpu=found.arpu, churn_rate=found.churn_rate, cltv=found.cltv, note=found.note,
                by_period=by_period, cumulative=tuple(cumulative))


def loop_revenue_triangle(agg: Aggregates) -> RevenueTriangle | None:
    if not agg.has_revenue or agg.first is None:
        return None
    spec, done = agg.period, _done(agg)
    cells: dict[int, list[int]] = {}
    sizes: dict[int, int] = {}
    micro = agg.frame.with_columns(_micro("mrr" if agg.kind == "subscriptions" else "revenue").alias("micro"))
    if agg.kind == "events":
        paid = {}
        for c, p, a, m in micro.select("cohort", "period", "active", "micro").iter_rows():
            paid[(c, p)] = m
            if c == p and a:
                sizes[c] = a
        for c in sizes:
            cells[c] = [paid.get((c, p), 0) for p in range(c, agg.last + 1)]
    else:
        totals: dict[int, int] = {}
        stops: dict[tuple[int, int], int] = {}
        for c, last, n, m in micro.select("cohort", "last", "customers", "micro").iter_rows():
            sizes[c] = sizes.get(c, 0) + n
            totals[c] = totals.get(c, 0) + m
            if last is not None:
                stops[(c, max(last, c) + 1)] = stops.get((c, max(last, c) + 1), 0) + m
        for c in [c for c in sizes if sizes[c] > 0]:
            row, stopped = [], 0
            for p in range(c, agg.last + 1):
                stopped += stops.get((c, p), 0)
                row.append(totals[c] - stopped)
            cells[c] = row
    rows = [RevenueRow(cohort=spec.label_of(c), start=spec.start_of(c), size=sizes[c],
                       revenue=tuple(m / MICRO for m in cells[c]), retention=tuple(ratio(m, cells[c][0]) for m in cells[c]),
                       complete=tuple(done[c + k] for k in range(len(cells[c])))) for c in sorted(cells)]
    width = max((len(r.revenue) for r in rows), default=0)
    average, used = [], []
    for k in range(width):
        kept = [(round(r.revenue[k] * MICRO), round(r.revenue[0] * MICRO)) for r in rows
                if k < len(r.revenue) and r.complete[k] and r.revenue[0]]
        average.append(ratio(sum(v for v, _ in kept), sum(f for _, f in kept)))
        used.append(len(kept))
    return RevenueTriangle(agg.kind, spec, tuple(rows), tuple(average), tuple(used))
