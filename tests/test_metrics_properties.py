"""Every metric against the plain references of tests/references.py, on random data (hypothesis)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from references import (
    UNITS,
    dataset,
    event_frames,
    instants,
    label,
    next_start,
    period_start,
    ref_event_flow,
    ref_event_triangle,
    ref_events,
    ref_nps,
    ref_sub_flow,
    ref_sub_periods,
    ref_sub_triangle,
    ref_subscribers,
    subscription_frames,
)

from workbench.io import LoadOptions, load
from workbench.metrics import (
    AnalysisOptions,
    PeriodSpec,
    cltv,
    cohort_triangle,
    customers_behind_cell,
    customers_in_flow,
    flow,
    nps_stats,
    nps_summary,
)
from workbench.metrics import period_exprs as pe


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-7)


@st.composite
def setups(draw, frames):
    unit = draw(st.sampled_from(UNITS))
    week_start = draw(st.sampled_from(["monday", "sunday"]))
    frame = draw(frames(unit))
    as_of = draw(st.one_of(st.none(), instants(unit)))
    return unit, week_start, frame, as_of


def options(unit, week_start, as_of, retention="classic"):
    return AnalysisOptions(period=PeriodSpec(unit, week_start), as_of=as_of, retention=retention)


def check_triangle(got, expected):
    assert [(r.cohort, r.size, list(r.active), list(r.complete)) for r in got.rows] == \
        [(c, s, a, d) for c, s, a, d in expected]
    for r in got.rows:
        assert all(close(x, a / r.size * 100) for x, a in zip(r.retention, r.active, strict=True))
    for k, avg in enumerate(got.average):
        cells = [(r[2][k], r[1]) for r in expected if k < len(r[2]) and r[3][k]]
        want = sum(a for a, _ in cells) / sum(s for _, s in cells) * 100 if cells else None
        assert close(avg, want)


# ---------------------------------------------------------------- periods


@given(st.sampled_from(UNITS), st.sampled_from(["monday", "sunday"]),
       st.lists(st.datetimes(datetime(1969, 1, 1), datetime(2100, 12, 31)), min_size=1, max_size=20))
def test_period_labels_starts_and_arithmetic(unit, week_start, stamps):
    spec = PeriodSpec(unit, week_start)
    frame = pl.DataFrame({"ts": stamps}, schema={"ts": pl.Datetime("us")})
    got = frame.select(pe.truncate(spec, pl.col("ts")).alias("start"), pe.period_label(spec, pl.col("ts")).alias("label"),
                       pe.period_index(spec, pl.col("ts")).alias("i"),
                       pe.offset(spec, pe.truncate(spec, pl.col("ts")), 1).alias("next"),
                       pe.offset(spec, pe.truncate(spec, pl.col("ts")), pl.lit(-2)).alias("back2"))
    got = got.with_columns(pe.index_start(spec, pl.col("i")).alias("from_index"),
                           pe.index_label(spec, pl.col("i")).alias("label_from_index"))
    for ts, row in zip(stamps, got.iter_rows(named=True), strict=True):
        start = period_start(ts, unit, week_start)
        assert row["start"] == start == row["from_index"] == spec.start_of(row["i"])
        assert row["label"] == label(start, unit) == row["label_from_index"] == spec.label_of(row["i"])
        assert row["next"] == next_start(start, unit) == spec.start_of(row["i"] + 1)
        assert spec.index_of(ts) == row["i"]
        assert spec.index_of_label(row["label"]) == row["i"]
        assert spec.index_of(next_start(start, unit)) == row["i"] + 1
        assert pe.offset(spec, pl.lit(row["back2"]), 2).meta is not None
        assert pl.select(pe.offset(spec, pl.lit(row["back2"]), 2)).item() == start


# ---------------------------------------------------------------- cohort triangle


@given(setups(event_frames), st.sampled_from(["classic", "unbounded"]))
def test_event_triangle_matches_reference(setup, mode):
    unit, week_start, frame, as_of = setup
    got = cohort_triangle(dataset("events", frame), options(unit, week_start, as_of, mode))
    check_triangle(got, ref_event_triangle(frame, unit, week_start, as_of, mode))


@given(setups(subscription_frames), st.sampled_from(["classic", "unbounded"]))
def test_subscription_triangle_matches_reference(setup, mode):
    unit, week_start, frame, as_of = setup
    got = cohort_triangle(dataset("subscriptions", frame), options(unit, week_start, as_of, mode))
    check_triangle(got, ref_sub_triangle(frame, unit, week_start, as_of))


# ---------------------------------------------------------------- the formula


def check_flow(got, expected, kind):
    assert [r.period for r in got.rows] == [e["period"] for e in expected]
    for r, e in zip(got.rows, expected, strict=True):
        for key in ("CS", "CN", "CE", "retained", "churned", "complete"):
            assert getattr(r, key) == e[key], (r.period, key)
        cs = e["CS"]
        assert close(r.crr, (e["CE"] - e["CN"]) / cs * 100 if cs else None)
        assert close(r.churn_rate, e["churned"] / cs * 100 if cs else None)
        assert close(r.starting_retention, e["retained"] / cs * 100 if cs else None)
        assert close(r.revenue, e["revenue"])
        assert close(r.nrr, e["nrr"])
        if kind == "events":
            assert r.resurrected == e["resurrected"]
            assert r.new_lost is None
            qr = (e["CN"] + e["resurrected"]) / e["churned"] if e["churned"] else None
            assert close(r.quick_ratio, qr)
            assert close(r.grr, e["grr"])
        else:
            assert r.new_lost == e["new_lost"]
            assert r.resurrected is None
        gap = r.CE - r.CN - r.retained
        assert (r.explanation is None) == (gap == 0 or cs == 0)


@given(setups(event_frames))
def test_event_flow_matches_reference(setup):
    unit, week_start, frame, as_of = setup
    check_flow(flow(dataset("events", frame), options(unit, week_start, as_of)),
               ref_event_flow(frame, unit, week_start, as_of), "events")


@given(setups(subscription_frames))
def test_subscription_flow_matches_reference(setup):
    unit, week_start, frame, as_of = setup
    got = flow(dataset("subscriptions", frame), options(unit, week_start, as_of))
    check_flow(got, ref_sub_flow(frame, unit, week_start, as_of), "subscriptions")
    for r in got.rows:  # CE of p is CS of the next period
        nxt = got.row(label(next_start(r.start, unit), unit))
        if nxt is not None:
            assert nxt.CS == r.CE


# ---------------------------------------------------------------- drill-down


@given(setups(event_frames), st.data())
def test_event_drill_down_matches_reference(setup, data):
    unit, week_start, frame, as_of = setup
    ds, opts = dataset("events", frame), options(unit, week_start, as_of)
    triangle = ref_event_triangle(frame, unit, week_start, as_of, "classic")
    if triangle:
        cohort, _, counts, _ = data.draw(st.sampled_from(triangle))
        k = data.draw(st.integers(0, len(counts) - 1))
        assert len(customers_behind_cell(ds, opts, cohort, k)) == counts[k]
    flows = ref_event_flow(frame, unit, week_start, as_of)
    if flows:
        row = data.draw(st.sampled_from(flows))
        term = data.draw(st.sampled_from(["CS", "CN", "CE", "retained", "churned", "resurrected"]))
        assert customers_in_flow(ds, opts, row["period"], term) == sorted(row["ids"][term])


@given(setups(subscription_frames), st.data())
def test_subscription_drill_down_matches_reference(setup, data):
    unit, week_start, frame, as_of = setup
    ds, opts = dataset("subscriptions", frame), options(unit, week_start, as_of)
    triangle = ref_sub_triangle(frame, unit, week_start, as_of)
    if triangle:
        cohort, _, counts, _ = data.draw(st.sampled_from(triangle))
        k = data.draw(st.integers(0, len(counts) - 1))
        assert len(customers_behind_cell(ds, opts, cohort, k)) == counts[k]
    flows = ref_sub_flow(frame, unit, week_start, as_of)
    if flows:
        row = data.draw(st.sampled_from(flows))
        term = data.draw(st.sampled_from(["CS", "CN", "CE", "retained", "churned", "new_lost"]))
        assert customers_in_flow(ds, opts, row["period"], term) == sorted(row["ids"][term])


# ---------------------------------------------------------------- NPS


@given(st.lists(st.integers(0, 10), max_size=60))
def test_nps_stats_match_reference(scores):
    got = nps_stats([scores.count(s) for s in range(11)])
    ref = ref_nps(scores)
    assert (got.responses, got.promoters, got.passives, got.detractors) == \
        (ref["n"], ref["promoters"], ref["passives"], ref["detractors"])
    assert close(got.nps, ref["nps"])
    assert close(got.moe95, ref["moe"])
    if scores:
        assert close(got.wald_low, ref["wald"][0]) and close(got.wald_high, ref["wald"][1])
        assert -100 <= got.wald_low <= got.wald_high <= 100
        assert close(got.margin_low, max(ref["nps"] - ref["moe"], -100))
        assert close(got.margin_high, min(ref["nps"] + ref["moe"], 100))
    else:
        assert got.margin_low is None and got.margin_high is None
    assert (got.warning is not None) == (len(scores) < 30)


@given(st.sampled_from(UNITS), st.lists(st.tuples(instants("month"), st.integers(0, 10)), min_size=1, max_size=40))
def test_nps_by_period_matches_reference(unit, responses):
    frame = pl.DataFrame({"customer_id": [str(i) for i in range(len(responses))],
                          "ts": [t for t, _ in responses], "score": [s for _, s in responses]},
                         schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "score": pl.Int8})
    got = nps_summary(dataset("nps", frame), AnalysisOptions(period=PeriodSpec(unit)))
    assert got.overall.responses == len(responses)
    by_label: dict[str, list[int]] = {}
    for t, s in responses:
        by_label.setdefault(label(period_start(t, unit), unit), []).append(s)
    for stats in got.by_period:
        ref = ref_nps(by_label.get(stats.label, []))
        assert stats.responses == ref["n"] and close(stats.nps, ref["nps"])
    assert {s.label for s in got.by_period if s.responses} == set(by_label)


# ---------------------------------------------------------------- CLTV


@given(setups(event_frames))
def test_event_cltv_pieces_match_reference(setup):
    unit, week_start, frame, as_of = setup
    got = cltv(dataset("events", frame), options(unit, week_start, as_of))
    as_of_used, active, revenue, periods = ref_events(frame, unit, week_start, as_of)
    if not periods:
        assert got is None
        return
    rows = {r.period: r for r in got.by_period}
    assert list(rows) == [label(p, unit) for p in periods]
    for p in periods:
        r = rows[label(p, unit)]
        n = sum(1 for s in active.values() if p in s)
        rev = sum(v for (_, q), v in revenue.items() if q == p)
        assert r.customers == n and close(r.revenue, rev)
        assert close(r.arpu, rev / n if n else None)
    for row in got.cumulative:
        members = [m for m, s in active.items() if label(min(s), unit) == row.cohort]
        assert row.size == len(members)
        start = min(min(active[m]) for m in members)
        total, p = 0.0, start
        for k in range(len(row.per_customer)):
            total += sum(revenue.get((m, p), 0.0) for m in members)
            assert close(row.per_customer[k], total / len(members))
            p = next_start(p, unit)
    flows = ref_event_flow(frame, unit, week_start, as_of)
    done = [f for f in flows if f["complete"]]
    starting = sum(f["CS"] for f in done)
    assert close(got.churn_rate, sum(f["churned"] for f in done) / starting if starting else None)
    if got.cltv is not None:
        assert close(got.cltv, got.arpu * got.margin / got.churn_rate)
    else:
        assert got.note


@given(setups(subscription_frames))
def test_subscription_cltv_pieces_match_reference(setup):
    unit, week_start, frame, as_of = setup
    got = cltv(dataset("subscriptions", frame), options(unit, week_start, as_of))
    as_of_used, customers = ref_subscribers(frame, as_of)
    if not customers:
        assert got is None
        return
    # a customer pays their MRR in the period they start and in every period they are a customer at its start
    def pays(start, end, p):
        return period_start(start, unit, week_start) == p or (start < p and (end is None or end > p))

    periods = ref_sub_periods(customers, unit, week_start, as_of_used)
    assert [r.period for r in got.by_period] == [label(p, unit) for p in periods]
    for p, r in zip(periods, got.by_period, strict=True):
        payers = [v for v in customers.values() if pays(v[0], v[1], p)]
        assert r.customers == len(payers)
        assert math.isclose(r.revenue, sum(v[2] for v in payers), rel_tol=1e-9, abs_tol=1e-6)
    for row in got.cumulative:
        members = [v for v in customers.values() if label(period_start(v[0], unit, week_start), unit) == row.cohort]
        assert row.size == len(members)
        p, total = period_start(members[0][0], unit, week_start), 0.0
        for k in range(len(row.per_customer)):
            total += sum(v[2] for v in members if pays(v[0], v[1], p))
            assert math.isclose(row.per_customer[k], total / len(members), rel_tol=1e-9, abs_tol=1e-6)
            p = next_start(p, unit)


@pytest.mark.parametrize("unit", UNITS)
def test_empty_after_as_of_gives_empty_results(unit):
    frame = pl.DataFrame({"customer_id": ["a"], "ts": [datetime(2024, 5, 1)], "revenue": [1.0]})
    opts = AnalysisOptions(period=PeriodSpec(unit), as_of=datetime(2024, 1, 1))
    assert cohort_triangle(dataset("events", frame), opts).rows == ()
    assert flow(dataset("events", frame), opts).rows == ()
    assert cltv(dataset("events", frame), opts) is None


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/Paris", "UTC"]),
       st.sampled_from(UNITS),
       st.lists(st.tuples(st.sampled_from("abcd"),
                          st.datetimes(datetime(2023, 1, 1), datetime(2024, 12, 31)).map(
                              lambda t: t.replace(microsecond=0))), min_size=1, max_size=12))
def test_periods_follow_the_chosen_time_zone(tmp_path_factory, zone, unit, rows):
    """UTC instants written with 'Z', loaded in a zone: cohorts follow that zone's wall-clock calendar."""
    path = tmp_path_factory.mktemp("tz") / "events.csv"
    path.write_text("user_id,timestamp\n" + "".join(f"{c},{t:%Y-%m-%dT%H:%M:%S}Z\n" for c, t in rows))
    ds = load([str(path)], LoadOptions(tz=zone, now=datetime(2030, 1, 1))).datasets["events"]
    local = [(c, t.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)) for c, t in rows]
    frame = pl.DataFrame({"customer_id": [c for c, _ in local], "ts": [t for _, t in local],
                          "revenue": [0.0] * len(local)}, schema={"customer_id": pl.String,
                                                                  "ts": pl.Datetime("us"), "revenue": pl.Float64})
    got = cohort_triangle(ds, options(unit, "monday", None))
    check_triangle(got, ref_event_triangle(frame, unit, "monday", None, "classic"))
