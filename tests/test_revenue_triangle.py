"""The revenue triangle (revenue by cohort and k, and its share of the cohort's first-period revenue): against
plain references on random data, by hand, and in every output of ``workbench report``."""

from __future__ import annotations

import json
import math
from datetime import datetime

import polars as pl
from hypothesis import given
from references import (
    dataset,
    event_frames,
    label,
    next_start,
    period_start,
    ref_events,
    ref_sub_periods,
    ref_subscribers,
    subscription_frames,
)
from test_metrics_properties import close, options, setups

from workbench.commands.report_output import csv_tables, render_csv, render_markdown
from workbench.metrics import analyze
from workbench.metrics.aggregates import aggregate
from workbench.metrics.revenue_triangle import revenue_triangle_from
from workbench.present import report_json, report_tables
from workbench.present.sections import revenue_cohort_table


def revenue_of(kind, frame, unit, week_start, as_of):
    return revenue_triangle_from(aggregate(dataset(kind, frame), options(unit, week_start, as_of)))


def ref_event_revenue(frame, unit, week_start, as_of):
    """(cohort, size, revenue by k, complete by k) walking customers and their events plainly."""
    seen, active, revenue, periods = ref_events(frame, unit, week_start, as_of)
    out = []
    for i, c in enumerate(periods):
        members = [m for m, s in active.items() if min(s) == c]
        if members:
            out.append((label(c, unit), len(members),
                        [sum(revenue.get((m, p), 0.0) for m in members) for p in periods[i:]],
                        [seen.ended(next_start(p, unit)) for p in periods[i:]]))
    return out


def ref_sub_revenue(frame, unit, week_start, as_of):
    """A customer pays their MRR in the period they start and in every period they are a customer at its start."""
    seen, customers = ref_subscribers(frame, as_of)
    periods = ref_sub_periods(customers, unit, week_start, seen)

    def pays(start, end, p):
        return period_start(start, unit, week_start) == p or (start < p and (end is None or end > p))

    out = []
    for i, c in enumerate(periods):
        members = [v for v in customers.values() if period_start(v[0], unit, week_start) == c]
        if members:
            out.append((label(c, unit), len(members),
                        [sum(v[2] for v in members if pays(v[0], v[1], p)) for p in periods[i:]],
                        [seen.begun(p) for p in periods[i:]]))
    return out


def check(got, expected):
    if not expected:
        assert got is None
        return
    assert [(r.cohort, r.size, list(r.complete)) for r in got.rows] == [(c, s, d) for c, s, _, d in expected]
    for r, (_, _, revenue, _) in zip(got.rows, expected, strict=True):
        assert len(r.revenue) == len(revenue)
        assert all(close(a, b) for a, b in zip(r.revenue, revenue, strict=True))
        assert all(close(a, b / revenue[0] * 100 if revenue[0] else None)
                   for a, b in zip(r.retention, revenue, strict=True))
    for k, avg in enumerate(got.average):
        cells = [(rev[k], rev[0]) for _, _, rev, done in expected if k < len(rev) and done[k] and rev[0]]
        want = sum(v for v, _ in cells) / sum(f for _, f in cells) * 100 if cells else None
        assert close(avg, want)
        assert got.average_cohorts[k] == len(cells)


@given(setups(event_frames))
def test_event_revenue_triangle_matches_reference(setup):
    unit, week_start, frame, as_of = setup
    check(revenue_of("events", frame, unit, week_start, as_of), ref_event_revenue(frame, unit, week_start, as_of))


@given(setups(subscription_frames))
def test_subscription_revenue_triangle_matches_reference(setup):
    unit, week_start, frame, as_of = setup
    check(revenue_of("subscriptions", frame, unit, week_start, as_of),
          ref_sub_revenue(frame, unit, week_start, as_of))


def events(rows):
    return pl.DataFrame({"customer_id": [r[0] for r in rows], "ts": [datetime.fromisoformat(r[1]) for r in rows],
                         "revenue": [r[2] for r in rows]},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64})


def test_event_revenue_by_hand():
    """a and b start in January (10 + 30 = 40); in February only a comes back (5 = 12.5 %); in March a pays 20
    and b 0 (20 = 50 %, March not over: the log's last date is March 10). c starts in February with 8 and pays
    nothing in March (0 %). The average at +1 leaves out February's cohort, whose +1 (March) is not over."""
    frame = events([("a", "2024-01-05", 10.0), ("b", "2024-01-20", 30.0), ("a", "2024-02-03", 5.0),
                    ("c", "2024-02-10", 8.0), ("b", "2024-03-01", 0.0), ("a", "2024-03-10", 20.0)])
    got = revenue_of("events", frame, "month", "monday", None)
    assert [(r.cohort, r.size, r.revenue, r.retention, r.complete) for r in got.rows] == [
        ("2024-01", 2, (40.0, 5.0, 20.0), (100.0, 12.5, 50.0), (True, True, False)),
        ("2024-02", 1, (8.0, 0.0), (100.0, 0.0), (True, False))]
    assert got.average == (100.0, 12.5, None)
    assert got.average_cohorts == (2, 1, 0)


