"""Every supported file format reads to the same canonical rows; several files combine; CDNOW loads as documented."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.io import LoadOptions, load
from workbench.io.formats import detect_format, format_from_name, sniff
from workbench.io.load import FILE_STEPS, size_text

EVENTS = pl.DataFrame({
    "user_id": ["00001", "00002", "00002", "A-17"],
    "timestamp": ["2024-01-05T10:00:00", "2024-01-06T11:30:00", "2024-02-01T00:00:00", "2024-03-31T23:59:59"],
    "revenue": [12.5, 3.0, 0.0, 99.99],
    "channel": ["web", "app", "app", "web"],
})

EXPECTED = pl.DataFrame({
    "customer_id": ["00001", "00002", "00002", "A-17"],
    "ts": [datetime(2024, 1, 5, 10), datetime(2024, 1, 6, 11, 30), datetime(2024, 2, 1), datetime(2024, 3, 31, 23, 59, 59)],
    "revenue": [12.5, 3.0, 0.0, 99.99],
    "segment": ["web", "app", "app", "web"],
}, schema_overrides={"ts": pl.Datetime("us")})


def _csv_text(df: pl.DataFrame, sep: str = ",") -> bytes:
    return df.write_csv(separator=sep).encode()


WRITERS: dict[str, Callable[[pl.DataFrame, Path], None]] = {
    "events.csv": lambda df, p: p.write_bytes(_csv_text(df)),
    "events.tsv": lambda df, p: p.write_bytes(_csv_text(df, "\t")),
    "events.tab": lambda df, p: p.write_bytes(_csv_text(df, "\t")),
    "events.txt": lambda df, p: p.write_bytes(_csv_text(df)),
    "events_semicolon.csv": lambda df, p: p.write_bytes(_csv_text(df, ";")),
    "events_crlf_bom.csv": lambda df, p: p.write_bytes(b"\xef\xbb\xbf" + _csv_text(df).replace(b"\n", b"\r\n")),
    "events.csv.gz": lambda df, p: p.write_bytes(gzip.compress(_csv_text(df))),
    "events.tsv.gz": lambda df, p: p.write_bytes(gzip.compress(_csv_text(df, "\t"))),
    "events_tabs.csv.gz": lambda df, p: p.write_bytes(gzip.compress(_csv_text(df, "\t"))),
    "events_gzip_without_gz.csv": lambda df, p: p.write_bytes(gzip.compress(_csv_text(df))),
    "events.parquet": lambda df, p: df.write_parquet(p),
    "events.pq": lambda df, p: df.write_parquet(p),
    "events.jsonl": lambda df, p: df.write_ndjson(p),
    "events.ndjson": lambda df, p: df.write_ndjson(p),
    "events.json": lambda df, p: df.write_ndjson(p),
    "events_array.json": lambda df, p: df.write_json(p),
    "events.xlsx": lambda df, p: df.write_excel(p),
    "events.arrow": lambda df, p: df.write_ipc(p),
    "events.feather": lambda df, p: df.write_ipc(p),
    "events.ipc": lambda df, p: df.write_ipc(p, compression="zstd"),
    "events.arrows": lambda df, p: df.write_ipc_stream(p),
    "[2024] events*.csv": lambda df, p: p.write_bytes(_csv_text(df)),
    "[2024] events*.jsonl": lambda df, p: df.write_ndjson(p),
    "[2024] events*.parquet": lambda df, p: df.write_parquet(p),
    "[2024] events*.xlsx": lambda df, p: df.write_excel(p),
}


def load_one(path: Path, **options) -> pl.DataFrame:
    result = load([str(path)], LoadOptions(**options))
    assert result.exit_status == 0, [p.describe() for r in result.reports for p in r.problems]
    (dataset,) = result.datasets.values()
    return dataset.frame


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_reads_to_the_same_rows(tmp_path: Path, name: str):
    path = tmp_path / name
    WRITERS[name](EVENTS, path)
    result = load([str(path)])
    (report,) = result.reports
    assert report.problems == []
    assert (report.kind, report.rows_read, report.rows_kept) == ("events", 4, 4)
    assert report.columns == {"id": "user_id", "time": "timestamp", "revenue": "revenue", "segment": "channel"}
    assert_frame_equal(result.datasets["events"].frame, EXPECTED)


@pytest.mark.parametrize("name,expected_format", [
    ("e.csv", "CSV"), ("e.csv.gz", "CSV"), ("e.tsv", "TSV"), ("e.parquet", "Parquet"), ("e.jsonl", "JSON lines"),
    ("e.xlsx", "Excel (.xlsx)"), ("e.arrow", "Arrow IPC"), ("e.arrows", "Arrow IPC stream"),
])
def test_report_names_the_format(tmp_path: Path, name: str, expected_format: str):
    writer = {"e.csv": "events.csv", "e.csv.gz": "events.csv.gz", "e.tsv": "events.tsv", "e.parquet": "events.parquet",
              "e.jsonl": "events.jsonl", "e.xlsx": "events.xlsx", "e.arrow": "events.arrow",
              "e.arrows": "events.arrows"}[name]
    WRITERS[writer](EVENTS, tmp_path / name)
    assert load([str(tmp_path / name)]).reports[0].format == expected_format


TYPED = pl.DataFrame({
    "user_id": ["00001", "00002"],
    "timestamp": [datetime(2024, 1, 5, 10), datetime(2024, 1, 6, 11, 30)],
    "revenue": [12.5, 3.0],
})


@pytest.mark.parametrize("name", ["t.parquet", "t.arrow", "t.arrows", "t.xlsx"])
def test_typed_datetime_columns(tmp_path: Path, name: str):
    path = tmp_path / name
    {"parquet": TYPED.write_parquet, "arrow": TYPED.write_ipc, "arrows": TYPED.write_ipc_stream,
     "xlsx": TYPED.write_excel}[name.split(".")[1]](path)
    frame = load_one(path)
    assert frame["customer_id"].to_list() == ["00001", "00002"]
    assert frame["ts"].to_list() == [datetime(2024, 1, 5, 10), datetime(2024, 1, 6, 11, 30)]


def test_numeric_ids_become_whole_number_strings(tmp_path: Path):
    path = tmp_path / "n.jsonl"
    path.write_text('{"user_id": 17, "timestamp": "2024-01-01"}\n{"user_id": 18.0, "timestamp": "2024-01-02"}\n')
    assert load_one(path)["customer_id"].to_list() == ["17", "18"]
    xlsx = tmp_path / "n.xlsx"
    pl.DataFrame({"user_id": [17.0, 18.0], "timestamp": ["2024-01-01", "2024-01-02"]}).write_excel(xlsx)
    assert load_one(xlsx)["customer_id"].to_list() == ["17", "18"]


def test_leading_zero_ids_stay_strings_in_text_formats(tmp_path: Path):
    path = tmp_path / "z.csv"
    path.write_text("customer_id,date\n007,2024-01-01\n0042,2024-01-02\n")
    assert load_one(path)["customer_id"].to_list() == ["007", "0042"]


def test_json_lines_whose_types_change_late(tmp_path: Path):
    """Types come from the whole file: a text id after 10,000 numeric ones must not make it unreadable."""
    path = tmp_path / "late.jsonl"
    path.write_text("".join(f'{{"user_id": {i}, "timestamp": "2024-01-01"}}\n' for i in range(10_050))
                    + '{"user_id": "abc", "timestamp": "2024-01-02"}\n')
    frame = load_one(path)
    assert frame.height == 10_051
    assert frame["customer_id"][-1] == "abc"
    assert frame["customer_id"][0] == "0"


def test_progress_is_reported(tmp_path: Path):
    for n in range(3):
        (tmp_path / f"e{n}.csv").write_bytes(_csv_text(EVENTS))
    calls: list[tuple[str, float]] = []
    load([str(tmp_path / "*.csv")], progress=lambda text, fraction: calls.append((text, fraction)))
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0
    assert calls[-1] == ("done", 1.0)
    size = size_text((tmp_path / "e0.csv").stat().st_size)
    # each file's steps in order, named with the file and its size
    assert [text for text, _ in calls[:-1]] == [f"{step} e{n}.csv ({size})" for n in range(3) for step in FILE_STEPS]
    assert fractions[len(FILE_STEPS)] == 1 / 3  # the files weigh the same: one done of three


def test_sizes_read_as_people_say_them():
    assert [size_text(n) for n in (820, 12_345, 88_000_000, 1_234_567_890, 0)] == \
        ["820 B", "12 kB", "88 MB", "1.2 GB", "0 B"]


def test_quoted_fields_and_currency_values(tmp_path: Path):
    path = tmp_path / "q.csv"
    path.write_text('user_id,timestamp,revenue,note\nu1,2024-01-01,$3.50,"a, b"\nu2,2024-01-02, 4 ,"say ""hi"""\n')
    frame = load_one(path)
    assert frame["revenue"].to_list() == [3.5, 4.0]
    assert frame["note"].to_list() == ["a, b", 'say "hi"']


