"""`workbench validate --format json` as issue 12 specifies it for scripts, and `validate` / `report` with no
path reading the bundled sample data, as the app does."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli
from workbench.resources import sample_paths

FILE_KEYS = {"path", "kind", "format", "columns", "rows_read", "rows_kept"}
PROBLEM_KEYS = {"code", "severity", "column", "row", "message", "fix"}


def test_json_has_the_documented_keys(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("user_id,timestamp,amount\nu1,2024-01-01,3\nu2,2024-13-01,4\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--format", "json"])
    doc = json.loads(result.output)
    assert list(doc) == ["files", "exit_status"]
    assert result.exit_code == doc["exit_status"] == 2
    events, empty = sorted(doc["files"], key=lambda f: f["path"], reverse=True)
    for file in (events, empty):
        assert set(file) >= FILE_KEYS | {"problems"}
        for problem in file["problems"]:
            assert set(problem) >= PROBLEM_KEYS
    assert events["kind"] == "events" and events["format"] == "CSV"
    assert events["columns"] == {"id": "user_id", "time": "timestamp", "revenue": "amount"}
    assert (events["rows_read"], events["rows_kept"]) == (2, 1)
    bad = events["problems"][0]
    assert (bad["code"], bad["severity"], bad["column"], bad["row"]) == ("bad_date", "warning", "timestamp", 2)
    assert empty["kind"] is None and empty["problems"][0]["code"] == "empty_file"


def test_validate_with_no_path_checks_the_bundled_sample() -> None:
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    doc = json.loads(result.output)
    assert [f["path"] for f in doc["files"]] == sample_paths()
    assert [f["kind"] for f in doc["files"]] == ["events", "subscriptions", "nps"]
    assert result.exit_code == doc["exit_status"] == 0


def test_report_with_no_path_reports_on_the_bundled_sample() -> None:
    result = CliRunner().invoke(cli, ["report", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)
