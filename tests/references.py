"""Deliberately plain reference implementations (Python loops over rows, datetime arithmetic) of every metric,
and the hypothesis strategies that feed them and the engine the same random data. A helper module, not
collected as tests: the references' own hand-worked checks are in ``test_metrics_reference.py``.

The references never use :class:`workbench.metrics.PeriodSpec` index arithmetic: periods are walked with
calendar arithmetic on ``datetime`` values.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import NamedTuple

import polars as pl
from hypothesis import strategies as st

from workbench.io import Dataset

UNITS = ("day", "week", "month", "quarter", "year")
US = timedelta(microseconds=1)

# ---------------------------------------------------------------- periods


def period_start(ts: datetime, unit: str, week_start: str = "monday") -> datetime:
    day = datetime(ts.year, ts.month, ts.day)
    if unit == "day":
        return day
    if unit == "week":
        first = 0 if week_start == "monday" else 6  # datetime.weekday(): Monday 0 .. Sunday 6
        return day - timedelta(days=(day.weekday() - first) % 7)
    if unit == "month":
        return datetime(ts.year, ts.month, 1)
    if unit == "quarter":
        return datetime(ts.year, (ts.month - 1) // 3 * 3 + 1, 1)
    return datetime(ts.year, 1, 1)


def next_start(start: datetime, unit: str) -> datetime:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    total = start.year * 12 + start.month - 1 + months
    return datetime(total // 12, total % 12 + 1, 1)


def label(start: datetime, unit: str) -> str:
    if unit in ("day", "week"):
        return start.strftime("%Y-%m-%d")
    if unit == "month":
        return start.strftime("%Y-%m")
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def period_list(first: datetime, last: datetime, unit: str) -> list[datetime]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = next_start(p, unit)
    return out


# ---------------------------------------------------------------- random data

BASE = datetime(2023, 12, 1)
SPAN_DAYS = {"day": 18, "week": 90, "month": 400, "quarter": 700, "year": 800}


@st.composite
def instants(draw, unit: str) -> datetime:
    """A time in the unit's window, often exactly on a period boundary (or one microsecond off)."""
    span = SPAN_DAYS[unit]
    ts = BASE + timedelta(seconds=draw(st.integers(0, span * 86400 - 1)))
    shape = draw(st.sampled_from(["any", "boundary", "boundary", "before_boundary", "midnight"]))
    if shape == "boundary":
        ts = period_start(ts, unit, draw(st.sampled_from(["monday", "sunday"])))
    elif shape == "before_boundary":
        ts = period_start(ts, unit) - US
    elif shape == "midnight":
        ts = datetime(ts.year, ts.month, ts.day)
    return max(ts, BASE - timedelta(days=400))


@st.composite
def event_frames(draw, unit: str) -> pl.DataFrame:
    ids = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=14))
    rows = [(c, draw(instants(unit)), draw(st.sampled_from([0.0, 1.5, 10.0, 99.99]))) for c in ids]
    return pl.DataFrame({"customer_id": [r[0] for r in rows], "ts": [r[1] for r in rows],
                         "revenue": [r[2] for r in rows]},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64})


@st.composite
def subscription_frames(draw, unit: str) -> pl.DataFrame:
    ids = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=10))
    mrr = {c: float(draw(st.integers(1, 50))) for c in set(ids)}  # one MRR per customer: no tie ambiguity
    rows = []
    for c in ids:
        start = draw(instants(unit))
        shape = draw(st.sampled_from(["open", "end", "end", "same", "boundary"]))
        if shape == "open":
            end = None
        elif shape == "same":
            end = start
        elif shape == "boundary":
            end = max(start, next_start(period_start(start, unit), unit))
        else:
            end = max(start, draw(instants(unit)))
        rows.append((c, start, end, mrr[c]))
    return pl.DataFrame({"customer_id": [r[0] for r in rows], "start": [r[1] for r in rows],
                         "end": [r[2] for r in rows], "revenue": [r[3] for r in rows]},
                        schema={"customer_id": pl.String, "start": pl.Datetime("us"), "end": pl.Datetime("us"),
                                "revenue": pl.Float64})


def dataset(kind: str, frame: pl.DataFrame) -> Dataset:
    return Dataset(kind=kind, frame=frame, files=[], tz="UTC")


# ---------------------------------------------------------------- events


class Seen(NamedTuple):
    """Up to when the data is known: through ``until`` (a log with times of day), or up to the midnight
    ``until`` after the last date (a log of dates, ``date_only``)."""

    until: datetime
    date_only: bool

    def ended(self, period_end: datetime) -> bool:
        return period_end <= self.until

    def begun(self, period_start: datetime) -> bool:
        return period_start < self.until if self.date_only else period_start <= self.until


