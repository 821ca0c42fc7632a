"""Real engines for the conformance suite: DuckDB in process, a PostgreSQL server, Spark in local mode.

``WORKBENCH_TEST_PG`` (set by ``.ci/run``) names a running server; without it a throwaway server is started
for the session (and stopped after). Each engine skips with the reason when its package or server binary
is missing. One SparkSession serves the whole run (the JVM takes seconds to start).
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pg_server
import polars as pl
import pytest
from loaders import pg_table

from workbench.io import LoadOptions
from workbench.metrics.engines import open_engine

SQL_ENGINES = ("duckdb", "postgres", "spark")
_TABLES = itertools.count(1)


@pytest.fixture(scope="session")
def pg_env():
    """The environment naming a PostgreSQL server for the tests (URLs with and without a password)."""
    pytest.importorskip("psycopg", reason="the postgres extra is not installed (pip install -e '.[test]')")
    if os.environ.get("WORKBENCH_TEST_PG"):
        yield {k: v for k, v in os.environ.items() if k.startswith("WORKBENCH_TEST_PG")}
        return
    if pg_server.binaries() is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql), and WORKBENCH_TEST_PG is not set")
    env = pg_server.start()
    yield env
    pg_server.stop(env["WORKBENCH_TEST_PG_DIR"])


@pytest.fixture(scope="session")
def pg_url(pg_env) -> str:
    return pg_env["WORKBENCH_TEST_PG"]


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install -e '.[test]')")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("no Java runtime for Spark (apt-get install openjdk-17-jre-headless)")
    from workbench.metrics.engines.spark_engine import spark_session

    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(params=SQL_ENGINES)
def engine_name(request) -> str:
    if request.param == "duckdb":
        pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    return request.param


class Maker:
    """Puts one frame per kind where an engine reads it and opens the engine on it: Parquet files for polars,
    DuckDB and Spark; a table per kind on the PostgreSQL server (one engine per table)."""

    def __init__(self, request, tmp_path: Path):
        self.request, self.tmp_path = request, tmp_path
        self.opened = []

    def write(self, kind: str, frame: pl.DataFrame, fmt: str = "parquet") -> str:
        path = self.tmp_path / f"{kind}-{next(_TABLES)}.{fmt}"
        if fmt == "parquet":
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
        return str(path)

    def open(self, engine: str, kind: str, frame: pl.DataFrame, options: LoadOptions, fmt: str = "parquet"):
        if engine == "postgres":
            url = self.request.getfixturevalue("pg_url")
            table = f"t{next(_TABLES)}_{kind}"
            pg_table(url, table, frame)
            made = open_engine([url], options, table=table)
        elif engine == "spark":
            made = open_engine([self.write(kind, frame, fmt)], options, engine="spark",
                               spark=self.request.getfixturevalue("spark"))
        else:
            made = open_engine([self.write(kind, frame, fmt)], options, engine=engine)
        self.opened.append(made)
        return made

    def close(self) -> None:
        for made in self.opened:
            made.close()


@pytest.fixture
def maker(request, tmp_path):
    made = Maker(request, tmp_path)
    yield made
    made.close()
