"""The sample-data generator: reproducible, loadable, internally consistent and realistic enough."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import Severity, load
from workbench.resources import SAMPLE_FILES, sample_data_dir
from workbench.sample import (
    BUNDLED_CUSTOMERS,
    BUNDLED_SEED,
    DEFAULT_UNTIL,
    EVENTS_PER_CUSTOMER,
    FILES,
    generate,
    generate_frames,
    window,
)

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"


def read_bytes(paths: dict[str, Path]) -> dict[str, bytes]:
    return {kind: path.read_bytes() for kind, path in paths.items()}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return generate_frames(seed=7, customers=1500)


@pytest.fixture(scope="module")
def large() -> dict[str, pl.DataFrame]:
    return generate_frames(seed=11, customers=6000)


# ---------------------------------------------------------------- reproducibility and files


def test_same_seed_gives_identical_bytes(tmp_path):
    first = read_bytes(generate(tmp_path / "a", seed=3, customers=300))
    second = read_bytes(generate(tmp_path / "b", seed=3, customers=300))
    assert first == second
    assert set(first) == {"events", "subscriptions", "nps"}


def test_different_seeds_differ(tmp_path):
    first = read_bytes(generate(tmp_path / "a", seed=3, customers=300))
    second = read_bytes(generate(tmp_path / "b", seed=4, customers=300))
    assert all(first[kind] != second[kind] for kind in first)


def test_generate_writes_the_named_files_atomically(tmp_path):
    folder = tmp_path / "nested" / "out"
    paths = generate(folder, seed=1, customers=50)
    assert {p.name for p in paths.values()} == set(FILES.values()) == set(SAMPLE_FILES)
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES.values())  # no temp files left
    paths = generate(folder, seed=2, customers=50)  # overwriting is fine
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES.values())


def test_generate_refuses_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(NotADirectoryError):
        generate(target, customers=10)


def test_file_formats(tmp_path):
    paths = generate(tmp_path, seed=5, customers=200)
    events = paths["events"].read_text().splitlines()
    assert events[0] == "customer_id,timestamp,event,revenue,plan"
    assert re.fullmatch(r"C\d{5},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,login,,\w+", events[1])
    purchase = next(line for line in events if ",purchase," in line)
    assert re.fullmatch(r"C\d{5},[^,]+,purchase,\d+\.\d\d,\w+", purchase)
    assert paths["subscriptions"].read_text().splitlines()[0] == "customer_id,start_date,end_date,plan,mrr"
    assert paths["nps"].read_text().splitlines()[0] == "customer_id,response_date,score,comment"


def test_files_load_with_the_right_kinds_and_no_problems(tmp_path):
    paths = generate(tmp_path, seed=6, customers=400)
    result = load([str(p) for p in paths.values()])
    assert result.exit_status == 0
    assert {r.kind for r in result.reports} == {"events", "subscriptions", "nps"}
    for report in result.reports:
        assert report.problems == [], report.problems
        assert report.rows_kept == report.rows_read > 0
    assert {r.kind: r.columns for r in result.reports} == {
        "events": {"id": "customer_id", "time": "timestamp", "revenue": "revenue", "segment": "plan"},
        "subscriptions": {"id": "customer_id", "start": "start_date", "end": "end_date", "revenue": "mrr",
                          "segment": "plan"},
        "nps": {"id": "customer_id", "time": "response_date", "score": "score", "comment": "comment"},
    }
    assert result.datasets["subscriptions"].frame["end"].null_count() > 0  # empty end = still a customer
    assert result.datasets["events"].has_revenue


# ---------------------------------------------------------------- consistency


def test_window_is_24_full_months():
    assert window() == (date(2024, 11, 1), date(2026, 10, 31))
    assert window(date(2025, 6, 30)) == (date(2023, 7, 1), date(2025, 6, 30))
    assert window(date(2020, 2, 29)) == (date(2018, 3, 1), date(2020, 2, 29))


def test_ids_and_columns(frames):
    subs = frames["subscriptions"]
    assert subs["customer_id"].is_unique().all()
    assert subs["customer_id"].str.contains(r"^C\d{5}$").all()
    assert frames["events"].columns == ["customer_id", "timestamp", "event", "revenue", "plan"]
    assert set(frames["events"]["event"].unique()) == {"login", "view", "purchase"}
    assert set(subs["plan"].unique()) == {"basic", "pro", "team"}


def test_every_customer_has_events_and_starts_on_the_first(frames):
    firsts = frames["events"].group_by("customer_id").agg(
        first=pl.col("timestamp").min().dt.date(), last=pl.col("timestamp").max().dt.date())
    joined = frames["subscriptions"].join(firsts, on="customer_id", how="full", coalesce=True)
    assert joined.height == frames["subscriptions"].height == firsts.height
    assert (joined["start_date"] == joined["first"]).all()
    churned = joined.filter(pl.col("end_date").is_not_null())
    assert (churned["end_date"] > churned["last"]).all()  # no event on or after the end
    assert ((churned["end_date"] - churned["last"]).dt.total_days() <= 30).all()


def test_events_plan_matches_the_subscription(frames):
    joined = frames["events"].join(frames["subscriptions"], on="customer_id", suffix="_sub")
    assert (joined["plan"] == joined["plan_sub"]).all()


def test_everything_inside_the_window(frames):
    first, last = window(DEFAULT_UNTIL)
    ts = frames["events"]["timestamp"].dt.date()
    assert ts.min() >= first and ts.max() <= last
    subs = frames["subscriptions"]
    assert subs["start_date"].min() >= first
    assert subs["end_date"].drop_nulls().max() <= last
    assert frames["nps"]["response_date"].max() <= last


def test_revenue_only_on_purchases(frames):
    events = frames["events"]
    purchases = events.filter(pl.col("event") == "purchase")
    assert purchases["revenue"].null_count() == 0 and (purchases["revenue"] > 0).all()
    assert events.filter(pl.col("event") != "purchase")["revenue"].null_count() == events.height - purchases.height


def test_events_are_sorted_and_not_duplicated(frames):
    events = frames["events"]
    assert events["timestamp"].is_sorted()
    assert not events.is_duplicated().any()


def test_nps_respondents_are_customers_within_their_tenure(frames):
    nps = frames["nps"].join(frames["subscriptions"], on="customer_id", how="left")
    assert nps["start_date"].null_count() == 0  # every respondent is a customer
    assert (nps["response_date"] >= nps["start_date"]).all()
    ends = nps["end_date"].fill_null(DEFAULT_UNTIL)
    assert (nps["response_date"] <= ends).all()
    assert nps["score"].dtype.is_integer()
    assert nps["score"].is_between(0, 10).all()


def test_generate_frames_validates_arguments():
    with pytest.raises(ValueError):
        generate_frames(customers=0)
    tiny = generate_frames(seed=1, customers=1)
    assert tiny["subscriptions"].height == 1 and tiny["events"].height >= 1


def test_other_until(frames):
    other = generate_frames(seed=7, customers=200, until=date(2025, 6, 30))
    ts = other["events"]["timestamp"].dt.date()
    assert ts.min() >= date(2023, 7, 1) and ts.max() <= date(2025, 6, 30)


# ---------------------------------------------------------------- realism (loose bounds)


def _monthly_retention(events: pl.DataFrame) -> dict[int, float]:
    months = events.select("customer_id", m=pl.col("timestamp").dt.year() * 12 + pl.col("timestamp").dt.month())
    cohort = months.group_by("customer_id").agg(c=pl.col("m").min())
    active = months.unique().join(cohort, on="customer_id").with_columns(k=pl.col("m") - pl.col("c"))
    last = months["m"].max()
    out = {}
    for k in (1, 12):
        size = cohort.filter(pl.col("c") + k <= last).height
        out[k] = active.filter((pl.col("k") == k) & (pl.col("c") + k <= last)).height / size
    return out


def test_retention_drops_steeply_then_flattens(large):
    retention = _monthly_retention(large["events"])
    assert 0.38 <= retention[1] <= 0.58
    assert 0.12 <= retention[12] <= 0.28


def test_acquisition_grows(large):
    starts = large["subscriptions"]["start_date"]
    first_year = (starts < date(2025, 11, 1)).sum()
    assert starts.len() - first_year > 1.25 * first_year


def test_some_customers_come_back_after_a_gap(large):
    gaps = large["events"].sort("customer_id", "timestamp").group_by("customer_id", maintain_order=True).agg(
        longest=pl.col("timestamp").diff().max())
    assert (gaps["longest"] > timedelta(days=60)).sum() > 0.05 * gaps.height


def test_plans_differ_in_mrr_and_churn(large):
    by_plan = large["subscriptions"].group_by("plan").agg(
        churn=pl.col("end_date").is_not_null().mean(), mrr=pl.col("mrr").max()).sort("mrr")
    assert by_plan["plan"].to_list() == ["basic", "pro", "team"]
    assert by_plan["churn"].is_sorted(descending=True)


def test_nps_is_higher_for_customers_who_stay(large):
    nps = large["nps"].join(large["subscriptions"], on="customer_id")

    def score(frame: pl.DataFrame) -> float:
        return frame.select(((pl.col("score") >= 9).mean() - (pl.col("score") <= 6).mean()) * 100).item()

    stayed = score(nps.filter(pl.col("end_date").is_null()))
    left = score(nps.filter(pl.col("end_date").is_not_null()))
    assert stayed > left + 20
    tenure = (nps["response_date"] - nps["start_date"]).dt.total_days()
    assert nps.filter(tenure >= 180)["score"].mean() > nps.filter(tenure < 60)["score"].mean()


def test_events_per_customer_is_documented(large):
    per_customer = large["events"].height / large["subscriptions"].height
    assert 0.85 * EVENTS_PER_CUSTOMER <= per_customer <= 1.15 * EVENTS_PER_CUSTOMER


# ---------------------------------------------------------------- command line


def test_cli_writes_the_same_files_as_generate(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["sample", str(tmp_path / "cli"), "--seed", "9", "--customers", "250"])
    assert result.exit_code == 0, result.output
    for name in FILES.values():
        assert name in result.output
    assert "250 customers" in result.output
    expected = read_bytes(generate(tmp_path / "api", seed=9, customers=250))
    assert read_bytes({k: tmp_path / "cli" / n for k, n in FILES.items()}) == expected
    rows = len((tmp_path / "cli" / "events.csv").read_text().splitlines()) - 1
    assert f"{rows:,} rows" in result.output


def test_cli_output_passes_validate(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["sample", str(tmp_path), "--customers", "150"]).exit_code == 0
    result = runner.invoke(cli, ["validate", *(str(tmp_path / n) for n in FILES.values())])
    assert result.exit_code == 0, result.output
    assert "OK: no problems found." in result.output


def test_cli_refuses_an_existing_file(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("a,b\n")
    result = CliRunner().invoke(cli, ["sample", str(target)])
    assert result.exit_code == 2
    assert "not a folder" in result.output
    assert "Traceback" not in result.output
    assert target.read_text() == "a,b\n"


def test_cli_refuses_a_future_until(tmp_path):
    result = CliRunner().invoke(cli, ["sample", str(tmp_path), "--until", "2999-01-31"])
    assert result.exit_code == 2
    assert "future" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_until(tmp_path):
    result = CliRunner().invoke(cli, ["sample", str(tmp_path), "--customers", "100", "--until", "2025-03-31"])
    assert result.exit_code == 0, result.output
    assert "2023-04-01 to 2025-03-31" in result.output


# ---------------------------------------------------------------- the bundled sample data


def test_bundled_sample_data_is_reproducible(tmp_path):
    expected = read_bytes(generate(tmp_path, seed=BUNDLED_SEED, customers=BUNDLED_CUSTOMERS))
    actual = {kind: (SAMPLE_DATA / name).read_bytes() for kind, name in FILES.items()}
    assert actual == expected, ("sample_data/ is out of date: regenerate it with "
                                f"workbench sample sample_data --seed {BUNDLED_SEED} --customers {BUNDLED_CUSTOMERS}")


def test_bundled_sample_data_is_small_and_found():
    total = sum(p.stat().st_size for p in SAMPLE_DATA.iterdir() if p.is_file())
    assert total < 4.5 * 1024 * 1024
    assert sample_data_dir() in (SAMPLE_DATA, Path(__file__).resolve().parents[1] / "workbench" / "_sample_data")
    result = load([str(SAMPLE_DATA / name) for name in SAMPLE_FILES])
    assert result.exit_status == 0
    assert all(r.severity == Severity.NOTE and not r.problems for r in result.reports)
