"""The app on a ready-made cohort table (kind cohorts): the triangle, stepping with n/p, the formula with what
the table cannot tell said, panels and Enter that say so instead of failing; and `report` on the same table."""

from __future__ import annotations

import json

from app_support import ready, run_async
from click.testing import CliRunner
from rich.text import Text

from workbench.cli import cli
from workbench.io import load
from workbench.metrics import analyze
from workbench.present.table import EMPTY
from workbench.ui.app import RetentionApp
from workbench.ui.churn_panel import ChurnPanel
from workbench.ui.cltv_panel import CltvPanel
from workbench.ui.cohort_table import CohortTable
from workbench.ui.customers_screen import CustomersScreen
from workbench.ui.flow_view import FlowView
from workbench.ui.formula_panel import FormulaPanel

TABLE = ("cohort,size,Month 0,Month 1,Month 2,Month 3\n"
         "2024-01,100,100,40,30,25\n"
         "2024-02,80,80,30,20,\n"
         "2024-03,120,120,50,,\n"
         "2024-04,90,90,,,\n")


def plain(widget) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def write_table(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cohorts.csv").write_text(TABLE)
    return ["cohorts.csv"]


@run_async
async def test_the_app_opens_a_cohort_table_steps_and_says_what_it_cannot_tell(tmp_path, monkeypatch):
    files = write_table(tmp_path, monkeypatch)
    rows = analyze(load(files).datasets).flow.rows
    # CE: Feb 40 + 80, Mar 30 + 30 + 120, Apr 25 + 20 + 50 + 90
    assert [(r.CS, r.CN, r.CE) for r in rows] == [(100, 80, 120), (120, 120, 180), (180, 90, 185)]
    app = RetentionApp(files)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        assert app.query_one(CohortTable).triangle.kind == "cohorts"
        assert app.main.period == 2
        text = plain(app.query_one(FormulaPanel))
        assert "CRR = ((CE − CN) / CS) × 100 = ((185 − 90) / 180) × 100 = 52.8 %" in text
        assert f"Starting customers kept: {EMPTY} of 180" in text and f"churned {EMPTY} (unknown)" in text
        assert "cannot tell who of the 180 customers at the start of 2024-04 stayed" in text
        await pilot.press("p")
        assert app.main.period == 1
        assert "((180 − 120) / 120) × 100 = 50.0 %" in plain(app.query_one(FormulaPanel))
        await pilot.press("p", "p")
        assert app.main.period == 0 and app.main.check_action("prev_period", ()) is None
        assert "((120 − 80) / 100) × 100 = 40.0 %" in plain(app.query_one(FormulaPanel))
        await pilot.press("n")
        assert app.main.period == 1
        await pilot.press("enter")  # the customers behind a cell: a table has none, and says so
        await ready(app, pilot)
        assert not isinstance(app.screen, CustomersScreen)
        assert any("no ids behind its numbers" in str(n.message) for n in app._notifications)
        await pilot.press("2")
        flow = app.query_one(FlowView)
        assert flow.row_count == 3 and EMPTY in [str(c) for c in flow.get_row_at(1)]
        await pilot.press("enter")  # who churned: unknown, said
        await ready(app, pilot)
        assert not isinstance(app.screen, CustomersScreen)
        await pilot.press("3")
        assert "cannot tell" in "\n".join(plain(s) for s in app.query_one(ChurnPanel).query("Static"))
        await pilot.press("5")
        assert "cohort table has no revenue" in "\n".join(plain(s) for s in app.query_one(CltvPanel).query("Static"))
        await pilot.press("1", "t")  # another period: refused with the period to pass, the table stays
        await ready(app, pilot)
        assert any("is not a quarter" in str(n.message) and "--period month" in str(n.message)
                   for n in app._notifications)
        assert app.query_one(CohortTable).triangle.kind == "cohorts"
        assert "computing" not in plain(app.main.status) and "by month" in plain(app.main.status)
        assert app.settings.unit == "month"


def test_report_on_a_cohort_table(tmp_path, monkeypatch):
    files = write_table(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["report", *files, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["kind"], out["period"], out["cohort_kind"]) == ("cohorts", "month", "cohorts")
    assert out["cohorts"][0] == {"cohort": "2024-01", "size": 100, "active": [100, 40, 30, 25],
                                 "retention": [100.0, 40.0, 30.0, 25.0], "complete": [True, True, True, False]}
    assert out["flow"][0] == {
        "period": "2024-02", "CS": 100, "CN": 80, "CE": 120, "retained": None, "churned": None, "crr": 40.0,
        "churn_rate": None, "starting_retention": None, "complete": True,
        "explanation": "A cohort table cannot tell who of the 100 customers at the start of 2024-02 stayed: CE − CN "
                       "(40) counts the customers of earlier cohorts active in 2024-02, whether or not they were "
                       "active in 2024-01, so kept and churned are unknown."}
    assert "cltv" not in out
    result = CliRunner().invoke(cli, ["report", *files, "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "Retention report: cohorts (a ready-made cohort table)" in result.stdout
    assert "2024-04~" in result.stdout and "cannot tell who of the CS customers stayed" in result.stdout
    for chart in ("retention", "flow"):
        drawn = CliRunner().invoke(cli, ["report", *files, "--chart", chart, "--width", "80", "--height", "20"])
        assert drawn.exit_code == 0, drawn.output
    churn = CliRunner().invoke(cli, ["report", *files, "--chart", "churn"])
    assert churn.exit_code == 2 and "a cohort table cannot tell" in churn.output
    wrong = CliRunner().invoke(cli, ["report", *files, "--period", "week"])
    assert wrong.exit_code == 2
    assert "cohort label '2024-01' is not a week" in wrong.output and "pass --period month" in wrong.output


@run_async
async def test_a_weekly_table_opens_by_week_and_t_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "weeks.csv").write_text("cohort,size,0,1\n2024-01-08,10,10,4\n2024-01-15,20,20,\n")
    app = RetentionApp(["weeks.csv"])
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        assert app.settings.unit == "week" and "by week" in plain(app.main.status)
        assert "((24 − 20) / 10) × 100 = 40.0 %" in plain(app.query_one(FormulaPanel))
        await pilot.press("t")
        await ready(app, pilot)
        assert any("is not a month" in str(n.message) and "--period week" in str(n.message)
                   for n in app._notifications)
        assert app.settings.unit == "week" and "computing" not in plain(app.main.status)
