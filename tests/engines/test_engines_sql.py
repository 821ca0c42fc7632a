"""`workbench sql`: the printed reduction parses in every dialect, and run as printed it gives the polars
engine's aggregate (PostgreSQL and DuckDB; the other dialects are checked to parse only)."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import polars as pl
import pytest
import sqlglot
from click.testing import CliRunner
from engines_compare import assert_same_reduction
from loaders import pg_table

from workbench.cli import cli
from workbench.metrics import PeriodSpec
from workbench.metrics.engines import open_engine
from workbench.metrics.engines.base import conform
from workbench.metrics.engines.queries import REDUCE_COLUMNS
from workbench.metrics.engines.sql import DIALECTS

AS_OF = datetime(1970, 3, 1)


def _sql(*args: str) -> str:
    result = CliRunner().invoke(cli, ["sql", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("kind", ["events", "subscriptions", "nps"])
def test_every_dialect_parses(dialect, kind):
    text = _sql("--dialect", dialect, "--kind", kind, "--period", "week")
    assert text.startswith(f"-- workbench reduction of {kind} by week ({dialect})")
    (statement,) = sqlglot.parse(text, read=dialect)
    assert statement is not None


def test_without_sqlglot_the_pip_line_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlglot", None)  # as if the package were not installed
    result = CliRunner().invoke(cli, ["sql", "--dialect", "postgres", "--kind", "nps"])
    assert result.exit_code == 1
    assert "pip install 'retention-workbench[sql]'" in result.output


def test_unusual_column_names_are_quoted():
    text = _sql("--dialect", "spark", "--kind", "events", "--table", "db.Events Raw", "--id", "User ID",
                "--time", "when", "--no-revenue")
    assert "`User ID`" in text and "`db`.`Events Raw`" in text and "revenue\"" not in text


def _events() -> pl.DataFrame:
    """Events around 1970 (weeks before it need floor division), some with revenue."""
    start = datetime(1969, 11, 20, 13)
    rows = [(f"{i % 7:05d}", start + timedelta(days=i * 3 % 80, hours=i), float(i % 4) * 2.5 if i % 3 else None)
            for i in range(60)]
    return pl.DataFrame(rows, schema={"customer_id": pl.String, "event_time": pl.Datetime("us"),
                                      "revenue": pl.Float64}, orient="row")


def _reference(frame: pl.DataFrame, spec: PeriodSpec, tmp_path) -> pl.DataFrame:
    path = tmp_path / "events.parquet"
    frame.write_parquet(path)
    return open_engine([str(path)]).reduce("events", spec, AS_OF)


@pytest.mark.parametrize("unit", ["day", "week", "month", "quarter", "year"])
def test_printed_postgres_sql_runs_on_postgres(pg_url, unit, tmp_path):
    import psycopg

    frame, spec = _events(), PeriodSpec(unit)
    pg_table(pg_url, "events", frame)
    text = _sql("--dialect", "postgres", "--kind", "events", "--period", unit, "--as-of", AS_OF.isoformat())
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(text).fetchall()
    got = conform("events", pl.DataFrame(rows, schema=list(REDUCE_COLUMNS["events"]), orient="row"))
    assert_same_reduction("events", _reference(frame, spec, tmp_path), got, unit)


def test_printed_duckdb_sql_runs_on_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    frame, spec = _events(), PeriodSpec("week", "sunday")
    text = _sql("--dialect", "duckdb", "--kind", "events", "--period", "week", "--week-start", "sunday",
                "--as-of", AS_OF.isoformat())
    path = tmp_path / "rows.parquet"
    frame.write_parquet(path)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{path}')")
    rows = con.execute(text).fetchall()
    got = conform("events", pl.DataFrame(rows, schema=list(REDUCE_COLUMNS["events"]), orient="row"))
    assert_same_reduction("events", _reference(frame, spec, tmp_path), got)
