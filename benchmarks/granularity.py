"""A granularity change in the app (t, or D W M Q Y) on a generated 2M-event log, beside DuckDB computing the
same triangle and flow from the file at that granularity.

    .venv/bin/python benchmarks/granularity.py [--rows 2000000] [--repeat 3]

The app's side is what a key does after the log is loaded: ``workbench.ui.model.compute`` with the app's
analysis cache, the forecast left for later as on screen (in-process, so neither side pays for imports or
start-up). The units are visited month → week → day → week → month → quarter, so the second week and month
show a change back to a granularity already computed. DuckDB's side is one query per unit on a warm
connection: active and retained customers per cohort and period, the work the triangle and the formula need.
Both count the same active customers (checked). Wall and CPU seconds, medians of ``--repeat`` runs (each run
starts from an empty cache). The log is cached in ``$TMPDIR/workbench-bench``, never in the repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import generate  # noqa: E402

from workbench.io import LoadOptions, load  # noqa: E402
from workbench.ui.model import ViewSettings, compute  # noqa: E402

UNITS = ("month", "week", "day", "week", "month", "quarter")
# the same period indexes as workbench.metrics.periods (weeks start on Monday; 1970-01-01 was a Thursday)
PERIOD = {
    "day": "datediff('day', DATE '1970-01-01', CAST(timestamp AS DATE))",
    "week": "floor((datediff('day', DATE '1970-01-01', CAST(timestamp AS DATE)) + 3) / 7)",
    "month": "year(timestamp) * 12 + month(timestamp) - 1",
    "quarter": "year(timestamp) * 4 + (month(timestamp) - 1) // 3",
}
QUERY = """
WITH cp AS (SELECT user_id AS c, {period} AS p FROM read_parquet('{src}') GROUP BY 1, 2),
     first AS (SELECT c, min(p) AS cohort FROM cp GROUP BY c)
SELECT first.cohort, cp.p, count(*) AS active, count(prev.c) AS retained
FROM cp JOIN first USING (c) LEFT JOIN cp AS prev ON prev.c = cp.c AND prev.p = cp.p - 1
GROUP BY 1, 2
"""


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def active_total(analysis) -> int:
    return sum(sum(row.active) for row in analysis.report.cohorts.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "workbench-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    source = args.data / f"events-{args.rows // 1_000_000}m.parquet" if args.rows % 1_000_000 == 0 \
        else args.data / f"events-{args.rows}.parquet"
    if not source.exists():
        print(f"generating {source} ...", flush=True)
        generate(source, args.rows)
    try:
        import duckdb
    except ImportError:
        duckdb = None
        print("duckdb is not installed: the app's side only (pip install duckdb to compare)")
    result = load([str(source)], LoadOptions())
    ours: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(UNITS))}
    theirs: dict[str, list[tuple[float, float]]] = {unit: [] for unit in set(UNITS)}
    totals: dict[str, tuple[int, int | None]] = {}
    connection = duckdb.connect() if duckdb else None
    for _ in range(args.repeat):
        cache: dict = {}
        for i, unit in enumerate(UNITS):
            settings = ViewSettings(unit=unit, period_given=True)
            wall, cpu, analysis = timed(lambda settings=settings, cache=cache: compute(result, settings, cache))
            ours[i].append((wall, cpu))
            totals[unit] = (active_total(analysis), totals.get(unit, (0, None))[1])
        for unit in theirs:
            if connection is None:
                continue
            query = QUERY.format(period=PERIOD[unit], src=str(source).replace("'", "''"))
            wall, cpu, rows = timed(lambda query=query: connection.sql(query).fetchall())
            theirs[unit].append((wall, cpu))
            totals[unit] = (totals[unit][0], sum(row[2] for row in rows))
    print(f"{args.rows:,} events ({source.name}); python {sys.version.split()[0]}; median of {args.repeat} runs; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"\n{'change to':<18} {'app s':>7} {'app cpu':>8} {'duckdb s':>9} {'duckdb cpu':>11} {'× duckdb':>9}")
    seen: set[str] = set()
    for i, unit in enumerate(UNITS):
        label = unit + (" (again)" if unit in seen else "")
        seen.add(unit)
        wall = statistics.median(w for w, _ in ours[i])
        cpu = statistics.median(c for _, c in ours[i])
        if theirs[unit]:
            their_wall = statistics.median(w for w, _ in theirs[unit])
            their_cpu = statistics.median(c for _, c in theirs[unit])
            print(f"{label:<18} {wall:7.2f} {cpu:8.2f} {their_wall:9.2f} {their_cpu:11.2f} {wall / their_wall:9.2f}")
        else:
            print(f"{label:<18} {wall:7.2f} {cpu:8.2f}")
    for unit, (app, db) in totals.items():
        if db is not None:
            print(f"agreement by {unit}: {'same' if app == db else 'DIFFERENT'} active customers in total "
                  f"({app:,} against {db:,})")


if __name__ == "__main__":
    main()
