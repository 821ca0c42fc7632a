"""The three kinds of data: detected from the column names, forced with --kind, and their canonical columns."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import LoadOptions, load
from workbench.io.columns import ColumnError, guess_kind, map_columns, normalise


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def load_ok(path: str, **options):
    result = load([path], LoadOptions(**options))
    assert result.exit_status == 0, [p.describe() for r in result.reports for p in r.problems]
    (dataset,) = result.datasets.values()
    return dataset, result.reports[0]


# ------------------------------------------------------------------ detected


def test_events_detected(tmp_path: Path):
    ds, report = load_ok(write(tmp_path, "user_id,timestamp,revenue,country\nu1,2024-01-01T10:00:00,9.5,FR\n"))
    assert ds.kind == "events" and report.kind == "events"
    assert ds.frame.schema == pl.Schema({"customer_id": pl.String, "ts": pl.Datetime("us"), "revenue": pl.Float64,
                                         "segment": pl.String})
    assert ds.has_revenue


def test_events_without_revenue(tmp_path: Path):
    ds, _ = load_ok(write(tmp_path, "distinct_id,event_time,event\nu1,2024-01-01,login\n"))
    assert ds.frame.columns == ["customer_id", "ts", "event"]
    assert not ds.has_revenue


def test_subscriptions_detected(tmp_path: Path):
    ds, report = load_ok(write(tmp_path, "account_id,start_date,end_date,plan,mrr\n"
                                         "a1,2023-01-01,,pro,49\na2,2023-02-15,2023-08-15,basic,9.5\n"))
    assert ds.kind == "subscriptions"
    assert report.columns == {"id": "account_id", "start": "start_date", "end": "end_date", "revenue": "mrr",
                              "segment": "plan"}
    assert ds.frame.to_dicts() == [
        {"customer_id": "a1", "start": datetime(2023, 1, 1), "end": None, "revenue": 49.0, "segment": "pro"},
        {"customer_id": "a2", "start": datetime(2023, 2, 15), "end": datetime(2023, 8, 15), "revenue": 9.5,
         "segment": "basic"},
    ]


def test_subscriptions_without_end_column_are_all_active(tmp_path: Path):
    ds, _ = load_ok(write(tmp_path, "customer_id,signup_date\nc1,2023-01-01\n"))
    assert ds.kind == "subscriptions"
    assert "end" not in ds.frame.columns or ds.frame["end"].null_count() == ds.frame.height


def test_end_equal_to_start_is_allowed(tmp_path: Path):
    ds, _ = load_ok(write(tmp_path, "customer_id,start,end\nc1,2023-01-01,2023-01-01\n"))
    assert ds.frame["end"].to_list() == [datetime(2023, 1, 1)]


def test_nps_detected(tmp_path: Path):
    ds, report = load_ok(write(tmp_path, "respondent_id,response_date,score,comment,segment\n"
                                         "r1,2024-01-01,10,great,smb\nr2,2024-01-02,0,,ent\nr3,2024-01-03,7.0,ok,smb\n"))
    assert ds.kind == "nps"
    assert report.columns == {"id": "respondent_id", "time": "response_date", "score": "score", "comment": "comment",
                              "segment": "segment"}
    assert ds.frame["score"].dtype == pl.Int8
    assert ds.frame["score"].to_list() == [10, 0, 7]
    assert ds.frame["comment"].to_list() == ["great", None, "ok"]
    assert set(ds.frame.columns) == {"customer_id", "ts", "score", "comment", "segment"}


def test_nps_from_parquet_with_integer_scores(tmp_path: Path):
    path = tmp_path / "nps.parquet"
    pl.DataFrame({"user_id": ["a", "b"], "submitted_at": [datetime(2024, 1, 1), datetime(2024, 1, 2)],
                  "nps_score": pl.Series([9, 3], dtype=pl.Int64)}).write_parquet(path)
    ds, _ = load_ok(str(path))
    assert ds.kind == "nps"
    assert ds.frame["score"].to_list() == [9, 3]


@pytest.mark.parametrize("header,kind", [
    ("Customer ID,Order Date,Sales", "events"),
    ("customerId,eventTimestamp", "events"),
    ("CUSTOMER-ID,timestamp", "events"),
    ("user,date", "events"),
    ("email,created_at", "events"),
    ("client_id,purchase_date,amount", "events"),
    ("member_id,started_at,cancelled_at", "subscriptions"),
    ("subscriber_id,subscribed_at,churn_date,monthly_revenue,tier", "subscriptions"),
    ("user_id,signup_date", "subscriptions"),
    ("respondent,survey_date,likelihood_to_recommend,feedback", "nps"),
    ("uid,submitted_at,nps", "nps"),
    ("id,date,rating", "nps"),
])
def test_common_column_names_are_recognised(header: str, kind: str):
    columns = header.split(",")
    assert guess_kind(columns) == kind
    cmap = map_columns("f.csv", columns, None, {})
    assert cmap.kind == kind
    assert cmap.get("id") == columns[0]
    assert cmap.get("time" if kind != "subscriptions" else "start") == columns[1]


@pytest.mark.parametrize("name,expected", [
    ("Customer ID", "customer_id"), ("customerId", "customer_id"), ("customer-id", "customer_id"),
    ("  User_ID ", "user_id"), ("EVENT TIME", "event_time"),
])
def test_normalise(name: str, expected: str):
    assert normalise(name) == expected


def test_first_tier_wins_over_second(tmp_path: Path):
    ds, report = load_ok(write(tmp_path, "id,customer_id,timestamp,date\n1,c1,2024-01-01T10:00:00,2023-01-01\n"))
    assert report.columns["id"] == "customer_id"
    assert report.columns["time"] == "timestamp"
    assert ds.frame["customer_id"].to_list() == ["c1"]


# ------------------------------------------------------------------ forced


def test_subscriptions_forced_as_events_with_time_override(tmp_path: Path):
    path = write(tmp_path, "customer_id,start_date,end_date\nc1,2023-01-01,2023-02-01\nc2,2023-03-01,\n")
    ds, report = load_ok(path, kind="events", time="start_date")
    assert ds.kind == "events"
    assert report.columns == {"id": "customer_id", "time": "start_date"}
    assert ds.frame["ts"].to_list() == [datetime(2023, 1, 1), datetime(2023, 3, 1)]


def test_nps_forced_as_events_ignores_scores(tmp_path: Path):
    ds, _ = load_ok(write(tmp_path, "respondent_id,response_date,score\nr1,2024-01-01,11\n"), kind="events")
    assert ds.kind == "events"
    assert "score" not in ds.frame.columns


def test_events_forced_as_subscriptions(tmp_path: Path):
    ds, _ = load_ok(write(tmp_path, "user_id,created_at\nu1,2024-01-01\n"), kind="subscriptions")
    assert ds.kind == "subscriptions"
    assert ds.frame["start"].to_list() == [datetime(2024, 1, 1)]


def test_events_forced_as_nps_with_overrides(tmp_path: Path):
    path = write(tmp_path, "who,when,stars\nu1,2024-01-01,8\n")
    ds, report = load_ok(path, kind="nps", id="who", time="when", score="stars")
    assert report.columns == {"id": "who", "time": "when", "score": "stars"}
    assert ds.frame["score"].to_list() == [8]


def test_every_override(tmp_path: Path):
    path = write(tmp_path, "a,b,c,d\nx,2023-01-01,2023-06-01,12\n")
    ds, report = load_ok(path, kind="subscriptions", id="a", start="b", end="c", revenue="d")
    assert report.columns == {"id": "a", "start": "b", "end": "c", "revenue": "d"}
    assert ds.frame.row(0) == ("x", datetime(2023, 1, 1), datetime(2023, 6, 1), 12.0)


def test_override_resolves_ambiguity(tmp_path: Path):
    path = write(tmp_path, "user_id,customer_id,timestamp\nu1,c1,2024-01-01\n")
    assert load([path]).exit_status == 2
    ds, _ = load_ok(path, id="user_id")
    assert ds.frame["customer_id"].to_list() == ["u1"]
    assert "customer_id" not in ds.frame.columns[1:]


def test_ambiguous_optional_column_is_a_warning_not_an_error(tmp_path: Path):
    result = load([write(tmp_path, "user_id,timestamp,revenue,amount\nu1,2024-01-01,1,2\n")])
    assert result.exit_status == 1
    (problem,) = result.reports[0].problems
    assert (problem.code, problem.column) == ("ambiguous_column", "revenue")
    assert "--revenue" in problem.fix
    assert result.datasets["events"].frame.height == 1


def test_map_columns_raises_with_every_problem():
    with pytest.raises(ColumnError) as info:
        map_columns("f.csv", ["foo", "bar"], "nps", {})
    assert [p.code for p in info.value.problems] == ["missing_column"] * 3
    assert {"--id" in p.fix for p in info.value.problems} == {True, False}


def test_missing_column_message_lists_the_columns(tmp_path: Path):
    result = load([write(tmp_path, "who,when\nu1,2024-01-01\n")])
    messages = [p.message for p in result.reports[0].problems]
    assert any("who, when" in m for m in messages)
    assert {p.code for p in result.reports[0].problems} == {"missing_column"}


# ------------------------------------------------------------------ the same through the command line


@pytest.mark.parametrize("text,args,kind", [
    ("user_id,timestamp\nu1,2024-01-01\n", (), "events"),
    ("customer_id,start_date,end_date\nc1,2023-01-01,\n", (), "subscriptions"),
    ("respondent_id,response_date,score\nr1,2024-01-01,9\n", (), "nps"),
    ("customer_id,start_date,end_date\nc1,2023-01-01,\n", ("--kind", "events", "--time", "start_date"), "events"),
    ("user_id,timestamp\nu1,2024-01-01\n", ("--kind", "subscriptions", "--start", "timestamp"), "subscriptions"),
    ("user_id,timestamp,x\nu1,2024-01-01,3\n", ("--kind", "nps", "--score", "x"), "nps"),
])
def test_validate_reports_the_kind(tmp_path: Path, text: str, args: tuple[str, ...], kind: str):
    path = write(tmp_path, text)
    result = CliRunner().invoke(cli, ["validate", path, *args])
    assert result.exit_code == 0, result.output
    assert f"{path}: {kind} (CSV)" in result.output


def test_unknown_kind_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["validate", write(tmp_path, "a\n1\n"), "--kind", "orders"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "orders" in result.output


def test_segment_and_comment_overrides(tmp_path: Path):
    path = write(tmp_path, "respondent_id,response_date,score,why,bucket,plan\nr1,2024-01-01,9,fast,b1,pro\n")
    ds, report = load_ok(path, comment="why", segment="bucket")
    assert report.columns["comment"] == "why" and report.columns["segment"] == "bucket"
    assert ds.frame.select("comment", "segment").row(0) == ("fast", "b1")
    result = CliRunner().invoke(cli, ["validate", path, "--segment", "bucket", "--comment", "why"])
    assert result.exit_code == 0, result.output
    assert "comment=why, segment=bucket" in result.output


# ------------------------------------------------------------------ column options imply the kind


@pytest.mark.parametrize("text,options,kind", [
    ("customer_id,start_date,end_date\nc1,2023-01-01,2023-02-01\n", {"time": "start_date"}, "events"),
    ("user_id,timestamp,stars\nu1,2024-01-01,9\n", {"score": "stars"}, "nps"),
    ("user_id,timestamp,gone\nu1,2024-01-01,2024-02-01\n", {"start": "timestamp", "end": "gone"}, "subscriptions"),
    ("user_id,created_at,gone\nu1,2024-01-01,2024-02-01\n", {"end": "gone"}, "subscriptions"),
    ("respondent_id,response_date,score\nr1,2024-01-01,9\n", {"time": "response_date"}, "nps"),
])
def test_column_options_imply_the_kind(tmp_path: Path, text: str, options: dict, kind: str):
    result = load([write(tmp_path, text)], LoadOptions(**options))
    assert list(result.datasets) == [kind], [p.describe() for r in result.reports for p in r.problems]
    assert result.exit_status == 0


def test_option_that_does_not_apply_to_the_forced_kind_is_noted(tmp_path: Path):
    path = write(tmp_path, "user_id,timestamp,gone\nu1,2024-01-01,2024-02-01\n")
    result = load([path], LoadOptions(kind="events", end="gone"))
    assert result.exit_status == 0
    (problem,) = result.reports[0].problems
    assert (problem.code, problem.column) == ("unused_option", "gone")
    assert "--end" in problem.message and "--kind" in problem.fix


def test_a_column_named_in_an_option_is_not_auto_picked_for_another_role(tmp_path: Path):
    # "created" is a second-tier start name; named as the end it must not also become the start
    path = write(tmp_path, "customer_id,signup_date,created\nc1,2023-01-01,2023-05-01\n")
    ds, report = load_ok(path, end="created")
    assert report.columns["start"] == "signup_date" and report.columns["end"] == "created"
    path = write(tmp_path, "customer_id,created\nc1,2023-01-01\n", "b.csv")
    result = load([path], LoadOptions(kind="subscriptions", end="created"))
    assert [p.code for p in result.reports[0].problems] == ["missing_column"]
