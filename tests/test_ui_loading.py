"""The loading and computing jobs (workbench.ui.loading): real steps, cancelling, engines interrupted, the
daemon thread. The app's side (escape, a newer computation) is in tests/test_app_loading.py."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import polars as pl
import pytest
from app_support import expected, write_sample

from workbench.io import LoadOptions
from workbench.io.load import FILE_STEPS, size_text
from workbench.metrics.engines import Cancelled as EngineCancelled
from workbench.ui.loading import (
    READ_SHARE,
    Cancelled,
    Job,
    _engine_call,
    load_and_compute,
    lower_priority,
    run_in_thread,
)
from workbench.ui.model import ViewSettings


class Recorder(Job):
    """A job that keeps every step it reports."""

    def __init__(self):
        super().__init__("load", ViewSettings())
        self.steps: list[tuple[str, float]] = []

    def report(self, step: str, fraction: float) -> None:
        super().report(step, fraction)
        self.steps.append(self.progress)


class FakeEngine:
    def __init__(self):
        self.cancels = 0

    def cancel(self) -> None:
        self.cancels += 1


def test_a_load_reports_each_file_step_then_the_computing_steps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = write_sample(tmp_path)
    job = Recorder()
    loaded = load_and_compute(files, LoadOptions(), ViewSettings(), job)
    assert loaded.error is None
    assert loaded.analysis.report.cohorts == expected(files)[0].cohorts
    names = [step for step, _ in job.steps]
    size = size_text(os.path.getsize("events.csv"))
    assert names[:len(FILE_STEPS)] == [f"{step} events.csv ({size})" for step in FILE_STEPS]
    assert names[-6:] == ["done", "computing: finding where the data ends", "computing: reducing the events",
                          "computing: survival and segments", "computing: NPS", "computing: done"]
    fractions = [fraction for _, fraction in job.steps]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    assert max(f for name, f in job.steps if not name.startswith("computing")) == READ_SHARE
    assert job.label().startswith("computing: done · ") and job.label().endswith(" s")


def test_a_cancelled_job_stops_at_its_next_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = write_sample(tmp_path)
    job = Recorder()
    job.cancel()
    with pytest.raises(Cancelled):
        load_and_compute(files, LoadOptions(), ViewSettings(), job)
    assert job.steps == []


def test_an_unusable_file_gives_reports_and_no_analysis(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    loaded = load_and_compute([str(bad)], LoadOptions(), ViewSettings(), Recorder())
    assert loaded.analysis is None and loaded.error is None
    assert loaded.result.reports[0].problems[0].code == "empty_file"


def test_cancel_interrupts_the_engines_of_the_job_even_those_it_meets_later():
    job, early, late = Job("computation", ViewSettings()), FakeEngine(), FakeEngine()
    job.watch(early)
    job.watch(early)  # once is enough
    job.cancel()
    assert early.cancels == 1 and late.cancels == 0
    job.watch(late)  # opened after the escape: interrupted at once
    assert late.cancels == 1


def test_an_engine_query_cancelled_for_this_job_stops_it():
    job = Job("computation", ViewSettings())

    def query():
        job.cancel()
        raise EngineCancelled("fake: the query was cancelled")

    with pytest.raises(Cancelled):
        _engine_call(job, query)


def test_a_cancel_left_by_the_job_before_is_asked_again_once():
    """An engine keeps a cancel that came between two queries for its next query: the job that replaced
    the cancelled one must not stop for it."""
    job, calls = Job("computation", ViewSettings()), []

    def query():
        calls.append(1)
        if len(calls) == 1:
            raise EngineCancelled("fake: the query was cancelled")
        return "answer"

    assert _engine_call(job, query) == "answer" and len(calls) == 2


def test_a_job_waits_for_the_thread_of_the_job_it_replaces():
    older = Job("computation", ViewSettings())
    newer = Job("computation", ViewSettings(unit="week"), previous=older)
    older.cancel()
    waited = threading.Thread(target=newer.wait_for_previous)
    waited.start()
    assert not older.done.is_set() and waited.is_alive()
    older.done.set()
    waited.join(30)
    assert not waited.is_alive() and newer.previous is None


def test_a_cancelled_job_waiting_for_the_older_one_stops_waiting():
    older = Job("load", ViewSettings())
    newer = Job("load", ViewSettings(), previous=older)
    newer.cancel()
    with pytest.raises(Cancelled):
        newer.wait_for_previous()


def test_the_work_runs_in_a_daemon_thread_that_quitting_does_not_wait_for():
    """Textual's thread workers run in the event loop's executor, which the app joins when it exits: a polars
    pass that cannot be interrupted would keep the terminal blank until it ends."""
    job, held = Job("load", ViewSettings()), threading.Event()
    seen: list[threading.Thread] = []

    def work():
        seen.append(threading.current_thread())
        held.wait(30)
        return 42

    async def main():
        task = asyncio.ensure_future(run_in_thread(job, work))
        await asyncio.sleep(0)
        while not seen:
            await asyncio.sleep(0.01)
        assert seen[0].daemon
        held.set()
        return await task

    assert asyncio.run(main()) == 42 and job.done.is_set()


def test_an_error_in_the_work_reaches_the_worker():
    job = Job("load", ViewSettings())

    def work():
        raise Cancelled

    with pytest.raises(Cancelled):
        asyncio.run(run_in_thread(job, work))
    assert job.done.is_set()


@pytest.mark.skipif(sys.platform != "linux", reason="thread priorities are Linux's")
def test_polars_threads_get_a_lower_cpu_priority_than_the_python_threads():
    pl.DataFrame({"x": range(100_000)}).lazy().group_by(pl.col("x") % 7).agg(pl.len()).collect()  # starts its pool
    python_threads = {t.native_id for t in threading.enumerate()}
    before = {tid: os.getpriority(os.PRIO_PROCESS, tid) for tid in python_threads}
    lower_priority()
    native = [int(t) for t in os.listdir("/proc/self/task") if int(t) not in python_threads]
    assert native and all(os.getpriority(os.PRIO_PROCESS, tid) >= 10 for tid in native)
    assert {tid: os.getpriority(os.PRIO_PROCESS, tid) for tid in python_threads} == before  # may hold the GIL
