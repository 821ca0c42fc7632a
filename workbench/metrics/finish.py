"""The finishing step for cohorts and the retention formula: small aggregates in, result dataclasses out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import data_as_of, reduce_events, reduce_subscriptions
from workbench.metrics.results import AnalysisOptions, CohortRow, CohortTriangle, Flow, FlowRow

COHORT_KINDS = ("events", "subscriptions")
_US = timedelta(microseconds=1)


def ratio(num: float, den: float, scale: float = 100.0) -> float | None:
    """``num / den × scale``, or None when ``den`` is zero."""
    return num / den * scale if den else None


@dataclass(frozen=True)
class Aggregates:
    """A dataset reduced once, shared by every finishing function.

    ``first``/``last`` are the first and last period indexes shown (None when no row is on or before as_of);
    ``last`` is the later of the period just before as_of ends and the last period with data.
    """

    kind: str
    period: PeriodSpec
    as_of: datetime
    first: int | None
    last: int | None
    frame: pl.DataFrame
    has_revenue: bool

    def periods(self) -> range:
        return range(self.first, self.last + 1) if self.first is not None else range(0)

    def ended(self, idx: int) -> bool:
        return self.period.end_of(idx) <= self.as_of

    def begun(self, idx: int) -> bool:
        return self.period.start_of(idx) <= self.as_of


def resolve_as_of(dataset, options: AnalysisOptions) -> datetime | None:
    """``options.as_of`` or else the latest timestamp in the data (None for an empty dataset)."""
    return options.as_of if options.as_of is not None else data_as_of(dataset.lazy(), dataset.kind)


def aggregate(dataset, options: AnalysisOptions, as_of: datetime | None = None) -> Aggregates:
    """Reduce an events or subscriptions :class:`~workbench.io.Dataset` (the heavy step)."""
    if dataset.kind not in COHORT_KINDS:
        raise ValueError(f"cohorts need events or subscriptions, not {dataset.kind}")
    as_of = as_of or resolve_as_of(dataset, options)
    spec = options.period
    lf = dataset.lazy()
    has_revenue = bool(dataset.has_revenue)
    if as_of is None:
        empty = pl.DataFrame()
        return Aggregates(dataset.kind, spec, datetime(1970, 1, 1), None, None, empty, has_revenue)
    if dataset.kind == "events":
        frame = reduce_events(lf, spec, as_of)
        data_first, data_last = (frame["cohort"].min(), frame["period"].max()) if frame.height else (None, None)
    else:
        frame = reduce_subscriptions(lf, spec, as_of)
        data_first, data_last = (frame["cohort"].min(), frame["cohort"].max()) if frame.height else (None, None)
    if data_first is None:
        return Aggregates(dataset.kind, spec, as_of, None, None, frame, has_revenue)
    last = max(spec.index_of(as_of - _US), data_last)
    return Aggregates(dataset.kind, spec, as_of, data_first, last, frame, has_revenue)


# ---------------------------------------------------------------- cohort triangle


def triangle_from(agg: Aggregates, retention: str = "classic") -> CohortTriangle:
    """The cohort triangle from reduced aggregates."""
    rows: list[CohortRow] = []
    spec = agg.period
    done = {p: (agg.ended(p) if agg.kind == "events" else agg.begun(p)) for p in agg.periods()}
    if agg.kind == "events":
        active: dict[tuple[int, int], int] = {}
        lasts: dict[tuple[int, int], int] = {}
        for c, p, a, last in agg.frame.select("cohort", "period", "active", "last").iter_rows():
            active[(c, p)] = a
            lasts[(c, p)] = last
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
                rows.append(_row(spec, c, size, counts, done))
    else:
        by_cohort: dict[int, list[tuple[int | None, int]]] = {}
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
            rows.append(_row(spec, c, size, counts, done))
    width = max((len(r.active) for r in rows), default=0)
    average, used = [], []
    for k in range(width):
        cells = [(r.active[k], r.size) for r in rows if k < len(r.active) and r.complete[k] and r.size]
        total = sum(s for _, s in cells)
        average.append(ratio(sum(a for a, _ in cells), total))
        used.append(len(cells))
    mode = retention if agg.kind == "events" else "classic"
    return CohortTriangle(agg.kind, spec, mode, tuple(rows), tuple(average), tuple(used))


def _row(spec: PeriodSpec, c: int, size: int, counts: list[int], done: dict[int, bool]) -> CohortRow:
    return CohortRow(cohort=spec.label_of(c), start=spec.start_of(c), size=size, active=tuple(counts),
                     retention=tuple(ratio(a, size) for a in counts),
                     complete=tuple(done[c + k] for k in range(len(counts))))


# ---------------------------------------------------------------- the retention formula


def explain_crr(kind: str, CS: int, CN: int, CE: int, retained: int, period: str | None = None) -> str | None:  # noqa: N803
    """Why CRR = (CE − CN)/CS differs from the retention of starting customers, retained/CS; None if it doesn't.

    The gap is ``(CE − CN − retained) / CS × 100`` points: for events it is the returning (resurrected) users,
    counted in CE but not in CN; for subscriptions it is the new customers who left within the period
    (``new_lost``), counted in CN but not in CE.
    """
    if not CS:
        return None
    gap = CE - CN - retained
    if gap == 0:
        return None
    points = abs(gap) / CS * 100
    amount = f"{points:.1f}" if points >= 0.05 else f"{points:.2g}"
    head = (f"CRR is {amount} point{'' if amount == '1.0' else 's'} {'above' if gap > 0 else 'below'} the "
            f"retention of starting customers ({retained / CS * 100:.1f}%)")
    n = abs(gap)
    if kind == "events" and gap > 0:
        who = "returning user" if n == 1 else "returning users"
        verb = "is" if n == 1 else "are"
        return (f"{head} because {n:,} {who} (active before, but not in the previous period) {verb} counted "
                "in CE but not in CN.")
    if kind == "subscriptions" and gap < 0:
        who = "new customer" if n == 1 else "new customers"
        within = f" in {period}" if period else " in the period"
        return (f"{head} because {n:,} {who} who started{within} had already left by its end: counted in CN "
                "but not in CE.")
    return f"{head}: CE − CN is {CE - CN:,} while {retained:,} starting customers stayed."


def flow_from(agg: Aggregates) -> Flow:
    """The retention formula per period (every period after the first) from reduced aggregates."""
    spec = agg.period
    if agg.first is None:
        return Flow(agg.kind, spec, (), agg.has_revenue)
    span = list(agg.periods())
    terms = _event_terms(agg, span) if agg.kind == "events" else _subscription_terms(agg, span)
    rows = []
    for p in span[1:]:
        t = terms[p]
        CS, CN, CE, kept = t["CS"], t["CN"], t["CE"], t["retained"]  # noqa: N806
        churned = CS - kept
        extra: dict = {}
        if agg.kind == "events":
            resurrected = CE - kept - CN
            extra = {"resurrected": resurrected, "quick_ratio": ratio(CN + resurrected, churned, 1.0)}
        else:
            extra = {"new_lost": CN - (CE - kept)}
        if agg.has_revenue:
            extra.update(revenue=t["revenue"], nrr=ratio(t["rev_kept"], t["rev_start"]),
                         grr=ratio(t["rev_capped"], t["rev_start"]))
        label = spec.label_of(p)
        rows.append(FlowRow(
            period=label, start=spec.start_of(p), end=spec.end_of(p), CS=CS, CN=CN, CE=CE, retained=kept,
            churned=churned, crr=ratio(CE - CN, CS), churn_rate=ratio(churned, CS),
            starting_retention=ratio(kept, CS), complete=agg.ended(p),
            explanation=explain_crr(agg.kind, CS, CN, CE, kept, label), **extra))
    return Flow(agg.kind, spec, tuple(rows), agg.has_revenue)


def _event_terms(agg: Aggregates, span: list[int]) -> dict[int, dict]:
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


def _subscription_terms(agg: Aggregates, span: list[int]) -> dict[int, dict]:
    """CS, CN, CE, retained (and MRR) per period from (cohort, last) groups with prefix sums.

    A customer is active at the first instant of period j iff cohort <= j <= last (last null = forever), and
    ``last >= cohort − 1``. With F(a, b) = #{cohort <= a, last >= b}: CS(p) = F(p−1, p), CE(p) = F(p, p+1),
    retained(p) = F(p−1, p+1); F is computed as #{cohort <= a} − #{last < b} + the few groups with
    cohort > a and last < b, which can only have last ∈ {cohort − 1, cohort}.
    """
    base = span[0] - 1
    size = len(span) + 3
    starts = {w: [0] * size for w in ("n", "m")}
    ends = {w: [0] * size for w in ("n", "m")}
    zm1 = {w: [0] * size for w in ("n", "m")}
    z0 = {w: [0] * size for w in ("n", "m")}
    for c, last, n, mrr in agg.frame.select("cohort", "last", "customers", "mrr").iter_rows():
        for w, v in (("n", n), ("m", mrr)):
            starts[w][c - base] += v
            if last is not None:
                ends[w][last - base] += v
                if last == c - 1:
                    zm1[w][c - base] += v
                elif last == c:
                    z0[w][c - base] += v

    def prefix(values: list) -> list:
        out, running = [], 0
        for v in values:
            running += v
            out.append(running)
        return out

    S = {w: prefix(starts[w]) for w in starts}  # noqa: N806  S[i] = #{cohort <= base + i}
    E = {w: prefix(ends[w]) for w in ends}  # noqa: N806  E[i] = #{last <= base + i}

    def f1(w: str, a: int) -> float:  # F(a, a + 1)
        i = a - base
        return S[w][i] - E[w][i] + zm1[w][i + 1]

    def f2(w: str, a: int) -> float:  # F(a, a + 2)
        i = a - base
        return S[w][i] - E[w][i + 1] + zm1[w][i + 1] + z0[w][i + 1] + zm1[w][i + 2]

    terms = {}
    for p in span:
        terms[p] = {"CS": f1("n", p - 1), "CE": f1("n", p), "retained": f2("n", p - 1), "CN": starts["n"][p - base],
                    "revenue": float(f1("m", p)), "rev_start": float(f1("m", p - 1)),
                    "rev_kept": float(f2("m", p - 1))}
        terms[p]["rev_capped"] = terms[p]["rev_kept"]
    return terms


# ---------------------------------------------------------------- public, per dataset


def cohort_triangle(dataset, options: AnalysisOptions | None = None) -> CohortTriangle:
    """The cohort triangle of an events or subscriptions dataset (see :class:`CohortTriangle`)."""
    options = options or AnalysisOptions()
    return triangle_from(aggregate(dataset, options), options.retention)


def flow(dataset, options: AnalysisOptions | None = None) -> Flow:
    """The retention formula broken down per period for events or subscriptions (see :class:`FlowRow`)."""
    options = options or AnalysisOptions()
    return flow_from(aggregate(dataset, options))
