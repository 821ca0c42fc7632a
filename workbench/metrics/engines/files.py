"""Files read by an engine itself (DuckDB, Spark): which files, their columns, and how they group.

Paths, folders and globs are expanded as for the polars engine (:func:`workbench.io.formats.expand_paths`).
Column names and types come from the files' own metadata (a Parquet schema, a CSV header) without reading
the rows; CSV columns are all text, so ids such as ``00042`` stay as written and the SQL parses times and
numbers itself (no engine's type inference is involved). Files with the same format and columns form one
relation, so a folder of Parquet parts is one scan.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.io.formats import FORMAT_NAMES, csv_separator, expand_paths, format_from_name
from workbench.metrics.engines.base import EngineError
from workbench.metrics.engines.sql import DATE, DECIMAL, FLOAT, INTEGER, OTHER, TEXT, TIMESTAMP, TIMESTAMPTZ

ENGINE_FORMATS = ("csv", "tsv", "parquet")


@dataclass(frozen=True)
class FileGroup:
    """Files of one format with the same columns (name → type class, in order)."""

    format: str
    files: tuple[str, ...]
    types: tuple[tuple[str, str], ...]
    separator: str = ","

    @property
    def name(self) -> str:
        if len(self.files) == 1:
            return self.files[0]
        return f"{self.files[0]} (and {len(self.files) - 1} more {FORMAT_NAMES[self.format]} files)"


def type_class(dtype: pl.DataType) -> str:
    """The SQL type class of a polars dtype (from a Parquet schema)."""
    if dtype == pl.String or dtype == pl.Categorical:
        return TEXT
    if isinstance(dtype, pl.Datetime):
        return TIMESTAMPTZ if dtype.time_zone else TIMESTAMP
    if dtype == pl.Date:
        return DATE
    if dtype.is_integer():
        return INTEGER
    if dtype.is_float():
        return FLOAT
    if isinstance(dtype, pl.Decimal):
        return DECIMAL
    return OTHER


def _describe(path: str, fmt: str) -> tuple[tuple[tuple[str, str], ...], str]:
    if fmt == "parquet":
        schema = pl.read_parquet_schema(path)
        return tuple((name, type_class(dtype)) for name, dtype in schema.items()), ","
    separator = csv_separator(path, fmt)
    names = pl.read_csv(path, n_rows=0, infer_schema=False, separator=separator).columns
    return tuple((name, TEXT) for name in names), separator


def file_groups(paths: list[str], engine: str) -> list[FileGroup]:
    """The files behind ``paths``, grouped; EngineError for a missing path or a format the engine cannot read."""
    files, problems = expand_paths(paths)
    if problems:
        raise EngineError("; ".join(p.describe() for p in problems))
    groups: dict[tuple, list[str]] = {}
    for path in files:
        fmt = format_from_name(path)
        if fmt not in ENGINE_FORMATS:
            kind = FORMAT_NAMES.get(fmt or "", "this format")
            raise EngineError(f"{path}: the {engine} engine reads CSV, TSV and Parquet files, not {kind}. "
                              "Fix: use --engine polars for this file")
        try:
            types, separator = _describe(path, fmt)
        except Exception as exc:  # a damaged or empty file: say which, in one line
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EngineError(f"{path}: cannot read the columns ({first[:160]}). "
                              "Fix: check the file, or use --engine polars for a detailed report") from None
        groups.setdefault((fmt, types, separator), []).append(path)
    return [FileGroup(fmt, tuple(found), types, separator) for (fmt, types, separator), found in groups.items()]
