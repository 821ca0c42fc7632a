"""Ready-made cohort tables (the `cohorts` kind, io side): wide counts, wide percentages and long tables become
one canonical long frame (cohort, k, active, size). Built from CDNOW's own log, each shape gives back the
triangle the log gives."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import LoadOptions, load
from workbench.io.cohorts import cohort_shape


def read(path: Path, **options) -> tuple[pl.DataFrame | None, list]:
    result = load([str(path)], LoadOptions(**options))
    (report,) = result.reports
    dataset = result.datasets.get("cohorts")
    return (dataset.frame if dataset else None), report


@pytest.fixture(scope="module")
def cdnow_triangle(request) -> list[tuple[str, int, int, int]]:
    """(cohort, k, active, size) of CDNOW's monthly triangle, from the log itself."""
    from tests.conftest import CDNOW
    from workbench.metrics import AnalysisOptions, PeriodSpec, analyze

    if not CDNOW.is_file():
        pytest.skip("the shared CDNOW data is absent")
    triangle = analyze(load([str(CDNOW)]).datasets, AnalysisOptions(period=PeriodSpec("month"))).cohorts
    return [(row.cohort, k, active, row.size) for row in triangle.rows for k, active in enumerate(row.active)]


def _wide(cells: list[tuple[str, int, int, int]], cell) -> pl.DataFrame:
    long = pl.DataFrame(cells, schema=["cohort", "k", "active", "size"], orient="row")
    long = long.with_columns(pl.struct("active", "size").map_elements(cell, return_dtype=pl.String).alias("cell"))
    return long.pivot("k", index=["cohort", "size"], values="cell").rename(lambda c: c if c in ("cohort", "size")
                                                                          else f"Month {c}")


@pytest.mark.parametrize("shape", ["wide counts", "wide percentages", "long"])
def test_a_cohort_table_built_from_cdnow_gives_back_its_triangle(tmp_path: Path, cdnow_triangle, shape: str) -> None:
    if shape == "wide counts":
        table = _wide(cdnow_triangle, lambda c: str(c["active"]))
    elif shape == "wide percentages":  # as Amplitude and Mixpanel export them: two decimals and a % sign
        table = _wide(cdnow_triangle, lambda c: f"{100 * c['active'] / c['size']:.2f}%")
    else:
        table = pl.DataFrame(cdnow_triangle, schema=["cohort", "k", "active", "size"], orient="row").drop("size")
    path = tmp_path / "cohorts.csv"
    table.write_csv(path)
    frame, report = read(path)
    assert report.kind == "cohorts", [p.describe() for p in report.problems]
    assert report.problems == []
    assert sorted(frame.rows()) == sorted(cdnow_triangle)


def test_percentages_need_a_size(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("cohort,0,1\n2024-01,100%,40%\n")
    frame, report = read(path)
    assert frame is None
    (problem,) = report.problems
    assert (problem.code, problem.message) == (
        "missing_size", "the table holds percentages but no cohort size (first: cohort '2024-01')")


def test_cells_that_are_not_numbers_or_above_the_size_are_left_out_and_said(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("cohort,size,0,1,2\n2024-01,10,10,n/a,4\n2024-02,5,5,7,\n")
    frame, report = read(path)
    assert frame.rows() == [("2024-01", 0, 10, 10), ("2024-01", 2, 4, 10), ("2024-02", 0, 5, 5)]
    assert [p.code for p in report.problems] == ["bad_number", "active_above_size"]
    assert report.problems[0].message == ("1 cells are not numbers (first: 'n/a' for cohort '2024-01'); "
                                          "they are left out")


@pytest.mark.parametrize(("header", "shape"), [
    ("cohort,size,0,1,2", "wide"), ("Cohort,Users,Week 0,Week 1", "wide"), ("cohort_month,M0,M1,M2", "wide"),
    ("cohort,k,active", "long"), ("Cohort,Period,Retained Users,Size", "long"),
    ("user_id,timestamp", None), ("cohort,segment", None),
])
def test_cohort_tables_are_recognised_by_their_columns(header: str, shape: str | None) -> None:
    found = cohort_shape(header.split(","))
    assert (None if found is None else ("wide" if found.wide else "long")) == shape


def test_an_event_log_with_a_cohort_column_stays_an_event_log(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp,cohort,k,active\nu1,2024-01-01,2024-01,0,1\n")
    _, report = read(path)
    assert report.kind == "events"


def test_kind_cohorts_forces_it_and_says_when_the_columns_do_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp\nu1,2024-01-01\n")
    result = CliRunner().invoke(cli, ["validate", str(path), "--kind", "cohorts"])
    assert result.exit_code == 2
    assert "not a cohort table: it needs a cohort column and period columns" in result.output
    path.write_text("user_id,cohort,k,active\nu1,2024-01,0,3\n")
    frame, report = read(path, kind="cohorts")
    assert report.kind == "cohorts" and frame.rows() == [("2024-01", 0, 3, 3)]
