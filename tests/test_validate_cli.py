"""`workbench validate`: a corpus of malformed files, each with its exact problem code and exit status.

Every file is generated into tmp_path. Each case asserts the problem code that must be reported,
the exit status (0 clean or notes only, 1 rows dropped but usable, 2 unusable) and that no
traceback reaches the user.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.io import load


def run_validate(*args: str | os.PathLike, color: bool = True) -> Result:
    """Invoke `workbench validate` in-process; color=True keeps click from stripping ANSI as it does for pipes."""
    result = CliRunner().invoke(cli, ["validate", *map(str, args)], color=color)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def validate_json(*args: str | os.PathLike) -> tuple[int, dict]:
    result = run_validate(*args, "--format", "json")
    return result.exit_code, json.loads(result.output)


def codes(doc: dict) -> list[str]:
    return [p["code"] for f in doc["files"] for p in f["problems"]]


# ------------------------------------------------------------------ writers for the corpus

def _parquet_bytes(tmp: Path) -> bytes:
    path = tmp / "_scratch.parquet"
    pl.DataFrame({"user_id": ["u1", "u2"], "timestamp": ["2024-01-01", "2024-01-02"]}).write_parquet(path)
    data = path.read_bytes()
    path.unlink()
    return data


def parquet_named_csv(path: Path) -> None:
    path.write_bytes(_parquet_bytes(path.parent))


def truncated_parquet(path: Path) -> None:
    data = _parquet_bytes(path.parent)
    path.write_bytes(data[: len(data) // 2])


def corrupt_parquet(path: Path) -> None:
    """Right magic at both ends, garbage footer length in between."""
    data = _parquet_bytes(path.parent)
    path.write_bytes(data[:4] + b"\x00" * 40 + b"\xff\xff\xff\x7f" + b"PAR1")


def truncated_gzip(path: Path) -> None:
    body = b"user_id,timestamp\n" + b"".join(f"u{i},2024-01-{i % 28 + 1:02d}\n".encode() for i in range(2000))
    data = gzip.compress(body)
    path.write_bytes(data[: len(data) // 2])


def garbage_xlsx(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)


def truncated_arrow(path: Path) -> None:
    pl.DataFrame({"user_id": ["u1", "u2"], "timestamp": ["2024-01-01", "2024-01-02"]}).write_ipc(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def empty_xlsx(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    book.add_worksheet()
    book.close()


def header_only_xlsx(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    book.add_worksheet().write_row(0, 0, ["user_id", "timestamp"])
    book.close()


def null_id_parquet(path: Path) -> None:
    pl.DataFrame({"user_id": [None, None], "timestamp": ["2024-01-01", "2024-01-02"]},
                 schema={"user_id": pl.String, "timestamp": pl.String}).write_parquet(path)


def duplicate_header_xlsx(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["user_id", "timestamp", "user_id"])
    sheet.write_row(1, 0, ["u1", "2024-01-01", "x"])
    book.close()


def three_sheets_xlsx(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    for name in ("Events", "Notes", "Pivot"):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["user_id", "timestamp"])
        sheet.write_row(1, 0, ["u1", "2024-01-01"])
    book.close()


def nested_parquet(path: Path) -> None:
    pl.DataFrame({"user_id": [[1, 2]], "timestamp": ["2024-01-01"]}).write_parquet(path)


Content = bytes | str | Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    content: Content
    code: str
    exit: int
    args: tuple[str, ...] = field(default_factory=tuple)
    column: str | None = None  # the column the problem must name, when it names one
    row: int | None = None  # the example row it must give


EV = "user_id,timestamp\n"
SUBS = "customer_id,start_date,end_date\n"
NPS = "respondent_id,response_date,score\n"

CORPUS: list[Case] = [
    # columns
    Case("missing_id_column", "e.csv", "when,amount\n2024-01-01,3\n", "missing_column", 2, ("--kind", "events")),
    Case("missing_time_column", "e.csv", "user_id,amount\nu1,3\n", "missing_column", 2),
    Case("duplicate_header_name", "e.csv", "user_id,timestamp,user_id\nu1,2024-01-01,x\n", "duplicate_column", 1,
         column="user_id"),
    Case("duplicate_header_name_tsv_gz", "e.tsv.gz", gzip.compress(b"user_id\ttimestamp\ttimestamp\nu1\t2024-01-01\tx\n"),
         "duplicate_column", 1, column="timestamp"),
    Case("workbook_with_three_sheets", "e.xlsx", three_sheets_xlsx, "other_sheets", 0),
    Case("duplicate_header_name_xlsx", "e.xlsx", duplicate_header_xlsx, "duplicate_column", 1, column="user_id"),
    Case("ambiguous_id_columns", "e.csv", "user_id,customer_id,timestamp\nu1,c1,2024-01-01\n",
         "ambiguous_column", 2, column="customer_id"),
    Case("time_option_names_missing_column", "e.csv", EV + "u1,2024-01-01\n", "missing_column", 2,
         ("--time", "nope"), column="nope"),
    Case("nps_forced_without_score", "e.csv", EV + "u1,2024-01-01\n", "missing_column", 2, ("--kind", "nps")),
    # values
    Case("unparseable_date", "e.csv", EV + "u1,2024-01-01\nu2,31/31/2024\nu3,2024-01-03\n", "bad_date", 1,
         column="timestamp", row=2),
    Case("missing_date", "e.csv", EV + "u1,2024-01-01\nu2,\n", "missing_date", 1, column="timestamp", row=2),
    Case("end_before_start", "s.csv", SUBS + "c1,2023-01-01,\nc2,2023-05-01,2023-04-01\n", "end_before_start", 1,
         column="end_date", row=2),
    Case("unparseable_end", "s.csv", SUBS + "c1,2023-01-01,soon\nc2,2023-05-01,\n", "bad_date", 1,
         column="end_date", row=1),
    Case("score_11", "n.csv", NPS + "r1,2024-01-01,9\nr2,2024-01-01,11\n", "score_out_of_range", 1,
         column="score", row=2),
    Case("score_negative", "n.csv", NPS + "r1,2024-01-01,-1\nr2,2024-01-01,3\n", "score_out_of_range", 1,
         column="score", row=1),
    Case("score_not_whole", "n.csv", NPS + "r1,2024-01-01,9\nr2,2024-01-01,10\nr3,2024-01-02,7.5\n",
         "score_out_of_range", 1, column="score", row=3),
    Case("score_not_a_number", "n.csv", NPS + "r1,2024-01-01,abc\nr2,2024-01-01,6\n", "bad_score", 1,
         column="score", row=1),
    Case("score_missing", "n.csv", NPS + "r1,2024-01-01,\nr2,2024-01-01,6\n", "missing_score", 1,
         column="score", row=1),
    Case("null_id", "e.csv", EV + "u1,2024-01-01\n,2024-01-02\nu3,2024-01-03\n", "null_id", 1,
         column="user_id", row=2),
    Case("future_timestamp", "e.csv", EV + "u1,2024-01-01\nu2,2099-06-01T10:00:00Z\n", "future_date", 1,
         column="timestamp", row=2),
    Case("future_subscription_start", "s.csv", SUBS + "c1,2099-01-01,\nc2,2023-01-01,\n", "future_date", 1,
         column="start_date", row=1),
    Case("bad_revenue", "e.csv", "user_id,timestamp,revenue\nu1,2024-01-01,12.50\nu2,2024-01-02,twelve\n",
         "bad_number", 1, column="revenue", row=2),
    Case("decimal_comma_mrr_splits_the_line", "s.csv", "customer_id,start_date,mrr\nc1,2023-01-01,9,99\n",
         "ragged_rows", 1, row=1),
    Case("duplicate_events_kept", "e.csv", EV + "u1,2024-01-01\nu1,2024-01-01\nu2,2024-01-02\n",
         "duplicate_rows", 0, row=2),
    Case("duplicate_events_dropped_on_request", "e.csv", EV + "u1,2024-01-01\nu1,2024-01-01\n",
         "duplicate_rows", 1, ("--drop-duplicates",), row=2),
    Case("duplicate_subscriptions", "s.csv", SUBS + "c1,2023-01-01,\nc2,2023-02-01,\nc1,2023-01-01,\n",
         "duplicate_rows", 1, row=3),
    Case("duplicate_nps", "n.csv", NPS + "r1,2024-01-01,9\nr1,2024-01-01,9\n", "duplicate_rows", 1, row=2),
    Case("every_row_bad", "e.csv", EV + "u1,never\nu2,someday\n", "no_usable_rows", 2),
    Case("every_score_bad", "n.csv", NPS + "r1,2024-01-01,12\nr2,2024-01-01,x\n", "no_usable_rows", 2),
    # whole files
    Case("empty_0_byte_file", "e.csv", b"", "empty_file", 2),
    Case("header_only", "e.csv", EV, "no_rows", 2),
    Case("header_only_parquet", "e.parquet",
         lambda p: pl.DataFrame(schema={"user_id": pl.String, "timestamp": pl.Date}).write_parquet(p),
         "no_rows", 2),
    Case("binary_garbage_named_csv", "e.csv", bytes(range(256)) * 8, "wrong_format", 2),
    Case("csv_named_parquet", "e.parquet", EV + "u1,2024-01-01\n", "wrong_format", 2),
    Case("parquet_named_csv", "e.csv", parquet_named_csv, "wrong_format", 2),
    Case("truncated_parquet", "e.parquet", truncated_parquet, "unreadable", 2),
    Case("corrupt_parquet_footer", "e.parquet", corrupt_parquet, "unreadable", 2),
    Case("ragged_csv_rows", "e.csv", EV + "u1,2024-01-01\nu2,2024-01-02,surplus\nu3,2024-01-03\n", "ragged_rows", 1,
         row=2),
    Case("ragged_tsv_rows", "e.tsv", "user_id\ttimestamp\nu1\t2024-01-01\tsurplus\n", "ragged_rows", 1, row=1),
    Case("ragged_semicolon_csv_gz", "e.csv.gz",
         gzip.compress(b"user_id;timestamp\nu1;2024-01-01\nu2;2024-01-02\nu3;2024-01-03;x;y\n"), "ragged_rows", 1,
         row=3),
    Case("ragged_line_inside_a_multiline_quote", "e.csv", EV + 'u1,"2024-01-01\n",surplus\nu2,2024-01-02\n',
         "ragged_rows", 1),
    Case("gzip_that_is_not_gzip", "e.csv.gz", EV + "u1,2024-01-01\n", "wrong_format", 2),
    Case("truncated_gzip", "e.csv.gz", truncated_gzip, "unreadable", 2),
    Case("csv_named_xlsx", "e.xlsx", EV + "u1,2024-01-01\n", "wrong_format", 2),
    Case("corrupt_xlsx", "e.xlsx", garbage_xlsx, "unreadable", 2),
    Case("parquet_named_jsonl", "e.jsonl", parquet_named_csv, "wrong_format", 2),
    Case("csv_named_arrow", "e.arrow", EV + "u1,2024-01-01\n", "wrong_format", 2),
    Case("unknown_extension_binary", "e.dat", bytes(range(256)), "unknown_format", 2),
    Case("invalid_json_line", "e.jsonl", '{"user_id": "u1", "timestamp": "2024-01-01"}\n{"user_id":\n', "unreadable", 2),
    Case("json_array_of_numbers", "e.json", "[1, 2, 3]", "unreadable", 2),
    Case("unclosed_quote", "e.csv", EV + '"u1,2024-01-01\nu2,2024-01-02\n', "unreadable", 2),
    Case("newline_only_csv", "e.csv", "\n", "empty_file", 2),
    Case("truncated_arrow", "e.arrow", truncated_arrow, "unreadable", 2),
    Case("xlsx_with_empty_sheet", "e.xlsx", empty_xlsx, "empty_file", 2),
    Case("xlsx_header_only", "e.xlsx", header_only_xlsx, "no_rows", 2),
    Case("parquet_all_ids_null", "e.parquet", null_id_parquet, "no_usable_rows", 2),
    Case("list_typed_id_column", "e.parquet", nested_parquet, "unreadable", 2),
    Case("utf16_csv", "e.csv", (EV + "u1,2024-01-01\n").encode("utf-16"), "wrong_format", 2),
    Case("latin1_ids", "e.csv", (EV + "Jos\xe9,2024-01-01\nJos\xe8,2024-01-02\n").encode("latin-1"), "not_utf8", 0,
         column="user_id", row=1),
    Case("decimal_comma_revenue", "e.csv", "user_id;timestamp;revenue\nu1;2024-01-01;3,50\nu2;2024-01-02;4\n",
         "bad_number", 1, column="revenue", row=1),
    Case("blank_id", "e.csv", EV + "u1,2024-01-01\n   ,2024-01-02\n", "null_id", 1, column="user_id", row=2),
    Case("unknown_timezone", "e.csv", EV + "u1,2024-01-01\n", "bad_timezone", 2, ("--tz", "Mars/Olympus_Mons")),
]


def _materialise(case: Case, tmp_path: Path) -> Path:
    path = tmp_path / case.filename
    if callable(case.content):
        case.content(path)
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    return path


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 20
    assert len({c.id for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_malformed_file_reports_code_and_exit_status(case: Case, tmp_path: Path):
    path = _materialise(case, tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    text = run_validate(path, *case.args)
    assert text.exit_code == case.exit, text.output
    assert f"[{case.code}]" in text.output

    status, doc = validate_json(path, *case.args)
    assert status == case.exit
    assert doc["exit_status"] == case.exit
    matching = [p for f in doc["files"] for p in f["problems"] if p["code"] == case.code]
    assert matching, codes(doc)
    problem = matching[0]
    assert problem["message"] and problem["fix"]
    if case.code != "bad_timezone":
        assert problem["file"] == str(path)
    if case.column is not None:
        assert problem["column"] == case.column
    if case.row is not None:
        assert problem["row"] == case.row
    expected_severity = {0: "note", 1: "warning", 2: "error"}[case.exit]
    assert problem["severity"] == expected_severity or (case.exit == 2 and problem["severity"] == "warning")
    assert max({"note": 0, "warning": 1, "error": 2}[p["severity"]]
               for f in doc["files"] for p in f["problems"]) == case.exit

    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # never modified


# ------------------------------------------------------------------ paths that are not files


def test_nonexistent_path(tmp_path: Path):
    missing = tmp_path / "nope" / "events.csv"
    result = run_validate(missing)
    assert result.exit_code == 2
    assert "[not_found]" in result.output and str(missing) in result.output


def test_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    status, doc = validate_json(fifo)
    assert status == 2
    assert codes(doc) == ["not_a_file"]


def test_glob_matching_nothing(tmp_path: Path):
    status, doc = validate_json(str(tmp_path / "*.csv"))
    assert status == 2
    assert codes(doc) == ["no_match"]


def test_folder_without_data_files(tmp_path: Path):
    (tmp_path / "notes.md").write_text("hello")
    status, doc = validate_json(tmp_path)
    assert status == 2
    assert codes(doc) == ["empty_dir"]


def test_folder_of_data_files_is_read(tmp_path: Path):
    (tmp_path / "a.csv").write_text(EV + "u1,2024-01-01\n")
    (tmp_path / "b.csv").write_text(EV + "u2,2024-01-02\n")
    status, doc = validate_json(tmp_path)
    assert status == 0
    assert sorted(Path(f["path"]).name for f in doc["files"]) == ["a.csv", "b.csv"]


def test_one_bad_file_among_good_ones_sets_the_status(tmp_path: Path):
    good = tmp_path / "good.csv"
    good.write_text(EV + "u1,2024-01-01\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    status, doc = validate_json(good, empty)
    assert status == 2
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["good.csv"]["problems"] == [] and by_name["good.csv"]["rows_kept"] == 1
    assert [p["code"] for p in by_name["empty.csv"]["problems"]] == ["empty_file"]


# ------------------------------------------------------------------ what the report says


def test_clean_file_exits_zero_and_reports_rows(tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp,revenue\nu1,2024-01-01,3\nu2,2024-01-02,4.5\n")
    result = run_validate(path)
    assert result.exit_code == 0
    assert "rows read 2, kept 2, dropped 0" in result.output
    assert "id=user_id, time=timestamp, revenue=revenue" in result.output
    assert result.output.rstrip().endswith("OK: no problems found.")


def test_notes_only_does_not_claim_no_problems(tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text(EV + "u1,2024-01-01\nu1,2024-01-01\n")
    result = run_validate(path)
    assert result.exit_code == 0
    assert "note [duplicate_rows] (row 2)" in result.output
    assert "OK: nothing dropped" in result.output
    assert "no problems found" not in result.output


def test_problem_names_file_column_and_row(tmp_path: Path):
    path = tmp_path / "orders.csv"
    path.write_text(EV + "u1,2024-01-01\nu2,2024-01-02\nu3,2024-02-30\nu4,2024-01-04\n")
    result = run_validate(path)
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "warning [bad_date] (column 'timestamp', row 3)" in result.output
    assert "'2024-02-30'" in result.output
    assert "rows read 4, kept 3, dropped 1" in result.output
    assert "fix: " in result.output


def test_row_numbers_are_data_rows_beyond_the_first_chunk(tmp_path: Path):
    lines = [f"u{i},2024-01-{i % 28 + 1:02d}" for i in range(1, 50_001)]
    lines[41_999] = "u42000,2099-01-01"  # data row 42,000
    path = tmp_path / "big.csv"
    path.write_text(EV + "\n".join(lines) + "\n")
    status, doc = validate_json(path)
    assert status == 1
    (problem,) = doc["files"][0]["problems"]
    assert (problem["code"], problem["row"], problem["rows_affected"]) == ("future_date", 42_000, 1)
    assert doc["files"][0]["rows_kept"] == 49_999


def test_ragged_lines_are_read_without_their_extra_fields(tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text(EV + "u1,2024-01-01\nu2,2024-01-02,extra\nu3,2024-01-03\nu4,2024-01-04,x,y\n")
    result = run_validate(path)
    assert result.exit_code == 1
    assert ("warning [ragged_rows] (row 2): 2 lines have more than the header's 2 fields "
            "(first: line 3 of the file, data row 2); the extra fields were ignored") in result.output
    assert "rows read 4, kept 4, dropped 0" in result.output
    assert "fix: check the separator and quoting of those lines" in result.output
    (dataset,) = load([str(path)]).datasets.values()
    assert dataset.frame["customer_id"].to_list() == ["u1", "u2", "u3", "u4"]
    assert dataset.frame["ts"].dt.day().to_list() == [1, 2, 3, 4]


def test_ragged_line_beyond_the_first_chunk_and_quoted_separators(tmp_path: Path):
    """Quoted commas before the long line are not counted as fields: the first line named is the real one."""
    lines = [f'u{i},2024-01-{i % 28 + 1:02d},"web, app"' for i in range(1, 50_001)]
    lines[41_999] += ",surplus"  # data row 42,000, line 42,001 of the file
    lines[45_000] += ',"x,y"'
    path = tmp_path / "big.csv"
    path.write_text("user_id,timestamp,channel\n" + "\n".join(lines) + "\n")
    status, doc = validate_json(path)
    assert status == 1
    (problem,) = doc["files"][0]["problems"]
    assert (problem["code"], problem["row"], problem["rows_affected"]) == ("ragged_rows", 42_000, 2)
    assert "line 42,001 of the file" in problem["message"]
    assert doc["files"][0]["rows_kept"] == 50_000


def test_ragged_line_that_cannot_be_found_is_still_reported(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(EV + 'u1,"2024-01-01\n",surplus\nu2,2024-01-02\n')  # one record over two lines
    status, doc = validate_json(path)
    assert status == 1
    (problem,) = [p for p in doc["files"][0]["problems"] if p["code"] == "ragged_rows"]
    assert problem["row"] is None and problem["message"].startswith("some lines have more than")


def test_well_formed_csv_with_quoted_separators_has_no_ragged_rows(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text('user_id,timestamp,note\nu1,2024-01-01,"a,b,c"\nu2,2024-01-02,"say ""hi, there"""\n')
    status, doc = validate_json(path)
    assert status == 0 and codes(doc) == []


