"""Small, seeded data files for the app tests (no tests here): events, subscriptions and NPS answers for
the same customers, plus a file whose ids and segments hold markup and terminal escape codes."""

from __future__ import annotations

import asyncio
import csv
import functools
import random
from datetime import datetime, timedelta
from pathlib import Path

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze

FILES = ("events.csv", "subscriptions.csv", "nps.csv")
EVIL_IDS = ("[bold red]x", "\x1b[31mred", "[link=http://x]y[/link]")


def write_sample(folder: Path, customers: int = 90, seed: int = 7) -> list[str]:
    """Write the three files into ``folder``; return their names (relative, for stable screens)."""
    rng = random.Random(seed)
    first = datetime(2024, 1, 1)
    events, subs, nps = [], [], []
    for number in range(customers):
        cid = f"C{number:04d}"
        start = first + timedelta(days=rng.randrange(0, 240), hours=rng.randrange(0, 24))
        segment = rng.choice(["basic", "pro"])
        day, alive = start, True
        while alive and day < datetime(2024, 10, 15):
            events.append([cid, day.isoformat(), f"{rng.uniform(5, 50):.2f}", segment])
            day += timedelta(days=rng.randrange(10, 45))
            alive = rng.random() > 0.12
        end = "" if alive else (day + timedelta(days=3)).date().isoformat()
        if end and end > "2024-10-15":
            end = ""
        subs.append([cid, start.date().isoformat(), end, "19.00" if segment == "basic" else "49.00", segment])
        for _ in range(rng.randrange(0, 3)):
            when = start + timedelta(days=rng.randrange(0, 200))
            if when < datetime(2024, 10, 15):
                nps.append([cid, when.date().isoformat(), rng.choice([0, 3, 6, 7, 8, 9, 9, 10, 10, 10])])
    _write(folder / "events.csv", ["customer_id", "timestamp", "revenue", "segment"], events)
    _write(folder / "subscriptions.csv", ["customer_id", "start_date", "end_date", "mrr", "segment"], subs)
    _write(folder / "nps.csv", ["customer_id", "response_date", "score"], nps)
    return list(FILES)


def write_evil(folder: Path) -> list[str]:
    """Events whose ids and segments are markup and escape codes, in a file named like markup."""
    rows = []
    for month in range(1, 5):
        for cid in EVIL_IDS:
            rows.append([cid, f"2024-0{month}-10T10:00:00", "10.00", "[bold red]seg\x1b[0m"])
        rows.append(["plain", f"2024-0{month}-11T10:00:00", "5.00", "[i]x[/i]"])
    name = "[bold red]events.csv"
    _write(folder / name, ["customer_id", "timestamp", "revenue", "segment"], rows)
    return [name]


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def expected(paths: list[str], unit: str = "month", retention: str = "classic"):
    """What workbench.metrics says for the same files: the numbers the screen must show."""
    result = load(paths, LoadOptions())
    return analyze(result.datasets, AnalysisOptions(period=PeriodSpec(unit), retention=retention)), result


def run_async(test):
    """Run an ``async def`` test with asyncio (the project uses no async pytest plugin)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


async def ready(app, pilot) -> None:
    """Wait until the app has loaded and computed (its workers are done) and the screen has been laid out."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def assert_every_line_labelled(table, context) -> None:
    """Every visible line of the triangle starts with its cohort's label and size (the average row with
    ``average``): the label column is never drawn without its rows. ``context`` names the moment in a failure."""
    rows = table.triangle.rows
    top = int(table.scroll_y)
    for y in range(1, table.scrollable_content_region.height):
        row = top + y - 1
        line = table.render_line(y).text
        if row < len(rows):
            assert line.startswith(f"{rows[row].cohort} ({rows[row].size:,})"), (context, y, line)
        elif row == len(rows):
            assert line.startswith("average"), (context, y, line)
