"""DuckDB, in process: files read by DuckDB itself, or a table of a ``.duckdb`` database file."""

from __future__ import annotations

import os

from workbench.io import LoadOptions
from workbench.metrics.engines.base import EngineError, MissingExtra
from workbench.metrics.engines.files import file_groups
from workbench.metrics.engines.sql import (
    DATE,
    DECIMAL,
    FLOAT,
    INTEGER,
    OTHER,
    TEXT,
    TIMESTAMP,
    TIMESTAMPTZ,
    quote_text,
    table_name,
)
from workbench.metrics.engines.sql_engine import SqlEngine, map_relations


def _duckdb():
    try:
        import duckdb
    except ImportError:
        raise MissingExtra("duckdb", "duckdb") from None
    return duckdb


def type_class(name: str) -> str:
    """The SQL type class of a DuckDB type name."""
    upper = name.upper()
    if upper.startswith("TIMESTAMP WITH TIME ZONE") or upper == "TIMESTAMPTZ":
        return TIMESTAMPTZ
    if upper.startswith("TIMESTAMP"):
        return TIMESTAMP
    if upper == "DATE":
        return DATE
    if upper in ("VARCHAR", "TEXT", "STRING") or upper.startswith("ENUM"):
        return TEXT
    if upper.startswith("DECIMAL"):
        return DECIMAL
    if upper in ("DOUBLE", "FLOAT", "REAL"):
        return FLOAT
    if upper.removeprefix("U") in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"):
        return INTEGER
    return OTHER


class DuckDBEngine(SqlEngine):
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, con, described, options: LoadOptions):
        self.con = con
        self._set_zone(options.tz)
        # DuckDB folds `revenue - revenue = 0` to TRUE from Parquet statistics, which leave NaN out: a NaN
        # revenue would then be summed instead of dropped (measured with duckdb 2.0.1). Statistics
        # propagation only prunes; turning it off costs little and keeps NaN visible.
        self.con.execute("SET disabled_optimizers = 'statistics_propagation'")
        relations, unusable = map_relations(described, options)
        super().__init__(relations, options, unusable)

    def _set_zone(self, tz: str) -> None:
        try:  # naive times are wall-clock times already; timestamptz columns are shown in this zone
            self.con.execute(f"SET TimeZone = {quote_text(tz)}")
        except Exception as exc:
            raise EngineError(f"DuckDB cannot use the time zone '{tz}' ({_first_line(exc)})") from None

    @classmethod
    def from_files(cls, paths: list[str], options: LoadOptions) -> DuckDBEngine:
        duckdb = _duckdb()
        described = []
        for group in file_groups(paths, "duckdb"):
            files = "[" + ", ".join(quote_text(f) for f in group.files) + "]"
            if group.format == "parquet":
                sql = f"read_parquet({files}, union_by_name = TRUE)"
            else:
                sql = (f"read_csv({files}, all_varchar = TRUE, header = TRUE, "
                       f"delim = {quote_text(group.separator)}, union_by_name = TRUE)")
            described.append((group.name, sql, dict(group.types)))
        return cls(duckdb.connect(), described, options)

    @classmethod
    def from_database(cls, path: str, table: str, options: LoadOptions) -> DuckDBEngine:
        duckdb = _duckdb()
        if not os.path.isfile(path):
            raise EngineError(f"{path}: no such DuckDB database file. Fix: check the path after duckdb:///")
        try:
            con = duckdb.connect(path, read_only=True)
            columns = con.execute(f"DESCRIBE SELECT * FROM {table_name(table)}").fetchall()
        except duckdb.Error as exc:
            raise EngineError(f"{path}: {_first_line(exc)}. Fix: name an existing table with --table") from None
        types = {name: type_class(str(dtype)) for name, dtype, *_ in columns}
        return cls(con, [(f"{path} table {table}", table_name(table), types)], options)

    def _fetch(self, sql: str) -> list[tuple]:
        duckdb = _duckdb()
        try:
            return self.con.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB: {_first_line(exc)}") from None

    def close(self) -> None:
        self.con.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
