"""Awkward files, tried on purpose (issue 12): each is refused or reported with one clear message naming the
file, or read with the right numbers. Every case asserts the exact message and the exit status of
`workbench validate`, and that no traceback reaches the user."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import LoadOptions, load

ROOT = Path(__file__).resolve().parents[1]
NOW = LoadOptions(now=datetime(2026, 1, 1))


def validate(*args: str | os.PathLike) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["validate", *map(str, args), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def only_problem(doc: dict, code: str) -> dict:
    found = [p for f in doc["files"] for p in f["problems"] if p["code"] == code]
    assert len(found) == 1, doc
    return found[0]


# ------------------------------------------------------------------ (a) a Parquet time zone written as an offset

def write_offset_parquet(path: Path) -> None:
    """A Parquet file whose time column's zone is '+05:30' (as pandas writes a fixed-offset timezone). polars
    refuses to make such a column unless told to skip its check, so the file is written in a child process."""
    code = ("import polars as pl, datetime as dt, sys\n"
            "pl.DataFrame({'user_id': ['a', 'b'], 'ts': [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)]},"
            " schema={'user_id': pl.String, 'ts': pl.Datetime('us', '+05:30')}).write_parquet(sys.argv[1])\n")
    env = {**os.environ, "POLARS_IGNORE_TIMEZONE_PARSE_ERROR": "1"}
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env, capture_output=True)


def test_offset_time_zone_is_one_clear_error_and_the_folder_goes_on(tmp_path: Path) -> None:
    write_offset_parquet(tmp_path / "a_offset.parquet")
    (tmp_path / "b_events.csv").write_text("user_id,timestamp\nu1,2024-01-01\n")
    status, doc = validate(tmp_path)
    assert status == 2
    assert [f["path"] for f in doc["files"]] == [str(tmp_path / "a_offset.parquet"), str(tmp_path / "b_events.csv")]
    problem = only_problem(doc, "offset_time_zone")
    assert problem["message"] == ("a time column's time zone is written as an offset ('+05:30'), "
                                  "which polars cannot read")
    assert doc["files"][1]["kind"] == "events" and doc["files"][1]["rows_kept"] == 1


def test_offset_time_zone_prints_no_rust_panic(tmp_path: Path) -> None:
    """The zone is found in the file's metadata before polars reads the schema, so nothing panics on stderr."""
    write_offset_parquet(tmp_path / "offset.parquet")
    run = subprocess.run([sys.executable, "-m", "workbench", "validate", str(tmp_path / "offset.parquet")],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 2
    assert "panicked" not in run.stderr and "Traceback" not in run.stderr + run.stdout
    assert "error [offset_time_zone]" in run.stdout


def test_a_polars_panic_on_one_file_is_reported_and_the_others_are_read(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    load_module = importlib.import_module("workbench.io.load")

    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("user_id,timestamp\nu1,2024-01-01\n")
    good.write_text("user_id,timestamp\nu2,2024-01-02\n")
    real = load_module.read_raw

    def panicking(path: str):
        if path == str(bad):
            raise pl.exceptions.PanicException("called `Option::unwrap()` on a `None` value")
        return real(path)

    monkeypatch.setattr(load_module, "read_raw", panicking)
    result = load([str(bad), str(good)], NOW)
    assert result.exit_status == 2
    (problem,) = result.reports[0].problems
    assert (problem.code, problem.message) == (
        "reader_crashed", "polars crashed while reading this file (called `Option::unwrap()` on a `None` value)")
    assert result.datasets["events"].frame["customer_id"].to_list() == ["u2"]


# ------------------------------------------------------------------ (b) a NUL byte past the first few KB

def test_nul_byte_deep_in_the_file_is_reported_and_its_rows_dropped(tmp_path: Path) -> None:
    lines = ["user_id,timestamp"] + [f"u{i},2024-01-{i % 28 + 1:02d}" for i in range(2_000)]
    lines[1_500] = "u\x001,2024-01-02"  # about 25 KB in: past what is sniffed
    path = tmp_path / "nul.csv"
    path.write_text("\n".join(lines) + "\n")
    status, doc = validate(path)
    assert status == 1
    problem = only_problem(doc, "nul_byte")
    assert (problem["column"], problem["row"], problem["severity"]) == ("user_id", 1_500, "warning")
    assert problem["message"] == ("1 values hold a NUL byte, which text never does (first: 'u\\x001'); "
                                  "those rows are dropped")
    assert doc["files"][0]["rows_kept"] == 1_999


# ------------------------------------------------------------------ (c) ids written as floats

def test_whole_float_ids_are_the_same_customers_as_integers(tmp_path: Path) -> None:
    """An analyst expects '1.0' (a column that went through a float) and '1' to be one customer: the ids are
    read as integers, and a note says so (nothing is dropped: exit 0)."""
    (tmp_path / "a.csv").write_text("user_id,timestamp\n1,2024-01-01\n2,2024-01-02\n")
    (tmp_path / "b.csv").write_text("user_id,timestamp\n1.0,2024-02-01\n2.00,2024-02-02\n3.5,2024-02-03\n")
    status, doc = validate(tmp_path)
    assert status == 0
    problem = only_problem(doc, "float_ids")
    assert (problem["row"], problem["severity"]) == (1, "note")
    assert problem["message"] == ("2 ids are whole numbers written with a decimal point (first: '1.0'); they are "
                                  "read without it, so '1.0' and '1' are the same customer")
    frame = load([str(tmp_path)], NOW).datasets["events"].frame
    assert sorted(frame["customer_id"].unique().to_list()) == ["1", "2", "3.5"]


# ------------------------------------------------------------------ (d) Excel serial dates in unformatted cells

@pytest.mark.parametrize(("date_1904", "serial", "expected"), [
    (False, 45292, datetime(2024, 1, 1)),
    (False, 45292.75, datetime(2024, 1, 1, 18)),
    (True, 43830, datetime(2024, 1, 1)),
])
def test_excel_serial_numbers_without_a_date_format_are_dates(tmp_path: Path, date_1904: bool, serial: float,
                                                              expected: datetime) -> None:
    path = tmp_path / "serials.xlsx"
    book = xlsxwriter.Workbook(path, {"date_1904": date_1904})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["user_id", "timestamp", "formatted"])
    sheet.write_row(1, 0, ["u1", serial])
    sheet.write_datetime(1, 2, expected, book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    book.close()
    result = load([str(path)], NOW)
    assert result.exit_status == 0, [p.describe() for r in result.reports for p in r.problems]
    assert result.datasets["events"].frame["ts"].to_list() == [expected]
    forced = load([str(path)], LoadOptions(now=NOW.now, time="formatted"))  # the date-formatted cell agrees
    assert forced.datasets["events"].frame["ts"].to_list() == [expected]


# ------------------------------------------------------------------ (e) quoted values spanning several lines

def test_a_problem_after_a_multi_line_value_names_the_file_line(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('user_id,timestamp,comment\nu1,2024-01-01,"first\nsecond\nthird"\nu2,2024-01-0x,fine\n')
    status, doc = validate(path)
    assert status == 1
    problem = only_problem(doc, "bad_date")
    assert (problem["row"], problem["line"]) == (2, 5)
    text = CliRunner().invoke(cli, ["validate", str(path)]).output
    assert "warning [bad_date] (column 'timestamp', row 2, line 5 of the file)" in text


def test_the_line_is_left_out_when_it_is_row_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("user_id,timestamp\nu1,2024-01-01\nu2,2024-01-0x\n")
    _, doc = validate(path)
    assert "line" not in only_problem(doc, "bad_date")


# ------------------------------------------------------------------ (f) a stray quote inside a value

def test_a_stray_quote_is_read_as_excel_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text('user_id,timestamp,item\nu1,2024-01-01,"cable, 2 m"\nu2,2024-01-02,27" monitor\n'
                    'u3,2024-01-03,mouse\n')
    status, doc = validate(path)
    assert status == 1
    problem = only_problem(doc, "stray_quote")
    assert (problem["line"], problem["severity"]) == (3, "warning")
    assert problem["message"] == (
        "1 line has a double quote inside a value that is not in quotes (first: line 3 of the file: "
        "'u2,2024-01-02,27\" monitor'); the file was read as Excel reads it, the quote kept as part of the value")
    frame = load([str(path)], NOW).datasets["events"].frame
    assert frame["item"].to_list() == ["cable, 2 m", '27" monitor', "mouse"]
    assert doc["files"][0]["rows_kept"] == 3


def test_an_unclosed_quote_is_still_unreadable(tmp_path: Path) -> None:
    """A quote that opens a value and never closes swallows the rest of the file: no fallback guesses."""
    path = tmp_path / "open.csv"
    path.write_text('user_id,timestamp\nu1,2024-01-01\n"u2,2024-01-02\nu3,2024-01-03\n')
    status, doc = validate(path)
    assert status == 2
    assert only_problem(doc, "unreadable")["message"].startswith("the file could not be read to the end")


def test_a_stray_quote_in_an_order_log_with_price_and_quantity(tmp_path: Path) -> None:
    """The revenue rules scan the file before the full read: a body polars refuses must not stop them."""
    path = tmp_path / "orders.csv"
    path.write_text('user_id,timestamp,event_type,item,price,quantity\n'
                    'u1,2024-01-01,purchase,"cable, 2 m",2,3\nu2,2024-01-02,view,27" monitor,100,1\n')
    status, doc = validate(path)
    assert status == 1
    assert "stray_quote" in [p["code"] for p in doc["files"][0]["problems"]]
    assert doc["files"][0]["columns"]["revenue"] == "price × quantity on purchase events"
    frame = load([str(path)], NOW).datasets["events"].frame
    assert frame["revenue"].to_list() == [6.0, None]
