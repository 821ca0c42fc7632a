"""Comparing an engine's answers with the polars engine's: integers equal, money within 1e-9 relative."""

from __future__ import annotations

import math

import polars as pl

from workbench.metrics.engines.base import REDUCTION_SCHEMAS, SORT_KEYS

REL = 1e-9


def assert_same_reduction(kind: str, expected: pl.DataFrame, got: pl.DataFrame, label: str = "") -> None:
    """Same columns, dtypes, sort order and integers; float sums equal up to summation order."""
    assert got.schema == expected.schema == pl.Schema(REDUCTION_SCHEMAS[kind]), label
    assert got.height == expected.height, f"{label}: {got.height} rows, expected {expected.height}"
    assert got.select(SORT_KEYS[kind]).equals(got.select(SORT_KEYS[kind]).sort(SORT_KEYS[kind], nulls_last=True))
    ints = [c for c, t in expected.schema.items() if t.is_integer()]
    floats = [c for c, t in expected.schema.items() if t.is_float()]
    assert got.select(ints).equals(expected.select(ints)), f"{label}: integer columns differ"
    for column in floats:
        for a, b in zip(expected[column].to_list(), got[column].to_list(), strict=True):
            assert math.isclose(a, b, rel_tol=REL, abs_tol=1e-9), f"{label}: {column} {a} != {b}"


def problem_summary(problems) -> list[tuple]:
    """What must agree between engines: code, severity, column and count (rows are not numbered in SQL)."""
    return [(p.code, p.severity, p.column, p.rows_affected) for p in problems]
