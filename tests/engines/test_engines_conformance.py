"""Conformance: every SQL engine gives the polars engine's aggregates, checks and drill-downs on random data.

The random rows include what the checks catch (missing and empty ids, missing and future times, NaN
revenue, ends before starts, scores outside 0–10 or not whole, exact duplicates) and times on both sides of
1970 (floor division of weeks). Money is compared within 1e-9 relative, everything else exactly.
Examples per engine are bounded so the suite stays quick: Spark answers in about a second per query.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from engines_compare import assert_same_reduction, problem_summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.io import LoadOptions
from workbench.metrics import AnalysisOptions, PeriodSpec
from workbench.metrics.engines import Engine, open_engine
from workbench.metrics.periods import UNITS

EXAMPLES = {"duckdb": 30, "postgres": 20, "spark": 2}
IDS = ["00042", "42", "a", "Bé", "c-1", "x y", "7", " 7 ", ""]

base_times = st.datetimes(min_value=datetime(1969, 3, 1), max_value=datetime(2025, 1, 1))
offsets = st.tuples(st.integers(0, 220), st.integers(0, 86_399), st.sampled_from([0, 0, 1, 999_999]))
ids = st.one_of(st.sampled_from(IDS), st.none())
money = st.one_of(st.none(), st.integers(0, 100_000).map(lambda c: c / 100), st.just(float("nan")))
specs = st.builds(PeriodSpec, st.sampled_from(UNITS), st.sampled_from(["monday", "sunday"]))


def _at(base: datetime, offset) -> datetime | None:
    days, seconds, micros = offset
    return base + timedelta(days=days, seconds=seconds, microseconds=micros)


@st.composite
def events(draw):
    base = draw(base_times)
    rows = draw(st.lists(st.tuples(ids, st.one_of(st.none(), offsets), money), min_size=1, max_size=30))
    rows += draw(st.lists(st.sampled_from(rows), max_size=3))  # exact duplicates
    frame = pl.DataFrame({"customer_id": [r[0] for r in rows],
                          "timestamp": [None if r[1] is None else _at(base, r[1]) for r in rows],
                          "revenue": [r[2] for r in rows]},
                         schema={"customer_id": pl.String, "timestamp": pl.Datetime("us"), "revenue": pl.Float64})
    return frame, base + timedelta(days=180)


@st.composite
def subscriptions(draw):
    base = draw(base_times)
    rows = draw(st.lists(st.tuples(ids, offsets, st.one_of(st.none(), st.integers(-20, 300)), money),
                         min_size=1, max_size=25))
    rows += draw(st.lists(st.sampled_from(rows), max_size=3))
    starts = [_at(base, r[1]) for r in rows]
    frame = pl.DataFrame({
        "customer_id": [r[0] for r in rows], "start_date": starts,
        "end_date": [None if r[2] is None else s + timedelta(days=r[2]) for r, s in zip(rows, starts, strict=True)],
        # the MRR follows the start, so two rows starting at the same instant agree (no tie to break)
        "mrr": [None if r[3] is None else float(r[1][0] % 7) * 10 + 5 for r in rows]},
        schema={"customer_id": pl.String, "start_date": pl.Datetime("us"), "end_date": pl.Datetime("us"),
                "mrr": pl.Float64})
    return frame, base + timedelta(days=150)


@st.composite
def nps(draw):
    base = draw(base_times)
    scores = st.one_of(st.integers(0, 10).map(float), st.sampled_from([None, -1.0, 11.0, 7.5]))
    rows = draw(st.lists(st.tuples(ids, st.one_of(st.none(), offsets), scores), min_size=1, max_size=30))
    rows += draw(st.lists(st.sampled_from(rows), max_size=3))
    frame = pl.DataFrame({"customer_id": [r[0] for r in rows],
                          "response_date": [None if r[1] is None else _at(base, r[1]) for r in rows],
                          "score": [r[2] for r in rows]},
                         schema={"customer_id": pl.String, "response_date": pl.Datetime("us"), "score": pl.Float64})
    return frame, base + timedelta(days=180)


STRATEGIES = {"events": events(), "subscriptions": subscriptions(), "nps": nps()}


def compare(polars_engine, other, kind: str, now: datetime, spec: PeriodSpec, drill: bool,
            few: bool = False) -> None:
    """Checks, as-of, revenue, the reduction and (``drill``) the ids behind cells and formula terms of the
    first cohort and the last period; ``few`` asks for one cell and two terms (Spark: seconds a query)."""
    assert isinstance(other, Engine) and isinstance(polars_engine, Engine)
    assert problem_summary(other.checks(kind, now)) == problem_summary(polars_engine.checks(kind, now))
    if kind not in polars_engine.kinds():  # every row had a problem
        assert other.as_of(kind) is None
        return
    as_of = polars_engine.as_of(kind)
    assert other.as_of(kind) == as_of
    assert other.has_revenue(kind) == polars_engine.has_revenue(kind)
    expected = polars_engine.reduce(kind, spec, as_of)
    assert_same_reduction(kind, expected, other.reduce(kind, spec, as_of), f"{kind} by {spec}")
    if drill and kind != "nps" and expected.height:
        options = AnalysisOptions(period=spec, retention="unbounded" if spec.unit == "week" else "classic")
        cohort = spec.label_of(expected["cohort"].min())
        for k in (1,) if few else (0, 1):
            assert (other.customers_behind_cell(kind, options, cohort, k)
                    == polars_engine.customers_behind_cell(kind, options, cohort, k))
        column = "period" if kind == "events" else "cohort"
        period = spec.label_of(expected[column].max())
        terms = ("CS", "CN", "CE", "retained", "churned", "resurrected" if kind == "events" else "new_lost")
        terms = terms[-2:] if few else terms
        for term in terms:
            assert (other.customers_in_flow(kind, options, period, term)
                    == polars_engine.customers_in_flow(kind, options, period, term)), term


@pytest.mark.parametrize("kind", ["events", "subscriptions", "nps"])
def test_random_data_matches_polars(engine_name, kind, maker):
    @settings(max_examples=EXAMPLES[engine_name], deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=STRATEGIES[kind], spec=specs)
    def check(case, spec):
        frame, now = case
        options = LoadOptions(now=now)
        reference = open_engine([maker.write(kind, frame)], options)
        other = maker.open(engine_name, kind, frame, options)
        compare(reference, other, kind, now, spec, drill=True, few=engine_name == "spark")
        other.close()
        maker.opened.remove(other)

    check()
