"""The app's long work, apart from the Textual wiring: loading the files and computing the analysis (a
:class:`Job`), in a thread of its own (:func:`run_in_thread`).

Progress is real: a job says the step it is in and the share of its steps done. Loading steps through each file
(its header, its rows parsed, repeated rows looked for, rows checked; see :data:`workbench.io.load.FILE_STEPS`),
weighted by the files' sizes; computing steps through :func:`workbench.metrics.analyze` (where the data ends,
the reduction, survival, NPS). A step is one polars pass or one engine query, which says nothing while it
runs: the loading line shows the step's name and the seconds spent, never a bar moving on its own.

Cancelling (escape, a reload, a newer computation): the job is marked cancelled and the queries of its engines
are interrupted (:meth:`workbench.metrics.engines.base.Engine.cancel`); the thread stops at its next step. A
polars pass cannot be interrupted: its thread runs to the end of that pass in the background and its result
is dropped (the app has already said "cancelled" and stays usable). The next job waits for that thread to end
before it starts, so two passes over ten million rows never compete for the memory and the cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from workbench.io import LoadOptions
from workbench.io.load import LoadResult, load
from workbench.metrics.engines import Cancelled as EngineCancelled
from workbench.metrics.engines.sources import SourceChoice, load_source
from workbench.resources import sample_paths
from workbench.ui.model import Analysis, ViewSettings, compute

READ_SHARE = 0.7  # of a load's bar: reading the files; computing takes the rest
CLOCK_SECONDS = 0.25  # how often the loading line looks at the job's progress
BACKGROUND_NICE = 10  # how much lower the CPU priority of polars' threads is than the screen's (Linux; see below)
T = TypeVar("T")


class Cancelled(BaseException):
    """Raised in a job's thread at its next step once the job is cancelled. A BaseException, as asyncio's
    CancelledError is, so that the readers' ``except Exception`` (a bad file makes a report, not a crash)
    lets it through."""


class Job:
    """One load or computation: the step it is in (read by the screen's clock), and how to stop it.

    Thread-safe: the job's thread calls :meth:`report`, :meth:`watch` and :meth:`check`; the app calls
    :meth:`cancel` and reads :attr:`progress` and :meth:`label`."""

    def __init__(self, kind: str, settings: ViewSettings, previous: Job | None = None):
        self.kind = kind  # "load" (read the files, then compute) or "computation" (new view settings)
        self.settings = settings  # what it computes with
        self.previous = previous  # a job it replaces: its thread must end before this one starts
        self.started = time.monotonic()
        waits = previous is not None and not previous.done.is_set()
        step = f"waiting for the cancelled {previous.kind} to stop" if waits else "starting"
        self.progress: tuple[str, float] = (step, 0.0)  # (step, share of the steps done), replaced at once
        self.done = threading.Event()  # the thread has ended, whichever way
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._engines: list = []
        self.opened: list = []  # engines this job opened (a load): closed when its result is dropped

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Mark the job cancelled and interrupt its engines' queries (safe from any thread)."""
        with self._lock:
            self._cancelled.set()
            engines = list(self._engines)
        for engine in engines:
            engine.cancel()

    def watch(self, engine, opened: bool = False) -> None:
        """An engine the job queries: a cancel interrupts it (at once, when the job is already cancelled).
        ``opened``: the job opened it (a load), so the job closes it if its result is dropped."""
        with self._lock:
            if opened:
                self.opened.append(engine)
            if engine in self._engines:
                return
            self._engines.append(engine)
            late = self._cancelled.is_set()
        if late:
            engine.cancel()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled

    def report(self, step: str, fraction: float) -> None:
        """From the job's thread: the step it starts. Raises :class:`Cancelled` when the job was cancelled."""
        self.check()
        self.progress = (step, min(max(fraction, self.progress[1]), 1.0))
        lower_priority()

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def label(self) -> str:
        """The loading line: what the job is doing and for how long, e.g. ``parsing the rows of events.parquet
        (120 MB) · 3 s`` (whole seconds: the line is drawn again once a second, not at every tick)."""
        return f"{self.progress[0]} · {self.seconds():.0f} s"

    def close_opened(self) -> None:
        """Close the engines this job opened, its result being dropped (from either thread, once)."""
        with self._lock:
            engines, self.opened = self.opened, []
        for engine in engines:
            engine.close()

    def wait_for_previous(self) -> None:
        """From the job's thread: wait until the job it replaces has stopped (see the module docstring)."""
        previous = self.previous
        if previous is None:
            return
        while not previous.done.wait(0.1):
            self.check()
        self.previous = None  # let it be collected


def engines_of(result: LoadResult) -> list:
    """The engines holding the rows of a load (none when polars read the files)."""
    found = []
    for dataset in result.datasets.values():
        engine = getattr(dataset, "engine", None)
        if engine is not None and engine not in found:
            found.append(engine)
    return found


@dataclass(frozen=True)
class Loaded:
    """A finished load: what the files held, the analysis when any file was usable, and why not otherwise."""

    result: LoadResult
    analysis: Analysis | None
    error: str | None
    cache: dict  # the reductions of ``result`` computed so far (see :func:`workbench.metrics.analyze`)


def load_and_compute(paths: list[str] | None, options: LoadOptions, settings: ViewSettings, job: Job,
                     source: SourceChoice | None = None) -> Loaded:
    """Load ``paths`` (none: the bundled sample data) and compute. Raises :class:`Cancelled` when the job is
    cancelled on the way, FileNotFoundError when the bundled sample data is missing from the installation and
    :class:`~workbench.metrics.engines.EngineError` when an engine cannot reach the data."""
    files = paths or sample_paths()
    job.wait_for_previous()
    if source is not None and not source.embedded(files):
        job.report(f"opening the {source.engine or 'database'} engine", 0.0)

        def opened(engine) -> None:
            job.watch(engine, opened=True)
            job.report(f"checking the rows with the {engine.name} engine", 0.1)

        result = _engine_call(job, lambda: load_source(files, options, source, opened))
    else:
        result = load(files, options, progress=lambda step, fraction: job.report(step, fraction * READ_SHARE))
    job.check()
    cache: dict = {}
    analysis, failure = compute_analysis(result, settings, cache, job, start=READ_SHARE)
    return Loaded(result, analysis, None if failure is None else f"{type(failure).__name__}: {failure}", cache)


def compute_analysis(result: LoadResult, settings: ViewSettings, cache: dict, job: Job,
                     start: float = 0.0) -> tuple[Analysis | None, Exception | None]:
    """The analysis of a load (None with nothing usable), or the error that stopped it (said in one line by
    the caller, never a traceback). Raises :class:`Cancelled`. ``start``: where the computing steps begin on
    the job's bar."""
    if not result.datasets:
        return None, None
    for engine in engines_of(result):
        job.watch(engine)

    def progress(step: str, fraction: float) -> None:
        job.report(f"computing: {step}", start + (1 - start) * fraction)  # the status line says by what

    try:
        return _engine_call(job, lambda: compute(result, settings, cache, progress)), None
    except Exception as exc:  # noqa: BLE001 - shown to the analyst, never a traceback
        return None, exc


def _engine_call(job: Job, call: Callable[[], T]) -> T:
    """``call()``, with an engine's cancelled query turned into :class:`Cancelled`. A cancel that reached the
    engine between two queries of the job before (its thread was finishing) stops this job's first query:
    that one is asked again, once."""
    for attempt in (1, 2):
        try:
            return call()
        except EngineCancelled:
            if job.cancelled or attempt == 2:
                raise Cancelled from None
    raise AssertionError("unreachable")


def lower_priority() -> None:
    """Give the screen the CPU first: the threads polars works in get a lower priority (nice +10) than the
    app's threads, which draw the screen and answer the keys.

    Why: polars keeps every core busy, and on a machine with few cores the app's thread then waits for the CPU
    at each key (the GIL is free: polars releases it while it works). Only threads that never hold the GIL
    are lowered, those not started by Python (polars' pool and streaming threads, its allocator's): a job's own
    thread keeps its priority, since a lowered thread holding the GIL would hold up the screen all the longer.
    Called when a job starts and at each of its steps (polars starts some threads as it goes). Linux only, where
    a thread's priority is its own; elsewhere a no-op. Lowering needs no privilege; raising back would, so
    those threads stay lowered for the life of the app, which only runs polars in jobs."""
    if sys.platform != "linux":
        return
    python_threads = {t.native_id for t in threading.enumerate()}
    try:
        tasks = [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return
    for tid in tasks:
        if tid not in python_threads:
            try:
                if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
                    os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)
            except OSError:  # gone meanwhile, or not allowed: the order of threads is a nicety
                pass


async def run_in_thread(job: Job, work: Callable[[], T]) -> T:
    """Run ``work()`` for ``job`` in a daemon thread and wait for it (from a Textual worker).

    Not Textual's thread worker: its threads are the event loop's executor, which the app waits for when it
    exits, and a polars pass cannot be interrupted; the app must quit at once, whatever runs. A cancelled
    wait returns at once too, and the thread's result is dropped when it comes."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(ok: bool, value) -> None:
        if not future.done():
            (future.set_result if ok else future.set_exception)(value)

    def run() -> None:
        try:
            lower_priority()  # polars' threads, if already started
            value, ok = work(), True
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting worker
            value, ok = exc, False
        finally:
            if job.cancelled:
                job.close_opened()
            job.done.set()
        with contextlib.suppress(RuntimeError):  # the app has exited meanwhile
            loop.call_soon_threadsafe(settle, ok, value)

    threading.Thread(target=run, name=f"workbench {job.kind}", daemon=True).start()
    return await future
