"""Time `workbench report` and the metrics engine on a generated event log (default 1M rows) and on CDNOW.

    .venv/bin/python benchmarks/bench_report.py [--rows 1000000] [--customers 100000] [--period month]

The log is written to a temporary directory (deleted afterwards), never to the repository. If duckdb or pandas
is importable, the same monthly cohort triangle is computed with it side by side (they are not dependencies of
the project: install them into the venv to compare).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from run import generate  # the same generated log as benchmarks/run.py (this folder is on sys.path)

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.metrics.aggregates import aggregate
from workbench.metrics.cohorts import triangle_from

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT.parent / "shared" / "data" / "cdnow" / "cdnow_transactions.csv"


def timed(label: str, fn):
    t0 = time.perf_counter()
    value = fn()
    print(f"  {label:<46} {time.perf_counter() - t0:7.2f} s", flush=True)
    return value


def cli_time(paths: list[str], *extra: str) -> float:
    exe = Path(sys.executable).with_name("workbench")
    cmd = [str(exe) if exe.exists() else "workbench", "report", *paths, *extra]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode > 1:
        print(done.stderr)
    return elapsed


def duckdb_triangle(path: str) -> None:
    try:
        import duckdb
    except ImportError:
        print("  duckdb: not installed, skipped (pip install duckdb into the venv to compare)")
        return
    sql = f"""
        with a as (select user_id, date_trunc('month', "timestamp"::timestamp) as p
                   from read_csv_auto('{path}') group by all),
             c as (select user_id, min(p) as cohort from a group by all)
        select cohort, datediff('month', cohort, p) as k, count(*) as active
        from a join c using (user_id) group by all order by all"""
    t0 = time.perf_counter()
    rows = duckdb.sql(sql).fetchall()
    print(f"  {'duckdb: monthly triangle from the CSV':<46} {time.perf_counter() - t0:7.2f} s ({len(rows)} cells)")


def pandas_triangle(path: str) -> None:
    try:
        import pandas as pd
    except ImportError:
        print("  pandas: not installed, skipped")
        return
    t0 = time.perf_counter()
    df = pd.read_csv(path, parse_dates=["timestamp"], dtype={"user_id": str})
    df["p"] = df["timestamp"].dt.to_period("M")
    a = df[["user_id", "p"]].drop_duplicates()
    a["cohort"] = a.groupby("user_id")["p"].transform("min")
    a["k"] = (a["p"] - a["cohort"]).apply(lambda x: x.n)
    cells = a.groupby(["cohort", "k"]).size()
    print(f"  {'pandas: monthly triangle from the CSV':<46} {time.perf_counter() - t0:7.2f} s ({len(cells)} cells)")


def polars_triangle_only(path: str) -> None:
    t0 = time.perf_counter()
    ds = load([path], LoadOptions()).datasets["events"]
    agg = aggregate(ds, AnalysisOptions())
    triangle_from(agg)
    print(f"  {'workbench: load + monthly triangle from the CSV':<46} {time.perf_counter() - t0:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--period", default="month")
    args = parser.parse_args()
    options = AnalysisOptions(period=PeriodSpec(args.period))
    if CDNOW.is_file():
        print(f"CDNOW ({CDNOW}):")
        result = timed("load", lambda: load([str(CDNOW)], LoadOptions()))
        timed(f"analyze ({args.period})", lambda: analyze(result.datasets, options))
        for fmt in ("table", "json"):
            print(f"  {'workbench report --format ' + fmt + ' (whole command)':<46} "
                  f"{cli_time([str(CDNOW)], '--format', fmt, '--period', args.period):7.2f} s")
    tmp = Path(tempfile.mkdtemp(prefix="bench_report_"))
    try:
        path = tmp / "events.csv"
        print(f"generated log: {args.rows:,} rows, {args.customers:,} customers ({path}):")
        timed("generate and write CSV", lambda: generate(path, args.rows, customers=args.customers))
        result = timed("load (read, parse, check)", lambda: load([str(path)], LoadOptions(now=datetime(2030, 1, 1))))
        report = timed(f"analyze ({args.period})", lambda: analyze(result.datasets, options))
        print(f"    {len(report.cohorts.rows)} cohorts, {len(report.flow.rows)} flow periods")
        for unit in ("day", "week"):
            timed(f"analyze ({unit})", lambda u=unit: analyze(result.datasets, AnalysisOptions(period=PeriodSpec(u))))
        for fmt in ("table", "json"):
            print(f"  {'workbench report --format ' + fmt + ' (whole command)':<46} "
                  f"{cli_time([str(path)], '--format', fmt, '--period', args.period):7.2f} s")
        print("side by side, monthly triangle only:")
        polars_triangle_only(str(path))
        duckdb_triangle(str(path))
        pandas_triangle(str(path))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
