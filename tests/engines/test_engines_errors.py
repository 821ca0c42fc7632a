"""Clear one-line failures, against real servers: connection refused, bad password, missing table or column,
no permission, a missing extra, no Java. The password never appears in a message."""

from __future__ import annotations

import socket
import sys

import polars as pl
import pytest
from loaders import pg_table

from workbench.io import LoadOptions
from workbench.metrics.engines import EngineError, MissingExtra, open_engine

FRAME = pl.DataFrame({"customer_id": ["a", "b"], "event_time": ["2024-01-01", "2024-02-01"]})


def _one_line(exc: BaseException, *absent: str) -> str:
    text = str(exc)
    assert "\n" not in text and text.strip() == text and "Fix:" in text, text
    for secret in absent:
        assert secret not in text, text
    return text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def reader_url(pg_env):
    return pg_env["WORKBENCH_TEST_PG_PASSWORD_URL"]


def _password(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_connection_refused_names_the_server_not_the_password():
    url = f"postgresql://someone:Hunter2-Pass@127.0.0.1:{_closed_port()}/db"
    with pytest.raises(EngineError) as caught:
        open_engine([url], table="events")
    text = _one_line(caught.value, "Hunter2-Pass")
    assert "connection refused" in text and "someone@127.0.0.1" in text


def test_bad_password_is_refused_without_showing_it(reader_url):
    wrong = reader_url.replace(_password(reader_url), "Not-The-Pass-4471")
    with pytest.raises(EngineError) as caught:
        open_engine([wrong], table="events")
    assert "password was refused" in _one_line(caught.value, "Not-The-Pass-4471", _password(reader_url))


def test_the_right_password_reads_a_granted_table(pg_url, reader_url):
    pg_table(pg_url, "granted_events", FRAME, grant_to="wb_reader")
    engine = open_engine([reader_url], table="granted_events")
    try:
        assert engine.kinds() == ("events",)
        assert engine.as_of("events").isoformat() == "2024-02-01T00:00:00"
        assert _password(reader_url) not in engine.server
        assert all(_password(reader_url) not in p.file for p in engine.checks("events", engine.now))
    finally:
        engine.close()


def test_no_permission(pg_url, reader_url):
    pg_table(pg_url, "private_events", FRAME)
    with pytest.raises(EngineError) as caught:
        open_engine([reader_url], table="private_events")
    assert "no permission to read 'private_events'" in _one_line(caught.value, _password(reader_url))


def test_missing_table(reader_url):
    with pytest.raises(EngineError) as caught:
        open_engine([reader_url], table="no_such_table")
    assert "no table or view named 'no_such_table'" in _one_line(caught.value, _password(reader_url))


def test_missing_column_names_the_columns(pg_url):
    pg_table(pg_url, "named_events", FRAME)
    with pytest.raises(EngineError) as caught:
        open_engine([pg_url], LoadOptions(id="user"), table="named_events")
    assert "--id names 'user', which is not a column" in _one_line(caught.value)


def test_a_url_needs_a_table():
    with pytest.raises(EngineError) as caught:
        open_engine(["postgresql://me:Secret-991@127.0.0.1/db"])
    assert "--table" in _one_line(caught.value, "Secret-991")


def test_duckdb_database_file_and_table(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE events AS SELECT 'a' AS user_id, TIMESTAMP '2024-03-01 10:00' AS ts")
    engine = open_engine([f"duckdb:///{path}"], table="events")
    assert engine.as_of("events").isoformat() == "2024-03-01T10:00:00"
    engine.close()
    with pytest.raises(EngineError) as caught:
        open_engine([f"duckdb:///{path}"], table="orders")
    assert "orders" in _one_line(caught.value)
    with pytest.raises(EngineError) as caught:
        open_engine([f"duckdb:///{tmp_path}/none.duckdb"], table="events")
    assert "no such DuckDB database file" in _one_line(caught.value)


def test_a_missing_file():
    pytest.importorskip("duckdb")
    with pytest.raises(EngineError) as caught:
        open_engine(["/nowhere/events.parquet"], engine="duckdb")
    assert "no such file" in _one_line(caught.value)


@pytest.mark.parametrize(("engine", "module", "source", "table"), [
    ("duckdb", "duckdb", "events.csv", None),
    ("postgres", "psycopg", "postgresql://me@127.0.0.1/db", "events"),
    ("spark", "pyspark", "events.csv", None),
])
def test_a_missing_extra_names_the_pip_line(monkeypatch, engine, module, source, table, tmp_path):
    monkeypatch.setitem(sys.modules, module, None)  # as if the package were not installed
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.csv").write_text("user_id,ts\na,2024-01-01\n")
    with pytest.raises(MissingExtra) as caught:
        open_engine([source], engine=None if table else engine, table=table)
    assert f"pip install 'retention-workbench[{engine}]'" in _one_line(caught.value)


def test_spark_without_java_says_how_to_install_it(monkeypatch):
    pytest.importorskip("pyspark")
    from workbench.metrics.engines.spark_engine import spark_session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EngineError) as caught:
        spark_session()
    assert "openjdk-17-jre-headless" in _one_line(caught.value)


def test_spark_catalog_table_missing(spark):
    with pytest.raises(EngineError) as caught:
        open_engine([], engine="spark", table="nodb.events", spark=spark)
    assert "nodb.events" in _one_line(caught.value)


def test_spark_catalog_table(spark):
    spark.createDataFrame([("00042", "2024-01-05 10:00:00")], "user_id string, event_time string") \
        .createOrReplaceTempView("catalog_events")
    engine = open_engine([], LoadOptions(), engine="spark", table="catalog_events", spark=spark)
    assert engine.kinds() == ("events",)
    assert engine.as_of("events").isoformat() == "2024-01-05T10:00:00"
