"""The loader's faster paths give exactly what the plain ones give: a Parquet file's rows kept as a scan of the
file (read again by each reduction) and the rows held in memory; repeated rows found through row hashes and a
plain comparison of every row; examples read back from the file for the one row they quote."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from workbench.io import LoadOptions, load

load_module = importlib.import_module("workbench.io.load")  # the module, not the function of that name

NOW = LoadOptions(now=datetime(2026, 1, 1))
START = datetime(2024, 1, 1)

ids = st.sampled_from(["u1", "u2", " u3 ", "", None, "4.0", "u\x005"])
times = st.one_of(st.none(), st.integers(0, 900).map(lambda d: START + timedelta(days=d)))  # some in the future
amounts = st.sampled_from([None, 0.0, 1.5, 2.0, float("nan"), float("inf"), -3.25])
rows = st.lists(st.tuples(ids, times, amounts), min_size=1, max_size=40)


def _frame(data: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(data, schema={"user_id": pl.String, "timestamp": pl.Datetime("us"), "amount": pl.Float64},
                        orient="row")


def _problems(result) -> list[dict]:
    return [p.to_dict() for r in result.reports for p in r.problems]


def _loaded(path: Path, options: LoadOptions = NOW, rescannable: tuple[str, ...] | None = None):
    saved = load_module.RESCANNABLE
    if rescannable is not None:
        load_module.RESCANNABLE = rescannable
    try:
        result = load([str(path)], options)
        frame = result.datasets["events"].frame if "events" in result.datasets else None
        lazy = result.datasets["events"].lazy().collect() if "events" in result.datasets else None
        return result, frame, lazy
    finally:
        load_module.RESCANNABLE = saved


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows, drop=st.booleans())
def test_a_parquet_scan_gives_the_rows_and_problems_of_rows_in_memory(tmp_path: Path, data, drop):
    path = tmp_path / "events.parquet"
    _frame(data).write_parquet(path)
    options = LoadOptions(now=NOW.now, drop_duplicates=drop)
    scanned, scanned_frame, scanned_lazy = _loaded(path, options)
    held, held_frame, held_lazy = _loaded(path, options, rescannable=())
    assert _problems(scanned) == _problems(held)
    assert [(r.rows_read, r.rows_kept) for r in scanned.reports] == [(r.rows_read, r.rows_kept) for r in held.reports]
    if held_frame is None:
        assert scanned_frame is None
        return
    assert_frame_equal(scanned_frame, held_frame)
    assert_frame_equal(scanned_lazy, held_lazy)
    assert scanned.datasets["events"].has_revenue == held.datasets["events"].has_revenue


def test_a_clean_parquet_file_is_kept_as_a_scan_and_read_again(tmp_path: Path):
    path = tmp_path / "events.parquet"
    _frame([("u1", START, 1.0), ("u2", START + timedelta(days=40), None), ("u1", None, 2.0)]).write_parquet(path)
    result = load([str(path)], NOW)
    dataset = result.datasets["events"]
    assert isinstance(dataset.canonical, pl.LazyFrame)
    assert dataset.lazy().collect()["customer_id"].to_list() == ["u1", "u2"]  # the row without a date dropped
    assert [p.code for p in result.reports[0].problems] == ["missing_date"]
    assert result.reports[0].problems[0].row == 3


def test_typed_values_quote_the_file_in_examples(tmp_path: Path):
    """A typed column has no text copy: the example of its problem is read back from the file's row."""
    path = tmp_path / "events.parquet"
    _frame([("u1", START, 1.0), ("u2", datetime(2030, 5, 1), 2.0), ("u3", START, float("nan"))]).write_parquet(path)
    problems = {p.code: p for p in load([str(path)], NOW).reports[0].problems}
    assert problems["future_date"].row == 2
    assert "'2030-05-01 00:00:00" in problems["future_date"].message
    assert problems["non_finite_number"].row == 3


def _reference_repeats(frame: pl.DataFrame) -> tuple[int, int | None]:
    """Repeats and the first one's row, by comparing whole rows (the plain way)."""
    repeat = ~frame.select(pl.struct(pl.all()).is_first_distinct()).to_series()
    rows = repeat.arg_true()
    return int(repeat.sum()), (int(rows[0]) + 1 if len(rows) else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 2), st.sampled_from([1.0, None])),
                     min_size=1, max_size=30), collide=st.booleans())
def test_repeated_rows_are_exact_even_when_every_hash_collides(tmp_path: Path, data, collide, monkeypatch):
    """Rows are candidates when their hashes repeat, then compared value by value: with a hash that is the
    same for every row (every pair collides) the count and the first row are still the plain comparison's."""
    frame = pl.DataFrame(data, schema={"user_id": pl.String, "day": pl.Int64, "amount": pl.Float64}, orient="row")
    frame = frame.with_columns((pl.lit(START) + pl.duration(days=pl.col("day"))).alias("timestamp")).drop("day")
    path = tmp_path / f"events-{collide}.parquet"
    frame.write_parquet(path)
    with monkeypatch.context() as patch:
        if collide:
            patch.setattr(load_module, "row_hash", lambda columns: pl.col(columns[0]).is_null().cast(pl.UInt64) * 0 + 7)
        found = [p for p in load([str(path)], NOW).reports[0].problems if p.code == "duplicate_rows"]
    n, first = _reference_repeats(frame)
    assert (found[0].rows_affected, found[0].row) == (n, first) if n else found == []


def test_the_time_format_sample_looks_past_the_top_when_it_holds_too_few_values(tmp_path: Path, monkeypatch):
    """The single time format is chosen on the first values, looked for near the top first; when the top holds
    too few (empty dates there), the whole column is looked at, as before."""
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp\nu1,\nu2,\nu3,31/01/2024\nu4,01/02/2024\n")
    monkeypatch.setattr(load_module, "FAST_HEAD", 2)
    result = load([str(path)], NOW)
    assert result.datasets["events"].frame["ts"].to_list() == [datetime(2024, 1, 31), datetime(2024, 2, 1)]
    assert [p.code for p in result.reports[0].problems] == ["missing_date"]
