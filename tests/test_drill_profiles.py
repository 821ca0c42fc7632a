"""Customer profiles and timelines (workbench.metrics.customers) against plain Python on hand data and the
sample: first and last seen, periods active, revenue, segment and latest NPS score per id."""

from __future__ import annotations

from datetime import datetime as D
from datetime import timedelta

import polars as pl
import pytest
from references import dataset

from workbench.io import load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze, customers_behind_cell
from workbench.metrics.customers import PROFILE_COLUMNS, customer_profiles, customer_timeline
from workbench.present.sections import customer_profiles_table, customer_timeline_table
from workbench.resources import sample_data_dir

MONTH = PeriodSpec("month")
AS_OF = AnalysisOptions(period=MONTH, as_of=D(2024, 5, 1))

EVENTS = pl.DataFrame(
    {"customer_id": ["a", "a", "a", "b", "c", "c", "o'x", "late"],
     "ts": [D(2024, 1, 5), D(2024, 1, 20), D(2024, 4, 1), D(2024, 1, 20), D(2024, 2, 1), D(2024, 3, 15),
            D(2024, 3, 31, 23, 59), D(2024, 6, 1)],
     "revenue": [10.0, None, 2.5, 4.0, 1.0, 1.0, float("nan"), 9.0],
     "segment": ["basic", "pro", "pro", None, "team", "basic", "[bold]x", "pro"]},
    schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64, "segment": pl.String})
SUBSCRIPTIONS = pl.DataFrame(
    {"customer_id": ["a", "a", "b", "c"],
     "start": [D(2024, 1, 5), D(2024, 3, 1), D(2024, 1, 20), D(2024, 2, 1)],
     "end": [D(2024, 2, 1), D(2024, 4, 1), None, D(2024, 6, 1)],
     "revenue": [10.0, 20.0, 5.0, 7.0], "segment": ["basic", "pro", "basic", "team"]},
    schema={"customer_id": pl.String, "start": pl.Datetime("us"), "end": pl.Datetime("us"),
            "revenue": pl.Float64, "segment": pl.String})
NPS = pl.DataFrame({"customer_id": ["a", "a", "b", "zz", "c"],
                    "ts": [D(2024, 1, 9), D(2024, 3, 9), D(2024, 2, 2), D(2024, 2, 2), D(2024, 7, 1)],
                    "score": [3, 9, 6, 10, 0], "comment": ["meh", "good", None, "?", "late"]},
                   schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "score": pl.Int8, "comment": pl.String})


def reference_events(frame: pl.DataFrame, nps: pl.DataFrame | None, spec: PeriodSpec, as_of: D, ids) -> list[tuple]:
    """The profile of each id, one Python row at a time."""
    out = []
    for i in ids:
        rows = [r for r in frame.iter_rows(named=True) if r["customer_id"] == i and r["ts"] <= as_of]
        if not rows:
            out.append((i, None, None, None, None, None, _score(nps, i, as_of)))
            continue
        latest = max(rows, key=lambda r: (r["ts"], r["segment"] is not None, r["segment"] or ""))
        money = sum(r["revenue"] for r in rows if r["revenue"] is not None and r["revenue"] == r["revenue"])
        out.append((i, min(r["ts"] for r in rows), max(r["ts"] for r in rows),
                    len({spec.index_of(r["ts"]) for r in rows}), money, latest["segment"], _score(nps, i, as_of)))
    return out


def _score(nps: pl.DataFrame | None, i: str, as_of: D) -> int | None:
    if nps is None:
        return None
    answers = [r for r in nps.iter_rows(named=True) if r["customer_id"] == i and r["ts"] <= as_of]
    return max(answers, key=lambda r: (r["ts"], r["score"]))["score"] if answers else None


def test_event_profiles_by_hand():
    datasets = {"events": dataset("events", EVENTS), "nps": dataset("nps", NPS)}
    ids = ["a", "b", "c", "o'x", "late", "nobody"]
    got = customer_profiles(datasets, "events", AS_OF, ids)
    assert tuple(got.columns) == PROFILE_COLUMNS
    assert got.rows() == reference_events(EVENTS, NPS, MONTH, D(2024, 5, 1), ids)
    # a: Jan 5 (basic), Jan 20 (pro), Apr 1 (pro): Jan and Apr, 12.5; latest NPS answer 9 (Mar 9)
    assert got.row(0) == ("a", D(2024, 1, 5), D(2024, 4, 1), 2, 12.5, "pro", 9)
    # late's only event is after as-of; c's NPS answer too; nobody is not in the data: only the id
    assert got.row(4) == ("late", None, None, None, None, None, None)
    assert got.row(2)[-1] is None
    # NaN revenue counts 0, as in the reductions
    assert got.row(3)[4] == 0.0


def test_event_profiles_follow_the_granularity_and_order_of_the_ids():
    datasets = {"events": dataset("events", EVENTS)}
    ids = ["c", "a"]
    weeks = customer_profiles(datasets, "events", AnalysisOptions(PeriodSpec("week"), D(2024, 5, 1)), ids)
    assert weeks["customer_id"].to_list() == ids
    assert weeks.rows() == reference_events(EVENTS, None, PeriodSpec("week"), D(2024, 5, 1), ids)
    assert weeks["periods_active"].to_list() == [2, 3]  # a: two January weeks and one in April
    assert weeks["nps"].to_list() == [None, None]  # no NPS answers loaded


