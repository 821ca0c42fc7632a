"""The triangles, the flow's event terms and CLTV finished on numpy grids (:mod:`workbench.metrics.grids`)
are the same, to the last bit, as the plain loops over cells they replaced (tests/finishing_loops.py): on
random data, including money too large for a float64 to hold in millionths exactly, and on a real daily
report. ``repr`` tells -0.0 from 0.0 and prints every float's shortest exact form."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
from finishing_loops import loop_cltv, loop_event_terms, loop_revenue_triangle, loop_triangle
from hypothesis import given
from hypothesis import strategies as st
from references import UNITS, dataset, instants, subscription_frames
from test_metrics_properties import options

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec
from workbench.metrics.aggregates import aggregate
from workbench.metrics.cltv import cltv_from
from workbench.metrics.cohorts import triangle_from
from workbench.metrics.flow import _event_terms, flow_from
from workbench.metrics.revenue_triangle import _sums_by, revenue_triangle_from

# cents, sums that are inexact in binary, negatives (refunds) and amounts beyond 2^53 millionths
MONEY = [0.0, 0.01, 0.1, 0.7, 1.5, 99.99, -3.3, 123456.789, 9.5e9, -2.5e10, 4.2e12]


@st.composite
def event_frames(draw, unit: str) -> pl.DataFrame:
    ids = draw(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=30))
    rows = [(c, draw(instants(unit)), draw(st.sampled_from(MONEY))) for c in ids]
    return pl.DataFrame(rows, schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64},
                        orient="row")


@st.composite
def setups(draw, kind: str):
    unit = draw(st.sampled_from(UNITS))
    week_start = draw(st.sampled_from(["monday", "sunday"]))
    if kind == "events":
        frame = draw(event_frames(unit))
    else:
        frame = draw(subscription_frames(unit)).with_columns(
            pl.col("revenue") * draw(st.sampled_from([1.0, 0.1, 1e9, -0.7])))
    as_of = draw(st.one_of(st.none(), instants(unit)))
    return kind, unit, week_start, frame, as_of


def check_same(agg, opts) -> None:
    for mode in ("classic", "unbounded"):
        assert repr(triangle_from(agg, mode)) == repr(loop_triangle(agg, mode))
    assert repr(revenue_triangle_from(agg)) == repr(loop_revenue_triangle(agg))
    flow = flow_from(agg)
    assert repr(cltv_from(agg, flow, opts)) == repr(loop_cltv(agg, flow, opts))
    if agg.kind == "events" and agg.first is not None:
        span = list(agg.periods())
        got, want = _event_terms(agg, span), loop_event_terms(agg, span)
        assert repr({p: sorted(t.items()) for p, t in got.items()}) == \
            repr({p: sorted(t.items()) for p, t in want.items()})


@given(st.sampled_from(["events", "subscriptions"]).flatmap(setups))
def test_grids_match_the_loops_to_the_bit(setup):
    kind, unit, week_start, frame, as_of = setup
    opts = options(unit, week_start, as_of)
    check_same(aggregate(dataset(kind, frame), opts), opts)


def test_grids_match_the_loops_on_a_daily_report():
    """A year of daily cohorts from the bundled sample (hundreds of cohorts, tens of thousands of cells)."""
    events = load(["sample_data/events.csv"], LoadOptions()).datasets["events"]
    subscriptions = load(["sample_data/subscriptions.csv"], LoadOptions()).datasets["subscriptions"]
    for data in (events, subscriptions):
        opts = AnalysisOptions(period=PeriodSpec("day"))
        agg = aggregate(data, opts)
        assert agg.last - agg.first > 100
        check_same(agg, opts)
        # and with as-of inside the data: complete cells end before the last period
        earlier = AnalysisOptions(period=PeriodSpec("day"), as_of=agg.period.start_of(agg.last - 40) + timedelta(hours=5))
        check_same(aggregate(data, earlier), earlier)


def test_money_sums_beyond_int64_are_exact():
    """Sums of millionths that would overflow an int64 are added as Python ints, as the loops did."""
    values = np.array([4.2e18, 4.2e18, -1.0, 3.0])
    assert _sums_by(np.array([0, 0, 1, 1]), values, 2) == [int(4.2e18) * 2, 2]
    assert _sums_by(np.array([1, 0]), np.array([5.0, 7.0]), 3) == [7, 5, 0]