def test_subscription_revenue_by_hand():
    """MRR counts in the first period and then in every period the customer is one at its first instant: a
    (10, until March 15) and b (20, open) bring 30 in January, February and March; c (5) ends on February 20,
    so its cohort brings 5 at +0 and nothing in March."""
    frame = pl.DataFrame({"customer_id": ["a", "b", "c"],
                          "start": [datetime(2024, 1, 10), datetime(2024, 1, 20), datetime(2024, 2, 1)],
                          "end": [datetime(2024, 3, 15), None, datetime(2024, 2, 20)],
                          "revenue": [10.0, 20.0, 5.0]})
    got = revenue_of("subscriptions", frame, "month", "monday", None)
    assert [(r.cohort, r.revenue, r.retention, r.complete) for r in got.rows] == [
        ("2024-01", (30.0, 30.0, 30.0), (100.0, 100.0, 100.0), (True, True, True)),
        ("2024-02", (5.0, 0.0), (100.0, 0.0), (True, True))]


def test_a_cohort_without_first_period_revenue_has_no_share():
    """Free first, paying later: a share of nothing is undefined (None, JSON null), and the average leaves the
    cohort out."""
    frame = events([("a", "2024-01-05", 0.0), ("a", "2024-02-05", 9.0), ("b", "2024-02-05", 4.0),
                    ("c", "2024-03-05 10:00", 1.0)])
    got = revenue_of("events", frame, "month", "monday", None)
    assert got.rows[0].revenue == (0.0, 9.0, 0.0) and got.rows[0].retention == (None, None, None)
    assert got.average == (100.0, None, None) and got.average_cohorts == (1, 0, 0)


def test_without_revenue_there_is_no_revenue_triangle():
    frame = events([("a", "2024-01-05", 1.0), ("b", "2024-02-05", 2.0)]).drop("revenue")
    report = analyze({"events": dataset("events", frame)})
    assert report.cohorts is not None and report.revenue_cohorts is None
    assert revenue_cohort_table(report) is None
    assert "revenue_cohorts" not in json.loads(report_json(report))
    assert "no revenue column" in " ".join(report.notes)


def test_the_report_says_it_everywhere():
    """JSON, the tables (text and Markdown: revenue retention %), CSV (both % and money): the same numbers."""
    frame = events([("a", "2024-01-05", 10.0), ("b", "2024-01-20", 30.0), ("a", "2024-02-03", 5.0),
                    ("c", "2024-02-10", 8.0), ("b", "2024-03-01", 0.0), ("a", "2024-03-10", 20.0)])
    report = analyze({"events": dataset("events", frame)})
    data = json.loads(report_json(report))
    assert data["revenue_cohorts"][0] == {"cohort": "2024-01", "size": 2, "revenue": [40.0, 5.0, 20.0],
                                          "revenue_retention": [100.0, 12.5, 50.0], "complete": [True, True, False]}
    assert data["revenue_cohort_average"] == {"revenue_retention": [100.0, 12.5, None], "cohorts": [2, 1, 0]}
    tables = {t.name: t for t in report_tables(report)}
    assert tables["revenue_retention"].rows[0] == ("2024-01", 2, 2, 100.0, 12.5, 50.0)
    assert tables["revenue_retention"].rows[-1] == ("average", None, 3, 100.0, 12.5, None)
    money = {t.name: t for t in csv_tables(report)}["revenue_cohorts"]
    assert money.rows[1] == ("2024-02", 1, 1, 8.0, 0.0, "")
    csv = render_csv(report)
    assert "# revenue_retention\n" in csv and "# revenue_cohorts\n" in csv
    assert "2024-01,2,2,100.0,12.5,50.0\n" in csv and "2024-01,2,2,40.0,5.0,20.0\n" in csv
    markdown = render_markdown(report)
    assert "Cohort revenue retention" in markdown and "50.0~" in markdown


def test_money_is_summed_exactly():
    """Sums in whole millionths: 0.1 added ten times is 1.0, not 0.9999999999999999."""
    frame = events([(f"c{i}", "2024-01-05", 0.1) for i in range(10)] + [("z", "2024-02-05 10:00", 1.0)])
    got = revenue_of("events", frame, "month", "monday", None)
    assert got.rows[0].revenue[0] == 1.0 and math.isclose(got.rows[1].revenue[0], 1.0)
