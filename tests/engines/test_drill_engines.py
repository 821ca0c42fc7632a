"""Customer profiles and timelines run in DuckDB, PostgreSQL and Spark (customer_queries.py, translated by
sqlglot) equal the polars engine's, on hand data with awkward ids and on the sample."""

from __future__ import annotations

from datetime import datetime as D
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.io import LoadOptions
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze, customers_behind_cell
from workbench.metrics.customers import customer_profiles, customer_timeline
from workbench.metrics.engines import open_engine
from workbench.metrics.engines.dataset import engine_datasets

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NOW = LoadOptions(now=D(2025, 1, 1))

EVENTS = pl.DataFrame(
    {"customer_id": ["a", "a", "a", "b", "o'x", "o'x", "ü 1", "late"],
     "ts": [D(2024, 1, 5), D(2024, 1, 20), D(2024, 4, 1, 8), D(2024, 1, 20), D(2024, 2, 1), D(2024, 2, 1),
            D(2024, 3, 31, 23, 59), D(2024, 6, 1)],
     "revenue": [10.0, None, 2.5, 4.0, 1.0, 3.0, None, 9.0],
     "plan": ["basic", "pro", "pro", None, "team", "basic", "x", "pro"]})
SUBSCRIPTIONS = pl.DataFrame(
    {"customer_id": ["a", "a", "b", "o'x"],
     "start": [D(2024, 1, 5), D(2024, 3, 1), D(2024, 1, 20), D(2024, 2, 1)],
     "end": [D(2024, 2, 1), D(2024, 4, 1), None, D(2024, 6, 1)],
     "mrr": [10.0, 20.0, 5.0, 7.0], "plan": ["basic", "pro", "basic", "team"]})
NPS = pl.DataFrame({"customer_id": ["a", "a", "b", "o'x"],
                    "date": [D(2024, 1, 9), D(2024, 3, 9), D(2024, 2, 2), D(2024, 2, 2)],
                    "score": [3, 9, 6, 10], "comment": ["meh", "good", None, "it's ok"]})
IDS = ["a", "b", "late", "o'x", "ü 1", "nobody"]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def _compare(mine: dict, theirs: dict, kind: str, options: AnalysisOptions, ids: list[str]) -> None:
    want = customer_profiles(mine, kind, options, ids)
    got = customer_profiles(theirs, kind, options, ids)
    assert_frame_equal(got, want, check_exact=False, rel_tol=1e-9)
    for i in ids[:5]:
        a, b = customer_timeline(mine, options, i), customer_timeline(theirs, options, i)
        assert (a.total, a.rows.columns) == (b.total, b.rows.columns)
        assert_frame_equal(_sorted(b.rows), _sorted(a.rows), check_exact=False, rel_tol=1e-9)


@pytest.mark.parametrize("kind", ["events", "subscriptions"])
def test_hand_profiles_match_polars(engine_name, maker, kind):
    frame = EVENTS if kind == "events" else SUBSCRIPTIONS
    polars_sets = {kind: engine_datasets(maker.open("polars", kind, frame, NOW))[kind],
                   "nps": engine_datasets(maker.open("polars", "nps", NPS, NOW))["nps"]}
    other_sets = {kind: engine_datasets(maker.open(engine_name, kind, frame, NOW))[kind],
                  "nps": engine_datasets(maker.open(engine_name, "nps", NPS, NOW))["nps"]}
    for unit in ("month", "week"):
        _compare(polars_sets, other_sets, kind, AnalysisOptions(PeriodSpec(unit), D(2024, 5, 1)), IDS)
    got = customer_profiles(other_sets, kind, AnalysisOptions(PeriodSpec("month"), D(2024, 5, 1)), ["o'x"])
    assert got["nps"].to_list() == [10] and got["segment"].to_list() == ["team"]


def test_sample_profiles_in_duckdb_match_polars():
    pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    paths = [str(SAMPLE)]
    mine = engine_datasets(open_engine(paths))
    duck = open_engine(paths, engine="duckdb")
    theirs = engine_datasets(duck)
    report = analyze(mine)
    for kind in ("events", "subscriptions"):
        ids = customers_behind_cell(mine[kind], report.options, report.cohorts.rows[1].cohort, 1)
        assert ids
        _compare(mine, theirs, kind, report.options, ids)
    duck.close()
