"""NPS × retention: survival by the NPS group of each customer's first answer, with the answers that match no
customer counted — against a plain per-customer reference fitted with lifelines, and in the report."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from references import censored_at, event_frames, instants
from test_segments import check_segments
from test_survival import ref_event_durations_by_customer, setups

from workbench.io import Dataset, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.metrics.reduce import reduce_nps_lifetimes
from workbench.metrics.segments import NO_ANSWER, segments_from
from workbench.present import report_json, report_tables
from workbench.resources import sample_paths


@st.composite
def answers(draw, unit: str) -> pl.DataFrame:
    rows = [(draw(st.sampled_from("abcdefghxyz")), draw(instants(unit)), draw(st.integers(0, 10)))
            for _ in range(draw(st.integers(0, 12)))]
    return pl.DataFrame({"customer_id": [r[0] for r in rows], "ts": [r[1] for r in rows],
                         "score": [r[2] for r in rows]},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "score": pl.Int8})


def ref_group(score: int) -> str:
    return "promoters" if score >= 9 else "passives" if score >= 7 else "detractors"


@given(setups(event_frames), st.data())
def test_groups_match_the_reference(setup, data):
    unit, week_start, frame, as_of = setup
    nps = data.draw(answers(unit))
    spec = PeriodSpec(unit, week_start)
    agg, responses, respondents = reduce_nps_lifetimes(frame.lazy(), "events", nps.lazy(), spec, as_of)
    got = segments_from(agg, "events", "NPS group", spec, censored_at("events", frame, as_of), 2, 3, NO_ANSWER, "{}")
    durations = ref_event_durations_by_customer(frame, unit, week_start, as_of, 2)
    seen = [r for r in nps.iter_rows(named=True) if r["ts"] <= as_of]
    first: dict[str, tuple] = {}
    for r in sorted(seen, key=lambda r: (r["ts"], r["score"])):
        first.setdefault(r["customer_id"], r["score"])
    names = {c: ref_group(first[c]) if c in first else "(none)" for c in durations}
    # check_segments expects the missing group under its default name
    if got is not None:
        got = type(got)(got.column, tuple(g if g.name != NO_ANSWER else type(g)("(none)", g.customers, g.survival)
                                          for g in got.groups), got.pooled, got.logrank, got.sentence)
    check_segments(got, durations, names)
    unmatched = [r for r in seen if r["customer_id"] not in durations]
    assert (responses, respondents) == (len(unmatched), len({r["customer_id"] for r in unmatched}))


def test_the_sample_report_has_nps_retention():
    datasets = load(sample_paths()).datasets
    nps = datasets["nps"]
    extra = pl.DataFrame({"customer_id": ["nobody", "nobody"], "ts": nps.frame["ts"][:2],
                          "score": pl.Series([10, 3], dtype=nps.frame["score"].dtype)})
    datasets["nps"] = Dataset("nps", pl.concat([nps.frame, extra], how="diagonal_relaxed"), nps.files, nps.tz)
    rep = analyze(datasets, AnalysisOptions())
    n = rep.nps_retention
    assert (n.unmatched_responses, n.unmatched_respondents) == (2, 1)  # counted, never dropped silently
    assert {g.name for g in n.segments.groups} == {"promoters", "passives", "detractors", NO_ANSWER}
    assert sum(g.customers for g in n.segments.groups) == rep.survival.customers
    assert n.segments.sentence.endswith("longest in promoters, shortest in (no answer)")
    data = json.loads(report_json(rep))["nps_retention"]
    assert (data["unmatched_responses"], data["unmatched_respondents"]) == (2, 1)
    assert set(data["logrank"]) == {"statistic", "df", "p_value"}
    table = {t.name: t for t in report_tables(rep)}["nps_retention"]
    assert n.note in table.notes and "2 answers from 1 respondents" in n.note


def test_no_nps_retention_without_customers():
    rep = analyze({"nps": load(sample_paths()).datasets["nps"]}, AnalysisOptions())
    assert rep.nps_retention is None
    with pytest.raises(ValueError):
        reduce_nps_lifetimes(pl.LazyFrame(), "nps", pl.LazyFrame({"ts": []}), PeriodSpec("month"),
                             datetime(2024, 1, 1))
