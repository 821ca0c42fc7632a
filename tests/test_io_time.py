"""Dates and times in every representation, converted to one zone (--tz, default UTC).

Rule under test (workbench/io/parse.py): values with an offset or zone are converted to the
chosen zone; naive values are taken to already be in it; epoch numbers are UTC instants; the
result is a naive wall-clock Datetime("us") in that zone.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import LoadOptions, load


def times(tmp_path: Path, values: list[str], tz: str = "UTC", header: str = "timestamp") -> list[datetime | None]:
    path = tmp_path / "t.csv"
    path.write_text(f"user_id,{header}\n" + "".join(f"u{i},{v}\n" for i, v in enumerate(values)))
    result = load([str(path)], LoadOptions(tz=tz, now=datetime(2030, 1, 1)))
    assert result.exit_status == 0, [p.describe() for r in result.reports for p in r.problems]
    return result.datasets["events"].frame["ts"].to_list()


def one(tmp_path: Path, value: str, tz: str = "UTC") -> datetime | None:
    return times(tmp_path, [value], tz)[0]


# ------------------------------------------------------------------ offsets converted to --tz


def test_offset_converted_to_utc(tmp_path: Path):
    assert one(tmp_path, "2024-03-31T23:30:00-05:00") == datetime(2024, 4, 1, 4, 30)


def test_offset_matching_the_zone_keeps_its_wall_clock(tmp_path: Path):
    # New York is on EST (-05:00) in January: same wall-clock time, same day
    assert one(tmp_path, "2024-01-31T23:30:00-05:00", "America/New_York") == datetime(2024, 1, 31, 23, 30)
    # ... and Chicago is on CDT (-05:00) on 31 March, so 23:30 stays on 03-31 there
    assert one(tmp_path, "2024-03-31T23:30:00-05:00", "America/Chicago") == datetime(2024, 3, 31, 23, 30)


def test_conversion_follows_daylight_saving(tmp_path: Path):
    # on 31 March New York is on EDT (-04:00): -05:00 23:30 is 00:30 the next day there
    assert one(tmp_path, "2024-03-31T23:30:00-05:00", "America/New_York") == datetime(2024, 4, 1, 0, 30)
    # the same UTC instant either side of the US switch (10 March 2024, 07:00 UTC)
    assert times(tmp_path, ["2024-03-10T06:30:00Z", "2024-03-10T07:30:00Z"], "America/New_York") == [
        datetime(2024, 3, 10, 1, 30), datetime(2024, 3, 10, 3, 30)]


@pytest.mark.parametrize("value", [
    "2024-03-31T23:30:00+05:30",
    "2024-03-31T23:30:00+0530",
    "2024-03-31 23:30:00+05:30",
    "2024-03-31T23:30+05:30",
])
def test_offset_spellings(tmp_path: Path, value: str):
    assert one(tmp_path, value) == datetime(2024, 3, 31, 18, 0)


@pytest.mark.parametrize("value", [
    "2024-03-31T23:30:00Z", "2024-03-31T23:30:00z", "2024-03-31 23:30:00Z", "2024-03-31T23:30:00+00:00",
    "2024-03-31T23:30:00+00", "2024-03-31 23:30:00 UTC", "2024-03-31T23:30Z",
])
def test_utc_spellings(tmp_path: Path, value: str):
    assert one(tmp_path, value) == datetime(2024, 3, 31, 23, 30)
    assert one(tmp_path, value, "Europe/Paris") == datetime(2024, 4, 1, 1, 30)  # CEST, +02:00


def test_fractional_seconds_with_offset(tmp_path: Path):
    assert one(tmp_path, "2024-03-31T23:30:00.250-03:00") == datetime(2024, 4, 1, 2, 30, 0, 250_000)


def test_mixed_offsets_in_one_column(tmp_path: Path):
    assert times(tmp_path, ["2024-06-01T12:00:00+02:00", "2024-06-01T12:00:00-07:00", "2024-06-01T12:00:00Z"]) == [
        datetime(2024, 6, 1, 10), datetime(2024, 6, 1, 19), datetime(2024, 6, 1, 12)]


# ------------------------------------------------------------------ naive values are already in --tz


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])
def test_naive_values_are_taken_as_wall_clock_in_tz(tmp_path: Path, tz: str):
    assert times(tmp_path, ["2024-03-31 23:30:00", "2024-03-31", "2024-03-31T23:30:00.5"], tz) == [
        datetime(2024, 3, 31, 23, 30), datetime(2024, 3, 31), datetime(2024, 3, 31, 23, 30, 0, 500_000)]


@pytest.mark.parametrize("value,expected", [
    ("2024-03-31", datetime(2024, 3, 31)),
    ("2024/03/31", datetime(2024, 3, 31)),
    ("20240331", datetime(2024, 3, 31)),
    ("2024-03-31T23:30", datetime(2024, 3, 31, 23, 30)),
    ("2024-03-31 23:30", datetime(2024, 3, 31, 23, 30)),
    ("2024/03/31 23:30:05", datetime(2024, 3, 31, 23, 30, 5)),
    ("  2024-03-31  ", datetime(2024, 3, 31)),
])
def test_naive_spellings(tmp_path: Path, value: str, expected: datetime):
    assert one(tmp_path, value, "Europe/Berlin") == expected


# ------------------------------------------------------------------ epoch numbers are UTC instants


def test_epoch_seconds_and_milliseconds_in_text(tmp_path: Path):
    # 1711929600 = 2024-04-01T00:00:00Z
    assert times(tmp_path, ["1711929600", "1711929600000", "1711929600123", "1711929600.5"]) == [
        datetime(2024, 4, 1), datetime(2024, 4, 1), datetime(2024, 4, 1, 0, 0, 0, 123_000),
        datetime(2024, 4, 1, 0, 0, 0, 500_000)]
    assert times(tmp_path, ["1711929600", "1711929600000"], "America/New_York") == [
        datetime(2024, 3, 31, 20), datetime(2024, 3, 31, 20)]


@pytest.mark.parametrize("dtype", [pl.Int64, pl.Int32, pl.UInt32, pl.Float64])
def test_epoch_seconds_in_numeric_columns(tmp_path: Path, dtype: pl.DataType):
    path = tmp_path / "e.parquet"
    pl.DataFrame({"user_id": ["a"], "timestamp": pl.Series([1711929600]).cast(dtype)}).write_parquet(path)
    frame = load([str(path)], LoadOptions(tz="Asia/Tokyo")).datasets["events"].frame
    assert frame["ts"].to_list() == [datetime(2024, 4, 1, 9)]


def test_epoch_milliseconds_and_microseconds_in_numeric_columns(tmp_path: Path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"user_id": "a", "ts": 1711929600123}\n{"user_id": "b", "ts": 1711929600123456}\n')
    frame = load([str(path)]).datasets["events"].frame
    assert frame["ts"].to_list() == [datetime(2024, 4, 1, 0, 0, 0, 123_000), datetime(2024, 4, 1, 0, 0, 0, 123_456)]


def test_yyyymmdd_integers_are_dates_not_epochs(tmp_path: Path):
    path = tmp_path / "e.parquet"
    pl.DataFrame({"user_id": ["a", "b"], "order_date": [19970101, 20240229]}).write_parquet(path)
    frame = load([str(path)], LoadOptions(tz="America/New_York")).datasets["events"].frame
    assert frame["ts"].to_list() == [datetime(1997, 1, 1), datetime(2024, 2, 29)]


# ------------------------------------------------------------------ typed columns from Parquet / Arrow


def test_date_column(tmp_path: Path):
    path = tmp_path / "d.parquet"
    pl.DataFrame({"user_id": ["a"], "timestamp": [date(2024, 3, 31)]}).write_parquet(path)
    for tz in ("UTC", "America/New_York"):
        frame = load([str(path)], LoadOptions(tz=tz)).datasets["events"].frame
        assert frame["ts"].to_list() == [datetime(2024, 3, 31)]
        assert frame["ts"].dtype == pl.Datetime("us")


@pytest.mark.parametrize("unit", ["ns", "us", "ms"])
def test_naive_datetime_column(tmp_path: Path, unit: str):
    path = tmp_path / "d.parquet"
    pl.DataFrame({"user_id": ["a"], "timestamp": pl.Series([datetime(2024, 3, 31, 23, 30)]).cast(pl.Datetime(unit))}
                 ).write_parquet(path)
    frame = load([str(path)], LoadOptions(tz="Asia/Tokyo")).datasets["events"].frame
    assert frame["ts"].to_list() == [datetime(2024, 3, 31, 23, 30)]
    assert frame["ts"].dtype == pl.Datetime("us")


@pytest.mark.parametrize("writer", ["parquet", "ipc"])
@pytest.mark.parametrize("unit", ["ns", "ms"])
def test_tz_aware_datetime_column(tmp_path: Path, writer: str, unit: str):
    path = tmp_path / f"d.{writer}"
    series = pl.Series([datetime(2024, 3, 31, 23, 30)]).cast(pl.Datetime(unit)).dt.replace_time_zone("America/Chicago")
    getattr(pl.DataFrame({"user_id": ["a"], "timestamp": series}), f"write_{writer}")(path)
    expected = {"UTC": datetime(2024, 4, 1, 4, 30), "America/Chicago": datetime(2024, 3, 31, 23, 30),
                "Europe/London": datetime(2024, 4, 1, 5, 30)}
    for tz, wall in expected.items():
        frame = load([str(path)], LoadOptions(tz=tz)).datasets["events"].frame
        assert frame["ts"].to_list() == [wall], tz
        assert frame["ts"].dtype == pl.Datetime("us")


def test_subscription_start_and_end_are_both_converted(tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text("customer_id,start_date,end_date\nc1,2024-01-31T23:00:00-05:00,2024-02-29T23:00:00-05:00\n")
    frame = load([str(path)]).datasets["subscriptions"].frame
    assert frame.row(0) == ("c1", datetime(2024, 2, 1, 4), datetime(2024, 3, 1, 4))


def test_conversion_can_put_end_before_start_only_if_data_does(tmp_path: Path):
    # same instant written with two offsets: equal after conversion, so not "end before start"
    path = tmp_path / "s.csv"
    path.write_text("customer_id,start_date,end_date\nc1,2024-01-01T10:00:00+02:00,2024-01-01T08:00:00Z\n")
    result = load([str(path)])
    assert result.exit_status == 0
    assert result.datasets["subscriptions"].frame.row(0)[1:] == (datetime(2024, 1, 1, 8), datetime(2024, 1, 1, 8))


# ------------------------------------------------------------------ "now" and the future check use --tz


def test_future_check_is_in_the_chosen_zone(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_text("user_id,timestamp\nu1,2024-06-01T12:00:00Z\nu2,2024-06-01T08:00:00Z\n")
    now = datetime(2024, 6, 1, 6, 0)  # wall clock in New York = 10:00 UTC
    result = load([str(path)], LoadOptions(tz="America/New_York", now=now))
    (problem,) = result.reports[0].problems
    assert (problem.code, problem.row, problem.rows_affected) == ("future_date", 1, 1)
    assert result.datasets["events"].frame["customer_id"].to_list() == ["u2"]


# ------------------------------------------------------------------ the command line


def test_cli_tz_option(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("user_id,timestamp\nu1,2024-03-31T23:30:00-05:00\n")
    for tz in ("UTC", "America/New_York", "Europe/Paris"):
        result = CliRunner().invoke(cli, ["validate", str(path), "--tz", tz])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("tz", ["Mars/Olympus", "utc+2", "", "../../etc/passwd", "EST5EDT/x"])
def test_unknown_tz(tmp_path: Path, tz: str):
    path = tmp_path / "t.csv"
    path.write_text("user_id,timestamp\nu1,2024-01-01\n")
    result = CliRunner().invoke(cli, ["validate", str(path), "--tz", tz])
    assert result.exit_code == 2
    assert "[bad_timezone]" in result.output
    assert "Traceback" not in result.output
    assert load([str(path)], LoadOptions(tz=tz)).reports[0].problems[0].code == "bad_timezone"


def test_mixed_formats_after_the_sample_still_parse(tmp_path):
    """The fast path picks one format from the first values; later rows in another format must not be lost."""
    from workbench.io import load
    from workbench.io.parse_rows import FAST_SAMPLE

    lines = ["user_id,timestamp"]
    lines += [f"u{i},2024-01-02T03:04:05Z" for i in range(FAST_SAMPLE + 10)]
    lines += ["late1,2024-02-03", "late2,2024-02-03T10:00:00+02:00", "late3,1706000000", "late4,not a date"]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    result = load([str(path)])
    frame = result.datasets["events"].frame
    by_id = dict(zip(frame["customer_id"], frame["ts"], strict=True))
    assert str(by_id["u0"]) == "2024-01-02 03:04:05"
    assert str(by_id["late1"]) == "2024-02-03 00:00:00"
    assert str(by_id["late2"]) == "2024-02-03 08:00:00"
    assert str(by_id["late3"]) == "2024-01-23 08:53:20"
    assert "late4" not in by_id
    [problem] = [p for p in result.reports[0].problems if p.code == "bad_date"]
    assert problem.row == FAST_SAMPLE + 14 and problem.rows_affected == 1
