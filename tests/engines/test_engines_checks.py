"""The checks run inside each engine say what workbench.io says for files: same codes, severities, columns,
counts and wording (examples included); only the row number is absent, as SQL rows have no order."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from workbench.io import LoadOptions
from workbench.metrics import PeriodSpec
from workbench.metrics.engines import open_engine

NOW = datetime(2025, 1, 1)
FILES = {
    "events": ("customer_id,timestamp,revenue\n"
               "a,2024-01-05,10\n"
               ",2024-01-06,5\n"
               "b,,3\n"
               "c,not a date,1\n"
               "d,2031-01-01,2\n"
               "e,2024-02-01,abc\n"
               "f,2024-02-02,NaN\n"
               "g,2024-02-03T10:00:00+02:00,$4.50\n"
               "a,2024-01-05,10\n"),
    "subscriptions": ("customer_id,start_date,end_date,mrr\n"
                      "a,2024-01-01,,10\n"
                      "b,2024-03-01,2024-02-01,10\n"
                      "c,2024-03-01,someday,10\n"
                      "c,2024-03-01,someday,10\n"
                      "d,2024-04-01,2024-05-01,\n"),
    "nps": ("customer_id,response_date,score\n"
            "a,2024-01-01,9\n"
            "b,2024-01-02,11\n"
            "c,2024-01-03,7.5\n"
            "d,2024-01-04,\n"
            "e,2024-01-05,ten\n"
            "a,2024-01-01,9\n"),
}


def _said(problems) -> list[tuple]:
    return [(p.code, p.severity, p.column, p.rows_affected, p.message, p.fix) for p in problems]


@pytest.mark.parametrize("kind", list(FILES))
def test_checks_say_what_io_says(engine_name, kind, maker, tmp_path):
    if engine_name == "spark" and kind != "subscriptions":  # seconds a query; counts are in the random suite
        pytest.skip("Spark: the subscriptions file (the end-before-start example) stands for the wording")
    path = tmp_path / f"{kind}.csv"
    path.write_text(FILES[kind])
    options = LoadOptions(now=NOW)
    reference = open_engine([str(path)], options)
    if engine_name == "postgres":
        other = maker.open("postgres", kind, pl.read_csv(path, infer_schema=False), options)
    else:
        spark = maker.request.getfixturevalue("spark") if engine_name == "spark" else None
        other = open_engine([str(path)], options, engine=engine_name, spark=spark)
        maker.opened.append(other)
    expected = reference.checks(kind, NOW)
    assert expected, "the file was made to have problems"
    assert _said(other.checks(kind, NOW)) == _said(expected)
    # and the rows left are the same: the reduction agrees
    as_of = reference.as_of(kind)
    assert other.as_of(kind) == as_of
    assert other.reduce(kind, PeriodSpec("month"), as_of).equals(reference.reduce(kind, PeriodSpec("month"), as_of))


def test_reports_count_rows_read_and_kept(maker, tmp_path):
    pytest.importorskip("duckdb")
    path = tmp_path / "events.csv"
    path.write_text(FILES["events"])
    engine = open_engine([str(path)], LoadOptions(now=NOW), engine="duckdb")
    maker.opened.append(engine)
    (report,) = engine.file_reports()
    assert (report.kind, report.rows_read, report.rows_kept) == ("events", 9, 3)  # a, g and a's copy
    (loaded,) = open_engine([str(path)], LoadOptions(now=NOW)).reports
    assert (loaded.rows_read, loaded.rows_kept) == (report.rows_read, report.rows_kept)
    assert report.columns == {"id": "customer_id", "time": "timestamp", "revenue": "revenue"}
