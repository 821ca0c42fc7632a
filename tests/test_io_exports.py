"""Exports of the tools analysts use open with no options (issue 12).

Each file under tests/fixtures/exports/ is a small file written from the tool's documented export format (its
column names, nesting, date format and quirks, with made-up values). Each must open to the right kind and
columns; the readers it needs (nested JSON, wrapped JSON, .json.gz, survey header rows, ...) are tested here
on their own as well.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from workbench.io import LoadOptions, load

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
NOW = LoadOptions(now=datetime(2030, 1, 1))

# file, kind, the columns chosen (role -> column), exit status of `workbench validate`
CASES = [
    # event analytics
    ("mixpanel_export.jsonl", "events",
     {"id": "properties.distinct_id", "time": "properties.time", "revenue": "properties.amount"}, 0),
    ("amplitude_123456_2024-01-01_10#0.json.gz", "events", {"id": "amplitude_id", "time": "event_time"}, 0),
    ("posthog_batch_export.jsonl", "events", {"id": "person_id", "time": "timestamp"}, 0),
    ("posthog_events_export.csv", "events", {"id": "person.id", "time": "timestamp"}, 0),
    ("ga4_bigquery_events_20240101.json", "events",
     {"id": "user_pseudo_id", "time": "event_timestamp", "revenue": "ecommerce.purchase_revenue",
      "segment": "geo.country"}, 0),
    ("heap_all_events.csv", "events", {"id": "user_id", "time": "time"}, 0),
    # the anonymous event has no person id: dropped, with a warning, and the note offers anonymous_id
    ("segment_tracks.csv", "events", {"id": "user_id", "time": "timestamp"}, 1),
    ("rudderstack_tracks_snowflake.csv", "events", {"id": "USER_ID", "time": "TIMESTAMP"}, 0),
    ("snowplow_atomic_events.csv", "events", {"id": "domain_userid", "time": "derived_tstamp"}, 0),
    # billing and subscriptions
    ("stripe_subscriptions.csv", "subscriptions",
     {"id": "Customer ID", "start": "Start Date (UTC)", "end": "Ended At (UTC)", "revenue": "Amount"}, 0),
    ("chargebee_subscriptions.csv", "subscriptions",
     {"id": "subscriptions.customer_id", "start": "subscriptions.started_at", "end": "subscriptions.cancelled_at",
      "revenue": "subscriptions.mrr"}, 0),
    ("recurly_subscriptions.csv", "subscriptions",
     {"id": "account_code", "start": "activated_at", "end": "expires_at", "revenue": "unit_amount × quantity"}, 0),
    ("paddle_subscription_users.json", "subscriptions", {"id": "user_id", "start": "signup_date"}, 0),
    ("saas_subscriptions.csv", "subscriptions",
     {"id": "account_id", "start": "started_at", "end": "cancelled_at", "revenue": "mrr", "segment": "plan"}, 0),
    # NPS and surveys
    ("delighted_responses.csv", "nps",
     {"id": "Person ID", "time": "Response Date", "score": "Score", "comment": "Comment"}, 0),
    ("delighted_survey_responses.json", "nps", {"id": "person", "time": "created_at", "score": "score"}, 0),
    ("surveymonkey_responses.csv", "nps",
     {"id": "Email Address", "time": "End Date",
      "score": "How likely is it that you would recommend Acme to a friend or colleague?"}, 0),
    ("typeform_responses.csv", "nps",
     {"id": "email", "time": "Submit Date (UTC)",
      "score": "How likely are you to recommend Acme to a friend or colleague?"}, 0),
    ("qualtrics_responses.csv", "nps", {"id": "RecipientEmail", "time": "RecordedDate", "score": "Q1"}, 0),
    ("asknicely_responses.csv", "nps", {"id": "email", "time": "responded", "score": "answer"}, 0),
    ("wootric_responses.csv", "nps", {"id": "end_user_id", "time": "created_at", "score": "score",
                                      "comment": "text"}, 0),
    ("retently_responses.csv", "nps", {"id": "Email", "time": "Date", "score": "Score", "comment": "Feedback"}, 0),
    ("hotjar_nps_survey.csv", "nps",
     {"id": "Hotjar User ID", "time": "Date Submitted",
      "score": "How likely are you to recommend us to a friend?"}, 0),
    # practice datasets
    ("online_retail_II.csv", "events",
     {"id": "Customer ID", "time": "InvoiceDate", "revenue": "Price × Quantity", "segment": "Country"}, 0),
    ("olist_orders_dataset.csv", "events", {"id": "customer_id", "time": "order_purchase_timestamp"}, 0),
    ("btyd_cdnow_elog.csv", "events", {"id": "cust", "time": "date", "revenue": "sales"}, 0),
    ("kaggle_ecommerce_2019-Oct.csv", "events",
     {"id": "user_id", "time": "event_time", "revenue": "price on purchase events"}, 0),
    ("kkbox_transactions.csv", "events", {"id": "msno", "time": "transaction_date", "revenue": "actual_amount_paid"}, 0),
]


@pytest.mark.parametrize(("name", "kind", "columns", "status"), CASES, ids=[c[0] for c in CASES])
def test_export_opens_with_no_options(name: str, kind: str, columns: dict[str, str], status: int) -> None:
    result = load([str(EXPORTS / name)], NOW)
    (report,) = result.reports
    described = [p.describe() for p in report.problems]
    assert report.kind == kind, described
    assert {role: report.columns.get(role) for role in columns} == columns, described
    assert result.exit_status == status, described
    assert report.rows_kept > 0


def test_every_fixture_is_a_case() -> None:
    assert sorted(p.name for p in EXPORTS.iterdir()) == sorted(c[0] for c in CASES)


def frame(name: str):
    return load([str(EXPORTS / name)], NOW).datasets


def test_the_numbers_read_from_exports() -> None:
    """Spot checks that the values, not only the columns, are read right."""
    mixpanel = frame("mixpanel_export.jsonl")["events"].frame
    assert mixpanel["ts"].to_list()[0] == datetime(2024, 1, 1, 10)  # epoch seconds
    ga4 = frame("ga4_bigquery_events_20240101.json")["events"].frame
    assert ga4["ts"].to_list()[0] == datetime(2024, 1, 1, 10, 0, 0, 123456)  # epoch microseconds, as text
    retail = frame("online_retail_II.csv")["events"].frame
    assert retail["ts"].to_list()[0] == datetime(2009, 12, 1, 7, 45)  # 12/1/2009 7:45, month first
    assert retail["customer_id"].to_list()[0] == "13085"  # 13085.0 from a float column
    assert retail["revenue"].to_list()[0] == pytest.approx(83.4)  # 12 × 6.95
    assert retail["revenue"].to_list()[3] == pytest.approx(-35.4)  # a cancelled invoice: a negative line
    kkbox = frame("kkbox_transactions.csv")["events"].frame
    assert kkbox["ts"].to_list()[-1] == datetime(2017, 1, 31)  # 20170131
    surveys = frame("surveymonkey_responses.csv")["nps"].frame
    assert surveys["ts"].to_list() == [datetime(2023, 10, 2, 17, 29, 38), datetime(2023, 10, 3, 9, 4, 10)]
    assert surveys["score"].to_list() == [9, 3]
    qualtrics = frame("qualtrics_responses.csv")["nps"].frame
    assert qualtrics["score"].to_list() == [9, 2]  # the two rows under the names are not responses
    kaggle = frame("kaggle_ecommerce_2019-Oct.csv")["events"].frame
    assert kaggle["revenue"].to_list() == [None, None, 35.79, None]


def test_uci_online_retail_workbook_with_two_sheets(tmp_path: Path) -> None:
    path = tmp_path / "online_retail_II.xlsx"
    book = xlsxwriter.Workbook(path)
    when = book.add_format({"num_format": "m/d/yyyy h:mm"})
    for title, rows in (("Year 2009-2010", [("489434", 12, datetime(2009, 12, 1, 7, 45), 6.95, 13085.0)]),
                        ("Year 2010-2011", [("536365", 6, datetime(2010, 12, 1, 8, 26), 2.55, 17850.0)])):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price",
                               "Customer ID", "Country"])
        for number, (invoice, quantity, at, price, customer) in enumerate(rows, start=1):
            sheet.write_row(number, 0, [invoice, "85048", "LIGHTS", quantity])
            sheet.write_datetime(number, 4, at, when)
            sheet.write_row(number, 5, [price, customer, "United Kingdom"])
    book.close()
    result = load([str(path)], NOW)
    (report,) = result.reports
    assert report.columns["id"] == "Customer ID" and report.columns["revenue"] == "Price × Quantity"
    assert [p.code for p in report.problems if p.code == "other_sheets"] == ["other_sheets"]
    events = result.datasets["events"].frame
    assert events.row(0, named=True)["customer_id"] == "13085"
    assert events["ts"].to_list() == [datetime(2009, 12, 1, 7, 45)]


# ------------------------------------------------------------------ the readers the exports need


def test_records_wrapped_in_an_object_under_any_key(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"meta": {"page": 1}, "things": [{"user_id": "u1", "timestamp": "2024-01-01"},
                                                                {"user_id": "u2", "timestamp": "2024-01-02"}]}))
    assert load([str(path)], NOW).datasets["events"].frame["customer_id"].to_list() == ["u1", "u2"]


def test_a_json_object_without_records_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"meta": {"page": 1}, "error": {"code": 401}}, indent=2))
    result = load([str(path)], NOW)
    (problem,) = result.reports[0].problems
    assert (problem.code, problem.message) == ("no_records", "the JSON object holds no list of records")
    assert result.exit_status == 2


def test_gzipped_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"user_id":"u1","properties":{"time":1704103200}}\n'))
    result = load([str(path)], NOW)
    assert result.reports[0].columns == {"id": "user_id", "time": "properties.time"}
    assert result.datasets["events"].frame["ts"].to_list() == [datetime(2024, 1, 1, 10)]


def test_a_sep_line_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\nuser_id;timestamp;revenue\nu1;2024-01-01;3\nu2;2024-01-0x;4\n")
    result = load([str(path)], NOW)
    (report,) = result.reports
    assert report.columns == {"id": "user_id", "time": "timestamp", "revenue": "revenue"}
    (problem,) = report.problems
    assert (problem.code, problem.row, problem.line) == ("bad_date", 2, 4)


def test_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("user_id\ttimestamp\tcity\nu1\t2024-01-01\tZürich\n".encode("utf-16"))
    result = load([str(path)], NOW)
    assert result.exit_status == 0, [p.describe() for r in result.reports for p in r.problems]
    assert result.datasets["events"].frame["city"].to_list() == ["Zürich"]


def test_title_rows_above_an_excel_header(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Orders report, January 2024")
    sheet.write_row(2, 0, ["customer_id", "order_date", "amount"])
    sheet.write_row(3, 0, ["c1", "2024-01-05", 10])
    sheet.write_row(4, 0, ["c2", "2024-01-06", 12])
    book.close()
    result = load([str(path)], NOW)
    (report,) = result.reports
    assert report.columns == {"id": "customer_id", "time": "order_date", "revenue": "amount"}
    (note,) = report.problems
    assert (note.code, note.message) == (
        "title_rows", "the header is on row 3 of the sheet; the 2 rows above it (a title) were skipped")
    assert result.datasets["events"].frame["customer_id"].to_list() == ["c1", "c2"]


@pytest.mark.parametrize(("text", "expected"), [
    ("12/1/2009 7:45", datetime(2009, 12, 1, 7, 45)),
    ("07/02/2023 05:29:38 PM", datetime(2023, 7, 2, 17, 29, 38)),
    ("02 Oct 2023 17:44", datetime(2023, 10, 2, 17, 44)),
    ("20170131", datetime(2017, 1, 31)),
    ("1704103200123456", datetime(2024, 1, 1, 10, 0, 0, 123456)),
])
def test_date_formats_of_the_exports(tmp_path: Path, text: str, expected: datetime) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"user_id,timestamp\nu1,{text}\n")
    assert load([str(path)], NOW).datasets["events"].frame["ts"].to_list() == [expected]


def test_slash_dates_are_day_first_when_the_column_says_so(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("user_id,timestamp\nu1,01/02/2024 7:45\nu2,31/01/2024 10:00\n")
    ts = load([str(path)], NOW).datasets["events"].frame["ts"].to_list()
    assert ts == [datetime(2024, 2, 1, 7, 45), datetime(2024, 1, 31, 10)]


def test_nested_parquet_columns_are_flattened(tmp_path: Path) -> None:
    """GA4's BigQuery export as Parquet: records nested in structs."""
    import polars as pl

    path = tmp_path / "ga4.parquet"
    pl.DataFrame({
        "event_timestamp": [1704103200123456, 1706868000000001],
        "user_pseudo_id": ["1.1", "2.2"],
        "geo": [{"country": "France", "city": "Paris"}, {"country": "Spain", "city": "Madrid"}],
    }).write_parquet(path)
    result = load([str(path)], NOW)
    assert result.reports[0].columns == {"id": "user_pseudo_id", "time": "event_timestamp", "segment": "geo.country"}
    assert result.datasets["events"].frame["segment"].to_list() == ["France", "Spain"]
