"""Small cases worked out by hand (the arithmetic is in the comments), and the engine's contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime as D

import polars as pl
import pytest
from references import dataset

from workbench.io import LoadOptions, load
from workbench.metrics import (
    AnalysisOptions,
    PeriodSpec,
    analyze,
    cltv,
    cohort_triangle,
    customers_behind_cell,
    customers_in_flow,
    explain_crr,
    flow,
    nps_stats,
)
from workbench.present.report_json import report_json

MONTH = PeriodSpec("month")


def events(rows) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": [r[0] for r in rows], "ts": [r[1] for r in rows],
                         "revenue": [r[2] if len(r) > 2 else 1.0 for r in rows]},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64})


# a: Jan 5, Feb 10, Apr 1; b: Jan 20; c: Feb 1, Mar 15; d: Mar 31 23:59.
EVENTS = events([("a", D(2024, 1, 5)), ("a", D(2024, 2, 10)), ("a", D(2024, 4, 1)), ("b", D(2024, 1, 20)),
                 ("c", D(2024, 2, 1)), ("c", D(2024, 3, 15)), ("d", D(2024, 3, 31, 23, 59))])
AS_OF = AnalysisOptions(period=MONTH, as_of=D(2024, 5, 1))
# the log above ends on Apr 1 00:00, so as of May 1 April is still not observed to its end (issue 13). The same
# log of dates (d on Mar 31) with one more customer on Apr 30 (x, a cohort of its own) reaches the end of April.
EVENTS_TO_MAY = events([("a", D(2024, 1, 5)), ("a", D(2024, 2, 10)), ("a", D(2024, 4, 1)), ("b", D(2024, 1, 20)),
                        ("c", D(2024, 2, 1)), ("c", D(2024, 3, 15)), ("d", D(2024, 3, 31)), ("x", D(2024, 4, 30))])


def test_event_triangle_by_hand():
    t = cohort_triangle(dataset("events", EVENTS_TO_MAY), AS_OF)
    # Jan {a, b}: Jan 2, Feb 1 (a), Mar 0, Apr 1 (a); Feb {c}: Feb, Mar, not Apr; Mar {d}; Apr {x}.
    assert [(r.cohort, r.size, r.active) for r in t.rows] == [
        ("2024-01", 2, (2, 1, 0, 1)), ("2024-02", 1, (1, 1, 0)), ("2024-03", 1, (1, 0)), ("2024-04", 1, (1,))]
    assert t.rows[0].retention == (100.0, 50.0, 0.0, 50.0)
    assert all(all(r.complete) for r in t.rows)
    # k = 1 over the first three cohorts: (1 + 1 + 0) / (2 + 1 + 1) = 50%; k = 3: Jan only, 1 / 2.
    assert t.average == (100.0, 50.0, 0.0, 50.0)
    assert t.average_cohorts == (4, 3, 2, 1)
    # without x the log ends on Apr 1 00:00: as of May 1, April is not observed to its end, so not over
    # (and not in the averages): an as-of later than the data invents nothing
    short = cohort_triangle(dataset("events", EVENTS), AS_OF)
    assert [r.complete for r in short.rows] == [(True, True, True, False), (True, True, False), (True, False)]
    assert short == cohort_triangle(dataset("events", EVENTS), AnalysisOptions(period=MONTH))
    unbounded = cohort_triangle(dataset("events", EVENTS), AnalysisOptions(MONTH, D(2024, 5, 1), "unbounded"))
    # a's last event is in April, so a counts at every k of the Jan cohort; b only at k = 0.
    assert [r.active for r in unbounded.rows] == [(2, 1, 1, 1), (1, 1, 0), (1, 0)]


def test_event_triangle_incomplete_by_default_as_of():
    # default as_of = the latest event, Apr 1 00:00: April has not ended, so the last diagonal is incomplete.
    t = cohort_triangle(dataset("events", EVENTS), AnalysisOptions(period=MONTH))
    assert [r.complete for r in t.rows] == [(True, True, True, False), (True, True, False), (True, False)]


def test_event_flow_by_hand():
    f = flow(dataset("events", EVENTS), AS_OF)
    got = [(r.period, r.CS, r.CN, r.CE, r.retained, r.churned, r.resurrected) for r in f.rows]
    # Feb: CS {a,b}, CN {c}, CE {a,c}, kept {a}. Mar: CS {a,c}, CN {d}, CE {c,d}, kept {c}.
    # Apr: CS {c,d}, CE {a}, nobody kept, a returns (resurrected).
    assert got == [("2024-02", 2, 1, 2, 1, 1, 0), ("2024-03", 2, 1, 2, 1, 1, 0), ("2024-04", 2, 0, 1, 0, 2, 1)]
    apr = f.rows[-1]
    assert (apr.crr, apr.churn_rate, apr.starting_retention, apr.quick_ratio) == (50.0, 100.0, 0.0, 0.5)
    assert f.rows[0].quick_ratio == 1.0 and f.rows[0].explanation is None
    assert apr.explanation == ("CRR is 50.0 points above the retention of starting customers (0.0%) because "
                               "1 returning user (active before, but not in the previous period) is counted in "
                               "CE but not in CN.")
    assert customers_in_flow(dataset("events", EVENTS), AS_OF, "2024-04", "resurrected") == ["a"]
    assert customers_behind_cell(dataset("events", EVENTS), AS_OF, "2024-01", 3) == ["a"]


def test_zero_denominators_are_none():
    # x in Jan, y in Mar: in Mar nobody was active in Feb, so CS = 0; in Feb nobody came back, churned = 1.
    f = flow(dataset("events", events([("x", D(2024, 1, 3)), ("y", D(2024, 3, 3))])),
             AnalysisOptions(period=MONTH, as_of=D(2024, 4, 1)))
    mar = f.row("2024-03")
    assert (mar.CS, mar.crr, mar.churn_rate, mar.starting_retention, mar.quick_ratio) == (0, None, None, None, None)
    assert f.row("2024-02").quick_ratio == 0.0
    report = analyze({"events": dataset("events", events([("x", D(2024, 1, 3)), ("y", D(2024, 3, 3))]))},
                     AnalysisOptions(period=MONTH, as_of=D(2024, 4, 1)))
    text = report_json(report)
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text)["flow"][1]["crr"] is None


SUBS = pl.DataFrame({"customer_id": ["a", "b", "c", "d"],
                     "start": [D(2024, 1, 5), D(2024, 1, 20), D(2024, 2, 1), D(2024, 2, 3)],
                     "end": [D(2024, 2, 10), None, D(2024, 3, 1), D(2024, 2, 20)],
                     "revenue": [10.0, 20.0, 30.0, 40.0]})


def test_subscriptions_by_hand():
    ds, opts = dataset("subscriptions", SUBS), AnalysisOptions(period=MONTH, as_of=D(2024, 3, 15))
    t = cohort_triangle(ds, opts)
    # Jan {a, b}: at Feb 1 both (a ends Feb 10), at Mar 1 only b. Feb {c, d}: c ends exactly Mar 1 00:00, which is
    # not after Mar 1's first instant, so nobody at k = 1. Every period has begun by Mar 15: all complete.
    assert [(r.cohort, r.active, r.complete) for r in t.rows] == [
        ("2024-01", (2, 2, 1), (True, True, True)), ("2024-02", (2, 0), (True, True))]
    f = flow(ds, opts)
    feb, mar = f.rows
    # Feb: CS {a, b}; CN {c, d} (c starts on the 1st: new in Feb); CE {b}; kept {b}; both new ones left: new_lost 2.
    assert (feb.CS, feb.CN, feb.CE, feb.retained, feb.churned, feb.new_lost) == (2, 2, 1, 1, 1, 2)
    assert (feb.crr, feb.starting_retention, feb.complete) == (-50.0, 50.0, True)
    assert feb.explanation.startswith("CRR is 100.0 points below the retention of starting customers (50.0%) "
                                      "because 2 new customers who started in 2024-02 had already left")
    # Mar: CE of Feb is CS of Mar; March has not ended by Mar 15.
    assert (mar.CS, mar.CN, mar.CE, mar.retained, mar.complete) == (1, 0, 1, 1, False)
    # MRR at the end of Feb: b's 20; NRR = kept MRR (b 20) / starting MRR (a 10 + b 20).
    assert feb.revenue == 20.0 and feb.nrr == pytest.approx(200 / 3)
    assert customers_in_flow(ds, opts, "2024-02", "new_lost") == ["c", "d"]
    assert customers_behind_cell(ds, opts, "2024-01", 2) == ["b"]


def test_subscription_rows_of_one_customer_are_one_span():
    # two rows for z: Jan–Feb 15 and Mar 3 – open: z is one customer from Jan 10, never ended. The data (dates
    # only) ends on Mar 3, so as of Apr 2 April is not observed: no April column (issue 13).
    frame = pl.DataFrame({"customer_id": ["z", "z"], "start": [D(2024, 1, 10), D(2024, 3, 3)],
                          "end": [D(2024, 2, 15), None], "revenue": [5.0, 7.0]})
    t = cohort_triangle(dataset("subscriptions", frame), AnalysisOptions(period=MONTH, as_of=D(2024, 4, 2)))
    assert [(r.cohort, r.active) for r in t.rows] == [("2024-01", (1, 1, 1))]


def test_cltv_by_hand_and_zero_churn():
    # Events: Jan a 10, b 30 → ARPU 20; Feb a 20 (+ 0 on the 29th: the log of dates reaches the end of
    # February, so February is over) → ARPU 20; churn in Feb: b left, 1 of 2 = 50%.
    frame = events([("a", D(2024, 1, 2), 10.0), ("b", D(2024, 1, 9), 30.0), ("a", D(2024, 2, 2), 20.0),
                    ("a", D(2024, 2, 29), 0.0)])
    value = cltv(dataset("events", frame), AnalysisOptions(period=MONTH, as_of=D(2024, 3, 1), margin=0.5))
    # pooled ARPU (10 + 30 + 20) / 3 customer-months = 20; CLTV = 20 × 0.5 / 0.5 = 20.
    assert (value.arpu, value.churn_rate, value.cltv, value.margin_is_default) == (20.0, 0.5, 20.0, False)
    assert [r.per_customer for r in value.cumulative] == [(20.0, 30.0)]
    # b starts on Mar 31: the data reaches the end of March
    open_subs = pl.DataFrame({"customer_id": ["a", "b"], "start": [D(2024, 1, 2), D(2024, 3, 31)], "end": [None, None],
                              "revenue": [9.0, 1.0]}, schema_overrides={"end": pl.Datetime("us")})
    none = cltv(dataset("subscriptions", open_subs), AnalysisOptions(period=MONTH, as_of=D(2024, 4, 1)))
    assert none.cltv is None and none.churn_rate == 0 and "churn rate 0%" in none.note
    assert none.cumulative[0].per_customer == (9.0, 18.0, 27.0)


def test_nps_by_hand():
    # scores 10 10 9 9 8 7 6 5 0 3: promoters 4, passives 2, detractors 4 → NPS 0; moe ±55.4 (see reference).
    dist = [0] * 11
    for s in (10, 10, 9, 9, 8, 7, 6, 5, 0, 3):
        dist[s] += 1
    stats = nps_stats(dist, "2024-01")
    assert (stats.promoters, stats.passives, stats.detractors, stats.nps) == (4, 2, 4, 0.0)
    assert stats.moe95 == pytest.approx(55.4372, rel=1e-4)
    assert stats.wald_low == pytest.approx(-46.470, rel=1e-4)
    assert (stats.margin_low, stats.margin_high) == pytest.approx((-55.4372, 55.4372), rel=1e-4)
    assert "too few" in stats.warning
    # one promoter alone: NPS 100, moe 0 → the band is the point; 9 promoters and one detractor: 80 ± 36.4,
    # the upper edge stops at 100
    assert nps_stats([0] * 10 + [1]).margin_high == 100.0
    high = nps_stats([1] + [0] * 9 + [9])
    assert high.nps == 80.0 and high.margin_high == 100.0
    assert high.margin_low == pytest.approx(80 - 1.96 * 100 * ((1.0 - 0.64) / 10) ** 0.5)


def test_explain_crr_wording():
    assert explain_crr("events", 0, 0, 0, 0) is None
    assert explain_crr("events", 100, 10, 60, 50) is None
    assert explain_crr("events", 1000, 100, 921, 800) == (
        "CRR is 2.1 points above the retention of starting customers (80.0%) because 21 returning users "
        "(active before, but not in the previous period) are counted in CE but not in CN.")


def test_week_starts_by_hand():
    # 2024-03-31 is a Sunday: with Monday weeks it belongs to the week of Mar 25, with Sunday weeks it starts one.
    frame = events([("a", D(2024, 3, 31, 12)), ("a", D(2024, 4, 1, 9))])
    monday = cohort_triangle(dataset("events", frame), AnalysisOptions(period=PeriodSpec("week")))
    sunday = cohort_triangle(dataset("events", frame), AnalysisOptions(period=PeriodSpec("week", "sunday")))
    assert [(r.cohort, r.active) for r in monday.rows] == [("2024-03-25", (1, 1))]
    assert [(r.cohort, r.active) for r in sunday.rows] == [("2024-03-31", (1,))]
    quarter = cohort_triangle(dataset("events", frame), AnalysisOptions(period=PeriodSpec("quarter")))
    assert [(r.cohort, r.active) for r in quarter.rows] == [("2024-Q1", (1, 1))]


def test_time_zone_moves_events_across_month_ends(tmp_path):
    # 2024-02-01T03:00Z is Jan 31, 22:00 in New York: the cohort is January there, February in UTC.
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp\na,2024-01-15T10:00:00Z\nb,2024-02-01T03:00:00Z\n")
    utc = load([str(path)], LoadOptions(tz="UTC")).datasets["events"]
    ny = load([str(path)], LoadOptions(tz="America/New_York")).datasets["events"]
    assert [(r.cohort, r.size) for r in cohort_triangle(utc).rows] == [("2024-01", 1), ("2024-02", 1)]
    assert [(r.cohort, r.size) for r in cohort_triangle(ny).rows] == [("2024-01", 2)]


def test_analyze_multiple_kinds_and_json_keys():
    nps = pl.DataFrame({"customer_id": ["a", "b"], "ts": [D(2024, 1, 3), D(2024, 2, 3)], "score": [10, 3]},
                       schema_overrides={"score": pl.Int8})
    report = analyze({"nps": dataset("nps", nps), "subscriptions": dataset("subscriptions", SUBS),
                      "events": dataset("events", EVENTS)}, AS_OF)
    out = json.loads(report_json(report))
    assert out["kind"] == "events" and out["kinds"] == ["events", "subscriptions", "nps"]
    assert out["period"] == "month" and out["as_of"] == "2024-05-01T00:00:00"
    assert set(out["cohorts"][0]) == {"cohort", "size", "active", "retention", "complete", "ci_lower", "ci_upper",
                                      "too_wide"}
    assert {"period", "CS", "CN", "CE", "retained", "churned", "crr", "churn_rate", "complete", "resurrected",
            "quick_ratio"} <= set(out["flow"][0])
    assert {"responses", "promoters", "passives", "detractors", "nps", "moe95", "by_period"} <= set(out["nps"])
    # the answers end on Feb 3: March and April are not observed, though as of May 1 (issue 13)
    assert out["nps"]["nps"] == 0.0 and len(out["nps"]["by_period"]) == 2


def test_options_are_checked():
    with pytest.raises(ValueError):
        PeriodSpec("fortnight")
    with pytest.raises(ValueError):
        AnalysisOptions(retention="forever")
    with pytest.raises(ValueError):
        MONTH.index_of_label("2024-13")
    with pytest.raises(ValueError):
        analyze({})


def test_metrics_never_import_textual():
    code = "import sys, workbench.metrics; assert 'textual' not in sys.modules, 'metrics imports textual'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_non_finite_revenue_counts_as_zero():
    frame = events([("a", D(2024, 1, 2), float("nan")), ("b", D(2024, 1, 3), float("inf")),
                    ("a", D(2024, 2, 2), 5.0)])
    report = analyze({"events": dataset("events", frame)}, AnalysisOptions(period=MONTH, as_of=D(2024, 3, 1)))
    assert json.loads(report_json(report))["flow"][0]["revenue"] == 5.0


def test_a_toggle_that_keeps_the_period_reuses_the_reductions(monkeypatch):
    """classic → unbounded (and a new margin) with the app's cache scans no row again, and gives the same
    numbers as a fresh analysis."""
    from workbench.metrics import report as report_module
    from workbench.resources import sample_paths

    datasets = load(sample_paths()).datasets
    cache: dict = {}
    analyze(datasets, AnalysisOptions(), cache=cache)

    def no_scan(*args, **kwargs):
        raise AssertionError("the rows were reduced again")

    fresh = analyze(datasets, AnalysisOptions(retention="unbounded", margin=0.3))
    monkeypatch.setattr(report_module, "aggregate", no_scan)
    monkeypatch.setattr(report_module, "reduce_dataset", no_scan)
    monkeypatch.setattr(report_module, "reduce_segment_lifetimes", no_scan)
    monkeypatch.setattr(report_module, "reduce_nps_lifetimes", no_scan)
    monkeypatch.setattr(report_module, "extent_of", no_scan)
    monkeypatch.setattr(report_module, "nps_summary", no_scan)
    monkeypatch.setattr(report_module, "resolve_as_of", no_scan)
    cached = analyze(datasets, AnalysisOptions(retention="unbounded", margin=0.3), cache=cache)
    assert report_json(cached) == report_json(fresh)


def test_where_the_data_ends_is_found_once_per_load(monkeypatch):
    """The latest time and whether a log is one of dates depend on neither the period nor as_of: a new
    granularity reduces the rows again, but does not look for the data's end again (a pass over 10M rows)."""
    from workbench.metrics import report as report_module
    from workbench.resources import sample_paths

    datasets = load(sample_paths()).datasets
    calls: list[str] = []
    real = report_module.extent_of
    monkeypatch.setattr(report_module, "extent_of", lambda dataset: calls.append(dataset.kind) or real(dataset))
    cache: dict = {}
    analyze(datasets, AnalysisOptions(), cache=cache)
    assert sorted(calls) == sorted(datasets)  # each kind once: the as-of, then what is observed, from one pass
    weekly = analyze(datasets, AnalysisOptions(period=PeriodSpec("week")), cache=cache)
    assert sorted(calls) == sorted(datasets)
    assert report_json(weekly) == report_json(analyze(datasets, AnalysisOptions(period=PeriodSpec("week"))))
