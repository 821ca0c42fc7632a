"""Engines: where the reduction runs. The polars engine (embedded, the default) or the data's own engine.

:func:`open_engine` turns what the command line names into an :class:`Engine`:

* files with ``engine`` ``polars`` (default), ``duckdb`` or ``spark``: the engine reads the files itself;
* ``postgresql://user@host:port/db`` with ``table``: a table or view on a PostgreSQL server;
* ``duckdb:///path/file.duckdb`` with ``table``: a table in a DuckDB database file;
* ``engine="spark"`` with ``table`` and no files: a table of Spark's catalog.

Each SQL engine imports its driver only when used; a missing one raises :class:`MissingExtra`, whose message
names the ``pip install`` line. Every failure to reach the data is an :class:`EngineError` with a one-line
message that never holds a password.
"""

from __future__ import annotations

from workbench.io import LoadOptions
from workbench.metrics.engines.base import KINDS, REDUCTION_SCHEMAS, Engine, EngineError, MissingExtra

ENGINES = ("polars", "duckdb", "postgres", "spark")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
DUCKDB_SCHEME = "duckdb://"

__all__ = ["ENGINES", "KINDS", "REDUCTION_SCHEMAS", "Engine", "EngineError", "MissingExtra", "open_engine",
           "source_engine"]


def source_engine(sources: list[str], engine: str | None) -> str:
    """The engine that will read ``sources``: a URL decides; otherwise ``engine`` or polars."""
    first = sources[0] if sources else ""
    if first.startswith(POSTGRES_SCHEMES):
        wanted = "postgres"
    elif first.startswith(DUCKDB_SCHEME):
        wanted = "duckdb"
    else:
        return engine or "polars"
    if engine not in (None, wanted):
        raise EngineError(f"a {wanted} URL is read by the {wanted} engine, not {engine}. Fix: leave out --engine")
    return wanted


def open_engine(sources: list[str], options: LoadOptions | None = None, engine: str | None = None,
                table: str | None = None, spark_master: str | None = None, spark=None) -> Engine:
    """The engine for ``sources`` (paths, folders, globs, or one URL); see the module docstring.
    ``spark`` is an existing SparkSession to reuse (tests, notebooks)."""
    options = options or LoadOptions()
    name = source_engine(sources, engine)
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}'. Fix: use one of {', '.join(ENGINES)}")
    urls = [s for s in sources if s.startswith((*POSTGRES_SCHEMES, DUCKDB_SCHEME))]
    if urls and len(sources) > 1:
        raise EngineError("a database URL is read alone. Fix: give one URL (and --table), without files")
    if urls and not table:
        raise EngineError("a database URL needs the table to read. Fix: add --table NAME (a table or a view)")
    if table and not urls and name != "spark":
        raise EngineError("--table reads a table of a database. Fix: give a postgresql:// or duckdb:/// URL, "
                          "or use --engine spark for a table of Spark's catalog")
    if name == "postgres":
        from workbench.metrics.engines.postgres_engine import PostgresEngine

        return PostgresEngine(urls[0], table, options)
    if name == "duckdb":
        from workbench.metrics.engines.duckdb_engine import DuckDBEngine

        if urls:
            return DuckDBEngine.from_database(urls[0][len(DUCKDB_SCHEME):], table, options)
        return DuckDBEngine.from_files(sources, options)
    if name == "spark":
        from workbench.metrics.engines.spark_engine import SparkEngine

        if table:
            if sources:
                raise EngineError("--engine spark reads either files or --table, not both. Fix: drop one")
            return SparkEngine.from_table(table, options, spark=spark, master=spark_master)
        return SparkEngine.from_files(sources, options, spark=spark, master=spark_master)
    from workbench.metrics.engines.polars_engine import PolarsEngine

    return PolarsEngine.from_paths(sources, options)
