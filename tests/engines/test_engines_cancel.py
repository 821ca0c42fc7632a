"""Cancel: a query running in a worker thread stops when another thread calls ``cancel()`` (the app's escape),
and says so with :class:`Cancelled`; the engine answers the next query normally."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import polars as pl
import pytest

from workbench.io import LoadOptions
from workbench.metrics.engines import Cancelled, open_engine

SAMPLE_EVENTS = Path(__file__).resolve().parents[2] / "sample_data" / "events.csv"
# a statement that runs for minutes in each engine (DuckDB's dialect, translated like every other)
LONG = {"duckdb": "SELECT SUM(a.i * b.i % 7) FROM range(100000) AS a(i), range(1000000) AS b(i)",
        "postgres": "SELECT COUNT(*) FROM pg_sleep(60)",
        "spark": "SELECT SUM(LENGTH(a.customer_id) * LENGTH(b.customer_id)) FROM {rel} AS a, {rel} AS b, {rel} AS c"}


def _cancel_after(engine, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, engine.cancel)
    timer.start()
    return timer


def test_a_running_query_is_cancelled(engine_name, maker):
    options = LoadOptions()
    if engine_name == "postgres":
        engine = maker.open("postgres", "events", pl.read_csv(SAMPLE_EVENTS, infer_schema=False).head(10), options)
    else:
        spark = maker.request.getfixturevalue("spark") if engine_name == "spark" else None
        engine = open_engine([str(SAMPLE_EVENTS)], options, engine=engine_name, spark=spark)
        maker.opened.append(engine)
    timer = _cancel_after(engine, 1.0)
    t0 = time.perf_counter()
    with pytest.raises(Cancelled) as caught:
        engine.run(LONG[engine_name].format(rel=engine.relations["events"][0].sql))
    timer.join()
    assert time.perf_counter() - t0 < 30
    assert str(caught.value).endswith("the query was cancelled")
    assert engine.as_of("events") is not None  # still usable
