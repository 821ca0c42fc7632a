"""Roles detected from names and content (issue 12): a score holds whole numbers 0–10, an id repeats and is
filled in, a time parses; the person over the device; a response id is never the respondent; revenue is price
× quantity, and only on purchase events when an event type says so. What was chosen, and what else was
possible, is said in a note."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from workbench.io import LoadOptions, load

NOW = LoadOptions(now=datetime(2030, 1, 1))


def loaded(tmp_path: Path, text: str, name: str = "data.csv", **options):
    path = tmp_path / name
    path.write_text(text)
    result = load([str(path)], LoadOptions(now=datetime(2030, 1, 1), **options))
    (report,) = result.reports
    return result, report


def notes(report) -> dict[str, str]:
    return {p.column: p.message for p in report.problems if p.code in ("column_choice", "derived_revenue")}


def test_the_person_is_preferred_to_the_device_and_the_choice_is_said(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "distinct_id,person_id,timestamp\nd1,p1,2024-01-01\nd2,p1,2024-01-02\n")
    assert result.exit_status == 0
    assert report.columns["id"] == "person_id"
    assert notes(report)["person_id"] == "id: person_id; also possible: distinct_id (--id distinct_id)"
    assert result.datasets["events"].frame["customer_id"].to_list() == ["p1", "p1"]


def test_a_person_id_empty_in_most_rows_gives_way_to_one_always_filled(tmp_path: Path) -> None:
    """Amplitude: user_id is null until the user signs in; amplitude_id is always there."""
    rows = "".join(f"{'' if i % 3 else 'u' + str(i)},{100 + i // 2},2024-01-0{i % 9 + 1}\n" for i in range(9))
    result, report = loaded(tmp_path, "user_id,amplitude_id,event_time\n" + rows)
    assert report.columns["id"] == "amplitude_id"
    assert notes(report)["amplitude_id"].startswith("id: amplitude_id; also possible: user_id (--id user_id)")
    assert result.exit_status == 0


def test_of_two_person_ids_the_one_that_repeats_is_the_customer(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "customer_id,user_id,timestamp\nc1,u1,2024-01-01\nc2,u1,2024-01-02\n"
                                      "c3,u2,2024-01-03\n")
    assert report.columns["id"] == "user_id"
    assert result.exit_status == 0


def test_a_response_id_is_never_the_respondent(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "Response ID,Email,Score,Date\nr1,a@x.io,9,2024-01-01\nr2,b@x.io,3,2024-01-02\n")
    assert report.kind == "nps"
    assert report.columns["id"] == "Email"


def test_a_time_column_that_does_not_parse_gives_way_to_one_that_does(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "user_id,time,date\nu1,morning,2024-01-01\nu2,evening,2024-01-02\n")
    assert report.columns["time"] == "date"
    assert result.exit_status == 0


def test_a_time_name_that_never_parses_is_still_chosen_and_reported(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "user_id,timestamp\nu1,morning\nu2,2024-01-02\n")
    assert report.columns["time"] == "timestamp"
    assert [p.code for p in report.problems] == ["bad_date"]


def test_a_score_named_after_the_question_is_found_by_its_values(tmp_path: Path) -> None:
    """Typeform names the column after the question."""
    question = "How likely are you to recommend us to a friend?"
    result, report = loaded(tmp_path, f'email,"{question}",Submit Date (UTC)\na@x.io,9,2024-01-01 10:00:00\n'
                                      "b@x.io,0,2024-01-02 11:00:00\n")
    assert report.kind == "nps"
    assert report.columns == {"id": "email", "time": "Submit Date (UTC)", "score": question}
    assert result.datasets["nps"].frame["score"].to_list() == [9, 0]


@pytest.mark.parametrize(("values", "kind"), [(["4", "10"], "nps"), (["4", "47"], "events"), (["4.5", "3"], "events")])
def test_a_rating_is_a_score_only_when_it_holds_whole_numbers_0_to_10(tmp_path: Path, values: list[str],
                                                                       kind: str) -> None:
    _, report = loaded(tmp_path, "user_id,date,rating\n" + "".join(f"u{i},2024-01-0{i + 1},{v}\n"
                                                                    for i, v in enumerate(values)))
    assert report.kind == kind


def test_revenue_is_price_times_quantity(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "Invoice,Quantity,InvoiceDate,Price,Customer ID\n"
                                      "489434,12,12/1/2009 7:45,6.95,13085\n489434,2,12/1/2009 7:45,abc,13085\n"
                                      "C489449,-1,12/1/2009 10:33,2.10,16321\n")
    assert report.columns["revenue"] == "Price × Quantity"
    assert notes(report)["Price × Quantity"] == ("revenue is Price × Quantity on each row (Price is the price of "
                                                 "one unit)")
    frame = result.datasets["events"].frame
    assert frame["revenue"].to_list() == [pytest.approx(83.4), pytest.approx(-2.1)]
    (returns,) = [p for p in report.problems if p.code == "negative_quantity"]
    assert returns.message == ("1 line has a negative Quantity (returns or cancellations); their revenue is "
                               "negative and is subtracted from the period's revenue, and they still count as activity")
    (bad,) = [p for p in report.problems if p.code == "bad_number"]
    assert (bad.row, bad.column) == (2, "Price × Quantity") and "'abc'" in bad.message


def test_a_revenue_column_given_by_option_is_taken_as_it_is(tmp_path: Path) -> None:
    result, report = loaded(tmp_path, "user_id,date,price,quantity\nu1,2024-01-01,2,3\n", revenue="price")
    assert report.columns["revenue"] == "price"
    assert result.datasets["events"].frame["revenue"].to_list() == [2.0]


def test_only_purchase_events_carry_revenue(tmp_path: Path) -> None:
    """The Kaggle e-commerce log: every event carries the product's price."""
    result, report = loaded(tmp_path, "event_time,event_type,product_id,price,user_id\n"
                                      "2019-10-01 00:00:00 UTC,view,1,10.5,u1\n2019-10-01 00:01:00 UTC,cart,1,10.5,u1\n"
                                      "2019-10-01 00:02:00 UTC,purchase,1,10.5,u1\n")
    assert report.columns["revenue"] == "price on purchase events"
    assert notes(report)["price on purchase events"] == (
        "revenue is price on purchase events only (event_type says which); other events ('view', 'cart') carry a "
        "price that was not paid")
    assert result.datasets["events"].frame["revenue"].to_list() == [None, None, 10.5]
    assert result.exit_status == 0


def test_an_event_log_with_revenue_only_on_purchases_is_left_alone(tmp_path: Path) -> None:
    _, report = loaded(tmp_path, "customer_id,timestamp,event,revenue\nc1,2024-01-01,login,\nc1,2024-01-02,purchase,9\n")
    assert report.columns["revenue"] == "revenue" and report.problems == []


def test_stripe_ends_when_it_ended_not_when_it_was_canceled(tmp_path: Path) -> None:
    _, report = loaded(tmp_path, "id,Customer ID,Created (UTC),Start Date (UTC),Canceled At (UTC),Ended At (UTC)\n"
                                 "sub_1,cus_1,2024-01-01 10:00,2024-01-01 10:00,2024-02-10 08:00,2024-03-01 00:00\n")
    assert report.kind == "subscriptions"
    assert report.columns["end"] == "Ended At (UTC)"
    assert notes(report)["Ended At (UTC)"] == ("end: Ended At (UTC); also possible: Canceled At (UTC) "
                                               "(--end 'Canceled At (UTC)')")
