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
parse_rows = importlib.import_module("workbench.io.parse_rows")

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
            patch.setattr(parse_rows, "row_hash", lambda columns: pl.col(columns[0]).is_null().cast(pl.UInt64) * 0 + 7)
        found = [p for p in load([str(path)], NOW).reports[0].problems if p.code == "duplicate_rows"]
    n, first = _reference_repeats(frame)
    assert (found[0].rows_affected, found[0].row) == (n, first) if n else found == []


def test_the_time_format_sample_looks_past_the_top_when_it_holds_too_few_values(tmp_path: Path, monkeypatch):
    """The single time format is chosen on the first values, looked for near the top first; when the top holds
    too few (empty dates there), the whole column is looked at, as before."""
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp\nu1,\nu2,\nu3,31/01/2024\nu4,01/02/2024\n")
    monkeypatch.setattr(parse_rows, "FAST_HEAD", 2)
    result = load([str(path)], NOW)
    assert result.datasets["events"].frame["ts"].to_list() == [datetime(2024, 1, 31), datetime(2024, 2, 1)]
    assert [p.code for p in result.reports[0].problems] == ["missing_date"]


text_ids = st.sampled_from(["u1", "1.0", "2", "a.b@example.com", "u\ufffd", "", None, "u\x007"])
text_times = st.sampled_from([None, "", "2024-01-05", "2024-02-10T08:00:00", "05/03/2024", "not a date",
                              "2027-01-01", "1712000000"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(text_ids, text_times, st.sampled_from([None, "1.5", "x", "2"])), min_size=1,
                     max_size=30))
def test_a_parquet_file_of_text_is_checked_in_one_pass_as_in_memory(tmp_path: Path, data, monkeypatch):
    """Text ids (some with what the content checks look for: '1.0', a dot, a replaced byte, NUL) and text
    times in one format or several (the format is chosen on the first three values, so later ones in another
    format are parsed again row by row): the one-pass check of a columnar file reports what the full load
    does, with the same rows."""
    monkeypatch.setattr(parse_rows, "FAST_SAMPLE", 3)
    frame = pl.DataFrame(data, schema={"user_id": pl.String, "timestamp": pl.String, "amount": pl.String},
                         orient="row")
    path = tmp_path / "events.parquet"
    frame.write_parquet(path)
    scanned, scanned_frame, scanned_lazy = _loaded(path)
    held, held_frame, held_lazy = _loaded(path, rescannable=())
    assert _problems(scanned) == _problems(held)
    assert [(r.rows_read, r.rows_kept) for r in scanned.reports] == [(r.rows_read, r.rows_kept) for r in held.reports]
    if held_frame is not None:
        assert_frame_equal(scanned_frame, held_frame)
        assert_frame_equal(scanned_lazy, held_lazy)


def test_subscriptions_and_answers_in_parquet_are_checked_in_one_pass_as_in_memory(tmp_path: Path):
    subscriptions = pl.DataFrame({
        "customer_id": ["a", "b", "c", "c", None],
        "start": [START, START, START + timedelta(days=9), START + timedelta(days=9), START],
        "end": [None, START - timedelta(days=1), datetime(2030, 1, 1), datetime(2030, 1, 1), None],
        "mrr": [10.0, 5.0, float("nan"), float("nan"), 1.0]})
    answers = pl.DataFrame({"customer_id": ["a", "b", "c", "d"], "timestamp": [START] * 4,
                            "score": [9, 11, None, 7]})
    for name, frame in (("subscriptions.parquet", subscriptions), ("nps.parquet", answers)):
        path = tmp_path / name
        frame.write_parquet(path)
        scanned = load([str(path)], NOW)
        saved, load_module.RESCANNABLE = load_module.RESCANNABLE, ()
        try:
            held = load([str(path)], NOW)
        finally:
            load_module.RESCANNABLE = saved
        assert _problems(scanned) == _problems(held) and _problems(held)
        kind = held.reports[0].kind
        assert_frame_equal(scanned.datasets[kind].lazy().collect(), held.datasets[kind].lazy().collect())


def test_a_clean_parquet_file_is_checked_without_holding_its_rows(tmp_path: Path, monkeypatch):
    """The rows are never collected whole: only their hashes and flags are (the full load is not called)."""
    path = tmp_path / "events.parquet"
    _frame([("u1", START, 1.0), ("u2", START, 2.0)]).write_parquet(path)
    monkeypatch.setattr(load_module, "read_rows", lambda *args: (_ for _ in ()).throw(AssertionError("held")))
    result = load([str(path)], NOW)
    assert isinstance(result.datasets["events"].canonical, pl.LazyFrame)
    assert result.reports[0].rows_kept == 2


def test_a_damaged_parquet_file_is_said_to_be_damaged(tmp_path: Path):
    """Bytes flipped inside a column chunk: the file's footer reads, its rows do not. One problem naming the
    file, with a fix for a binary file (not a CSV's advice about fields per line), and no traceback."""
    path = tmp_path / "events.parquet"
    frame = pl.DataFrame({"user_id": [f"u{i}" for i in range(5_000)],
                          "timestamp": [START + timedelta(minutes=i) for i in range(5_000)]})
    frame.write_parquet(path, compression="zstd", statistics=False)
    data = bytearray(path.read_bytes())
    for i in range(200, len(data) // 2, 5):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    result = load([str(path)], NOW)
    problems = result.reports[0].problems
    assert [p.code for p in problems] == ["unreadable"] and "events" not in result.datasets
    assert "damaged" in problems[0].fix and "fields" not in problems[0].fix
