"""`workbench sample DIR`: write a realistic, seeded sample data set (see :mod:`workbench.sample`)."""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

import click

from workbench.present.table import counted
from workbench.sample import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    DEFAULT_UNTIL,
    FILES,
    generate_frames,
    to_csv_frames,
    window,
    write_atomically,
)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command()
@click.argument("directory", type=click.Path(file_okay=True, dir_okay=True))
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed, customers and --until give the same files byte for byte.")
@click.option("--customers", type=click.IntRange(min=1), default=DEFAULT_CUSTOMERS, show_default=True,
              help="How many customers sign up in the window (about 34 events each).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=DEFAULT_UNTIL.isoformat(),
              show_default=True, help="Last day of the data window (the window is the 24 months ending then).")
def sample(directory: str, seed: int, customers: int, until: datetime) -> None:
    """Write a realistic, seeded sample data set into DIRECTORY (created if missing).

    \b
    events.csv         customer_id, timestamp, event (login/view/purchase), revenue, plan
    subscriptions.csv  customer_id, start_date, end_date (empty: still a customer), plan, mrr
    nps.csv            customer_id, response_date, score (0-10), comment

    All three describe the same customers. Existing files of those names are replaced.
    """
    last_day = until.date()
    if last_day > date.today():
        _fail(f"--until {last_day} is in the future; sample data must not hold future dates")
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        _fail(f"{directory} exists and is not a folder; give a folder to write the sample files into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"cannot create the folder {directory} ({exc.strerror})")
    started = time.perf_counter()
    frames = to_csv_frames(generate_frames(seed=seed, customers=customers, until=last_day))
    first, last = window(last_day)
    click.echo(f"Sample data for {counted(customers, 'customer')}, {first} to {last}, seed {seed}:")
    for kind, name in FILES.items():
        target = folder / name
        try:
            write_atomically(frames[kind], target)
        except OSError as exc:
            _fail(f"cannot write {target} ({exc.strerror})")
        click.echo(f"  {target}  {counted(frames[kind].height, 'row')} ({kind})")
    click.echo(f"Done in {time.perf_counter() - started:.1f} s. Open it with: workbench {folder}")