def test_extra_columns_are_kept_for_events(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("user_id,timestamp,sku,qty\nu1,2024-01-01,A1,2\n")
    assert load_one(path).columns == ["customer_id", "ts", "sku", "qty"]


# ------------------------------------------------------------------ several files


def test_glob_of_csv_files_is_concatenated(tmp_path: Path):
    for month, rows in (("01", ["u1,2024-01-03,5", "u2,2024-01-09,7"]), ("02", ["u1,2024-02-01,1"]),
                        ("03", ["u3,2024-03-15,2", "u3,2024-03-16,2", "u4,2024-03-30,9"])):
        (tmp_path / f"orders-2024-{month}.csv").write_text("user_id,timestamp,revenue\n" + "\n".join(rows) + "\n")
    (tmp_path / "readme.txt.bak").write_text("not data")
    result = load([str(tmp_path / "orders-*.csv")])
    assert result.exit_status == 0
    assert [Path(r.path).name for r in result.reports] == [f"orders-2024-{m}.csv" for m in ("01", "02", "03")]
    frame = result.datasets["events"].frame
    assert frame.height == 6
    assert frame["customer_id"].to_list() == ["u1", "u2", "u1", "u3", "u3", "u4"]
    assert frame["revenue"].sum() == 26
    assert len(result.datasets["events"].files) == 3


def test_glob_of_mixed_formats_of_one_kind(tmp_path: Path):
    EVENTS.head(2).write_parquet(tmp_path / "part-1.parquet")
    (tmp_path / "part-2.csv").write_bytes(_csv_text(EVENTS.tail(2)))
    frame = load([str(tmp_path / "part-*")]).datasets["events"].frame
    assert_frame_equal(frame, EXPECTED)


def test_files_of_different_kinds_give_one_dataset_each(tmp_path: Path):
    (tmp_path / "events.csv").write_text("user_id,timestamp\nu1,2024-01-01\n")
    (tmp_path / "subs.csv").write_text("customer_id,start_date,end_date\nc1,2023-01-01,\n")
    (tmp_path / "nps.csv").write_text("respondent_id,response_date,score\nr1,2024-01-01,9\n")
    result = load([str(tmp_path)])
    assert result.exit_status == 0
    assert sorted(result.datasets) == ["events", "nps", "subscriptions"]


def test_same_file_twice_is_read_once(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp\nu1,2024-01-01\n")
    result = load([str(path), str(path), str(tmp_path / "*.csv")])
    assert len(result.reports) == 1
    assert result.datasets["events"].frame.height == 1


# ------------------------------------------------------------------ format detection


@pytest.mark.parametrize("name,fmt", [
    ("a.CSV", "csv"), ("a.csv.gz", "csv"), ("a.TSV.GZ", "tsv"), ("a.parquet", "parquet"), ("a.jsonl", "ndjson"),
    ("a.xlsx", "excel"), ("a.feather", "ipc"), ("a.arrows", "ipc_stream"), ("a.dat", None), ("csv", None),
])
def test_format_from_name(name: str, fmt: str | None):
    assert format_from_name(name) == fmt


@pytest.mark.parametrize("head,kind", [
    (b"PAR1\x15\x04", "parquet"), (b"ARROW1\x00\x00", "ipc"), (b"\xff\xff\xff\xff\x10", "ipc_stream"),
    (b"PK\x03\x04", "zip"), (b"\x1f\x8b\x08", "gzip"), (b"a,b\x00c", "binary"), (b'\xef\xbb\xbf {"a":1}', "json"),
    (b"a,b\n1,2\n", "text"), (b"", None),
])
def test_sniff(head: bytes, kind: str | None):
    assert sniff(head) == kind


def test_file_without_known_extension_is_read_by_content(tmp_path: Path):
    path = tmp_path / "export"
    EVENTS.write_parquet(path)
    assert detect_format(str(path)) == "parquet"
    assert_frame_equal(load_one(path), EXPECTED)
    text = tmp_path / "export2"
    text.write_bytes(_csv_text(EVENTS))
    assert_frame_equal(load_one(text), EXPECTED)


# ------------------------------------------------------------------ the shared CDNOW data


def test_cdnow_loads_as_events_with_no_options(cdnow_path: Path):
    result = load([str(cdnow_path)])
    assert result.exit_status == 0
    (report,) = result.reports
    assert report.kind == "events"
    assert report.columns == {"id": "customer_id", "time": "date", "revenue": "revenue"}
    frame = result.datasets["events"].frame
    assert frame.height == 69_659
    assert frame["customer_id"].n_unique() == 23_570
    assert frame["customer_id"][0] == "00001"
    assert frame["customer_id"].dtype == pl.String
    assert round(frame["revenue"].sum(), 2) == 2_500_315.63
    assert frame["ts"].min() == datetime(1997, 1, 1)
    assert frame["ts"].max() == datetime(1998, 6, 30)
