"""The loading worker's steps (workbench.ui.loading): progress, cancelling, and an unusable file."""

from __future__ import annotations

from app_support import expected, write_sample

from workbench.io import LoadOptions
from workbench.ui.loading import READ_SHARE, load_and_compute
from workbench.ui.model import ViewSettings


def test_loads_computes_and_reports_progress_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = write_sample(tmp_path)
    steps: list[tuple[str, float]] = []
    loaded = load_and_compute(files, LoadOptions(), ViewSettings(), lambda m, f: steps.append((m, f)), lambda: False)
    assert loaded is not None and loaded.error is None
    report, _ = expected(files)
    assert loaded.analysis.report.cohorts == report.cohorts
    fractions = [f for _, f in steps]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] <= 1
    assert max(f for f in fractions[:-1]) <= READ_SHARE < fractions[-1]  # reading, then computing


def test_cancelled_after_reading_returns_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = write_sample(tmp_path)
    assert load_and_compute(files, LoadOptions(), ViewSettings(), lambda m, f: None, lambda: True) is None


def test_an_unusable_file_gives_reports_and_no_analysis(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    loaded = load_and_compute([str(bad)], LoadOptions(), ViewSettings(), lambda m, f: None, lambda: False)
    assert loaded is not None and loaded.analysis is None and loaded.error is None
    assert loaded.result.reports[0].problems[0].code == "empty_file"
