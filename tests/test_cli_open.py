"""`workbench [PATH...]` takes the same data and analysis options as `report`, and hands them to the app."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from click.testing import CliRunner

import workbench.ui.app as app_module
from workbench.cli import cli
from workbench.ui.model import ViewSettings


def test_open_passes_the_analysis_options_to_the_app(monkeypatch, tmp_path):
    seen = {}

    class FakeApp:
        return_code = 0

        def __init__(self, paths, load_options, settings, ascii_charts=False, source=None, **_settings_file):
            seen.update(paths=paths, load_options=load_options, settings=settings, ascii_charts=ascii_charts)

        def run(self):
            seen["ran"] = True

    monkeypatch.setattr(app_module, "RetentionApp", FakeApp)
    data = tmp_path / "e.csv"
    data.write_text("user_id,timestamp\nu1,2024-01-01\n")
    result = CliRunner().invoke(cli, [str(data), "--period", "week", "--week-start", "sunday", "--margin", "0.3",
                                      "--retention", "unbounded", "--tz", "Asia/Tokyo",
                                      "--as-of", "2024-02-01T00:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert seen["ran"] and seen["paths"] == [str(data)]
    assert seen["load_options"].tz == "Asia/Tokyo"
    assert seen["settings"] == ViewSettings(unit="week", week_start="sunday", retention="unbounded",
                                            as_of=datetime(2024, 2, 1, 9, 0), margin=0.3,
                                            period_given=True)
    assert seen["settings"].options().period.week_start == "sunday"


@pytest.mark.parametrize(("flag", "env", "ascii_charts"), [
    ("--ascii", {}, True),
    ("--unicode", {"LANG": "en_US.ISO-8859-1"}, False),
    (None, {"LANG": "en_US.ISO-8859-1", "LC_ALL": ""}, True),  # automatic: the locale is not UTF-8
    (None, {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_CTYPE": ""}, False),
])
def test_open_ascii_charts_flag_and_default(monkeypatch, tmp_path, flag, env, ascii_charts):
    seen = {}

    class FakeApp:
        return_code = 0

        def __init__(self, paths, load_options, settings, ascii_charts=False, source=None, **_settings_file):
            seen["ascii_charts"] = ascii_charts

        def run(self):
            pass

    monkeypatch.setattr(app_module, "RetentionApp", FakeApp)
    monkeypatch.setattr(app_module.sys, "__stdout__", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "e.csv"
    data.write_text("user_id,timestamp\nu1,2024-01-01\n")
    result = CliRunner().invoke(cli, [str(data), *([flag] if flag else [])])
    assert result.exit_code == 0, result.output
    assert seen["ascii_charts"] is ascii_charts


def test_python_dash_m_workbench_is_the_command():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "workbench" in out.stdout


def test_open_leaves_the_garbage_collector_on_when_the_app_ends(monkeypatch, tmp_path):
    """run_app turns Python's cyclic collector off for the start (the app turns it on when its first load
    ends): an app that ends before that, as this one that never loads, leaves it on too."""
    import gc

    class FakeApp:
        return_code = 0

        def __init__(self, *args, **kwargs):
            pass

        def run(self):
            assert not gc.isenabled()

    monkeypatch.setattr(app_module, "RetentionApp", FakeApp)
    data = tmp_path / "e.csv"
    data.write_text("user_id,timestamp\nu1,2024-01-01\n")
    assert gc.isenabled()
    result = CliRunner().invoke(cli, [str(data)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