def test_duplicate_header_name_says_which_column_is_used(tmp_path: Path):
    path = tmp_path / "dup.csv"
    path.write_text("user_id,timestamp,user_id\nu1,2024-01-01,x\n")
    result = run_validate(path)
    assert result.exit_code == 1
    assert ("warning [duplicate_column] (column 'user_id'): the header names 'user_id' twice (columns 1 and 3); "
            "the first (column 1) is used as 'user_id', the other is read as 'user_id_duplicated_0'") in result.output
    assert "fix: rename one of them in the file, or pass --id user_id_duplicated_0 to use the later one" in result.output
    chosen = run_validate(path, "--id", "user_id_duplicated_0")  # the fix works
    assert "id=user_id_duplicated_0" in chosen.output


def test_duplicate_header_name_is_reported_even_when_the_columns_do_not_fit(tmp_path: Path):
    path = tmp_path / "dup.csv"
    path.write_text("amount,amount,when\n1,2,2024-01-01\n")
    status, doc = validate_json(path)
    assert status == 2
    assert codes(doc)[0] == "duplicate_column" and "missing_column" in codes(doc)
    assert "--revenue amount_duplicated_0" in doc["files"][0]["problems"][0]["fix"]


def test_empty_header_names_are_not_duplicates(tmp_path: Path):
    """Trailing separators in a spreadsheet export give unnamed columns, not a repeated name."""
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp,,\nu1,2024-01-01,,\n")
    status, doc = validate_json(path)
    assert status == 0 and codes(doc) == []