def test_no_revenue_column_gives_no_revenue():
    datasets = {"events": dataset("events", EVENTS.drop("revenue"))}
    got = customer_profiles(datasets, "events", AS_OF, ["a"])
    assert got["revenue"].to_list() == [None] and got["periods_active"].to_list() == [2]


def test_subscription_profiles_by_hand():
    datasets = {"subscriptions": dataset("subscriptions", SUBSCRIPTIONS), "nps": dataset("nps", NPS)}
    got = customer_profiles(datasets, "subscriptions", AS_OF, ["a", "b", "c"])
    # a: Jan 5 – Apr 1 (Jan, Feb, Mar: the span, as the triangle counts it), MRR of the latest row 20 → 60
    # b: Jan 20, still on as of May 1: Jan – May = 5 periods × 5; c: ends after as-of, so still on: Feb – May
    assert got.rows() == [("a", D(2024, 1, 5), D(2024, 4, 1), 3, 60.0, "pro", 9),
                          ("b", D(2024, 1, 20), None, 5, 25.0, "basic", 6),
                          ("c", D(2024, 2, 1), None, 4, 28.0, "team", None)]


def test_profiles_of_no_ids_and_of_a_cohort_table():
    datasets = {"events": dataset("events", EVENTS)}
    assert customer_profiles(datasets, "events", AS_OF, []).height == 0
    with pytest.raises(ValueError):
        customer_profiles(datasets, "nps", AS_OF, ["a"])


def test_sample_profiles_match_python():
    result = load([str(sample_data_dir())])
    report = analyze(result.datasets)
    options = report.options
    cohort = report.cohorts.rows[0].cohort
    ids = customers_behind_cell(result.datasets["events"], options, cohort, 2)
    got = customer_profiles(result.datasets, "events", options, ids)
    frame = result.datasets["events"].lazy().filter(pl.col("customer_id").is_in(ids)).collect()
    nps = result.datasets["nps"].lazy().collect()
    expected = reference_events(frame, nps, options.period, options.as_of, ids)
    assert got.height == len(ids) == report.cohorts.rows[0].active[2]
    for row, want in zip(got.rows(), expected, strict=True):
        assert row[:4] == want[:4] and row[5:] == want[5:]
        assert row[4] == pytest.approx(want[4], abs=1e-6)
    assert all(p >= 2 for p in got["periods_active"])  # active at +0 and at +2
    table = customer_profiles_table(got, "customers-x")
    assert table.headers == list(PROFILE_COLUMNS) and len(table.rows) == len(ids)


def test_timeline_is_every_kind_in_time_order():
    datasets = {"events": dataset("events", EVENTS), "subscriptions": dataset("subscriptions", SUBSCRIPTIONS),
                "nps": dataset("nps", NPS)}
    timeline = customer_timeline(datasets, AS_OF, "a")
    rows = timeline.rows
    assert rows.columns == ["time", "what", "end", "revenue", "score", "segment", "comment"]
    assert rows["time"].to_list() == sorted(rows["time"].to_list())
    assert rows["what"].to_list() == ["event", "subscription", "NPS answer", "event", "subscription",
                                      "NPS answer", "event"]
    assert timeline.total == 7 and timeline.note is None
    assert rows.row(2)[4:] == (3, None, "meh")
    late = customer_timeline(datasets, AS_OF, "late")
    assert late.total == 0 and late.rows.height == 0  # its only event is after as-of
    table = customer_timeline_table(timeline)
    assert table.headers == rows.columns and len(table.rows) == 7


def test_timeline_is_capped_and_says_so():
    n = 1_205
    many = pl.DataFrame({"customer_id": ["x"] * n, "ts": [D(2024, 1, 1) + timedelta(hours=i) for i in range(n)]},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us")})
    timeline = customer_timeline({"events": dataset("events", many)}, AnalysisOptions(MONTH), "x")
    assert timeline.rows.height == 1_000 and timeline.total == n
    assert timeline.rows["time"][0] == D(2024, 1, 1)
    assert timeline.note == "showing the first 1,000 of 1,205 rows of this customer"
    assert "revenue" not in timeline.rows.columns  # no revenue column: none shown
    assert customer_timeline_table(timeline).notes == (timeline.note,)


def test_timeline_of_loaded_files_has_their_other_columns(tmp_path):
    # a row with an unreadable date is left out by the checks: the other columns must stay with their rows
    (tmp_path / "events.csv").write_text(
        "customer_id,timestamp,revenue,event,cds\n"
        "a,2024-01-05,1.5,login,1\n"
        "b,not a date,2.0,buy,7\n"
        "a,2024-01-07,,view,2\n"
        "b,2024-01-08,3.0,buy,3\n"
        "a,2024-01-06,4.0,buy,5\n", encoding="utf-8")
    result = load([str(tmp_path / "events.csv")])
    timeline = customer_timeline(result.datasets, AnalysisOptions(MONTH), "a")
    assert timeline.rows.columns == ["time", "what", "event", "cds", "revenue"]
    assert timeline.rows.select("event", "cds", "revenue").rows() == [("login", "1", 1.5), ("buy", "5", 4.0),
                                                                      ("view", "2", None)]
    other = customer_timeline(result.datasets, AnalysisOptions(MONTH), "b")
    assert other.rows.select("event", "cds").rows() == [("buy", "3")] and other.total == 1
