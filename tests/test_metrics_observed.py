"""Periods are observed only up to the data's end (issue 13): an as-of later than the data invents no
complete periods, and a log of dates counts its last date as a whole day."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from references import dataset

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, PeriodSpec, analyze, cohort_triangle, flow, nps_summary
from workbench.metrics.observed import Observed, observed
from workbench.resources import sample_paths

MONTH = PeriodSpec("month")


def events(times: list[datetime], ids: list[str] | None = None) -> pl.DataFrame:
    ids = ids or [f"c{i % 3}" for i in range(len(times))]
    return pl.DataFrame({"customer_id": ids, "ts": times, "revenue": [10.0] * len(times)},
                        schema={"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64})


def test_observed_is_the_earlier_of_as_of_and_the_data_end():
    end = datetime(2024, 3, 10, 15, 0)
    assert observed(end, False, None) == Observed(end, False)
    assert observed(end, False, datetime(2025, 1, 1)) == Observed(end, False)
    assert observed(end, False, datetime(2024, 2, 1)) == Observed(datetime(2024, 2, 1), False)
    # a log of dates: the last date is a whole day, known up to the next midnight
    assert observed(datetime(1998, 6, 30), True, None) == Observed(datetime(1998, 7, 1), True)
    assert observed(datetime(1998, 6, 30), True, datetime(1998, 3, 31)) == Observed(datetime(1998, 4, 1), True)


def test_as_of_after_the_data_invents_no_periods_on_the_sample():
    result = load(sample_paths(), LoadOptions())
    plain = analyze(result.datasets, AnalysisOptions(period=MONTH))
    late = analyze(result.datasets, AnalysisOptions(period=MONTH, as_of=datetime(2027, 1, 1)))
    assert late.flow.rows == plain.flow.rows
    assert late.cohorts == plain.cohorts
    assert late.cltv == plain.cltv
    assert late.nps.by_period == plain.nps.by_period
    assert late.survival == plain.survival
    assert all(row.churned < row.CS for row in late.flow.rows)  # never 100 % churn from periods not seen
    assert any("ends on" in note and "not observed" in note for note in late.notes)
    assert not any("ends on" in note for note in plain.notes)


@pytest.mark.parametrize("kind", ["events", "subscriptions"])
def test_as_of_after_the_data_leaves_the_last_period_not_over(kind):
    if kind == "events":
        frame = events([datetime(2024, 1, 5, 9), datetime(2024, 2, 5, 9), datetime(2024, 3, 5, 9)])
    else:
        frame = pl.DataFrame({"customer_id": ["a", "b"], "start": [datetime(2024, 1, 5, 9), datetime(2024, 2, 5, 9)],
                              "end": [datetime(2024, 3, 5, 9), None], "revenue": [5.0, 5.0]},
                             schema={"customer_id": pl.String, "start": pl.Datetime("us"),
                                     "end": pl.Datetime("us"), "revenue": pl.Float64})
    opts = AnalysisOptions(period=MONTH, as_of=datetime(2024, 12, 31))
    rows = flow(dataset(kind, frame), opts).rows
    assert [r.period for r in rows] == ["2024-02", "2024-03"]  # not April … December
    assert rows[-1].complete is False
    triangle = cohort_triangle(dataset(kind, frame), opts)
    assert triangle.width == 3


def test_a_log_of_dates_counts_its_last_day_whole():
    # every timestamp at midnight: June 30 is a whole day, so June is over
    dates = events([datetime(2024, 4, 3), datetime(2024, 5, 3), datetime(2024, 6, 30), datetime(2024, 6, 30)],
                   ["a", "a", "a", "b"])
    rows = flow(dataset("events", dates), AnalysisOptions(period=MONTH)).rows
    assert rows[-1].period == "2024-06" and rows[-1].complete is True
    triangle = cohort_triangle(dataset("events", dates), AnalysisOptions(period=MONTH))
    assert triangle.rows[0].complete == (True, True, True)
    assert triangle.average[2] == 100.0  # June now counts in the average
    # the same log with a time of day on the last row: June 30 is not over at 10:00
    timed = events([datetime(2024, 4, 3), datetime(2024, 5, 3), datetime(2024, 6, 30), datetime(2024, 6, 30, 10)],
                   ["a", "a", "a", "b"])
    assert flow(dataset("events", timed), AnalysisOptions(period=MONTH)).rows[-1].complete is False
    # by day: the last date itself is over
    days = flow(dataset("events", dates), AnalysisOptions(period=PeriodSpec("day"))).rows
    assert days[-1].period == "2024-06-30" and days[-1].complete is True


def test_nps_answers_by_date_count_the_last_day_whole():
    frame = pl.DataFrame({"customer_id": ["a", "b"], "ts": [datetime(2024, 5, 2), datetime(2024, 5, 31)],
                          "score": [10, 3]}, schema={"customer_id": pl.String, "ts": pl.Datetime("us"),
                                                     "score": pl.Int64})
    summary = nps_summary(dataset("nps", frame), AnalysisOptions(period=MONTH))
    assert [(s.label, s.complete) for s in summary.by_period] == [("2024-05", True)]
    late = nps_summary(dataset("nps", frame), AnalysisOptions(period=MONTH, as_of=datetime(2024, 9, 1)))
    assert [s.label for s in late.by_period] == ["2024-05"]


def test_cdnow_june_1998_is_over(cdnow_path):
    result = load([str(cdnow_path)], LoadOptions())
    report = analyze(result.datasets, AnalysisOptions(period=MONTH))
    assert report.flow.rows[-1].period == "1998-06" and report.flow.rows[-1].complete
    assert all(report.cohorts.rows[0].complete)
