"""`workbench report`: formats, options, problems on stderr and validate's exit status."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workbench.cli import cli

EVENTS = """user_id,timestamp,amount
a,2024-01-05,10
a,2024-02-10,20
a,2024-04-01,5
b,2024-01-20,30
c,2024-02-01,40
c,2024-03-15,10
d,2024-03-31T23:59:00,15
"""
SUBS = """customer_id,start_date,end_date,mrr
a,2024-01-05,2024-02-10,10
b,2024-01-20,,20
c,2024-02-01,2024-03-01,30
d,2024-02-03,2024-02-20,40
"""
NPS = """respondent_id,response_date,score
a,2024-01-03,10
b,2024-01-04,3
c,2024-02-07,9
"""


@pytest.fixture
def data(tmp_path):
    for name, text in (("events.csv", EVENTS), ("subscriptions.csv", SUBS), ("nps.csv", NPS)):
        (tmp_path / name).write_text(text)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["report", *map(str, args)], env={"COLUMNS": "80"})


def test_json_events(data):
    result = run(data / "events.csv", "--format", "json", "--as-of", "2024-05-01")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["kind"], out["period"], out["as_of"]) == ("events", "month", "2024-05-01T00:00:00")
    first = {k: v for k, v in out["cohorts"][0].items() if k not in ("ci_lower", "ci_upper", "too_wide")}
    assert first == {"cohort": "2024-01", "size": 2, "active": [2, 1, 0, 1],
                     "retention": [100.0, 50.0, 0.0, 50.0], "complete": [True, True, True, False]}
    assert out["cohorts"][0]["too_wide"] == [True] * 4  # 2 customers: too few to say anything
    # the log ends on Apr 1 00:00: as of May 1, April is not observed to its end, and the notes say so
    assert any("ends on 2024-04-01" in note for note in out["notes"])
    apr = out["flow"][-1]
    assert (apr["period"], apr["CS"], apr["CE"], apr["resurrected"], apr["quick_ratio"]) == ("2024-04", 2, 1, 1, 0.5)
    assert "new_lost" not in apr
    assert out["cltv"]["margin_is_default"] is True


def test_json_all_kinds_and_subscriptions(data):
    result = run(data, "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["kinds"] == ["events", "subscriptions", "nps"] and out["kind"] == "events"
    assert out["nps"]["responses"] == 3 and "by_period" in out["nps"]
    subs = json.loads(run(data / "subscriptions.csv", "--format", "json", "--as-of", "2024-03-15").stdout)
    feb = subs["flow"][0]
    assert (feb["period"], feb["CS"], feb["CN"], feb["CE"], feb["new_lost"]) == ("2024-02", 2, 2, 1, 2)
    assert "resurrected" not in feb


def test_table_fits_80_columns(data):
    result = run(data, "--period", "week")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("Cohort retention" in line for line in lines)
    assert any("CRR is" in line for line in lines) or "CRR is" in result.stdout.replace("\n", " ")
    assert "gross margin of 100%" in result.stdout


def test_week_start_and_period_labels(data):
    monday = json.loads(run(data / "events.csv", "--format", "json", "--period", "week").stdout)
    sunday = json.loads(run(data / "events.csv", "--format", "json", "--period", "week",
                            "--week-start", "sunday").stdout)
    assert monday["cohorts"][0]["cohort"] == "2024-01-01"  # Monday Jan 1
    assert sunday["cohorts"][0]["cohort"] == "2023-12-31"  # the Sunday before
    quarter = json.loads(run(data / "events.csv", "--format", "json", "--period", "quarter").stdout)
    assert [c["cohort"] for c in quarter["cohorts"]] == ["2024-Q1"]


def test_csv_sections(data):
    result = run(data, "--format", "csv")
    assert result.exit_code == 0
    titles = [line for line in result.stdout.splitlines() if line.startswith("# ")]
    assert titles[0].startswith("# report,kinds=events+subscriptions+nps,period=month")
    assert titles[1:5] == ["# cohorts", "# cohort_counts", "# flow", "# nps"]
    flow_part = result.stdout.split("# flow\n")[1].split("\n\n")[0]
    rows = list(csv.DictReader(io.StringIO(flow_part)))
    assert rows[0]["period"] == "2024-02" and rows[0]["CS"] == "2"


def test_markdown(data):
    result = run(data / "events.csv", "--format", "markdown", "--retention", "unbounded", "--margin", "0.3")
    assert result.exit_code == 0
    assert "## Cohort retention % by month" in result.stdout
    assert "| cohort | size | +0 |" in result.stdout
    assert "margin 30%" in result.stdout


def test_problems_go_to_stderr_and_exit_status(data, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(EVENTS + "e,not a date,5\n")
    result = run(bad, "--format", "json")
    assert result.exit_code == 1
    assert "bad_date" in result.stderr
    assert json.loads(result.stdout)["kind"] == "events"
    missing = run(tmp_path / "nope.csv")
    assert missing.exit_code == 2 and "Unusable" in missing.stderr


def test_bad_options(data):
    assert run(data, "--as-of", "yesterday").exit_code == 2
    assert run(data, "--period", "fortnight").exit_code == 2
    assert run(data, "--margin", "0").exit_code == 2


def test_long_histories_are_cut_in_tables_not_in_json(data):
    result = run(data / "events.csv", "--period", "day")
    assert result.exit_code == 0
    assert "showing the latest 36 of 87 periods (days)" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    full = json.loads(run(data / "events.csv", "--period", "day", "--format", "json").stdout)
    assert len(full["flow"]) == 87


def test_as_of_with_offset_is_converted_to_tz(data):
    out = json.loads(run(data / "events.csv", "--format", "json", "--tz", "Europe/Paris",
                         "--as-of", "2024-04-30T22:00:00+00:00").stdout)
    assert out["as_of"] == "2024-05-01T00:00:00"
    early = json.loads(run(data / "events.csv", "--format", "json", "--as-of", "2023-01-01").stdout)
    assert early["cohorts"] == [] and any("nothing to count" in n for n in early["notes"])


def test_a_daily_report_over_decades_stops_early_and_names_a_better_period(tmp_path):
    """30 years by day would be a 60-million-cell triangle: one clear message and exit 2, not a memory death."""
    (tmp_path / "long.csv").write_text("user_id,timestamp\na,1994-01-03\nb,2024-01-05\na,2024-02-01\n")
    result = run(tmp_path / "long.csv", "--period", "day", "--format", "json")
    assert result.exit_code == 2
    assert "the data spans 10,987 days (1994-01-03 to 2024-02-01)" in result.stderr
    assert "use --period week (1,570 weeks)" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert run(tmp_path / "long.csv", "--period", "week", "--format", "json").exit_code == 0
