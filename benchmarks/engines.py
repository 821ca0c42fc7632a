"""The whole event reduction per engine, side by side with the polars engine (a benchmark, not a test).

    .venv/bin/python benchmarks/engines.py [--rows 1000000] [--engines polars,duckdb,postgres,spark] [--runs 3]

Generates a purchase log (Parquet in a temporary directory, deleted afterwards; for PostgreSQL the same rows
in a table with typed columns, loaded by COPY, the load timed apart). "Whole reduction" = open the source
(the polars engine loads and checks every row; the SQL engines read the schema), the latest time, and the
monthly cohort reduction; the median of ``--runs`` runs. Every engine's aggregate is checked against the
polars engine's (integers equal, money within 1e-9). PostgreSQL: ``--pg-url``, or ``WORKBENCH_TEST_PG``, or a
throwaway server started here (tests/engines/pg_server.py). Spark: local[2], 1 GB driver; the session
start-up is timed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "engines"))

from engines_compare import assert_same_reduction  # noqa: E402

from workbench.io import LoadOptions  # noqa: E402
from workbench.metrics import PeriodSpec  # noqa: E402
from workbench.metrics.engines import open_engine  # noqa: E402

NOW = datetime(2030, 1, 1)


def generate(rows: int, seed: int = 7) -> pl.DataFrame:
    """Customers joining over two years and buying at a decaying rate; a third of events carry revenue."""
    rng = np.random.default_rng(seed)
    customers = max(rows // 20, 1)
    start, span = np.datetime64("2023-01-01T00:00:00", "s"), 730 * 86400
    joined = rng.integers(0, span, customers)
    who = rng.integers(0, customers, rows)
    later = (rng.exponential(0.25, rows) * span).astype(np.int64)
    ts = start + np.minimum(joined[who] + later, span - 1).astype("timedelta64[s]")
    revenue = np.where(rng.random(rows) < 0.33, np.round(rng.gamma(2.0, 20.0, rows), 2), np.nan)
    return pl.DataFrame({"user_id": pl.Series(who, dtype=pl.Int64).cast(pl.String),
                         "timestamp": ts.astype("datetime64[us]"),
                         "revenue": pl.Series(revenue).fill_nan(None)})


def whole_reduction(open_source) -> tuple[float, pl.DataFrame]:
    t0 = time.perf_counter()
    engine = open_source()
    as_of = engine.as_of("events")
    frame = engine.reduce("events", PeriodSpec("month"), as_of)
    elapsed = time.perf_counter() - t0
    engine.close()
    return elapsed, frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="polars,duckdb,postgres,spark")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("WORKBENCH_TEST_PG"))
    args = parser.parse_args()
    engines = args.engines.split(",")
    options = LoadOptions(now=NOW)
    started_pg = None
    with tempfile.TemporaryDirectory() as tmp:
        frame = generate(args.rows)
        path = str(Path(tmp) / "events.parquet")
        frame.write_parquet(path)
        print(f"{args.rows:,} events, {frame['user_id'].n_unique():,} customers, Parquet "
              f"{os.path.getsize(path) / 1e6:.0f} MB; whole reduction by month, median of {args.runs}")
        sources = {"polars": lambda: open_engine([path], options),
                   "duckdb": lambda: open_engine([path], options, engine="duckdb")}
        notes = {}
        if "postgres" in engines:
            import pg_server
            from loaders import pg_table

            url = args.pg_url
            if not url:
                started_pg = pg_server.start()
                url = started_pg["WORKBENCH_TEST_PG"]
            t0 = time.perf_counter()
            pg_table(url, "bench_events", frame)
            notes["postgres"] = f"COPY of the rows into a table: {time.perf_counter() - t0:.1f} s"
            sources["postgres"] = lambda: open_engine([url], options, table="bench_events")
        if "spark" in engines:
            from workbench.metrics.engines.spark_engine import spark_session

            t0 = time.perf_counter()
            spark = spark_session()
            notes["spark"] = f"session start-up: {time.perf_counter() - t0:.1f} s"
            sources["spark"] = lambda: open_engine([path], options, engine="spark", spark=spark)
        try:
            reference = None
            base = None
            for name in engines:
                times, result = [], None
                for _ in range(args.runs):
                    elapsed, result = whole_reduction(sources[name])
                    times.append(elapsed)
                median = statistics.median(times)
                if reference is None:
                    reference, base = result, median
                else:
                    assert_same_reduction("events", reference, result, name)
                extra = f"   ({notes[name]})" if name in notes else ""
                print(f"  {name:<9} {median:7.2f} s   {median / base:5.2f}x polars   "
                      f"runs: {', '.join(f'{t:.2f}' for t in times)}{extra}", flush=True)
            print("  aggregates agree with the polars engine's (integers equal, money within 1e-9)")
        finally:
            if started_pg:
                pg_server.stop(started_pg["WORKBENCH_TEST_PG_DIR"])
            if "spark" in engines:
                spark.stop()


if __name__ == "__main__":
    main()
