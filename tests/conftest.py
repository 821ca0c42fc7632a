"""Shared test settings: hypothesis profiles, where the shared real data lives, and no analyst's settings file."""

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


@pytest.fixture(scope="session")
def empty_config_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config-home")


@pytest.fixture(autouse=True)
def no_user_settings(empty_config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs as if there were no settings file (~/.config/retention-workbench/config.toml would remap
    keys, change the theme and the default period): $XDG_CONFIG_HOME is an empty folder, WORKBENCH_CONFIG unset.
    A test that wants a file writes one and points at it."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(empty_config_home))
    monkeypatch.delenv("WORKBENCH_CONFIG", raising=False)


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
