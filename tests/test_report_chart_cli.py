"""`workbench report --chart NAME`: the charts on the command line, sized by --width/--height."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.resources import sample_data_dir

SAMPLE = str(sample_data_dir())


@pytest.mark.parametrize("name", ["retention", "flow", "churn", "revenue", "nps", "cltv"])
def test_every_chart_prints_in_plain_ascii_at_the_asked_size(name):
    result = CliRunner().invoke(cli, ["report", SAMPLE, "--chart", name, "--ascii", "--width", "70",
                                      "--height", "18"])
    assert result.exit_code == 0, result.output
    assert result.output.strip()
    assert all(ord(ch) < 128 for ch in result.output)
    assert max(len(line) for line in result.output.splitlines()) <= 70


def test_a_chart_the_data_cannot_support_exits_2_with_the_reason(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp\nu1,2024-01-05\nu1,2024-02-05\nu2,2024-02-07\n")
    result = CliRunner().invoke(cli, ["report", str(path), "--chart", "nps", "--width", "60", "--height", "12"])
    assert result.exit_code == 2
    assert "no nps chart for this data" in result.output
    assert "Traceback" not in result.output
