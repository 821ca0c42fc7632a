"""Dense cohort × k grids of a reduced aggregate, so that finishing a triangle is a few numpy operations
instead of Python loops over its cells (a daily triangle over two years has ~267k cells; looping over them
took longer than reducing 2M events).

Every result is the same, to the last bit, as the plain loops these replace: integer sums are exact in any
order; float sums are added up one value at a time in the aggregate's row order (by cohort, then period),
starting from 0.0, as ``total += value`` did (``np.add.at`` and ``np.cumsum`` add sequentially, unlike
``np.sum``, which adds pairwise); numpy divides ints as Python does (one correctly rounded division) when
both are exact in a float64: counts of customers always are, money in millionths is checked
(:func:`exact_in_float`) and divided by Python otherwise.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from workbench.metrics.aggregates import Aggregates

EXACT_FLOAT_INT = 2**53  # every integer up to this is exact in a float64


def size_of(agg: Aggregates) -> int:
    """The number of periods shown: the grids are size × size (row i: cohort first + i; column k)."""
    return agg.last - agg.first + 1 if agg.first is not None else 0


def event_grid(agg: Aggregates, column: str | pl.Expr, dtype=np.int64) -> np.ndarray:
    """``grid[i, k]``: the events aggregate's ``column`` (or an expression of its columns) for cohort
    ``first + i`` in its period ``k`` (period ``first + i + k``), 0 where the aggregate has no row (no
    customer of the cohort active then)."""
    n = size_of(agg)
    grid = np.zeros((n, n), dtype=dtype)
    if n and agg.frame.height:
        cohort = agg.frame["cohort"].to_numpy()
        period = agg.frame["period"].to_numpy()
        values = agg.frame.select(column).to_series() if isinstance(column, pl.Expr) else agg.frame[column]
        grid[cohort - agg.first, period - cohort] = values.to_numpy()
    return grid


def period_sums(agg: Aggregates, column: str, dtype=np.int64, where: np.ndarray | None = None) -> np.ndarray:
    """``sums[p - first]``: the events aggregate's ``column`` summed over the cohorts active in period p
    (restricted to the rows ``where`` is true), added in row order starting from 0 (see the module)."""
    sums = np.zeros(size_of(agg), dtype=dtype)
    if agg.frame.height:
        period = agg.frame["period"].to_numpy() - agg.first
        values = agg.frame[column].to_numpy()
        if where is not None:
            period, values = period[where], values[where]
        np.add.at(sums, period, values)
    return sums


def running_sums(grid: np.ndarray) -> np.ndarray:
    """Each row's running float sum along k, as ``running = 0.0; running += value`` gives it (``+ 0.0``:
    that loop never yields -0.0, a cumulative sum starting at -0.0 would)."""
    return np.cumsum(grid, axis=1) + 0.0


def complete_mask(agg: Aggregates, last_done: int) -> np.ndarray:
    """``mask[i, k]``: cell k of cohort ``first + i`` exists (within the triangle) and its period is at most
    ``last_done`` (over, or begun: see the callers)."""
    n = size_of(agg)
    i = np.arange(n)[:, None]
    k = np.arange(n)[None, :]
    return (i + k < n) & (agg.first + i + k <= last_done)


def flags(last_done: int, cohort: int, length: int) -> tuple[bool, ...]:
    """``complete`` of a row: period ``cohort + k`` is at most ``last_done``, for k < length (a prefix)."""
    done = min(max(last_done - cohort + 1, 0), length)
    return (True,) * done + (False,) * (length - done)


def exact_in_float(*arrays: np.ndarray) -> bool:
    """Whether every integer in ``arrays`` converts to a float64 exactly (so numpy divides them as Python
    divides ints: one correctly rounded division)."""
    return all(not a.size or max(int(a.max()), -int(a.min())) <= EXACT_FLOAT_INT for a in arrays)
