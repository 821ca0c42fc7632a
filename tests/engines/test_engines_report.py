"""Through the command line: `workbench report --format json` on every engine gives the polars engine's report
(integers equal, money within 1e-9 relative), on the bundled sample and on CDNOW; `validate` reads through the
engine too; an engine that cannot reach the data says so in one line."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from click.testing import CliRunner
from loaders import pg_table

from workbench.cli import cli
from workbench.io import load
from workbench.resources import sample_paths

# Segments and NPS × retention are reduced by polars only for now (see metrics/report.py `_in_memory`).
POLARS_ONLY = ("segments", "nps_retention")


def _json(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", *args, "--format", "json"])
    assert result.exit_code in (0, 1) and result.exception is None, (result.output, result.exception)
    return {k: v for k, v in json.loads(result.stdout).items() if k not in POLARS_ONLY}


def _same(a, b, path="") -> None:
    """Equal, floats within 1e-9 relative (float sums differ in their last digits between engines)."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


@pytest.fixture(scope="module")
def sample() -> list[str]:
    return [str(p) for p in sample_paths()]


def test_duckdb_report_equals_polars(sample):
    pytest.importorskip("duckdb")
    _same(_json(*sample, "--engine", "duckdb"), _json(*sample))
    _same(_json(*sample, "--engine", "duckdb", "--period", "week", "--retention", "unbounded"),
          _json(*sample, "--period", "week", "--retention", "unbounded"))


def test_duckdb_report_on_cdnow_equals_polars(cdnow_path):
    pytest.importorskip("duckdb")
    _same(_json(str(cdnow_path), "--engine", "duckdb"), _json(str(cdnow_path)))


def test_spark_report_equals_polars(sample, spark):
    events = [p for p in sample if p.endswith("events.csv")]
    _same(_json(*events, "--engine", "spark"), _json(*events))


def test_postgres_table_report_equals_polars(sample, pg_url):
    for path in sample:
        kind = path.rsplit("/", 1)[-1].removesuffix(".csv")
        frame = load([path]).datasets[kind].frame.select(pl.exclude("segment", "comment"))
        pg_table(pg_url, f"report_{kind}", frame)
        _same(_json(pg_url, "--table", f"report_{kind}"), _json(path))


def test_validate_reads_through_the_engine(sample):
    pytest.importorskip("duckdb")
    result = CliRunner().invoke(cli, ["validate", *sample, "--engine", "duckdb", "--format", "json"])
    assert result.exit_code == 0, result.output
    kinds = sorted(f["kind"] for f in json.loads(result.stdout)["files"])
    assert kinds == ["events", "nps", "subscriptions"]


def test_an_engine_that_cannot_reach_the_data_says_so_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["report", "postgresql://me:s3cret@127.0.0.1:1/db", "--table", "t"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Unusable: ") and len(result.stderr.strip().splitlines()) == 1
    assert "s3cret" not in result.output + result.stderr and "Traceback" not in result.stderr


def test_the_app_reads_through_the_engine(files):
    """`workbench --engine duckdb FILES`: the same triangle and formula as the polars engine, and enter on a
    cell lists the customers the engine finds."""
    pytest.importorskip("duckdb")
    from app_support import expected, ready, run_async

    from workbench.metrics.engines.sources import SourceChoice
    from workbench.ui.app import RetentionApp

    report, _ = expected(files)

    @run_async
    async def scenario():
        app = RetentionApp(files, source=SourceChoice("duckdb"))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            got = app.analysis.report
            assert got.cohorts == report.cohorts
            assert [(r.CS, r.CN, r.CE, r.retained) for r in got.flow.rows] == \
                [(r.CS, r.CN, r.CE, r.retained) for r in report.flow.rows]
            await pilot.press("enter")
            await ready(app, pilot)
            table = app.screen.export_table()
            assert table.rows  # the ids behind the cell, from DuckDB
            return table

    @run_async
    async def on_polars():
        app = RetentionApp(files)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            await pilot.press("enter")
            await ready(app, pilot)
            return app.screen.export_table()

    through_duckdb, in_polars = scenario(), on_polars()
    # each customer's profile (first and last seen, periods active, revenue...) comes from the engine too
    assert "first_seen" in through_duckdb.headers and "periods_active" in through_duckdb.headers
    # money is summed as floats in SQL, in whole millionths in polars: equal to a millionth of a cent
    assert through_duckdb.headers == in_polars.headers and len(through_duckdb.rows) == len(in_polars.rows)
    for theirs, ours in zip(through_duckdb.rows, in_polars.rows, strict=True):
        assert theirs == tuple(pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in ours)
