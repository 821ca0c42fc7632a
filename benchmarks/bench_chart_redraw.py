"""Time a chart redraw when stepping the current period (the marker) on a 36×36 cohort triangle.

    .venv/bin/python benchmarks/bench_chart_redraw.py [--steps 50] [--customers 20000]

A synthetic event log over 36 months (every customer joins in one of the 36 months and comes back at a
decaying rate) gives a 36-cohort × 36-period triangle. Three figures, median and 95th percentile over the steps:

* ``draw``: the pure plotext build of the retention chart (``workbench.charts``), marker at k = 0, 1, ...;
* ``widget render() after a step``: the widget's own work when only the marker moved (the figure without the
  marker is cached; the marker is drawn over it);
* ``widget step``: the Chart widget in a headless Textual app, from setting ``marker_index`` to the screen
  being updated (``pilot.pause()``, whose own cost on an idle app is printed as the floor);
* ``widget step back``: the same over positions already drawn (the finished figure is cached).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime

import numpy as np
import polars as pl
from textual.app import App, ComposeResult

from workbench.charts import draw, flow_spec, retention_spec
from workbench.io import Dataset
from workbench.metrics import AnalysisOptions, analyze
from workbench.ui.charts import Chart, RetentionData


def triangle_report(customers: int, seed: int = 7):
    """Customers join in each of 36 calendar months and come back at a decaying rate: a 36×36 triangle."""
    rng = np.random.default_rng(seed)
    day = 86400
    months = np.arange("2022-01", "2025-01", dtype="datetime64[M]")  # 36 months
    joined = rng.integers(0, 36, customers)
    joined[:36] = np.arange(36)  # every month has a cohort
    first = months[joined].astype("datetime64[s]") + rng.integers(0, 27 * day, customers).astype("timedelta64[s]")
    visits = rng.poisson(8, customers)
    who = np.repeat(np.arange(customers), visits)
    later = (rng.exponential(6.0, who.size) * 30 * day).astype("timedelta64[s]")
    ts = np.minimum(first[who] + later, np.datetime64("2024-12-31T12:00:00", "s"))
    frame = pl.DataFrame({"customer_id": np.concatenate([np.arange(customers), who]).astype(str),
                          "ts": np.concatenate([first, ts]).astype("datetime64[us]")})
    dataset = Dataset(kind="events", frame=frame, files=[], tz="UTC")
    return analyze({"events": dataset}, AnalysisOptions(as_of=datetime(2024, 12, 31, 23)))


def stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ms)})"


class BenchApp(App[None]):
    def __init__(self, kind: str, data) -> None:
        super().__init__()
        self.kind, self.chart_data = kind, data

    def compose(self) -> ComposeResult:
        yield Chart(self.kind)

    def on_mount(self) -> None:
        chart = self.query_one(Chart)
        chart.data = self.chart_data
        chart.current = 10
        chart.marker_index = 0


async def widget_steps(kind: str, data, size: tuple[int, int], steps: int) -> tuple[list[float], list[float]]:
    app = BenchApp(kind, data)
    new, back = [], []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        chart = app.query_one(Chart)
        for k in range(1, steps + 1):
            t = time.perf_counter()
            chart.marker_index = k % 36
            await pilot.pause()
            new.append(time.perf_counter() - t)
        for k in range(steps - 1, 0, -1):
            t = time.perf_counter()
            chart.marker_index = k % 36
            await pilot.pause()
            back.append(time.perf_counter() - t)
        builds = chart.builds
    return new, back, builds


async def overlay_only(t, size: tuple[int, int], steps: int) -> list[float]:
    """The widget's own work per step (render() with the marker moved), without Textual's screen update."""
    app = BenchApp("retention", RetentionData(t))
    samples = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        chart = app.query_one(Chart)
        for k in range(1, steps + 1):
            chart.set_reactive(Chart.marker_index, k % 36)
            begin = time.perf_counter()
            chart.render()
            samples.append(time.perf_counter() - begin)
    return samples


async def idle_pause(size: tuple[int, int], steps: int) -> list[float]:
    app = App()
    samples = []
    async with app.run_test(size=size) as pilot:
        for _ in range(steps):
            begin = time.perf_counter()
            await pilot.pause()
            samples.append(time.perf_counter() - begin)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--customers", type=int, default=20000)
    args = parser.parse_args()
    report = triangle_report(args.customers)
    t = report.cohorts
    print(f"triangle: {len(t.rows)} cohorts x {t.width} periods; flow: {len(report.flow.rows)} periods")
    for width, height in ((80, 24), (120, 40)):
        samples = []
        for step in range(args.steps):
            begin = time.perf_counter()
            draw(retention_spec(t, current=10, marker_k=step % 36), width=width, height=height)
            samples.append(time.perf_counter() - begin)
        print(f"draw retention  {width}x{height}:           {stats(samples)}")
        samples = []
        for step in range(args.steps):
            begin = time.perf_counter()
            draw(flow_spec(report.flow, marker_index=step % 35, max_periods=(width - 16) // 6), width=width,
                 height=height)
            samples.append(time.perf_counter() - begin)
        print(f"draw flow       {width}x{height}:           {stats(samples)}")
        print(f"widget render() after a step {width}x{height}: {stats(asyncio.run(overlay_only(t, (width, height), args.steps)))}")
        new, back, builds = asyncio.run(widget_steps("retention", RetentionData(t), (width, height), args.steps))
        print(f"widget retention {width}x{height}, step:      {stats(new)}   plotext builds: {builds}")
        print(f"widget retention {width}x{height}, step back: {stats(back)}")
        idle = asyncio.run(idle_pause((width, height), args.steps))
        print(f"pilot.pause() alone (harness floor):    {stats(idle)}")


if __name__ == "__main__":
    main()