def ref_seen(times: list[datetime | None], as_of: datetime | None) -> Seen:
    """The definition, read plainly: the earlier of as_of and the latest time in the data; when every time
    is at midnight (a log of dates) the last date is a whole day, so the data is known up to the next midnight."""
    times = [t for t in times if t is not None]
    through = max(times) if as_of is None else min(as_of, max(times))
    if all(t.hour == t.minute == t.second == t.microsecond == 0 for t in times):
        return Seen(datetime(through.year, through.month, through.day) + timedelta(days=1), True)
    return Seen(through, False)


def ref_events(frame: pl.DataFrame, unit: str, week_start: str, as_of: datetime | None):
    """Per customer: active period starts, revenue per period, and the periods shown; first, how far the
    data is known (:func:`ref_seen`)."""
    rows = [r for r in frame.iter_rows(named=True)]
    seen = ref_seen([r["ts"] for r in rows], as_of)
    as_of = as_of or max(r["ts"] for r in rows)
    active: dict[str, set[datetime]] = {}
    revenue: dict[tuple[str, datetime], float] = {}
    for r in rows:
        if r["ts"] > as_of:
            continue
        p = period_start(r["ts"], unit, week_start)
        active.setdefault(r["customer_id"], set()).add(p)
        revenue[(r["customer_id"], p)] = revenue.get((r["customer_id"], p), 0.0) + r["revenue"]
    if not active:
        return seen, active, revenue, []
    first = min(min(s) for s in active.values())
    last = max(period_start(seen.until - US, unit, week_start), max(max(s) for s in active.values()))
    return seen, active, revenue, period_list(first, last, unit)


def ref_event_triangle(frame, unit, week_start, as_of, mode):
    seen, active, _, periods = ref_events(frame, unit, week_start, as_of)
    out = []
    for i, c in enumerate(periods):
        members = [k for k, s in active.items() if min(s) == c]
        if not members:
            continue
        counts, complete = [], []
        for p in periods[i:]:
            if mode == "unbounded":
                counts.append(sum(1 for m in members if max(active[m]) >= p))
            else:
                counts.append(sum(1 for m in members if p in active[m]))
            complete.append(seen.ended(next_start(p, unit)))
        out.append((label(c, unit), len(members), counts, complete))
    return out


def ref_event_flow(frame, unit, week_start, as_of):
    seen, active, revenue, periods = ref_events(frame, unit, week_start, as_of)
    out = []
    for prev, p in zip(periods, periods[1:], strict=False):
        cs = [m for m, s in active.items() if prev in s]
        ce = [m for m, s in active.items() if p in s]
        cn = [m for m, s in active.items() if min(s) == p]
        kept = [m for m in cs if p in active[m]]
        back = [m for m in ce if prev not in active[m] and any(q < prev for q in active[m])]
        rev_prev = sum(v for (m, q), v in revenue.items() if q == prev)
        rev = sum(v for (m, q), v in revenue.items() if q == p)
        net = sum(revenue[(m, p)] for m in kept)
        gross = sum(min(revenue[(m, p)], revenue[(m, prev)]) for m in kept)
        out.append({"period": label(p, unit), "CS": len(cs), "CN": len(cn), "CE": len(ce), "retained": len(kept),
                    "churned": len(cs) - len(kept), "resurrected": len(back),
                    "complete": seen.ended(next_start(p, unit)), "revenue": rev,
                    "nrr": net / rev_prev * 100 if rev_prev else None,
                    "grr": gross / rev_prev * 100 if rev_prev else None,
                    "ids": {"CS": cs, "CN": cn, "CE": ce, "retained": kept,
                            "churned": [m for m in cs if m not in kept], "resurrected": back}})
    return out


# ---------------------------------------------------------------- subscriptions


def ref_subscribers(frame: pl.DataFrame, as_of: datetime | None):
    """How far the data is known, and per customer (start, end, mrr): earliest start, latest end (None if any
    row is open), as of ``as_of``."""
    rows = [r for r in frame.iter_rows(named=True)]
    seen = ref_seen([r["start"] for r in rows] + [r["end"] for r in rows], as_of)
    if as_of is None:
        as_of = max(max(r["start"], r["end"] or r["start"]) for r in rows)
    spans: dict[str, list] = {}
    for r in rows:
        if r["start"] > as_of:
            continue
        end = r["end"] if r["end"] is not None and r["end"] <= as_of else None
        span = spans.setdefault(r["customer_id"], [r["start"], end, end is None, r["revenue"]])
        span[0] = min(span[0], r["start"])
        span[2] = span[2] or end is None
        span[1] = None if span[2] else max(span[1], end)
    return seen, {c: (s[0], s[1], s[3]) for c, s in spans.items()}


