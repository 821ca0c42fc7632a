"""Conformance on real files: the bundled sample data and CDNOW, read by each engine from the CSV text itself
(DuckDB and Spark read the files; PostgreSQL gets every column as TEXT, as a raw load would leave them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from test_engines_conformance import compare

from workbench.io import LoadOptions
from workbench.metrics import PeriodSpec
from workbench.metrics.engines import open_engine

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NOW = datetime(2027, 1, 1)


def _units(engine: str) -> tuple[str, ...]:
    """Every unit in DuckDB; one in the slower engines (the random-data suite covers every unit there)."""
    return ("day", "week", "month", "quarter", "year") if engine == "duckdb" else ("month",)


def _drill(engine: str) -> bool:
    """Drill-downs on real data in DuckDB and PostgreSQL; Spark's are covered by the random-data suite
    (each Spark query costs seconds)."""
    return engine != "spark"


def _open(engine: str, kind: str, path: Path, options: LoadOptions, maker, typed: dict | None = None):
    """The engine on the file; PostgreSQL gets a table of TEXT columns (or of the ``typed`` schema)."""
    if engine == "postgres":
        frame = pl.read_csv(path, schema=typed) if typed else pl.read_csv(path, infer_schema=False)
        return maker.open("postgres", kind, frame, options)
    spark = maker.request.getfixturevalue("spark") if engine == "spark" else None
    made = open_engine([str(path)], options, engine=engine, spark=spark)
    maker.opened.append(made)
    return made


@pytest.mark.parametrize("kind", ["events", "subscriptions", "nps"])
def test_sample_data_matches_polars(engine_name, kind, maker):
    path = SAMPLE / f"{kind}.csv"
    options = LoadOptions(now=NOW)
    reference = open_engine([str(path)], options)
    other = _open(engine_name, kind, path, options, maker)
    for unit in _units(engine_name):
        compare(reference, other, kind, NOW, PeriodSpec(unit), drill=_drill(engine_name) and unit == "month")


def test_cdnow_matches_polars(engine_name, cdnow_path, maker):
    options = LoadOptions(now=NOW)
    reference = open_engine([str(cdnow_path)], options)
    # PostgreSQL: typed columns here (a DATE time), text ones on the sample data
    typed = {"customer_id": pl.String, "date": pl.Date, "cds": pl.Int64, "revenue": pl.Float64}
    other = _open(engine_name, "events", cdnow_path, options, maker, typed)
    assert reference.kinds() == other.kinds() == ("events",)
    for unit in _units(engine_name):
        compare(reference, other, "events", NOW, PeriodSpec(unit), drill=_drill(engine_name) and unit == "month")


def test_a_folder_of_three_kinds_is_three_relations(engine_name, maker):
    """The bundled folder as one source: each file's kind detected from its columns, as for the polars engine."""
    if engine_name == "postgres":
        pytest.skip("a PostgreSQL source is one table")
    spark = maker.request.getfixturevalue("spark") if engine_name == "spark" else None
    made = open_engine([str(SAMPLE)], LoadOptions(now=NOW), engine=engine_name, spark=spark)
    maker.opened.append(made)
    assert made.kinds() == ("events", "subscriptions", "nps")
    assert made.as_of("events") == datetime(2026, 10, 31, 23, 38, 8)


def test_times_with_offsets_follow_the_chosen_zone(engine_name, maker):
    """The sample's times end in Z; in Europe/Paris every engine shows the same wall clock as polars."""
    options = LoadOptions(now=NOW, tz="Europe/Paris")
    path = SAMPLE / "events.csv"
    reference = open_engine([str(path)], options)
    other = _open(engine_name, "events", path, options, maker)
    assert other.as_of("events") == reference.as_of("events") == datetime(2026, 11, 1, 0, 38, 8)
    compare(reference, other, "events", NOW, PeriodSpec("month"), drill=False)  # as_of is in November in Paris


def test_files_of_one_kind_with_different_columns_are_one_source(tmp_path, maker):
    """Two event exports with their own column names (and one with revenue) are reduced together."""
    pytest.importorskip("duckdb")
    (tmp_path / "web.csv").write_text("user_id,ts\n00042,2024-01-03\n7,2024-02-10T08:00:00\n00042,2024-02-11\n")
    (tmp_path / "shop.csv").write_text("customer_id,order_date,amount\n00042,2024-03-01,12.5\n8,2024-03-02,\n")
    options = LoadOptions(now=NOW, drop_duplicates=True)
    reference = open_engine([str(tmp_path)], options)
    other = open_engine([str(tmp_path)], options, engine="duckdb")
    maker.opened.append(other)
    assert other.kinds() == ("events",) and len(other.relations["events"]) == 2
    compare(reference, other, "events", NOW, PeriodSpec("month"), drill=True)
