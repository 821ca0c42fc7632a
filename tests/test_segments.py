"""Survival by segment and the log-rank test: against a plain per-customer reference fitted with lifelines, by
hand, and in the report (JSON, tables)."""

from __future__ import annotations

import json
import warnings
from datetime import datetime

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from references import censored_at, event_frames, subscription_frames
from test_survival import (
    check_against_lifelines,
    ref_event_durations_by_customer,
    ref_sub_durations_by_customer,
    setups,
)

from workbench.io import Dataset, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.metrics.reduce import reduce_segment_lifetimes
from workbench.metrics.segments import MISSING, OTHER, segments_from
from workbench.present import report_json, report_tables
from workbench.resources import sample_paths

lifelines = pytest.importorskip("lifelines")
from lifelines.statistics import multivariate_logrank_test  # noqa: E402

SEGMENTS = ["a", "b", "c", "d", None]


def with_segments(frame: pl.DataFrame, draw) -> pl.DataFrame:
    labels = [draw(st.sampled_from(SEGMENTS)) for _ in range(frame.height)]
    return frame.with_columns(pl.Series("segment", labels, dtype=pl.String))


def ref_segment_of(frame: pl.DataFrame, time: str) -> dict[str, str | None]:
    """Each customer's segment: that of their earliest row (ties: the smallest segment, a missing one first)."""
    rows = sorted(frame.iter_rows(named=True), key=lambda r: (r[time], r["segment"] is not None, r["segment"] or ""))
    out: dict[str, str | None] = {}
    for r in rows:
        out.setdefault(r["customer_id"], r["segment"])
    return out


def ref_group_names(segment_of: dict[str, str | None], customers, top: int) -> dict[str, str]:
    counts: dict[str, int] = {}
    for cid in customers:
        if segment_of[cid] is not None:
            counts[segment_of[cid]] = counts.get(segment_of[cid], 0) + 1
    kept = sorted(counts, key=lambda name: (-counts[name], name))[:top]
    return {cid: MISSING if segment_of[cid] is None else segment_of[cid] if segment_of[cid] in kept else OTHER
            for cid in customers}


def check_segments(got, durations: dict[str, tuple[int, bool]], names: dict[str, str]):
    groups = sorted(set(names.values()))
    if not durations or all(segment == MISSING for segment in names.values()):
        assert got is None
        return
    assert sorted(g.name for g in got.groups) == groups
    for g in got.groups:
        members = [durations[c] for c, name in names.items() if name == g.name]
        assert g.customers == len(members)
        check_against_lifelines(g.survival, members)
    if len(groups) < 2:
        assert got.logrank is None
        return
    ids = list(durations)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = multivariate_logrank_test([durations[c][0] for c in ids], [names[c] for c in ids],
                                        [durations[c][1] for c in ids])
    assert got.logrank.df == len(groups) - 1
    if np.isfinite(ref.test_statistic):
        assert got.logrank.statistic == pytest.approx(ref.test_statistic, rel=1e-9, abs=1e-9)
        assert got.logrank.p_value == pytest.approx(ref.p_value, rel=1e-9, abs=1e-9)


@given(setups(subscription_frames), st.integers(1, 3), st.data())
def test_subscription_segments_match_the_reference(setup, top, data):
    unit, week_start, frame, as_of = setup
    frame = with_segments(frame, data.draw)
    spec = PeriodSpec(unit, week_start)
    agg = reduce_segment_lifetimes(frame.lazy(), "subscriptions", spec, as_of)
    got = segments_from(agg, "subscriptions", "plan", spec, censored_at("subscriptions", frame, as_of), 3, top)
    durations = ref_sub_durations_by_customer(frame, unit, week_start, as_of)
    names = ref_group_names(ref_segment_of(frame.filter(pl.col("start") <= as_of), "start"), durations, top)
    check_segments(got, durations, names)


@given(setups(event_frames), st.integers(1, 3), st.integers(1, 3), st.data())
def test_event_segments_match_the_reference(setup, top, inactive, data):
    unit, week_start, frame, as_of = setup
    frame = with_segments(frame, data.draw)
    spec = PeriodSpec(unit, week_start)
    agg = reduce_segment_lifetimes(frame.lazy(), "events", spec, as_of)
    got = segments_from(agg, "events", "plan", spec, censored_at("events", frame, as_of), inactive, top)
    durations = ref_event_durations_by_customer(frame, unit, week_start, as_of, inactive)
    names = ref_group_names(ref_segment_of(frame.filter(pl.col("ts") <= as_of), "ts"), durations, top)
    check_segments(got, durations, names)


