"""Shared test settings: hypothesis profiles, and where the shared real data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI: bounded examples and no deadline, so a slow machine never turns a property test red.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CDNOW = SHARED / "data" / "cdnow" / "cdnow_transactions.csv"


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The small seeded sample of tests/app_support.py in a temp folder that is also the working directory
    (relative paths: the Data tab and exports show the same names on every machine)."""
    from app_support import write_sample

    monkeypatch.chdir(tmp_path)
    return write_sample(tmp_path)


@pytest.fixture
def cdnow_path() -> Path:
    if not CDNOW.is_file():
        pytest.skip(f"the shared CDNOW data is not at {CDNOW} (../shared beside the project)")
    return CDNOW
