"""Spark: files read by Spark, or a table of its catalog; local mode unless a cluster is named.

``local[2]`` with 1 GB of driver memory, bound to 127.0.0.1 and without the web UI by default;
``--spark-master URL`` runs on a cluster and ``SPARK_REMOTE`` (Spark Connect) on a remote server. CSV files are
read with an explicit all-text schema (Spark's ``inferSchema`` would turn ``00042`` ids into 42); the SQL parses
times and numbers itself, as for every engine.
"""

from __future__ import annotations

import itertools
import os
import shutil

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
    ident,
    table_name,
)
from workbench.metrics.engines.sql_engine import SqlEngine, map_relations

_VIEWS = itertools.count(1)
_TYPES = {"StringType": TEXT, "VarcharType": TEXT, "CharType": TEXT, "TimestampType": TIMESTAMPTZ,
          "TimestampNTZType": TIMESTAMP, "DateType": DATE, "ByteType": INTEGER, "ShortType": INTEGER,
          "IntegerType": INTEGER, "LongType": INTEGER, "FloatType": FLOAT, "DoubleType": FLOAT,
          "DecimalType": DECIMAL}


def _pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtra("spark", "pyspark") from None
    return SparkSession


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def spark_session(master: str | None = None):
    """A SparkSession: Spark Connect at ``SPARK_REMOTE`` when set (and no master given), else ``master``
    (default ``local[2]``). EngineError when Java is missing or Spark cannot start."""
    session = _pyspark()
    remote = os.environ.get("SPARK_REMOTE")
    if master is None and remote:
        try:
            return session.builder.remote(remote).getOrCreate()
        except Exception as exc:
            raise EngineError(f"Spark Connect at SPARK_REMOTE: {_first_line(exc)}. Fix: check the server "
                              "address, or unset SPARK_REMOTE to run Spark locally") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise EngineError("Spark needs a Java runtime, and none was found. Fix: apt-get install "
                          "openjdk-17-jre-headless (or set JAVA_HOME)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (session.builder.master(master or "local[2]").appName("workbench")
               .config("spark.driver.memory", "1g").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.driver.host", "127.0.0.1")
               .config("spark.ui.showConsoleProgress", "false"))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise EngineError(f"Spark could not start ({_first_line(exc)}). Fix: check the Java runtime "
                          "(java -version; Java 17 or 21) and --spark-master") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def type_class(data_type) -> str:
    return _TYPES.get(type(data_type).__name__, OTHER)


class SparkEngine(SqlEngine):
    name = "spark"
    dialect = "spark"

    def __init__(self, spark, described, options: LoadOptions, views: list[str] | None = None,
                 own_session: bool = False):
        self.spark = spark
        self.tz = options.tz
        self._views = views or []
        self._own = own_session
        try:
            relations, unusable = map_relations(described, options)
        except EngineError:
            self.close()  # no temporary view or own session outlives a source that cannot be used
            raise
        super().__init__(relations, options, unusable)

    @classmethod
    def from_files(cls, paths: list[str], options: LoadOptions, spark=None, master: str | None = None
                   ) -> SparkEngine:
        own = spark is None
        spark = spark or spark_session(master)
        from pyspark.sql.types import StringType, StructField, StructType

        described, views = [], []
        for group in file_groups(paths, "spark"):
            try:
                if group.format == "parquet":
                    frame = spark.read.parquet(*group.files)
                else:
                    schema = StructType([StructField(name, StringType()) for name, _ in group.types])
                    frame = (spark.read.schema(schema).option("header", True).option("sep", group.separator)
                             .csv(list(group.files)))
            except Exception as exc:
                raise EngineError(f"{group.name}: Spark cannot read it ({_first_line(exc)})") from None
            view = f"wb_source_{next(_VIEWS)}"
            frame.createOrReplaceTempView(view)
            views.append(view)
            types = {field.name: type_class(field.dataType) for field in frame.schema.fields}
            described.append((group.name, ident(view), types))
        return cls(spark, described, options, views, own)

    @classmethod
    def from_table(cls, table: str, options: LoadOptions, spark=None, master: str | None = None) -> SparkEngine:
        own = spark is None
        spark = spark or spark_session(master)
        try:
            schema = spark.table(table).schema
        except Exception as exc:
            raise EngineError(f"Spark catalog: cannot read table '{table}' ({_first_line(exc)}). "
                              "Fix: name an existing table with --table db.table") from None
        types = {field.name: type_class(field.dataType) for field in schema.fields}
        return cls(spark, [(f"spark table {table}", table_name(table), types)], options, [], own)

    def _fetch(self, sql: str) -> list[tuple]:
        self.spark.conf.set("spark.sql.session.timeZone", self.tz)
        try:
            return [tuple(row) for row in self.spark.sql(sql).collect()]
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from None

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        if self._own:
            self.spark.stop()