def test_segments_by_hand():
    # x starts on basic and moves to pro (stays basic: the segment they started in); y pro, z without a segment
    frame = pl.DataFrame({
        "customer_id": ["x", "x", "y", "z", "w"],
        "start": [datetime(2024, 1, 5), datetime(2024, 2, 1), datetime(2024, 1, 9), datetime(2024, 2, 1),
                  datetime(2024, 1, 20)],
        "end": [datetime(2024, 2, 1), datetime(2024, 3, 10), None, datetime(2024, 2, 20), datetime(2024, 2, 5)],
        "segment": ["basic", "pro", "pro", None, "team"],
    })
    spec = PeriodSpec("month")
    as_of = datetime(2024, 4, 15)
    agg = reduce_segment_lifetimes(frame.lazy(), "subscriptions", spec, as_of)
    jan = spec.index_of(datetime(2024, 1, 1))
    assert agg.rows() == [("basic", jan, jan + 2, 1), ("pro", jan, None, 1), ("team", jan, jan + 1, 1),
                          (None, jan + 1, jan + 1, 1)]
    got = segments_from(agg, "subscriptions", "plan", spec, as_of, 3, top=2)
    # one customer each: basic and pro kept (ties by name), team pooled into (other)
    assert [(g.name, g.customers) for g in got.groups] == [(MISSING, 1), (OTHER, 1), ("basic", 1), ("pro", 1)]
    assert got.pooled == ("team",)
    by_name = {g.name: g.survival for g in got.groups}
    assert by_name["basic"].median_lifetime == 3 and by_name["pro"].median_lifetime is None
    assert got.logrank.df == 3 and got.sentence.startswith("No clear difference")
    assert segments_from(agg.filter(pl.col("segment") == "pro"), "subscriptions", "plan", spec, as_of, 3).logrank \
        is None


def test_the_sample_report_compares_the_plans_in_words_json_and_tables():
    rep = analyze(load(sample_paths()).datasets, AnalysisOptions())
    seg = rep.segments
    assert seg.column == "plan" and {g.name for g in seg.groups} == {"basic", "pro", "team"}
    assert sum(g.customers for g in seg.groups) == rep.survival.customers
    assert seg.sentence.endswith("(log-rank p < 0.001): longest in team customers, shortest in basic customers")
    data = json.loads(report_json(rep))["segments"]
    assert data["column"] == "plan" and set(data["logrank"]) == {"statistic", "df", "p_value"}
    assert data["sentence"] == seg.sentence
    first = data["groups"][0]
    assert {"name", "customers", "survival", "median_lifetime", "median_lifetime_ci"} <= set(first)
    assert first["survival"][0] == {"t": 0, **{k: v for k, v in first["survival"][0].items() if k != "t"}}
    tables = {t.name: t for t in report_tables(rep)}
    assert [row[0] for row in tables["segments"].rows] == [g.name for g in seg.groups]
    assert seg.sentence in tables["segments"].notes
    curves = tables["segment_survival"]
    assert len(curves.rows) == sum(len(g.survival.rows) for g in seg.groups)
    top1 = analyze(load(sample_paths()).datasets, AnalysisOptions(top_segments=1)).segments
    assert [g.name for g in top1.groups] == ["basic", OTHER] and top1.pooled == ("pro", "team")


def test_the_charts_plot_the_curves_as_the_report_holds_them():
    from workbench.charts import chart_specs, segments_spec, survival_spec

    rep = analyze(load(sample_paths()).datasets, AnalysisOptions())
    spec = survival_spec(rep.survival, 100)
    assert spec.by_label("S(t) subscriptions").y == rep.survival.curve
    lower = dict(zip(spec.by_label("95% interval").x, spec.by_label("95% interval").y, strict=True))
    assert all(lower[float(r.t)] == r.ci_lower for r in rep.survival.rows)
    assert spec.xlabel.startswith(f"at risk +0: {rep.survival.customers:,}")
    seg = segments_spec(rep.segments)
    for g in rep.segments.groups:
        assert seg.by_label(g.name).y == g.survival.curve
    assert "(log-rank p < 0.001)" in seg.title
    assert [s.name for s in chart_specs(rep, "survival")] == ["survival", "survival_segments"]
    assert segments_spec(None).empty and survival_spec(None).empty


def test_no_segments_without_a_segment_column():
    subs = load(sample_paths()).datasets["subscriptions"]
    subs = Dataset("subscriptions", subs.frame.drop("segment"), subs.files, subs.tz)
    rep = analyze({"subscriptions": subs}, AnalysisOptions())
    assert rep.survival is not None and rep.segments is None
    assert "segments" not in json.loads(report_json(rep))
