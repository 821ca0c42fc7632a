"""`workbench report` beside DuckDB, pandas and the floor, on a generated event log, as whole processes.

    .venv/bin/python benchmarks/run.py --size 1m|10m|50m --format parquet|csv [--repeat 3]

Each contender runs in its own process (imports included), ``--repeat`` times; the table shows the median
wall time, the CPU seconds (user + system), the peak resident memory (``/usr/bin/time``) and the ratios to
DuckDB. The contenders compute the same thing, the monthly cohort triangle and the retention formula's terms
(active and retained customers per cohort and month):

* ``workbench``: ``workbench report FILE --format json`` (every check, the whole report);
* ``duckdb``: the same triangle + flow in DuckDB SQL;
* ``pandas``: the way pandas tutorials do it (``groupby`` + ``pivot_table`` of ``nunique``; no flow);
* ``floor``: polars reading just the needed columns, and nothing else.

The three results are checked to agree (active customers per cohort and month; retained for DuckDB). The
generated log is cached in a temporary folder (``--data DIR`` to choose it), never in the repository.
DuckDB and pandas are not dependencies of the project: ``pip install duckdb pandas pyarrow`` to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

SIZES = {"1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}

DUCKDB = """
import duckdb, json, sys
src = sys.argv[1]
read = f"read_parquet('{src}')" if src.endswith('.parquet') else f"read_csv('{src}', types={{'user_id': 'VARCHAR'}})"
rows = duckdb.sql(f'''
WITH cp AS (SELECT user_id AS c, year(timestamp) * 12 + month(timestamp) - 1 AS p, sum(amount) AS revenue
            FROM {read} GROUP BY 1, 2),
     first AS (SELECT c, min(p) AS cohort FROM cp GROUP BY c)
SELECT first.cohort, cp.p, count(*) AS active, count(prev.c) AS retained, sum(cp.revenue) AS revenue
FROM cp JOIN first USING (c) LEFT JOIN cp AS prev ON prev.c = cp.c AND prev.p = cp.p - 1
GROUP BY 1, 2 ORDER BY 1, 2''').fetchall()
json.dump({"active": {f"{c},{p}": a for c, p, a, r, v in rows},
           "retained": {f"{c},{p}": r for c, p, a, r, v in rows}}, open(sys.argv[2], "w"))
"""

PANDAS = """
import json, sys
import pandas as pd
src = sys.argv[1]
cols = ["user_id", "timestamp"]
df = (pd.read_parquet(src, columns=cols) if src.endswith(".parquet")
      else pd.read_csv(src, usecols=cols, dtype={"user_id": str}, parse_dates=["timestamp"]))
df["period"] = df["timestamp"].dt.to_period("M")
df["cohort"] = df.groupby("user_id")["period"].transform("min")
table = df.pivot_table(index="cohort", columns="period", values="user_id", aggfunc=pd.Series.nunique)
out = {}
for cohort, row in table.iterrows():
    for period, n in row.dropna().items():
        out[f"{cohort.year * 12 + cohort.month - 1},{period.year * 12 + period.month - 1}"] = int(n)
