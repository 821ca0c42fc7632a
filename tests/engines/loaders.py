"""Putting the same rows where each engine reads them: a Parquet file (DuckDB, Spark) or a PostgreSQL table."""

from __future__ import annotations

import io

import polars as pl

PG_TYPES = {pl.String: "TEXT", pl.Float64: "DOUBLE PRECISION", pl.Int64: "BIGINT", pl.Int8: "SMALLINT",
            pl.Int32: "INTEGER", pl.Date: "DATE", pl.Boolean: "BOOLEAN"}


def pg_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    return PG_TYPES[dtype.base_type()]


def pg_table(url: str, name: str, frame: pl.DataFrame, grant_to: str | None = None) -> None:
    """(Re)create table ``name`` with ``frame``'s rows and matching column types, loaded by COPY."""
    import psycopg

    columns = ", ".join(f'"{c}" {pg_type(t)}' for c, t in frame.schema.items())
    times = [pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S%.6f" + ("%z" if t.time_zone else ""))
             for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    text = frame.with_columns(times).write_csv(null_value="\\N", quote_style="non_numeric")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        conn.execute(f'CREATE TABLE "{name}" ({columns})')
        with conn.cursor().copy(f'COPY "{name}" FROM STDIN (FORMAT csv, HEADER true, NULL \'\\N\')') as copy:
            copy.write(io.BytesIO(text.encode()).getvalue())
        if grant_to:
            conn.execute(f'GRANT SELECT ON "{name}" TO {grant_to}')
