"""A ready-made cohort table (kind cohorts): the triangle and CS, CN, CE, CRR it gives are the log's own, built
from CDNOW's log and from random logs (against the plain references); what it cannot tell is None."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from references import UNITS, event_frames, instants, ref_event_flow, ref_event_triangle

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze
from workbench.metrics.cohort_tables import CohortTableError, label_index

SHAPES = ("wide counts", "wide percentages", "long", "long without zeros")
CELLS = {"cohort": pl.String, "k": pl.Int64, "active": pl.Int64, "size": pl.Int64}


def table_frame(cells: list[tuple[str, int, int, int]], shape: str, prefix: str = "") -> pl.DataFrame:
    """A cohort table as analysts export it, from (cohort, k, active, size) cells."""
    long = pl.DataFrame(cells, schema=CELLS, orient="row").sort("cohort", "k")
    if shape == "long":
        return long.drop("size")
    if shape == "long without zeros":  # as GROUP BY writes it
        return long.filter(pl.col("active") > 0).drop("size")
    share = (pl.col("active") * 100 / pl.col("size")).round(2)
    cell = pl.col("active").cast(pl.String) if shape == "wide counts" else share.cast(pl.String) + "%"
    wide = long.sort("k", "cohort").with_columns(cell.alias("cell")).pivot(
        on="k", index=["cohort", "size"], values="cell", sort_columns=True)
    return wide.rename({c: f"{prefix}{c}" for c in wide.columns if c not in ("cohort", "size")}).sort("cohort")


def open_table(folder: Path, frame: pl.DataFrame, options: AnalysisOptions | None = None):
    path = folder / "cohorts.csv"
    frame.write_csv(path)
    result = load([str(path)], LoadOptions())
    (file,) = result.reports
    assert file.kind == "cohorts" and file.problems == [], [p.describe() for p in file.problems]
    return analyze(result.datasets, options)


def triangle_of(report) -> list:
    # not `complete`: a table cannot say whether its last period was over when exported, while a log of dates
    # can (its last date is a whole day), so the two may differ there; the numbers may not
    return [(r.cohort, r.size, list(r.active), list(r.retention)) for r in report.cohorts.rows]


def formula_of(report) -> list:
    return [(r.period, r.CS, r.CN, r.CE, r.crr) for r in report.flow.rows]


# ---------------------------------------------------------------- CDNOW: the table gives back the log's numbers


@pytest.fixture(scope="module")
def cdnow_report():
    from tests.conftest import CDNOW

    if not CDNOW.is_file():
        pytest.skip(f"the shared CDNOW data is not at {CDNOW} (../shared beside the project)")
    return analyze(load([str(CDNOW)]).datasets, AnalysisOptions(period=PeriodSpec("month")))


@pytest.mark.parametrize("shape", ["wide counts", "wide percentages", "long"])
def test_a_cohort_table_built_from_cdnow_gives_its_triangle_and_formula(tmp_path, cdnow_report, shape):
    cells = [(r.cohort, k, a, r.size) for r in cdnow_report.cohorts.rows for k, a in enumerate(r.active)]
    report = open_table(tmp_path, table_frame(cells, shape, prefix="Month "))  # no options at all
    assert report.kind == "cohorts" and report.options.period.unit == "month"
    assert triangle_of(report) == triangle_of(cdnow_report)
    # averages take complete cells only: the log's June 1998 cells (k = 15..17) are final, the table's last
    # period is not (see triangle_of), so compare where both say the same
    assert report.cohorts.average[:15] == cdnow_report.cohorts.average[:15]
    assert formula_of(report) == formula_of(cdnow_report)
    assert [r.CS for r in report.flow.rows][:3] == [7846, 9633, 9524]  # Jan's customers, then Jan + Feb active
    assert [r.CN for r in report.flow.rows][:3] == [8476, 7248, 0]
    for row in report.flow.rows:  # what the table cannot tell stays unknown
        assert (row.retained, row.churned, row.churn_rate, row.starting_retention) == (None, None, None, None)
        assert "cannot tell who of the" in row.explanation
    assert report.cltv is None


# ---------------------------------------------------------------- random logs, against the plain references


@st.composite
def logs(draw):
    unit = draw(st.sampled_from(UNITS))
    week_start = draw(st.sampled_from(["monday", "sunday"]))
    frame = draw(event_frames(unit))
    shape = draw(st.sampled_from(SHAPES))
    as_of = None if shape == "long without zeros" else draw(st.one_of(st.none(), instants(unit)))
    # day and week labels are the same dates: the period is given; the others are found from the labels
    given_period = unit in ("day", "week") or draw(st.booleans())
    return unit, week_start, frame, shape, as_of, given_period


@given(logs())
def test_a_table_built_from_a_random_log_gives_the_references_numbers(setup):
    unit, week_start, frame, shape, as_of, given_period = setup
    triangle = ref_event_triangle(frame, unit, week_start, as_of, "classic")
    assume(triangle)
    assume(not shape.startswith("wide") or max(len(counts) for _, _, counts, _ in triangle) >= 2)
    cells = [(c, k, a, size) for c, size, counts, _ in triangle for k, a in enumerate(counts)]
    options = AnalysisOptions(period=PeriodSpec(unit, week_start), as_of=as_of, period_given=given_period)
    with tempfile.TemporaryDirectory() as folder:
        report = open_table(Path(folder), table_frame(cells, shape), options)
    assert report.options.period.unit == unit
    assert unit != "week" or report.options.period.week_start == week_start
    flow = ref_event_flow(frame, unit, week_start, as_of)
    if shape == "long without zeros":  # the table ends at its last non-zero +k: later cells are outside it
        width = max(k for _, k, a, _ in cells if a > 0)
        triangle = [(c, s, a[:width + 1], d[:width + 1]) for c, s, a, d in triangle]
        flow = flow[:width]
    assert [(r.cohort, r.size, list(r.active)) for r in report.cohorts.rows] == \
        [(c, s, a) for c, s, a, d in triangle]  # completeness: see triangle_of
    for r in report.cohorts.rows:
        assert list(r.retention) == [a / r.size * 100 for a in r.active]
    assert formula_of(report) == [(f["period"], f["CS"], f["CN"], f["CE"],
                                   (f["CE"] - f["CN"]) / f["CS"] * 100 if f["CS"] else None)
                                  for f in flow]
    assert all(r.retained is None and r.churn_rate is None for r in report.flow.rows)


# ---------------------------------------------------------------- hand-worked cases


def frame_of(text: str, folder: Path, name: str = "t.csv") -> dict:
    path = folder / name
    path.write_text(text)
    result = load([str(path)])
    assert result.reports[0].kind == "cohorts", [p.describe() for p in result.reports[0].problems]
    return result.datasets


def test_hand_worked_table(tmp_path):
    datasets = frame_of("cohort,size,0,1,2\n2024-01,10,10,4,3\n2024-02,20,20,5,\n2024-03,5,5,,\n", tmp_path)
    report = analyze(datasets)
    assert [(r.cohort, r.active, r.complete) for r in report.cohorts.rows] == [
        ("2024-01", (10, 4, 3), (True, True, False)), ("2024-02", (20, 5), (True, False)),
        ("2024-03", (5,), (False,))]
    # CE: Feb 4 + 20 = 24, Mar 3 + 5 + 5 = 13; CS = CE before; CN = the new cohort's size
    assert [(r.period, r.CS, r.CN, r.CE, r.crr, r.complete) for r in report.flow.rows] == [
        ("2024-02", 10, 20, 24, 40.0, True), ("2024-03", 24, 5, 13, pytest.approx(100 * 8 / 24), False)]
    assert report.cohorts.average[1] == 100 * 4 / 10  # only complete cells: 2024-02's +1 is not over
    assert report.as_of == datetime(2024, 3, 1)
    assert any("last month (2024-03) is taken as not over" in n for n in report.notes)
    when = analyze(datasets, AnalysisOptions(as_of=datetime(2024, 4, 1)))
    assert all(all(r.complete) for r in when.cohorts.rows) and when.flow.rows[-1].complete
    before = analyze(datasets, AnalysisOptions(as_of=datetime(2024, 2, 15)))
    assert [r.cohort for r in before.cohorts.rows] == ["2024-01", "2024-02"]
    assert any("3 cells of periods after 2024-02-15 00:00 (as of) are left out" in n for n in before.notes)


def test_cells_a_long_table_leaves_out_count_as_zero_and_are_said(tmp_path):
    datasets = frame_of("cohort,k,active\n2024-01,0,10\n2024-01,2,3\n2024-02,0,6\n", tmp_path)
    report = analyze(datasets)
    assert [r.active for r in report.cohorts.rows] == [(10, 0, 3), (6, 0)]
    assert [r.CE for r in report.flow.rows] == [6, 3]
    assert any(n.startswith("2 cells inside the triangle are not in the table (first: cohort 2024-01, +1)")
               for n in report.notes)


@pytest.mark.parametrize(("labels", "unit", "week_start", "note"), [
    (["2024-01", "2024-02"], "month", "monday", False),
    (["2024-Q1", "2024-Q2"], "quarter", "monday", False),
    (["2023", "2024"], "year", "monday", False),
    (["2024-01-01", "2024-02-01"], "month", "monday", True),  # dates at the month's start, as tools export them
    (["2024-01-01 00:00:00", "2024-04-01 00:00:00"], "quarter", "monday", True),
    (["2024-01-08", "2024-01-15"], "week", "monday", True),
    (["2024-01-07", "2024-01-14"], "week", "sunday", True),
    (["2024-01-08", "2024-01-09"], "day", "monday", False),
])
def test_the_period_comes_from_the_labels(tmp_path, labels, unit, week_start, note):
    rows = "".join(f"{label},5,5,2\n" for label in labels)
    report = analyze(frame_of(f"cohort,size,0,1\n{rows}", tmp_path))
    assert report.options.period == PeriodSpec(unit, week_start)
    assert any("read as" in n for n in report.notes) is note


@pytest.mark.parametrize(("labels", "period", "message"), [
    (["2024-01", "2024-02"], PeriodSpec("week"),
     "cohort label '2024-01' is not a week: the table's cohorts are months and a cohort table cannot be "
     "regrouped; pass --period month (or leave --period out)"),
    (["2024-01-07", "2024-01-14"], PeriodSpec("week"),
     "cohort label '2024-01-07' is not a week: the table's cohorts are weeks and a cohort table cannot be "
     "regrouped; pass --period week --week-start sunday (or leave --period out)"),
    (["Jan 2024", "Feb 2024"], PeriodSpec("month"),
     "cohort label 'Feb 2024' is not a period: write cohorts as 2024-01 (month), 2024-Q1 (quarter), 2024 (year) "
     "or a date such as 2024-01-08 (day, or the first day of a week)"),
])
def test_labels_that_do_not_fit_the_period_asked_for_are_refused_with_the_period_to_pass(
        tmp_path, labels, period, message):
    rows = "".join(f"{label},5,5,2\n" for label in labels)
    datasets = frame_of(f"cohort,size,0,1\n{rows}", tmp_path)
    with pytest.raises(CohortTableError) as error:
        analyze(datasets, AnalysisOptions(period=period, period_given=True))
    assert str(error.value) == message


def test_a_cohort_written_twice_is_refused(tmp_path):
    datasets = frame_of("cohort,size,0,1\n2024-01,5,5,2\n2024-01-01,5,5,3\n", tmp_path)
    with pytest.raises(CohortTableError, match=r"cohort 2024-01 has 2 values for \+0"):
        analyze(datasets)


@pytest.mark.parametrize(("label", "unit", "index"), [
    ("2024-02", "month", 2024 * 12 + 1), ("2024-02-01", "month", 2024 * 12 + 1), ("2024-02-02", "month", None),
    ("2024-Q2", "quarter", 2024 * 4 + 1), ("2024-04-01T00:00:00", "quarter", 2024 * 4 + 1), ("2024", "year", 2024),
    ("2024-02-30", "month", None), (" 2024-02 ", "month", 2024 * 12 + 1), ("2024-2", "month", None),
])
def test_label_index(label, unit, index):
    assert label_index(label, PeriodSpec(unit)) == index


def test_beside_events_the_table_is_not_used(tmp_path):
    (tmp_path / "t.csv").write_text("cohort,size,0,1\n2024-01,5,5,2\n")
    (tmp_path / "e.csv").write_text("user_id,timestamp\nu1,2024-01-03\nu1,2024-02-03\n")
    report = analyze(load([str(tmp_path / "t.csv"), str(tmp_path / "e.csv")]).datasets)
    assert report.kind == "events" and report.cohorts.rows[0].size == 1
    assert any("the cohort table is not used" in n for n in report.notes)


def test_past_the_last_column_is_outside_the_table_not_zero(tmp_path):
    # an export of three columns (+0 .. +2) over four months of cohorts: 2024-01's +3 (April) is not in it
    datasets = frame_of("cohort,size,0,1,2\n2024-01,10,10,4,3\n2024-02,20,20,5,2\n2024-03,5,5,1,\n"
                        "2024-04,8,8,,\n", tmp_path)
    report = analyze(datasets)
    assert [r.active for r in report.cohorts.rows] == [(10, 4, 3), (20, 5, 2), (5, 1), (8,)]
    assert [(r.period, r.CS, r.CN, r.CE) for r in report.flow.rows] == [("2024-02", 10, 20, 24),
                                                                       ("2024-03", 24, 5, 13)]
    assert any(n == "the table stops at +2: from 2024-04 on the oldest cohorts are past its last column, so the "
               "formula is given up to 2024-03 only" for n in report.notes)
    assert not any("not in the table" in n for n in report.notes)


def test_nps_beside_a_table_and_no_ids_behind_it(tmp_path):
    from workbench.metrics import customers_behind_cell, customers_in_flow
    from workbench.metrics.cohort_tables import NO_IDS

    (tmp_path / "t.csv").write_text("cohort,size,0,1\n2024-01,5,5,2\n2024-02,4,4,1\n")
    (tmp_path / "n.csv").write_text("customer_id,response_date,score\na,2024-01-05,9\nb,2024-02-05,3\n")
    datasets = load([str(tmp_path / "t.csv"), str(tmp_path / "n.csv")]).datasets
    report = analyze(datasets)
    assert (report.kind, report.kinds) == ("cohorts", ("cohorts", "nps"))
    assert report.nps.overall.responses == 2 and report.flow.rows[0].CE == 2 + 4
    with pytest.raises(ValueError, match="no ids behind its numbers") as error:
        customers_behind_cell(datasets["cohorts"], report.options, "2024-01", 1)
    assert str(error.value) == NO_IDS
    with pytest.raises(ValueError, match="no ids behind its numbers"):
        customers_in_flow(datasets["cohorts"], report.options, "2024-02", "CE")