json.dump({"active": out}, open(sys.argv[2], "w"))
"""

FLOOR = """
import sys
import polars as pl
src = sys.argv[1]
scan = pl.scan_parquet(src) if src.endswith(".parquet") else pl.scan_csv(src, schema_overrides={"user_id": pl.String})
scan.select("user_id", "timestamp", "amount").collect()
"""


def generate(path: Path, rows: int, seed: int = 7, customers: int | None = None) -> None:
    """A purchase log over two years: each customer (``rows // 10`` by default) joins on a random day and buys
    at a decaying rate; Parquet or CSV by the path's suffix. ``bench_report.py`` uses it too."""
    rng = np.random.default_rng(seed)
    customers = customers or max(rows // 10, 1)
    start = np.datetime64("2023-01-01T00:00:00", "s")
    span = 730 * 86400
    joined = rng.integers(0, span, customers)
    who = rng.integers(0, customers, rows)
    later = (rng.exponential(0.25, rows) * span).astype(np.int64)
    ts = start + np.minimum(joined[who] + later, span - 1).astype("timedelta64[s]")
    frame = pl.DataFrame({"user_id": pl.Series(who, dtype=pl.Int64).cast(pl.String),
                          "timestamp": ts.astype("datetime64[us]"),
                          "amount": np.round(rng.gamma(2.0, 20.0, rows), 2)})
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB and CPU seconds (user + system) of one whole process (GNU time).

    CPU seconds are the steadier figure on a shared machine: other work stretches the wall time of every
    contender, but not the work each one does."""
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", *command], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    last = done.stderr.strip().splitlines()[-1].split()
    if done.returncode not in (0, 1) or len(last) != 4:
        raise RuntimeError(f"{command[:3]} failed:\n{done.stderr[-2000:]}")
    return float(last[0]), float(last[1]) / 1024, float(last[2]) + float(last[3])


def workbench_active(report: dict) -> dict[str, int]:
    """Active customers per (cohort, month) from ``report --format json``, keyed like the others."""
    out = {}
    for row in report["cohorts"]:
        year, month = map(int, row["cohort"].split("-"))
        cohort = year * 12 + month - 1
        for k, active in enumerate(row["active"]):
            if active:
                out[f"{cohort},{cohort + k}"] = active
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="1m")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "workbench-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    source = args.data / f"events-{args.size}.{args.format}"
    if not source.exists():
        print(f"generating {source} ...", flush=True)
        generate(source, SIZES[args.size])
    exe = Path(sys.executable)
    workbench = exe.with_name("workbench")
    results = {name: args.data / f"result-{name}.json" for name in ("workbench", "duckdb", "pandas")}
    contenders = {
        "workbench report": [str(workbench), "report", str(source), "--format", "json"],
        "duckdb SQL": [str(exe), "-c", DUCKDB, str(source), str(results["duckdb"])],
        "pandas (groupby+pivot)": [str(exe), "-c", PANDAS, str(source), str(results["pandas"])],
        "floor (polars read)": [str(exe), "-c", FLOOR, str(source)],
    }
    print(f"{SIZES[args.size]:,} events, {args.format}, {source.stat().st_size / 1e6:.0f} MB; python "
          f"{sys.version.split()[0]}, polars {pl.__version__}; median of {args.repeat}", flush=True)
    figures: dict[str, tuple[float, float, float]] = {}
    for name, command in contenders.items():
        runs = []
        for _ in range(args.repeat):
            try:
                runs.append(measure(command))
            except RuntimeError as exc:
                print(f"  {name}: not run ({str(exc).splitlines()[-1][:100]})")
                break
        if runs:
            figures[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs),
                             statistics.median(r[2] for r in runs))
    with open(results["workbench"], "w") as out:  # the report once more, kept for the agreement check
        subprocess.run(contenders["workbench report"], stdout=out, stderr=subprocess.DEVNULL)
    duck = figures.get("duckdb SQL")
    print(f"\n{'':<24} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'× duckdb time':>14} {'× duckdb cpu':>13} "
          f"{'× duckdb memory':>16}")
    for name, (seconds, peak, cpu) in figures.items():
        ratio = f"{seconds / duck[0]:.2f}" if duck else "–"
        cpu_ratio = f"{cpu / duck[2]:.2f}" if duck else "–"
        memory = f"{peak / duck[1]:.2f}" if duck else "–"
        print(f"{name:<24} {seconds:8.2f} {cpu:7.2f} {peak:8.0f} {ratio:>14} {cpu_ratio:>13} {memory:>16}")
    print(f"load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (compare the ratios; wall times stretch on a busy machine)")
    ours = workbench_active(json.loads(results["workbench"].read_text()))
    for name, label in (("duckdb", "duckdb SQL"), ("pandas", "pandas (groupby+pivot)")):
        if label in figures and results[name].exists():
            theirs = json.loads(results[name].read_text())["active"]
            same = theirs == ours
            print(f"agreement with {name}: {'same' if same else 'DIFFERENT'} active customers in "
                  f"{len(ours):,} cohort-months")
    if "duckdb SQL" in figures:
        report = json.loads(results["workbench"].read_text())
        retained = {}
        for row in report["flow"]:
            retained[row["period"]] = row["retained"]
        theirs = json.loads(results["duckdb"].read_text())["retained"]
        by_month: dict[int, int] = {}
        for key, value in theirs.items():
            p = int(key.split(",")[1])
            by_month[p] = by_month.get(p, 0) + value
        same = all(by_month.get(int(y) * 12 + int(m) - 1, 0) == n
                   for y, m, n in ((*label.split("-"), n) for label, n in retained.items()))
        print(f"agreement with duckdb on retained (the formula's CS ∩ CE): {'same' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