def test_json_output_shape(tmp_path: Path):
    path = tmp_path / "subs.csv"
    path.write_text(SUBS + "c1,2023-01-01,\nc2,2023-05-01,2023-04-01\nc3,2023-02-01,2023-03-01\n")
    status, doc = validate_json(path)
    assert status == 1
    assert doc["exit_status"] == 1
    (file,) = doc["files"]
    assert file == {
        "path": str(path),
        "kind": "subscriptions",
        "format": "CSV",
        "rows_read": 3,
        "rows_kept": 2,
        "rows_dropped": 1,
        "columns": {"id": "customer_id", "start": "start_date", "end": "end_date"},
        "problems": [{
            "code": "end_before_start",
            "severity": "warning",
            "file": str(path),
            "column": "end_date",
            "row": 2,
            "rows_affected": 1,
            "message": file["problems"][0]["message"],
            "fix": file["problems"][0]["fix"],
        }],
    }
    assert "start '2023-05-01', end '2023-04-01'" in file["problems"][0]["message"]


def test_json_output_for_unusable_file(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    status, doc = validate_json(path)
    assert status == 2
    assert doc["files"][0]["kind"] is None
    assert doc["files"][0]["problems"][0]["severity"] == "error"


def test_forced_kind_with_overrides(tmp_path: Path):
    path = tmp_path / "odd.csv"
    path.write_text("who,when,how_much\nu1,2024-01-01,3\n")
    result = run_validate(path, "--kind", "events", "--id", "who", "--time", "when", "--revenue", "how_much")
    assert result.exit_code == 0, result.output
    assert "id=who, time=when, revenue=how_much" in result.output


# ------------------------------------------------------------------ hostile values are shown, never obeyed

ESC = "\x1b"


@pytest.mark.parametrize("value", ["\x1b[31mred", "\x1b]0;pwned\x07", "\x1b[2J"])
def test_escape_codes_in_values_are_escaped(tmp_path: Path, value: str):
    path = tmp_path / "e.csv"
    path.write_text(EV + f"u1,2024-01-01\nu2,{value}\n", encoding="utf-8")
    result = run_validate(path)  # color=True: click would otherwise strip ANSI and hide the bug
    assert result.exit_code == 1
    assert ESC not in result.output and "\x07" not in result.output
    assert "\\x1b" in result.output


def test_escape_codes_in_column_names_are_escaped(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(f"user_id,{ESC}[31mwhen\nu1,2024-01-01\n", encoding="utf-8")
    result = run_validate(path)
    assert result.exit_code == 2
    assert "[missing_column]" in result.output
    assert ESC not in result.output
    assert "\\x1b[31mwhen" in result.output


def test_escape_codes_in_options_are_escaped(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(EV + "u1,2024-01-01\n")
    result = run_validate(path, "--time", f"{ESC}[2J")
    assert result.exit_code == 2
    assert ESC not in result.output and "\\x1b[2J" in result.output
    result = run_validate(path, "--tz", f"{ESC}[2J")
    assert result.exit_code == 2
    assert ESC not in result.output and "[bad_timezone]" in result.output


def test_escape_codes_in_file_names_are_escaped(tmp_path: Path):
    path = tmp_path / f"{ESC}[31mevil.csv"
    path.write_text(EV + "u1,2024-01-01\nu2,nope\n")
    result = run_validate(path)
    assert result.exit_code == 1
    assert ESC not in result.output and "\\x1b[31mevil.csv" in result.output


def test_rich_markup_is_shown_literally(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(EV + "[bold red]x,2024-01-01\n[link=http://e.vil]y[/link],not a date\n")
    result = run_validate(path)
    assert result.exit_code == 1
    assert "'not a date'" in result.output
    path.write_text(EV + "u1,[bold red]x\nu2,2024-01-01\n")
    result = run_validate(path)
    assert "'[bold red]x'" in result.output


def test_json_output_keeps_hostile_values_escaped(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(EV + f"u1,{ESC}[31mred\nu2,2024-01-01\n")
    result = run_validate(path, "--format", "json")
    assert ESC not in result.output
    doc = json.loads(result.output)
    assert ESC not in doc["files"][0]["problems"][0]["message"]


def test_validate_never_modifies_inputs(tmp_path: Path):
    files = {
        "a.csv": (EV + "u1,2024-01-01\nu1,2024-01-01\n,2024-01-02\n").encode(),
        "b.csv.gz": gzip.compress((EV + "u2,2024-01-02\n").encode()),
        "c.csv": b"",
    }
    pl.DataFrame({"customer_id": ["c1"], "start": ["2023-01-01"], "end": [None]}).write_parquet(tmp_path / "d.parquet")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    run_validate(*sorted(tmp_path.iterdir()))
    run_validate(str(tmp_path / "*"), "--drop-duplicates", "--format", "json")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before


def test_cdnow_validates_clean(cdnow_path: Path):
    status, doc = validate_json(cdnow_path)
    assert status == 0
    (file,) = doc["files"]
    assert (file["kind"], file["rows_read"], file["rows_kept"]) == ("events", 69_659, 69_659)
    assert [p["code"] for p in file["problems"]] == ["duplicate_rows"]
    assert file["problems"][0]["severity"] == "note"


# ------------------------------------------------------------------ never a traceback, whatever the bytes

_HEADERS = [b"user_id,timestamp", b"customer_id,start_date,end_date,mrr", b"respondent_id,response_date,score",
            b"user_id;timestamp;revenue", b""]
_CELLS = st.sampled_from([b"u1", b"", b"2024-01-01", b"2024-13-45", b"1711929600", b"-5", b"7.5", b"11", b"NaN",
                          b"\"", b"\"a,b\"", b"\x1b[31m", b"\xff\xfe", b"\x00", b"[bold]", b"2099-01-01T00:00:00Z",
                          b"1e400", b"9" * 30, b"true", b"null"])
_LINES = st.lists(st.lists(_CELLS, min_size=0, max_size=5).map(lambda cells: b",".join(cells)), max_size=8)
_TEXT_FILES = st.tuples(st.sampled_from(_HEADERS), _LINES).map(lambda t: b"\n".join([t[0], *t[1]]))
_SUFFIXES = st.sampled_from([".csv", ".tsv", ".jsonl", ".json", ".parquet", ".xlsx", ".arrow", ".csv.gz", ""])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(_TEXT_FILES, st.binary(max_size=300)), suffix=_SUFFIXES,
       kind=st.sampled_from([None, "events", "subscriptions", "nps"]))
def test_any_bytes_give_a_report_not_a_traceback(tmp_path: Path, data: bytes, suffix: str, kind: str | None):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    args = [str(path), "--format", "json"] + (["--kind", kind] if kind else [])
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
    doc = json.loads(result.output)
    assert doc["exit_status"] == result.exit_code
    for file in doc["files"]:
        assert file["rows_kept"] <= file["rows_read"]


def test_installed_command_prints_no_traceback(tmp_path: Path):
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)))
    missing = tmp_path / "missing.parquet"
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "validate", str(garbage), str(missing)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "[wrong_format]" in proc.stdout and "[not_found]" in proc.stdout


def test_nan_and_infinite_revenue_are_dropped_with_a_warning(tmp_path):
    from click.testing import CliRunner

    from workbench.cli import cli

    path = tmp_path / "rev.csv"
    path.write_text("user_id,timestamp,revenue\nu1,2024-01-01,10\nu2,2024-01-02,nan\nu3,2024-01-03,inf\n")
    out = CliRunner().invoke(cli, ["validate", str(path)])
    assert out.exit_code == 1
    assert "non_finite_number" in out.output and "row 2" in out.output and "'nan'" in out.output
    assert "Traceback" not in out.output


def test_other_sheets_note_names_the_sheet_read_and_the_others(tmp_path: Path):
    path = tmp_path / "book.xlsx"
    three_sheets_xlsx(path)
    status, doc = validate_json(path)
    assert status == 0
    (note,) = [p for f in doc["files"] for p in f["problems"] if p["code"] == "other_sheets"]
    assert note["severity"] == "note"
    assert "3 sheets" in note["message"] and "'Events', was read" in note["message"]
    assert "'Notes', 'Pivot'" in note["message"]
    single = tmp_path / "one.xlsx"
    header_only_xlsx(single)
    _, doc = validate_json(single)
    assert not [p for f in doc["files"] for p in f["problems"] if p["code"] == "other_sheets"]
