"""The presentation layer: one table model for every output, deterministic JSON, CSV that reads back as numbers."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from workbench.io import load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.present import INCOMPLETE, display_rows, report_json, report_tables, to_csv, to_markdown
from workbench.present.sections import cohort_table, files_table, flow_table
from workbench.present.table import Column, Table, latest
from workbench.present.writers import write_table
from workbench.resources import sample_paths


@pytest.fixture(scope="module")
def report():
    return analyze(load(sample_paths()).datasets, AnalysisOptions(period=PeriodSpec("month")))


def _blocks(text: str) -> dict[str, list[dict]]:
    """``report --format csv`` split into its ``# name`` blocks, each parsed with csv.DictReader."""
    out = {}
    for block in text.split("\n\n")[1:]:
        title, _, body = block.partition("\n")
        out[title.removeprefix("# ")] = list(csv.DictReader(io.StringIO(body)))
    return out


def _number_or_empty(value: str) -> bool:
    if value == "":
        return True
    float(value)  # raises for display strings such as "5,536.41" or "11.67~"
    return True


def test_report_json_is_byte_identical_across_runs():
    """Separate processes: float sums in thread order used to change the last digits of NRR between runs."""
    command = [sys.executable, "-m", "workbench", "report", "--format", "json", *map(str, sample_paths())]
    outputs = {subprocess.run(command, capture_output=True, check=True).stdout for _ in range(3)}
    assert len(outputs) == 1


def test_every_csv_number_parses_back_as_a_number(report):
    for table in report_tables(report):
        rows = list(csv.DictReader(io.StringIO(to_csv(table))))
        assert len(rows) == len(table.rows)
        for column in table.columns:
            if column.kind in ("int", "pct", "money", "ratio", "complete_periods"):
                assert all(_number_or_empty(r[column.name]) for r in rows), (table.name, column.name)
            if column.kind == "complete":
                assert {r[column.name] for r in rows} <= {"true", "false"}, table.name


def test_csv_numbers_equal_the_report(report):
    rows = list(csv.DictReader(io.StringIO(to_csv(flow_table(report)))))
    for row, flow_row in zip(rows, report.flow.rows, strict=True):
        assert int(row["CS"]) == flow_row.CS
        assert float(row["crr"]) == flow_row.crr  # unrounded: repr round-trips
        assert (row["complete"] == "true") == flow_row.complete
    cohorts = list(csv.DictReader(io.StringIO(to_csv(cohort_table(report)))))
    first = report.cohorts.rows[0]
    assert float(cohorts[0]["+1"]) == first.retention[1] and int(cohorts[0]["complete_periods"]) == sum(first.complete)


def test_one_incomplete_mark_in_every_display(report):
    flow = flow_table(report)
    shown = display_rows(flow)
    assert shown[-1][0] == report.flow.rows[-1].period + INCOMPLETE  # the current month is not over
    assert "complete" not in to_markdown(flow).splitlines()[0]
    triangle = display_rows(cohort_table(report))
    newest = report.cohorts.rows[-1]
    assert triangle[-2][2] == f"{newest.retention[0]:.1f}{INCOMPLETE}"
    assert triangle[0][2] == "100.0"  # +0 of the oldest cohort is final: no mark


def test_the_same_names_in_json_csv_and_markdown(report):
    data = json.loads(report_json(report))
    flow = flow_table(report)
    assert set(flow.headers) - {"period", "complete"} <= set(data["flow"][0])
    header = to_markdown(flow).splitlines()[0]
    assert [h.strip() for h in header.strip("|").split("|")] == [h for h in flow.headers if h != "complete"]


def test_latest_keeps_summary_rows_and_says_what_was_cut():
    table = Table("t", "T", (Column("period"), Column("n", "int")), rows=tuple((str(i), i) for i in range(10))
                  + (("all", 45),), summary_rows=1)
    cut, notes = latest(table, 3, what="periods (days)")
    assert [r[0] for r in cut.rows] == ["7", "8", "9", "all"]
    assert notes == ["showing the latest 3 of 10 periods (days); --format csv or json has them all."]


def test_text_from_data_is_shown_literally():
    table = files_table([])
    evil = Table("x", "X", (Column("id"),), rows=(("[bold red]x\x1b[31m",),))
    assert display_rows(evil)[0][0].startswith("[bold red]x")
    assert "\x1b" not in display_rows(evil)[0][0]
    assert table.headers == ["path", "kind", "format", "rows_read", "rows_kept", "rows_dropped", "columns"]


def test_write_table_keeps_the_mode_of_a_file_it_replaces(tmp_path, report):
    target = tmp_path / "flow.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    write_table(flow_table(report), target)
    assert target.stat().st_mode & 0o777 == 0o644
    assert target.read_text().startswith("period,CS,CN,CE")
    new = write_table(flow_table(report), tmp_path / "new.md")
    assert new.read_text().startswith("| period | CS |")