def _alive(end: datetime | None, at: datetime) -> bool:
    return end is None or end > at


def ref_sub_periods(customers, unit, week_start, seen):
    if not customers:
        return []
    first = min(period_start(s, unit, week_start) for s, _, _ in customers.values())
    last = max(period_start(seen.until - US, unit, week_start),
               max(period_start(s, unit, week_start) for s, _, _ in customers.values()))
    return period_list(first, last, unit)


def ref_sub_triangle(frame, unit, week_start, as_of):
    seen, customers = ref_subscribers(frame, as_of)
    periods = ref_sub_periods(customers, unit, week_start, seen)
    out = []
    for i, c in enumerate(periods):
        members = [v for v in customers.values() if period_start(v[0], unit, week_start) == c]
        if not members:
            continue
        counts = [len(members)] + [sum(1 for _, end, _ in members if _alive(end, p)) for p in periods[i + 1:]]
        out.append((label(c, unit), len(members), counts, [seen.begun(p) for p in periods[i:]]))
    return out


def ref_sub_flow(frame, unit, week_start, as_of):
    seen, customers = ref_subscribers(frame, as_of)
    periods = ref_sub_periods(customers, unit, week_start, seen)
    out = []
    for p in periods[1:]:
        e = next_start(p, unit)
        items = customers.items()
        cs = [k for k, (s, end, _) in items if s < p and _alive(end, p)]
        cn = [k for k, (s, end, _) in items if p <= s < e]
        ce = [k for k, (s, end, _) in items if s < e and _alive(end, e)]
        kept = [k for k, (s, end, _) in items if s < p and _alive(end, e)]
        lost = [k for k, (s, end, _) in items if p <= s < e and end is not None and end <= e]
        mrr_cs = sum(customers[k][2] for k in cs)
        mrr_kept = sum(customers[k][2] for k in kept)
        out.append({"period": label(p, unit), "CS": len(cs), "CN": len(cn), "CE": len(ce), "retained": len(kept),
                    "churned": len(cs) - len(kept), "new_lost": len(lost), "complete": seen.ended(e),
                    "revenue": sum(customers[k][2] for k in ce),
                    "nrr": mrr_kept / mrr_cs * 100 if mrr_cs else None,
                    "ids": {"CS": cs, "CN": cn, "CE": ce, "retained": kept,
                            "churned": [k for k in cs if k not in kept], "new_lost": lost}})
    return out


# ---------------------------------------------------------------- NPS


def ref_nps(scores: list[int]) -> dict:
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    out = {"n": n, "promoters": promoters, "detractors": detractors, "passives": n - promoters - detractors}
    if not n:
        return out | {"nps": None, "moe": None}
    p, d = promoters / n, detractors / n
    out["nps"] = (p - d) * 100
    out["moe"] = 1.96 * 100 * math.sqrt(((p + d) - (p - d) ** 2) / n)
    m = n + 3
    pa, da = (promoters + 0.75) / m, (detractors + 0.75) / m
    half = 1.96 * math.sqrt(((pa + da) - (pa - da) ** 2) / m)
    out["wald"] = (max(-100, (pa - da - half) * 100), min(100, (pa - da + half) * 100))
    return out


# ---------------------------------------------------------------- hand-worked checks of the references


# ---------------------------------------------------------------- survival


def km_lost_at_end(groups, as_of_index: int) -> list[float]:
    """Survival % by k from subscriptions' ``(cohort, last, customers)``, the textbook way with one rule of its
    own: every ended subscription is lost at k = last − cohort + 1, even one ending inside the as_of period
    (the curve the app drew before the statistics package; kept as a reference for the grouped durations)."""
    people = []  # (time, lost?) per customer
    for cohort, last, customers in groups:
        for _ in range(customers):
            people.append((last - cohort + 1, True) if last is not None else (as_of_index - cohort, False))
    horizon = max(t - 1 if lost else t for t, lost in people)
    out, s = [], 1.0
    for k in range(horizon + 1):
        at_risk = sum(1 for t, _ in people if t >= k)
        if at_risk == 0:
            break
        s *= 1 - sum(1 for t, lost in people if lost and t == k) / at_risk
        out.append(s * 100)
    return out


def censored_at(kind: str, frame: pl.DataFrame, as_of: datetime | None) -> datetime:
    """Where survival is censored (the report's rule, from :func:`ref_seen`): events count the periods over by
    the end of the data; subscriptions the state at the last instant it covers."""
    times = frame["ts"].to_list() if kind == "events" else frame["start"].to_list() + frame["end"].to_list()
    seen = ref_seen(times, as_of)
    return seen.until if kind == "events" or not seen.date_only else seen.until - US
